// Store: the durable source of truth, one SQLite file in WAL mode holding actors and
// relation observations. Every acknowledged write is committed here before the in-memory
// graph sees it; at start the graph is rebuilt from the file.
//
// Durability: journal_mode=WAL with synchronous=FULL, so a committed transaction survives a
// process kill and a power cut (NORMAL would only survive a process kill).
// Thread-safety: not thread-safe; the caller serialises access (the service holds a writer
// mutex).
#ifndef ACTORGRAPH_SERVER_STORE_H_
#define ACTORGRAPH_SERVER_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "graph/types.h"

struct sqlite3;

namespace actorgraph {

class Store {
 public:
  // Opens (creating if needed) the database at `path`. Unavailable if it cannot be opened
  // or is not an actorgraph database.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads every actor and observation into `graph`. Corrupt rows are an Internal error
  // naming the row.
  absl::Status LoadInto(ActorGraph& graph);

  // In one transaction: upserts `actors`, then inserts `observations` that are not yet
  // stored (by id). `inserted[i]` tells whether observations[i] was new. On any error the
  // transaction is rolled back and nothing is stored.
  absl::Status Write(const std::vector<Actor>& actors,
                     const std::vector<Observation>& observations, std::vector<bool>* inserted);

  // True when the database holds no observation and no actor.
  absl::StatusOr<bool> IsEmpty();

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  absl::Status Exec(const char* sql);
  sqlite3* db_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_STORE_H_
