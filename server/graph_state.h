// GraphState: the server's domain core, with no gRPC in it. It owns the durable Store and the
// in-memory ActorGraph and keeps them in step: every write commits to SQLite first, then is
// applied to the graph under a short exclusive lock.
//
// Thread-safety: thread-safe. Readers share a reader/writer lock for the length of a query
// and always see whole batches; writers are serialised by write_mu_ and hold the exclusive
// lock only while applying an already-committed batch to memory.
#ifndef ACTORGRAPH_SERVER_GRAPH_STATE_H_
#define ACTORGRAPH_SERVER_GRAPH_STATE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "server/store.h"

namespace actorgraph {

struct IngestResult {
  int64_t inserted = 0;
  int64_t duplicates = 0;
  int64_t actors_created = 0;
};

class GraphState {
 public:
  // Opens the store at `db_path` and loads it into memory.
  static absl::StatusOr<std::unique_ptr<GraphState>> Open(const std::string& db_path);

  // Runs `fn` with shared, read-only access to a consistent graph.
  template <typename Fn>
  auto Read(Fn&& fn) const {
    std::shared_lock lock(graph_mu_);
    return fn(static_cast<const ActorGraph&>(graph_));
  }

  // Stores `batch` in one transaction (creating unknown actors), then applies it to memory.
  // Observations whose id is already stored count as duplicates. On error nothing is stored.
  absl::StatusOr<IngestResult> Ingest(std::vector<Observation> batch);

  // Creates or replaces actors durably; returns {created, updated}.
  absl::StatusOr<std::pair<int, int>> UpsertActors(std::vector<Actor> actors);

  // True when the database holds nothing yet.
  absl::StatusOr<bool> IsEmpty();

 private:
  explicit GraphState(std::unique_ptr<Store> store) : store_(std::move(store)) {}

  std::mutex write_mu_;                 // serialises writers; guards store_
  std::unique_ptr<Store> store_;
  mutable std::shared_mutex graph_mu_;  // guards graph_
  ActorGraph graph_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_GRAPH_STATE_H_
