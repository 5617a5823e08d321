// Streaming reader for relations JSONL files, shared by the server's --import and the CLI's
// `load`. Each bad line is reported with its number and reason; the good lines still flow.
// Thread-compatible.
#ifndef ACTORGRAPH_SERVER_JSONL_FILE_H_
#define ACTORGRAPH_SERVER_JSONL_FILE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "graph/types.h"

namespace actorgraph {

struct JsonlReadStats {
  int64_t lines = 0;     // non-empty lines read
  int64_t valid = 0;     // lines that parsed
  int64_t rejected = 0;  // lines reported to on_error
};

// Blank lines and lines starting with '#' are skipped.
// Reads `path` line by line and calls `on_batch` with up to `batch_size` parsed
// observations at a time. Bad lines (not JSON, a bad field, over 1 MiB) go to `on_error` as
// "PATH:LINE: reason". Stops early and returns on_batch's error if it fails. Returns
// NotFound/PermissionDenied/Unavailable if the file cannot be read.
absl::Status ReadRelationsFile(
    const std::string& path, size_t batch_size,
    const std::function<absl::Status(std::vector<Observation>&)>& on_batch,
    const std::function<void(const std::string&)>& on_error, JsonlReadStats* stats);

// Same for an actor dictionary file (graph/actor_jsonl.h format), or every *.jsonl file of a
// directory in name order.
absl::Status ReadActorsPath(const std::string& path, std::vector<Actor>* actors,
                            const std::function<void(const std::string&)>& on_error,
                            JsonlReadStats* stats);

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_JSONL_FILE_H_
