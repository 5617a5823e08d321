// Store: the durable source of truth, one SQLite file in WAL mode holding actors,
// observations and a change log. Every acknowledged write is committed here before the
// in-memory graph sees it; at start the graph is rebuilt from the file.
//
// Durability: journal_mode=WAL with synchronous=FULL, so a committed transaction survives a
// process kill and a power cut (NORMAL would survive a kill but could lose the last
// transactions on power loss).
// Thread-safety: not thread-safe; the caller serialises access (GraphState's writer mutex).
// ReadChanges uses its own read connection and may run beside writers.
#ifndef ACTORGRAPH_SERVER_STORE_H_
#define ACTORGRAPH_SERVER_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "graph/types.h"

struct sqlite3;
struct sqlite3_stmt;

namespace actorgraph {

struct StoreOptions {
  bool read_only = false;    // open without write access: every write is UNAVAILABLE
  int64_t max_bytes = 0;     // refuse to grow past this (RESOURCE_EXHAUSTED); 0 = no cap
  int64_t cache_mb = 128;    // SQLite page cache of the writing connection
  // WAL pages (4 KiB) after which a background thread checkpoints; at 4x that the writer
  // waits for one checkpoint so the WAL starts over. 0 = the writer checkpoints itself.
  int64_t checkpoint_pages = 4096;
  // GraphState::Load writes a fresh graph image (see Store::WriteImage) when the load read at
  // least this many observation rows (rows newer than the image, or all when there is
  // none); 0 = never write one. Read-only stores never write.
  int64_t image_min_rows = 100000;
  bool use_image = true;  // GraphState::Load starts from the graph image when there is one
};

// How a load went: from the graph image plus newer rows, or from rows alone.
struct LoadStats {
  bool from_image = false;
  int64_t image_observations = 0;  // observations the image held
  int64_t rows = 0;                // observation rows read (newer than the image, or all)
  int64_t retracted_documents = 0; // documents retracted since the image, replayed
  int64_t upserted_actors = 0;     // actors upserted since the image, replayed
  std::string image_problem;       // why an existing image was not used ("" = none or used)
};

// One committed change, in version order.
struct Change {
  enum Type { kRelationAdded = 1, kRelationRetracted = 2, kActorUpserted = 3 };
  int64_t version = 0;
  Type type = kRelationAdded;
  std::string ref;   // observation id or actor id
  std::string doc;   // document of the observation
  std::string body;  // JSON line of the observation or actor as now stored; "" if gone
};

class Store {
 public:
  // Opens (creating if needed) the database at `path`. Unavailable if it cannot be opened;
  // FailedPrecondition if it is not an actorgraph database.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  struct LoadOptions {
    // False leaves evidence sentences on disk: each observation gets evidence.stored_row and
    // an empty sentence, and ReadSentences fetches them when a response needs them.
    bool sentences = true;
    // Start from the graph image when there is one (only without sentences, into an empty
    // graph), then replay what changed after it. A damaged or unreadable image is skipped
    // (stats->image_problem says why) and every row is read instead.
    bool use_image = true;
    LoadStats* stats = nullptr;  // filled in when not null
  };
  // Reads every actor and observation into `graph`. Corrupt rows are DataLoss naming the row.
  absl::Status LoadInto(ActorGraph& graph, const LoadOptions& options);
  absl::Status LoadInto(ActorGraph& graph) { return LoadInto(graph, LoadOptions()); }

  // In one transaction: upserts `actors`, then inserts `observations`, logging a change for
  // each; `rows[i]` is the stored row of observations[i]. The caller passes only observations
  // not stored yet (ids are unique; GraphState checks them against the graph, which holds
  // every stored id, so the store keeps no id index). On any error the transaction is rolled
  // back and nothing is stored:
  // RESOURCE_EXHAUSTED (disk or quota full), UNAVAILABLE (read-only, locked, I/O error).
  absl::Status Write(const std::vector<Actor>& actors,
                     const std::vector<Observation>& observations, std::vector<int64_t>* rows);

  // Stores a graph image of `graph` (graph/graph_image.h), which must hold exactly what the
  // store holds now (the caller excludes writers), replacing any older image. Written in
  // several transactions and switched over in a last one, so a failure (e.g. a full disk:
  // RESOURCE_EXHAUSTED) leaves the previous image in place; never needed for correctness.
  absl::Status WriteImage(const ActorGraph& graph);

  // The sentences of the observations stored in `rows` (evidence.stored_row), in order; ""
  // for a row that is gone. Uses the read connection, so it may run beside writers.
  absl::StatusOr<std::vector<std::string>> ReadSentences(const std::vector<int64_t>& rows);

  // Deletes every observation of `doc` in one transaction, logging each; returns their ids
  // in row order. `rows` are the rows (evidence.stored_row) that hold them, as the loaded
  // graph knows: the table has no index on doc (keeping one cost a quarter of every write),
  // so without `rows` the whole table is scanned. A row that is not stored, or holds
  // another document, is Internal (the graph and the store disagree) and deletes nothing.
  absl::StatusOr<std::vector<std::string>> RetractDocument(
      const std::string& doc, std::optional<std::vector<int64_t>> rows = std::nullopt);

  // Changes with version > after, oldest first, at most `max`.
  absl::StatusOr<std::vector<Change>> ReadChanges(int64_t after, int max);
  // The newest committed change version (0 for none), read from the database.
  absl::StatusOr<int64_t> LatestVersion();
  // The newest change version this Store committed (or found at Open); no query.
  int64_t committed_version() const { return version_; }

  // How many background checkpoints have run (0 without the checkpointer).
  int64_t checkpoints() const;

  // True when the database holds no observation and no actor.
  absl::StatusOr<bool> IsEmpty();

  // Copies the live database to `dest` with SQLite's online backup API.
  static absl::Status Backup(const std::string& db_path, const std::string& dest);
  // Checks `path` with PRAGMA integrity_check; DataLoss naming the first problem.
  static absl::Status CheckIntegrity(const std::string& path);

 private:
  Store(sqlite3* db, sqlite3* reader);  // out of line: members of incomplete types
  absl::Status Exec(const char* sql);
  // Adds the observation rows with seq > after_seq to `graph`; counts them in *rows.
  absl::Status LoadRows(ActorGraph& graph, bool sentences, int64_t after_seq, int64_t* rows);
  // Rebuilds `graph` from the stored image and what changed after it; false (with the
  // reason in stats.image_problem) when there is no usable image.
  absl::StatusOr<bool> LoadImage(ActorGraph& graph, LoadStats& stats);
  bool read_only_ = false;
  sqlite3* db_;
  sqlite3* reader_;         // read-only connection for ReadChanges and ReadSentences
  std::mutex reader_mu_;    // guards reader_ and sentence_reader_
  sqlite3_stmt* sentence_reader_ = nullptr;
  int64_t version_ = 0;     // guarded by the caller's write serialisation
  struct WriteStatements;
  std::unique_ptr<WriteStatements> write_;  // prepared at the first Write
  class Checkpointer;
  std::unique_ptr<Checkpointer> checkpointer_;  // null when read-only
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_STORE_H_
