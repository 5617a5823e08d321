// ActorGraphService: the gRPC handlers of actorgraph.v1.ActorGraph. Each handler is thin:
// validate the request (convert.h), call GraphState, convert the answer back; ServerEnv
// does auth, logging, metrics and the status mapping. Thread-safe.
//
// The unary reads use gRPC's callback API, which costs about 40 % less server CPU per call
// than the sync API (docs/BENCHMARKS-load.md): GetActor runs on gRPC's callback threads
// (ServerEnv::ServeInline), the reads that scan, search or read evidence from SQLite on the
// query pool (ServeOnPool). The writes and the streams (UpsertActors, IngestRelations,
// RetractDocument, WatchChanges) stay on the sync API: each holds its own thread for as long
// as it runs (commits, a watch that waits for changes), which is what the sync pool is for.
#ifndef ACTORGRAPH_SERVER_SERVICE_H_
#define ACTORGRAPH_SERVER_SERVICE_H_

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "server/call.h"

namespace actorgraph {

using ActorGraphServiceBase = v1::ActorGraph::WithCallbackMethod_GetActor<
    v1::ActorGraph::WithCallbackMethod_ListActors<v1::ActorGraph::WithCallbackMethod_ResolveActor<
        v1::ActorGraph::WithCallbackMethod_ListRelations<
            v1::ActorGraph::WithCallbackMethod_FindPaths<v1::ActorGraph::Service>>>>>;

class ActorGraphService final : public ActorGraphServiceBase {
 public:
  explicit ActorGraphService(ServerEnv* env) : env_(env) {}

  // Callback API.
  grpc::ServerUnaryReactor* GetActor(grpc::CallbackServerContext*, const v1::GetActorRequest*,
                                     v1::Actor*) override;
  grpc::ServerUnaryReactor* ListActors(grpc::CallbackServerContext*, const v1::ListActorsRequest*,
                                       v1::ListActorsResponse*) override;
  grpc::ServerUnaryReactor* ResolveActor(grpc::CallbackServerContext*,
                                         const v1::ResolveActorRequest*,
                                         v1::ResolveActorResponse*) override;
  grpc::ServerUnaryReactor* ListRelations(grpc::CallbackServerContext*,
                                          const v1::ListRelationsRequest*,
                                          v1::ListRelationsResponse*) override;
  grpc::ServerUnaryReactor* FindPaths(grpc::CallbackServerContext*, const v1::FindPathsRequest*,
                                      v1::FindPathsResponse*) override;
  // Sync API.
  grpc::Status UpsertActors(grpc::ServerContext*, const v1::UpsertActorsRequest*,
                            v1::UpsertActorsResponse*) override;
  grpc::Status IngestRelations(grpc::ServerContext*,
                               grpc::ServerReader<v1::IngestRelationsRequest>*,
                               v1::IngestRelationsResponse*) override;
  grpc::Status RetractDocument(grpc::ServerContext*, const v1::RetractDocumentRequest*,
                               v1::RetractDocumentResponse*) override;
  grpc::Status WatchChanges(grpc::ServerContext*, const v1::WatchChangesRequest*,
                            grpc::ServerWriter<v1::ChangeEvent>*) override;

 private:
  ServerEnv* env_;
};

// Shared request checks, also used by the analytics handlers.
// Resolves an id or alias; NotFound names the field and the value.
absl::StatusOr<std::string> ResolveActorRef(const ActorGraph& g, const std::string& ref,
                                            std::string_view field);
// InvalidArgument naming `field` unless lo <= value <= hi.
absl::Status CheckRange(int value, int lo, int hi, std::string_view field);
// 0 -> default; negative or above max -> InvalidArgument naming `field`.
absl::StatusOr<int> SizeOrDefault(int requested, int def, int max, std::string_view field);

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_SERVICE_H_
