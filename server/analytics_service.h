// AnalyticsService: the gRPC handlers of actorgraph.v1.Analytics (stance, timeline,
// alliances, allies, neighbourhood, ranking, balance) over graph/'s algorithms. Thin
// handlers: validate with the proto's field names, call graph/, convert. Thread-safe.
#ifndef ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
#define ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_

#include "actorgraph/v1/analytics.grpc.pb.h"
#include "server/call.h"

namespace actorgraph {

class AnalyticsService final : public v1::Analytics::Service {
 public:
  explicit AnalyticsService(ServerEnv* env) : env_(env) {}

  grpc::Status GetStance(grpc::ServerContext*, const v1::GetStanceRequest*, v1::Stance*) override;
  grpc::Status GetTimeline(grpc::ServerContext*, const v1::GetTimelineRequest*,
                           v1::GetTimelineResponse*) override;
  grpc::Status FindAlliances(grpc::ServerContext*, const v1::FindAlliancesRequest*,
                             v1::FindAlliancesResponse*) override;
  grpc::Status GetAlliesAndAdversaries(grpc::ServerContext*,
                                       const v1::GetAlliesAndAdversariesRequest*,
                                       v1::GetAlliesAndAdversariesResponse*) override;
  grpc::Status GetNeighborhood(grpc::ServerContext*, const v1::GetNeighborhoodRequest*,
                               v1::GetNeighborhoodResponse*) override;
  grpc::Status RankActors(grpc::ServerContext*, const v1::RankActorsRequest*,
                          v1::RankActorsResponse*) override;
  grpc::Status GetBalance(grpc::ServerContext*, const v1::GetBalanceRequest*,
                          v1::GetBalanceResponse*) override;

 private:
  ServerEnv* env_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
