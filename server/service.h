// ActorGraphService: the gRPC handlers of actorgraph.v1.ActorGraph. Each handler is thin:
// validate the request (convert.h), call GraphState, convert the answer back; ServerEnv
// does auth, logging, metrics and the status mapping. Thread-safe.
#ifndef ACTORGRAPH_SERVER_SERVICE_H_
#define ACTORGRAPH_SERVER_SERVICE_H_

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "server/call.h"

namespace actorgraph {

class ActorGraphService final : public v1::ActorGraph::Service {
 public:
  explicit ActorGraphService(ServerEnv* env) : env_(env) {}

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
