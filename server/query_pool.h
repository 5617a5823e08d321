// QueryPool: the threads that run the callback-API handlers whose work can be long (graph
// scans, path searches, evidence read from SQLite), so that gRPC's own callback threads
// (two on a 2-core machine in gRPC 1.51) stay free for short calls. Thread-safe.
#ifndef ACTORGRAPH_SERVER_QUERY_POOL_H_
#define ACTORGRAPH_SERVER_QUERY_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace actorgraph {

struct QueryPoolOptions {
  // Threads that always run; 0: two per core, at least 4. Few, so that queries do not crowd
  // the cores (and a writer's exclusive lock waits for few readers); more come only when the
  // queue stalls.
  int threads = 0;
  int max_threads = 64;
  // When queued work waits and no task finished for this long, one more thread starts: a
  // few long queries (up to the server's query limit) cannot hold up the short ones.
  std::chrono::milliseconds stall{50};
  // A thread beyond `threads` leaves after this long without work.
  std::chrono::milliseconds idle{10000};
};

class QueryPool {
 public:
  explicit QueryPool(QueryPoolOptions options = {});
  // Runs every queued task, then joins the threads.
  ~QueryPool();

  QueryPool(const QueryPool&) = delete;
  QueryPool& operator=(const QueryPool&) = delete;

  // Queues `task`; returns at once.
  void Run(std::function<void()> task);
  // Threads currently running (for tests and diagnostics).
  int threads() const;

 private:
  struct Worker {
    std::thread thread;
    bool done = false;  // guarded by mu_: the thread has left its loop
  };
  void StartWorkerLocked();
  void WorkLoop(Worker* self);
  void WatchLoop();

  static QueryPoolOptions Resolve(QueryPoolOptions options);

  const QueryPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable watch_cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  std::list<Worker> workers_;                // guarded by mu_
  int threads_ = 0;                          // guarded by mu_
  int idle_ = 0;                             // guarded by mu_
  uint64_t completed_ = 0;                   // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  std::thread watchdog_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_QUERY_POOL_H_
