// AnalyticsService: the gRPC handlers of actorgraph.v1.Analytics (stance, timeline,
// alliances, allies, neighbourhood, ranking, balance) over graph/'s algorithms. Thin
// handlers: validate, call graph/, convert. Thread-safe.
#ifndef ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
#define ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_

#include "actorgraph/v1/analytics.grpc.pb.h"
#include "server/call.h"

namespace actorgraph {

class AnalyticsService final : public v1::Analytics::Service {
 public:
  explicit AnalyticsService(ServerEnv* env) : env_(env) {}

 private:
  ServerEnv* env_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_ANALYTICS_SERVICE_H_
