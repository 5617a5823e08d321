// AnalyticsService: the gRPC handlers of actorgraph.v1.Analytics (stance, timeline,
// alliances, allies, neighbourhood, ranking, balance) over graph/'s algorithms. Thin
// handlers: validate with the proto's field names, call graph/, convert. Thread-safe.
//
// GetStance, GetTimeline and GetNeighborhood use gRPC's callback API (see service.h):
// GetTimeline inline on gRPC's callback thread, the two that read evidence from SQLite on
// ServerEnv's query pool. The analyses that can run up to the server's query time limit
// (FindAlliances, GetAlliesAndAdversaries, RankActors, GetBalance) stay on the sync API:
// each gets a thread of its own from gRPC's sync pool, as before, so a few of them running
// for seconds hold up neither each other nor the callback methods.
#ifndef ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
#define ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_

#include "actorgraph/v1/analytics.grpc.pb.h"
#include "server/call.h"

namespace actorgraph {

using AnalyticsServiceBase =
    v1::Analytics::WithCallbackMethod_GetStance<v1::Analytics::WithCallbackMethod_GetTimeline<
        v1::Analytics::WithCallbackMethod_GetNeighborhood<v1::Analytics::Service>>>;

class AnalyticsService final : public AnalyticsServiceBase {
 public:
  explicit AnalyticsService(ServerEnv* env) : env_(env) {}

  // Callback API.
  grpc::ServerUnaryReactor* GetStance(grpc::CallbackServerContext*, const v1::GetStanceRequest*,
                                      v1::Stance*) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext*, const v1::GetTimelineRequest*,
                                        v1::GetTimelineResponse*) override;
  grpc::ServerUnaryReactor* GetNeighborhood(grpc::CallbackServerContext*,
                                            const v1::GetNeighborhoodRequest*,
                                            v1::GetNeighborhoodResponse*) override;
  // Sync API.
  grpc::Status FindAlliances(grpc::ServerContext*, const v1::FindAlliancesRequest*,
                             v1::FindAlliancesResponse*) override;
  grpc::Status GetAlliesAndAdversaries(grpc::ServerContext*,
                                       const v1::GetAlliesAndAdversariesRequest*,
                                       v1::GetAlliesAndAdversariesResponse*) override;
  grpc::Status RankActors(grpc::ServerContext*, const v1::RankActorsRequest*,
                          v1::RankActorsResponse*) override;
  grpc::Status GetBalance(grpc::ServerContext*, const v1::GetBalanceRequest*,
                          v1::GetBalanceResponse*) override;

 private:
  ServerEnv* env_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
