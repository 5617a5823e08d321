// GraphState: the server's domain core, with no gRPC in it. It owns the durable Store and the
// in-memory ActorGraph and keeps them in step: every write commits to SQLite first, then is
// applied to the graph under a short exclusive lock, then bumps the version and wakes
// change watchers.
//
// Concurrency (documented choice): a reader/writer lock over one in-memory graph. Readers
// share the lock for the length of a query and always see whole batches. Writers are
// serialised by write_mu_; the slow part of a write (the SQLite commit with fsync) happens
// while readers keep reading, and the exclusive lock is held only to apply an
// already-committed batch to memory (microseconds per observation). The lock prefers writers,
// so a steady stream of queries cannot starve ingest (rw_lock.h). Copy-on-write snapshots
// were rejected for now: copying a graph of millions of observations per batch costs more
// than the short exclusive section it would save.
// Ingest runs in three stages (IngestStream): Prepare looks a batch up under the shared lock;
// StoreBatch commits it under write_mu_ while the batch before it may still be applied;
// ApplyBatch applies batches in the order they were stored. A batch stored but not applied
// yet is known to later StoreBatch calls by its ids and new actors (StoredBatch::Keys), so
// no id is stored twice; the other writers first wait for every stored batch to be applied.
// Thread-safety: thread-safe.
#ifndef ACTORGRAPH_SERVER_GRAPH_STATE_H_
#define ACTORGRAPH_SERVER_GRAPH_STATE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "server/rw_lock.h"
#include "server/store.h"

namespace actorgraph {

struct IngestResult {
  int64_t inserted = 0;
  int64_t duplicates = 0;
  int64_t actors_created = 0;
};

// A batch looked up ahead of its commit (GraphState::Prepare), so that the commit, the one
// serial stage of ingest, mostly stores and links.
struct PreparedBatch {
  std::vector<Observation> observations;
  std::vector<ActorGraph::AddHint> hints;  // one per observation
  std::vector<size_t> repeats;  // observations whose id an earlier one of the batch carries
  absl::flat_hash_set<Text, TextHash, TextEq> ids;  // every id of the batch
  // The graph writes the first chunk's lookups saw. Later chunks may have seen more: each
  // hint then holds for this generation too (actors and stored ids only appear, except by
  // writes that break StoreBatch's chain of applied batches and make it look again).
  uint64_t generation = 0;
};

// A batch committed to the store and not yet applied to the graph (GraphState::StoreBatch,
// then GraphState::ApplyBatch). Move-only.
struct StoredBatch {
  // What a batch stored but not yet applied holds, for the batches stored after it.
  struct Keys {
    absl::flat_hash_set<Text, TextHash, TextEq> ids;
    absl::flat_hash_set<Text, TextHash, TextEq> actors;  // actors it creates
  };
  std::vector<Observation> observations;  // evidence.stored_row 0: not stored (a duplicate)
  std::vector<ActorGraph::AddHint> hints;
  std::vector<Actor> new_actors;
  int64_t version = 0;  // the store's change version once this batch was committed
  uint64_t ticket = 0;  // batches are applied in the order they were stored
  std::shared_ptr<const Keys> keys;
};

class GraphState {
 public:
  // Opens the store at `db_path`; the graph stays empty and ready() false until Load().
  static absl::StatusOr<std::unique_ptr<GraphState>> Open(const std::string& db_path,
                                                          const StoreOptions& options = {});

  // Rebuilds the graph from the store (from its graph image and the rows after it when there
  // is one), then marks the state ready. When the load read many rows (StoreOptions::
  // image_min_rows) it first writes a fresh image, so the next load is fast; a failure to
  // write one is reported in load_stats().image_write_error, not as a failed load.
  absl::Status Load();
  struct LoadReport {
    LoadStats stats;
    double load_seconds = 0;
    bool image_written = false;
    double image_write_seconds = 0;
    std::string image_write_error;
  };
  // How the last Load() went. Call after Load() returned.
  const LoadReport& load_report() const { return load_report_; }
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  // Runs `fn` with shared, read-only access to a consistent graph.
  template <typename Fn>
  auto Read(Fn&& fn) const {
    std::shared_lock lock(graph_mu_);
    return fn(static_cast<const ActorGraph&>(graph_));
  }

