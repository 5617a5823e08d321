// libFuzzer target: request handling. The first byte picks an RPC, the rest is fed as the
// serialized request message to the real service implementation (in process, over a small
// seeded graph). Every answer must be a status with a known code; nothing may crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "server/analytics_service.h"
#include "server/call.h"
#include "server/graph_state.h"
#include "server/service.h"

namespace {

using namespace actorgraph;

struct World {
  std::unique_ptr<GraphState> state;
  std::unique_ptr<ServerEnv> env;
  std::unique_ptr<ActorGraphService> service;
  std::unique_ptr<AnalyticsService> analytics;

  World() {
    char dir[] = "/tmp/actorgraph-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    auto s = GraphState::Open(std::string(dir) + "/fuzz.db");
    if (!s.ok() || !(*s)->Load().ok()) std::abort();
    state = *std::move(s);
    std::vector<Observation> seed;
    const char* pairs[][3] = {{"russia", "haftar", "SUPPORT"}, {"turkey", "gna", "AID"},
                              {"haftar", "gna", "FIGHT"},      {"egypt", "turkey", "THREATEN"},
                              {"haftar", "russia", "REJECT"},  {"uae", "haftar", "AID"}};
    int day = 0;
    for (auto& p : pairs) {
      Observation o;
      o.source = o.source_name = p[0];
      o.target = o.target_name = p[1];
      o.kind = *ParseRelationKind(p[2]);
      o.sign = Info(o.kind).sign;
      o.weight = Info(o.kind).default_weight;
      o.date = DayFromCivil(2020, 1, 1) + day++ * 20;
      o.evidence.doc = "seed";
      o.id = ObservationId("seed", day, day, o.source, o.target, o.kind);
      seed.push_back(o);
    }
    if (!state->Ingest(std::move(seed)).ok()) std::abort();
    Limits limits;
    limits.max_query_time = std::chrono::milliseconds(200);
    env = std::make_unique<ServerEnv>(state.get(), limits, nullptr, nullptr, /*log=*/false);
    service = std::make_unique<ActorGraphService>(env.get());
    analytics = std::make_unique<AnalyticsService>(env.get());
  }
};

template <typename Req, typename Resp, typename Svc, typename Fn>
grpc::Status Call(Svc* svc, Fn fn, const uint8_t* data, size_t size) {
  Req req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return grpc::Status::OK;
  Resp resp;
  grpc::ServerContext ctx;
  return (svc->*fn)(&ctx, &req, &resp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  if (size == 0) return 0;
  const uint8_t which = data[0] % 14;
  ++data;
  --size;
  ActorGraphService* s = world->service.get();
  AnalyticsService* a = world->analytics.get();
  grpc::Status st;
  switch (which) {
    case 0: st = Call<v1::GetActorRequest, v1::Actor>(s, &ActorGraphService::GetActor, data, size); break;
    case 1: st = Call<v1::ListActorsRequest, v1::ListActorsResponse>(s, &ActorGraphService::ListActors, data, size); break;
    case 2: st = Call<v1::ResolveActorRequest, v1::ResolveActorResponse>(s, &ActorGraphService::ResolveActor, data, size); break;
    case 3: st = Call<v1::ListRelationsRequest, v1::ListRelationsResponse>(s, &ActorGraphService::ListRelations, data, size); break;
    case 4: st = Call<v1::FindPathsRequest, v1::FindPathsResponse>(s, &ActorGraphService::FindPaths, data, size); break;
    case 5: st = Call<v1::UpsertActorsRequest, v1::UpsertActorsResponse>(s, &ActorGraphService::UpsertActors, data, size); break;
    case 6: st = Call<v1::RetractDocumentRequest, v1::RetractDocumentResponse>(s, &ActorGraphService::RetractDocument, data, size); break;
    case 7: st = Call<v1::GetStanceRequest, v1::Stance>(a, &AnalyticsService::GetStance, data, size); break;
    case 8: st = Call<v1::GetTimelineRequest, v1::GetTimelineResponse>(a, &AnalyticsService::GetTimeline, data, size); break;
    case 9: st = Call<v1::FindAlliancesRequest, v1::FindAlliancesResponse>(a, &AnalyticsService::FindAlliances, data, size); break;
    case 10: st = Call<v1::GetAlliesAndAdversariesRequest, v1::GetAlliesAndAdversariesResponse>(a, &AnalyticsService::GetAlliesAndAdversaries, data, size); break;
    case 11: st = Call<v1::GetNeighborhoodRequest, v1::GetNeighborhoodResponse>(a, &AnalyticsService::GetNeighborhood, data, size); break;
    case 12: st = Call<v1::RankActorsRequest, v1::RankActorsResponse>(a, &AnalyticsService::RankActors, data, size); break;
    default: st = Call<v1::GetBalanceRequest, v1::GetBalanceResponse>(a, &AnalyticsService::GetBalance, data, size); break;
  }
  // Internal errors mean a handler let something through that it should have named.
  if (st.error_code() == grpc::StatusCode::INTERNAL || st.error_code() == grpc::StatusCode::UNKNOWN) {
    std::abort();
  }
  return 0;
}
