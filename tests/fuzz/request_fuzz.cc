// libFuzzer target: request handling. The first byte picks an RPC, the rest is fed as the
// serialized request message to the real services, served by a gRPC server in this process
// (over its in-process channel, so sync and callback handlers run as in production) on a
// small seeded graph. Every answer must be a status with a known code; nothing may crash.
#include <unistd.h>

#include <chrono>
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
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<v1::ActorGraph::Stub> graph_stub;
  std::unique_ptr<v1::Analytics::Stub> analytics_stub;

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
    grpc::ServerBuilder builder;  // no port: only the in-process channel
    builder.RegisterService(service.get());
    builder.RegisterService(analytics.get());
    server = builder.BuildAndStart();
    if (server == nullptr) std::abort();
    auto channel = server->InProcessChannel(grpc::ChannelArguments());
    graph_stub = v1::ActorGraph::NewStub(channel);
    analytics_stub = v1::Analytics::NewStub(channel);
  }
};

// Parses the input as a Req and makes the call; OK for an input that is not a Req.
template <typename Req, typename Resp, typename Stub, typename Fn>
grpc::Status Call(Stub* stub, Fn fn, const uint8_t* data, size_t size) {
  Req req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return grpc::Status::OK;
  Resp resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return (stub->*fn)(&ctx, req, &resp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  if (size == 0) return 0;
  const uint8_t which = data[0] % 14;
  ++data;
  --size;
  using G = v1::ActorGraph::Stub;
  using A = v1::Analytics::Stub;
  G* s = world->graph_stub.get();
  A* a = world->analytics_stub.get();
  grpc::Status st;
  switch (which) {
    case 0: st = Call<v1::GetActorRequest, v1::Actor>(s, &G::GetActor, data, size); break;
    case 1: st = Call<v1::ListActorsRequest, v1::ListActorsResponse>(s, &G::ListActors, data, size); break;
    case 2: st = Call<v1::ResolveActorRequest, v1::ResolveActorResponse>(s, &G::ResolveActor, data, size); break;
    case 3: st = Call<v1::ListRelationsRequest, v1::ListRelationsResponse>(s, &G::ListRelations, data, size); break;
    case 4: st = Call<v1::FindPathsRequest, v1::FindPathsResponse>(s, &G::FindPaths, data, size); break;
    case 5: st = Call<v1::UpsertActorsRequest, v1::UpsertActorsResponse>(s, &G::UpsertActors, data, size); break;
    case 6: st = Call<v1::RetractDocumentRequest, v1::RetractDocumentResponse>(s, &G::RetractDocument, data, size); break;
    case 7: st = Call<v1::GetStanceRequest, v1::Stance>(a, &A::GetStance, data, size); break;
    case 8: st = Call<v1::GetTimelineRequest, v1::GetTimelineResponse>(a, &A::GetTimeline, data, size); break;
    case 9: st = Call<v1::FindAlliancesRequest, v1::FindAlliancesResponse>(a, &A::FindAlliances, data, size); break;
    case 10: st = Call<v1::GetAlliesAndAdversariesRequest, v1::GetAlliesAndAdversariesResponse>(a, &A::GetAlliesAndAdversaries, data, size); break;
    case 11: st = Call<v1::GetNeighborhoodRequest, v1::GetNeighborhoodResponse>(a, &A::GetNeighborhood, data, size); break;
    case 12: st = Call<v1::RankActorsRequest, v1::RankActorsResponse>(a, &A::RankActors, data, size); break;
    default: st = Call<v1::GetBalanceRequest, v1::GetBalanceResponse>(a, &A::GetBalance, data, size); break;
  }
  // Internal errors mean a handler let something through that it should have named.
  if (st.error_code() == grpc::StatusCode::INTERNAL || st.error_code() == grpc::StatusCode::UNKNOWN) {
    std::abort();
  }
  return 0;
}