  // Stores `batch` in one transaction (creating unknown actors), then applies it to memory.
  // Observations whose id is already stored count as duplicates. On error nothing is stored.
  absl::StatusOr<IngestResult> Ingest(std::vector<Observation> batch) {
    return Ingest(Prepare(std::move(batch)));
  }
  // The same in two steps: Prepare does the lookups under the shared lock, beside readers and
  // beside another batch's commit (IngestStream runs it on the caller's thread); Ingest then
  // checks again only what writes in between may have changed. `views`, when given, has an
  // entry per observation (ActorGraph::FieldViews) and is not used after Prepare returns.
  PreparedBatch Prepare(std::vector<Observation> batch,
                        std::span<const ActorGraph::FieldViews> views = {}) const;
  absl::StatusOr<IngestResult> Ingest(PreparedBatch batch);
  // Ingest(PreparedBatch) in its two serial stages, so that one batch can be stored while the
  // one before it is applied (IngestStream does). StoreBatch commits the batch to SQLite
  // (checking ids and actors against the graph and against the batches stored but not yet
  // applied); on error nothing is stored. Every StoredBatch must then go to ApplyBatch, which
  // waits for the batches stored before it to be applied, applies this one under the
  // exclusive lock and publishes its version.
  absl::StatusOr<StoredBatch> StoreBatch(PreparedBatch batch);
  IngestResult ApplyBatch(StoredBatch batch);

  // Creates or replaces actors durably; returns {created, updated}.
  absl::StatusOr<std::pair<int, int>> UpsertActors(std::vector<Actor> actors);

  // Removes every observation of `doc` atomically; returns how many were removed.
  absl::StatusOr<int64_t> RetractDocument(const std::string& doc);

  // The evidence sentences of stored observations (Evidence::stored_row), in order. The
  // graph keeps sentences on disk; responses fill them in with this. Safe beside writers.
  absl::StatusOr<std::vector<std::string>> ReadSentences(const std::vector<int64_t>& rows);

  // Committed changes after `after`, oldest first, at most `max`.
  absl::StatusOr<std::vector<Change>> ChangesAfter(int64_t after, int max);
  // Blocks until the version exceeds `after`, `timeout` passes, or Shutdown(); returns the
  // current version.
  int64_t WaitForVersion(int64_t after, std::chrono::milliseconds timeout);
  int64_t version() const { return version_.load(std::memory_order_acquire); }
  // Wakes every watcher for good (server shutdown).
  void Shutdown();
  bool shutting_down() const { return shutdown_.load(); }

  // True when the database holds nothing yet.
  absl::StatusOr<bool> IsEmpty();

  // Called after each committed write with the new graph size (for metrics).
  void set_on_write(std::function<void(int64_t actors, int64_t observations)> fn) {
    on_write_ = std::move(fn);
  }

 private:
  GraphState(std::unique_ptr<Store> store, const StoreOptions& options)
      : store_(std::move(store)), options_(options) {}
  // Publishes `version` and wakes watchers; after the graph has every change up to it.
  void Committed(int64_t version);
  // Waits until every stored batch is applied; requires write_mu_ (so none is being stored).
  void DrainApplies();

