// Internal to graph/: parses one JSONL line into a JSON object for the record codecs.
#ifndef ACTORGRAPH_GRAPH_JSON_OBJECT_H_
#define ACTORGRAPH_GRAPH_JSON_OBJECT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/strings.h"

namespace actorgraph {

// The object on `line`, or InvalidArgument "not JSON: ..." / "not a JSON object".
inline absl::StatusOr<nlohmann::json> ParseJsonObject(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] "; keep the readable part.
    auto pos = what.find("] ");
    return absl::InvalidArgumentError(
        StrCat("not JSON: ", pos == std::string::npos ? what : what.substr(pos + 2)));
  }
  if (!j.is_object()) return absl::InvalidArgumentError("not a JSON object");
  return j;
}

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_JSON_OBJECT_H_
