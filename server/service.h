// ActorGraphService: the gRPC handlers of actorgraph.v1.ActorGraph. Each handler is thin:
// validate the request (convert.h), call GraphState, convert the answer back. Errors become
// gRPC codes only here. Thread-safe (all state is in GraphState).
#ifndef ACTORGRAPH_SERVER_SERVICE_H_
#define ACTORGRAPH_SERVER_SERVICE_H_

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "absl/status/status.h"
#include "server/graph_state.h"

namespace actorgraph {

// Request limits. Values outside them are INVALID_ARGUMENT naming the field.
struct Limits {
  int max_page_size = 1000;
  int default_page_size = 100;
  int max_hops = 8;
  int max_k = 20;
  int max_evidence = 50;
  int max_batch = 10000;  // relations in one IngestRelations message
};

// absl::Status -> grpc::Status; the canonical codes match one to one.
grpc::Status ToGrpc(const absl::Status& s);

class ActorGraphService final : public v1::ActorGraph::Service {
 public:
  ActorGraphService(GraphState* state, Limits limits) : state_(state), limits_(limits) {}

  grpc::Status GetActor(grpc::ServerContext*, const v1::GetActorRequest*, v1::Actor*) override;
  grpc::Status ListActors(grpc::ServerContext*, const v1::ListActorsRequest*,
                          v1::ListActorsResponse*) override;
  grpc::Status ResolveActor(grpc::ServerContext*, const v1::ResolveActorRequest*,
                            v1::ResolveActorResponse*) override;
  grpc::Status ListRelations(grpc::ServerContext*, const v1::ListRelationsRequest*,
                             v1::ListRelationsResponse*) override;
  grpc::Status FindPaths(grpc::ServerContext*, const v1::FindPathsRequest*,
                         v1::FindPathsResponse*) override;
  grpc::Status UpsertActors(grpc::ServerContext*, const v1::UpsertActorsRequest*,
                            v1::UpsertActorsResponse*) override;
  grpc::Status IngestRelations(grpc::ServerContext*,
                               grpc::ServerReader<v1::IngestRelationsRequest>*,
                               v1::IngestRelationsResponse*) override;

 private:
  GraphState* state_;
  Limits limits_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_SERVICE_H_