  std::mutex write_mu_;                 // serialises writers; guards store_ writes
  std::unique_ptr<Store> store_;
  mutable WriterPreferringRwLock graph_mu_;  // guards graph_
  ActorGraph graph_;
  // Bumped under the exclusive lock by every change to graph_, so Ingest knows whether a
  // PreparedBatch's lookups still hold.
  std::atomic<uint64_t> graph_writes_{0};
  uint64_t stored_tickets_ = 0;  // guarded by write_mu_: batches StoreBatch committed
  std::mutex apply_mu_;
  std::condition_variable apply_cv_;
  uint64_t applied_tickets_ = 0;  // guarded by apply_mu_
  std::mutex unapplied_mu_;  // taken inside graph_mu_ by ApplyBatch, never the other way
  // Guarded by unapplied_mu_: the Keys of batches stored and not yet applied, and of the
  // last few applied, each with the graph_writes_ value its apply made. A PreparedBatch whose
  // generation is older than the graph's is checked against these instead of the graph when
  // every write since was one of them.
  std::vector<std::shared_ptr<const StoredBatch::Keys>> unapplied_;
  std::vector<std::pair<uint64_t, std::shared_ptr<const StoredBatch::Keys>>> applied_;
  std::atomic<bool> ready_{false};
  std::atomic<int64_t> version_{0};
  std::atomic<bool> shutdown_{false};
  std::mutex version_mu_;
  std::condition_variable version_cv_;
  std::function<void(int64_t, int64_t)> on_write_;
  StoreOptions options_;
  LoadReport load_report_;  // written by Load() only
};

// One ingest stream's batches in a three-stage pipeline: the caller's thread converts and
// prepares batch N+2 (Push) while a committer thread stores batch N+1 in SQLite and an
// applier thread applies batch N to the graph (GraphState::StoreBatch / ApplyBatch). At most
// one batch waits before each of the two threads, so memory stays at about five batches per
// stream. A batch counts as acknowledged (totals()) only once it is applied. After the first
// failure no later batch is stored; the batches stored before it are still applied.
// Thread-safety: one caller thread uses it; `on_batch` runs on the applier thread.
class IngestStream {
 public:
  IngestStream(GraphState& state, std::function<void(const IngestResult&)> on_batch = {});
  ~IngestStream();  // Abandon()
  IngestStream(const IngestStream&) = delete;
  IngestStream& operator=(const IngestStream&) = delete;

  // Queues the next batch (numbered from 0), first waiting while another batch waits. Once a
  // batch failed, returns that failure (its message prefixed "batch N: ") and drops `batch`,
  // after the batches stored before the failed one are applied.
  // Prepares it (GraphState::Prepare, with `views`) on the caller's thread first.
  absl::Status Push(std::vector<Observation> batch,
                    std::span<const ActorGraph::FieldViews> views = {});
  // Waits until every queued batch is committed; returns the first failure, or OK.
  absl::Status Finish();
  // Drops the batches not started yet and waits for the one being committed. Push and
  // Finish then answer FailedPrecondition.
  void Abandon();

  // Sums over the committed batches; complete after Finish().
  IngestResult totals() const;
  int64_t committed_batches() const;

 private:
  void Run();    // the committer: stores batches in order
  void Apply();  // the applier: applies stored batches in order

  GraphState& state_;
  std::function<void(const IngestResult&)> on_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  PreparedBatch waiting_;             // guarded by mu_: the next batch to store
  bool has_waiting_ = false;          // guarded by mu_
  bool busy_ = false;                 // guarded by mu_: a batch is being stored
  std::optional<StoredBatch> stored_; // guarded by mu_: stored, waiting for the applier
  bool applying_ = false;             // guarded by mu_: the applier holds a batch
  bool stop_ = false;                 // guarded by mu_
  bool committer_done_ = false;       // guarded by mu_: Run() returned
  int64_t pushed_ = 0;                // caller thread only
  int64_t stored_count_ = 0;          // guarded by mu_: batches stored (numbers failures)
  int64_t committed_ = 0;             // guarded by mu_: batches applied
  IngestResult totals_;               // guarded by mu_
  absl::Status failure_;              // guarded by mu_: the first failure
  std::thread committer_;             // both started by the first Push
  std::thread applier_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_GRAPH_STATE_H_
