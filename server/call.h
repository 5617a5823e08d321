// What every RPC handler shares: authorization, the request log line, metrics and the
// mapping of domain errors to gRPC codes. Handlers are written as
//   return env_->Handle(ctx, "GetActor", Scope::kRead, [&]() -> absl::Status { ... });
// Thread-safe.
#ifndef ACTORGRAPH_SERVER_CALL_H_
#define ACTORGRAPH_SERVER_CALL_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "server/auth.h"
#include "server/graph_state.h"

namespace actorgraph {

class Metrics;

// Request limits. Values outside them are INVALID_ARGUMENT naming the field.
struct Limits {
  int max_page_size = 1000;
  int default_page_size = 100;
  int max_hops = 8;
  int max_k = 20;
  int max_evidence = 50;
  int max_batch = 10000;          // relations or actors in one message
  int max_result_nodes = 2000;    // neighbourhood nodes, alliance members
  int max_streams = 64;           // concurrent IngestRelations/WatchChanges streams
  // Longest a query may compute; past it long algorithms stop (DEADLINE_EXCEEDED).
  std::chrono::milliseconds max_query_time{10000};
};

absl::Status ToAbsl(const grpc::Status& s);
grpc::Status ToGrpc(const absl::Status& s);

class ServerEnv {
 public:
  ServerEnv(GraphState* state, Limits limits, const TokenAuth* auth, Metrics* metrics,
            bool log_requests)
      : state_(state), limits_(limits), auth_(auth), metrics_(metrics), log_(log_requests) {}

  GraphState& state() const { return *state_; }
  const Limits& limits() const { return limits_; }

  // Authorizes, runs `fn`, logs one line and records metrics. `fn` returns the domain status.
  grpc::Status Handle(grpc::ServerContext* ctx, const char* method, Scope scope,
                      const std::function<absl::Status()>& fn);

  // A cancellation check for long algorithms: true once the client cancelled, its deadline
  // passed, or limits().max_query_time elapsed.
  std::function<bool()> Canceller(grpc::ServerContext* ctx) const;
  // An algorithm stopped by Canceller answers Cancelled; when the client did not cancel, the
  // server's time limit stopped it: DEADLINE_EXCEEDED.
  absl::Status QueryStatus(const absl::Status& s, grpc::ServerContext* ctx) const;

  // Counts ingested observations in the metrics (no-op without metrics).
  void RecordIngest(int64_t inserted, int64_t duplicates);

  // Stream slots: false (RESOURCE_EXHAUSTED) once max_streams are open.
  bool AcquireStream();
  void ReleaseStream();

 private:
  GraphState* state_;
  Limits limits_;
  const TokenAuth* auth_;  // nullptr: auth off
  Metrics* metrics_;       // may be nullptr
  bool log_;
  std::atomic<int> streams_{0};
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_CALL_H_
