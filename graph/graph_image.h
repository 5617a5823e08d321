// GraphImage: a compact binary image of a whole ActorGraph (actors, edges, observations and
// their shared strings), written as a sequence of chunks and rebuilt in bulk.
//
// Why: rebuilding a graph of tens of millions of observations one AddObservation at a time
// does ~8 hash lookups per observation on strings (actor ids, documents, names) into indexes
// of millions of entries. The image refers to actors, edges and repeated strings by ordinal,
// so a rebuild only appends to vectors and inserts each observation id once. The server
// keeps an image inside its SQLite store (server/store.h) and replays the rows written after
// it; the image is derived data, never the source of truth.
//
// Format (version 1), little-endian. Each chunk: u32 magic "AGI1", u8 section, u32 record
// count, then the records. Sections come in order: one header record (format, counts,
// newest date), actors (in index order), strings, edges (in id order: source, target
// indices), observations (in insertion order; strings as ordinals into the string section,
// 0 = empty), and an empty end chunk. A record never spans chunks.
//
// Thread-compatibility: Write reads the graph (callers hold it stable); a reader is used by
// one thread.
#ifndef ACTORGRAPH_GRAPH_GRAPH_IMAGE_H_
#define ACTORGRAPH_GRAPH_GRAPH_IMAGE_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "graph/actor_graph.h"

namespace actorgraph {

inline constexpr int kGraphImageFormat = 1;

class GraphImageWriter {
 public:
  // Writes `graph` to `sink` in chunks of about `chunk_bytes` (a record longer than that gets
  // a chunk of its own). Stops at the first error `sink` returns.
  static absl::Status Write(const ActorGraph& graph,
                            absl::FunctionRef<absl::Status(std::string_view chunk)> sink,
                            size_t chunk_bytes = 4 << 20);
};

class GraphImageReader {
 public:
  // `image_bytes`, the total size of the chunks to come, bounds what the header may promise
  // (so a damaged count cannot make the reader reserve memory the image could never fill);
  // 0 = unknown.
  explicit GraphImageReader(uint64_t image_bytes = 0);
  ~GraphImageReader();
  GraphImageReader(const GraphImageReader&) = delete;
  GraphImageReader& operator=(const GraphImageReader&) = delete;

  // Adds the next chunk. DataLoss naming the chunk and what is wrong when it is malformed,
  // out of order, or refers to something that does not exist; the reader is then unusable.
  absl::Status Add(std::string_view chunk);
  // The rebuilt graph, once the end chunk was added; DataLoss when the image is incomplete.
  absl::StatusOr<ActorGraph> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_GRAPH_IMAGE_H_
