// What every RPC handler shares: authorization, the request log line, metrics and the
// mapping of domain errors to gRPC codes. Sync-API handlers are written as
//   return env_->Handle(ctx, "UpsertActors", Scope::kWrite, [&]() -> absl::Status { ... });
// and callback-API (unary read) handlers as
//   return env_->ServeInline(ctx, "GetActor", Scope::kRead, [=, this]() -> absl::Status { ... });
//   return env_->ServeOnPool(ctx, "FindPaths", Scope::kRead, [=, this]() -> absl::Status { ... });
// Thread-safe.
#ifndef ACTORGRAPH_SERVER_CALL_H_
#define ACTORGRAPH_SERVER_CALL_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "server/auth.h"
#include "server/graph_state.h"
#include "server/query_pool.h"
#include "server/request_log.h"

namespace actorgraph {

class Metrics;

// Request limits. Values outside them are INVALID_ARGUMENT naming the field.
struct Limits {
  int max_page_size = 1000;
  int default_page_size = 100;
  int max_hops = 8;
  int max_k = 20;
  int max_evidence = 50;
  int max_batch = 10000;        // relations or actors in one message
  int max_result_nodes = 2000;  // neighbourhood nodes, alliance members
  int max_streams = 64;         // concurrent IngestRelations/WatchChanges streams
  // Longest a query may compute; past it long algorithms stop (DEADLINE_EXCEEDED).
  std::chrono::milliseconds max_query_time{10000};
};

absl::Status ToAbsl(const grpc::Status& s);
grpc::Status ToGrpc(const absl::Status& s);

class ServerEnv {
 public:
  // With `log_requests`, one line per request goes to `log_fd` (not owned; stderr by default)
  // through a background writer (RequestLog).
  ServerEnv(GraphState* state, Limits limits, const TokenAuth* auth, Metrics* metrics,
            bool log_requests, int log_fd = 2, QueryPoolOptions pool = {});

  GraphState& state() const { return *state_; }
  const Limits& limits() const { return limits_; }

  // Authorizes, runs `fn`, logs one line and records metrics. `fn` returns the domain status.
  // Works for both APIs: grpc::ServerContext (sync) and grpc::CallbackServerContext.
  grpc::Status Handle(grpc::ServerContextBase* ctx, const char* method, Scope scope,
                      const std::function<absl::Status()>& fn);

  // Callback-API unary handlers: Handle(), then finish the call with its status.
  // ServeInline runs `fn` on the calling thread, one of gRPC's callback threads. gRPC 1.51
  // (Debian 12) runs every callback-API handler and the health service on a few shared
  // threads: max(2, cores / 2), at most 16, "nexting" threads (two on the 2-core machine),
  // because its EventEngine does not poll in the background on Linux. A handler that blocks
  // there stalls all callback calls. So ServeInline is only for work that is short whatever the
  // request (a hash lookup, a pair's edge) and never waits on SQLite. It still takes the graph's
  // read lock, which a writer waiting behind a long query (up to limits().max_query_time)
  // holds up: so at most all but one of gRPC's callback threads run inline calls at a time, and
  // further calls go to the pool (ServeOnPool), which keeps one thread free for the health
  // service and the hand-off. (The pool for every call would cost GetActor a fifth to a third
  // of its throughput: docs/BENCHMARKS-load.md.) `fn` must capture by value, as for
  // ServeOnPool.
  grpc::ServerUnaryReactor* ServeInline(grpc::CallbackServerContext* ctx, const char* method,
                                        Scope scope, std::function<absl::Status()> fn);
  // ServeOnPool queues `fn` on the query pool and returns at once; the pool finishes the call.
  // For work that grows with the graph or the request, or reads evidence from SQLite.
  // `fn` runs later: it must capture by value (the request, response and context live until
  // the call finishes).
  grpc::ServerUnaryReactor* ServeOnPool(grpc::CallbackServerContext* ctx, const char* method,
                                        Scope scope, std::function<absl::Status()> fn);

  // A cancellation check for long algorithms: true once the client cancelled, its deadline
  // passed, or limits().max_query_time elapsed (counted from this call).
  std::function<bool()> Canceller(grpc::ServerContextBase* ctx) const;
  // An algorithm stopped by Canceller answers Cancelled; when the client did not cancel, the
  // server's time limit stopped it: DEADLINE_EXCEEDED.
  absl::Status QueryStatus(const absl::Status& s, grpc::ServerContextBase* ctx) const;

  // Counts ingested observations in the metrics (no-op without metrics).
  void RecordIngest(int64_t inserted, int64_t duplicates);

  // Stream slots: false (RESOURCE_EXHAUSTED) once max_streams are open.
  bool AcquireStream();
  void ReleaseStream();

  // Writes every request log line so far (no-op without logging).
  void FlushLog();

 private:
  void LogRequest(grpc::ServerContextBase* ctx, const char* method, const absl::Status& status,
                  double seconds, const std::string& caller);

  GraphState* state_;
  Limits limits_;
  const TokenAuth* auth_;  // nullptr: auth off
  Metrics* metrics_;       // may be nullptr
  std::atomic<int> streams_{0};
  // Inline calls running, and how many may (gRPC's callback threads less one).
  std::atomic<int> inline_calls_{0};
  const int max_inline_calls_;
  std::unique_ptr<RequestLog> log_;  // nullptr: no request log
  // Declared after log_: destroyed first, so its last tasks can still log.
  QueryPool pool_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_CALL_H_
