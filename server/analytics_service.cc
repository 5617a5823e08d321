#include "server/analytics_service.h"

#include <cmath>

#include "graph/alliances.h"
#include "graph/allies.h"
#include "graph/balance.h"
#include "graph/neighborhood.h"
#include "graph/ranking.h"
#include "graph/stance.h"
#include "graph/strings.h"
#include "server/convert.h"
#include "server/service.h"

namespace actorgraph {
namespace {

absl::Status CheckHalfLife(double days) {
  if (!std::isfinite(days) || days < 0) {
    return absl::InvalidArgumentError("half_life_days: must be a non-negative number");
  }
  return absl::OkStatus();
}

std::string NameOf(const ActorGraph& g, const std::string& id) {
  const Actor* a = g.FindActor(id);
  return a ? a->name : id;
}

// Resolves every reference of a repeated field, naming the failing element.
absl::StatusOr<std::vector<std::string>> ResolveAll(
    const ActorGraph& g, const google::protobuf::RepeatedPtrField<std::string>& refs,
    std::string_view field, int max) {
  if (refs.size() > max) {
    return absl::InvalidArgumentError(StrCat(field, ": ", refs.size(), " exceeds the limit of ", max));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < refs.size(); ++i) {
    auto id = ResolveActorRef(g, refs[i], StrCat(field, "[", i, "]"));
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  return ids;
}

}  // namespace

grpc::ServerUnaryReactor* AnalyticsService::GetStance(grpc::CallbackServerContext* ctx,
                                                      const v1::GetStanceRequest* req,
                                                      v1::Stance* resp) {
  return env_->ServeOnPool(ctx, "GetStance", Scope::kRead, [=, this]() -> absl::Status {
    StanceQuery q;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.options.filter = *filter;
    if (auto s = CheckHalfLife(req->half_life_days()); !s.ok()) return s;
    q.options.half_life_days = req->half_life_days();
    auto as_of = ParseOptionalDay(req->as_of(), "as_of");
    if (!as_of.ok()) return as_of.status();
    q.options.as_of = *as_of;
    q.directed = req->directed();
    auto max_evidence = SizeOrDefault(req->max_evidence(), 5, 50, "max_evidence");
    if (!max_evidence.ok()) return max_evidence.status();
    q.max_evidence = *max_evidence;
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto a = ResolveActorRef(g, req->a(), "a");
      if (!a.ok()) return a.status();
      auto b = ResolveActorRef(g, req->b(), "b");
      if (!b.ok()) return b.status();
      q.a = *a;
      q.b = *b;
      auto r = actorgraph::GetStance(g, q);
      if (!r.ok()) return r.status();
      resp->set_a(r->a);
      resp->set_b(r->b);
      resp->set_score(r->totals.score);
      resp->set_positive(r->totals.positive);
      resp->set_negative(r->totals.negative);
      resp->set_count(r->totals.count);
      for (int k = 1; k < kNumRelationKinds; ++k) {
        if (r->totals.kind_count[k] == 0) continue;
        v1::KindTotal* t = resp->add_by_kind();
        t->set_kind(static_cast<v1::RelationKind>(k));
        t->set_count(r->totals.kind_count[k]);
        t->set_weight(r->totals.kind_weight[k]);
      }
      resp->set_first_seen(FormatDay(r->totals.first_seen));
      resp->set_last_seen(FormatDay(r->totals.last_seen));
      for (const Observation* o : r->evidence) ToProto(*o, resp->add_evidence());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GetTimeline(grpc::CallbackServerContext* ctx,
                                                        const v1::GetTimelineRequest* req,
                                                        v1::GetTimelineResponse* resp) {
  return env_->ServeInline(ctx, "GetTimeline", Scope::kRead, [=, this]() -> absl::Status {
    TimelineQuery q;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.filter = *filter;
    q.directed = req->directed();
    int bucket = static_cast<int>(req->bucket());
    if (bucket < 0 || bucket > static_cast<int>(TimeBucket::kDay)) {
      return absl::InvalidArgumentError(StrCat("bucket: unknown value ", bucket));
    }
    q.bucket = static_cast<TimeBucket>(bucket);
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto a = ResolveActorRef(g, req->a(), "a");
      if (!a.ok()) return a.status();
      auto b = ResolveActorRef(g, req->b(), "b");
      if (!b.ok()) return b.status();
      q.a = *a;
      q.b = *b;
      auto points = actorgraph::GetTimeline(g, q);
      if (!points.ok()) return points.status();
      resp->set_a(q.a);
      resp->set_b(q.b);
      for (const TimelinePoint& p : *points) {
        v1::TimelinePoint* out = resp->add_points();
        out->set_start(FormatDay(p.start));
        out->set_end(FormatDay(p.end));
        out->set_score(p.score);
        out->set_positive(p.positive);
        out->set_negative(p.negative);
        out->set_count(p.count);
        out->set_cumulative(p.cumulative);
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status AnalyticsService::FindAlliances(grpc::ServerContext* ctx,
                                             const v1::FindAlliancesRequest* req,
                                             v1::FindAlliancesResponse* resp) {
  return env_->Handle(ctx, "FindAlliances", Scope::kRead, [&]() -> absl::Status {
    AllianceQuery q;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.filter = *filter;
    auto radius = SizeOrDefault(req->radius(), 2, 4, "radius");
    if (!radius.ok()) return radius.status();
    q.radius = *radius;
    if (req->num_blocs() < 0 || req->num_blocs() > 16) {
      return absl::InvalidArgumentError(StrCat("num_blocs: ", req->num_blocs(), " is outside [0, 16]"));
    }
    q.num_blocs = req->num_blocs();
    q.seed = req->seed();
    auto restarts = SizeOrDefault(req->restarts(), 10, 100, "restarts");
    if (!restarts.ok()) return restarts.status();
    q.restarts = *restarts;
    auto max_tensions = SizeOrDefault(req->max_tensions(), 50, 1000, "max_tensions");
    if (!max_tensions.ok()) return max_tensions.status();
    q.max_tensions = *max_tensions;
    auto max_evidence = SizeOrDefault(req->max_evidence(), 3, 20, "max_evidence");
    if (!max_evidence.ok()) return max_evidence.status();
    q.max_evidence = *max_evidence;
    if (auto s = CheckHalfLife(req->half_life_days()); !s.ok()) return s;
    q.half_life_days = req->half_life_days();
    if (!std::isfinite(req->min_abs_stance()) || req->min_abs_stance() < 0) {
      return absl::InvalidArgumentError("min_abs_stance: must be a non-negative number");
    }
    q.min_abs_stance = req->min_abs_stance();
    q.cancelled = env_->Canceller(ctx);
    const int max_nodes = env_->limits().max_result_nodes;
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto actors = ResolveAll(g, req->actors(), "actors", max_nodes);
      if (!actors.ok()) return actors.status();
      auto around = ResolveAll(g, req->around(), "around", 100);
      if (!around.ok()) return around.status();
      q.actors = *std::move(actors);
      q.around = *std::move(around);
      auto r = actorgraph::FindAlliances(g, q);
      if (!r.ok()) return env_->QueryStatus(r.status(), ctx);
      for (size_t i = 0; i < r->blocs.size(); ++i) {
        const Bloc& b = r->blocs[i];
        v1::Bloc* out = resp->add_blocs();
        out->set_index(static_cast<int>(i));
        out->set_internal_positive(b.internal_positive);
        out->set_internal_negative(b.internal_negative);
        for (const BlocMember& m : b.members) {
          v1::BlocMember* pm = out->add_members();
          pm->set_actor(m.actor);
          pm->set_name(NameOf(g, m.actor));
          pm->set_attachment(m.attachment);
        }
      }
      resp->set_frustration(r->frustration);
      resp->set_frustration_index(r->frustration_index);
      for (const TensionEdge& t : r->tensions) {
        v1::TensionEdge* out = resp->add_tensions();
        out->set_source(t.relation.source);
        out->set_target(t.relation.target);
        out->set_stance(t.stance);
        out->set_within_bloc(t.within_bloc);
        out->set_source_bloc(t.source_bloc);
        out->set_target_bloc(t.target_bloc);
        for (const Observation* o : t.relation.evidence) ToProto(*o, out->add_evidence());
      }
      resp->set_method(r->exact ? "exact" : "local-search");
      resp->set_optimal(r->optimal);
      resp->set_truncated(r->truncated);
      return absl::OkStatus();
    });
  });
}

grpc::Status AnalyticsService::GetAlliesAndAdversaries(
    grpc::ServerContext* ctx, const v1::GetAlliesAndAdversariesRequest* req,
    v1::GetAlliesAndAdversariesResponse* resp) {
  return env_->Handle(ctx, "GetAlliesAndAdversaries", Scope::kRead, [&]() -> absl::Status {
    AlliesQuery q;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.stance.filter = *filter;
    if (auto s = CheckHalfLife(req->half_life_days()); !s.ok()) return s;
    q.stance.half_life_days = req->half_life_days();
    auto limit = SizeOrDefault(req->limit(), 20, kMaxAlliesLimit, "limit");
    if (!limit.ok()) return limit.status();
    q.limit = *limit;
    q.inferred = req->inferred();
    auto max_hops = SizeOrDefault(req->max_hops(), 2, kMaxAlliesHops, "max_hops");
    if (!max_hops.ok()) return max_hops.status();
    if (*max_hops < 2) return absl::InvalidArgumentError("max_hops: must be at least 2");
    q.max_hops = *max_hops;
    auto max_evidence = SizeOrDefault(req->max_evidence(), 2, kMaxAlliesEvidence, "max_evidence");
    if (!max_evidence.ok()) return max_evidence.status();
    q.max_evidence = *max_evidence;
    q.cancelled = env_->Canceller(ctx);
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto id = ResolveActorRef(g, req->actor(), "actor");
      if (!id.ok()) return id.status();
      q.actor = *id;
      auto r = actorgraph::GetAlliesAndAdversaries(g, q);
      if (!r.ok()) return env_->QueryStatus(r.status(), ctx);
      resp->set_actor(q.actor);
      auto fill = [&](const Affinity& a, v1::Affinity* out) {
        out->set_actor(a.actor);
        out->set_name(NameOf(g, a.actor));
        out->set_score(a.score);
        out->set_direct(a.direct);
        ToProto(a.explanation, out->mutable_explanation());
      };
      for (const Affinity& a : r->allies) fill(a, resp->add_allies());
      for (const Affinity& a : r->adversaries) fill(a, resp->add_adversaries());
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* AnalyticsService::GetNeighborhood(grpc::CallbackServerContext* ctx,
                                                            const v1::GetNeighborhoodRequest* req,
                                                            v1::GetNeighborhoodResponse* resp) {
  return env_->ServeOnPool(ctx, "GetNeighborhood", Scope::kRead, [=, this]() -> absl::Status {
    NeighborhoodQuery q;
    auto radius = SizeOrDefault(req->radius(), 1, kMaxNeighborhoodRadius, "radius");
    if (!radius.ok()) return radius.status();
    q.radius = *radius;
    auto max_nodes = SizeOrDefault(req->max_nodes(), 100,
                                   std::min(kMaxNeighborhoodNodes, env_->limits().max_result_nodes),
                                   "max_nodes");
    if (!max_nodes.ok()) return max_nodes.status();
    q.max_nodes = *max_nodes;
    auto max_evidence = SizeOrDefault(req->max_evidence(), 1, kMaxNeighborhoodEvidence, "max_evidence");
    if (!max_evidence.ok()) return max_evidence.status();
    q.max_evidence = *max_evidence;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.filter = *filter;
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto id = ResolveActorRef(g, req->actor(), "actor");
      if (!id.ok()) return id.status();
      q.actor = *id;
      auto r = actorgraph::GetNeighborhood(g, q);
      if (!r.ok()) return r.status();
      for (const NeighborhoodNode& n : r->nodes) {
        v1::Node* out = resp->add_nodes();
        out->set_actor(n.actor);
        out->set_depth(n.depth);
        out->set_degree(n.degree);
        if (const Actor* a = g.FindActor(n.actor)) {
          out->set_name(a->name);
          out->set_kind(static_cast<v1::ActorKind>(a->kind));
          out->set_country(a->country);
        }
      }
      for (const PathEdge& e : r->edges) ToProto(e, resp->add_edges());
      resp->set_truncated(r->truncated);
      return absl::OkStatus();
    });
  });
}

grpc::Status AnalyticsService::RankActors(grpc::ServerContext* ctx,
                                          const v1::RankActorsRequest* req,
                                          v1::RankActorsResponse* resp) {
  return env_->Handle(ctx, "RankActors", Scope::kRead, [&]() -> absl::Status {
    RankQuery q;
    int by = static_cast<int>(req->by());
    if (by < 0 || by > static_cast<int>(RankMeasure::kBetweenness)) {
      return absl::InvalidArgumentError(StrCat("by: unknown value ", by));
    }
    q.by = static_cast<RankMeasure>(by);
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.filter = *filter;
    auto limit = SizeOrDefault(req->limit(), 20, kMaxRankLimit, "limit");
    if (!limit.ok()) return limit.status();
    q.limit = *limit;
    if (req->damping() != 0 && !(req->damping() > 0 && req->damping() < 1)) {
      return absl::InvalidArgumentError("damping: must lie in (0, 1)");
    }
    q.damping = req->damping() == 0 ? 0.85 : req->damping();
    auto samples = SizeOrDefault(req->samples(), 0, kMaxBetweennessSamples, "samples");
    if (!samples.ok()) return samples.status();
    q.samples = *samples;
    q.seed = req->seed() == 0 ? 1 : req->seed();
    q.cancelled = env_->Canceller(ctx);
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto r = actorgraph::RankActors(g, q);
      if (!r.ok()) return env_->QueryStatus(r.status(), ctx);
      for (const RankedActor& a : r->actors) {
        v1::RankedActor* out = resp->add_actors();
        out->set_actor(a.actor);
        out->set_name(NameOf(g, a.actor));
        out->set_score(a.score);
        out->set_rank(a.rank);
      }
      resp->set_method(r->method);
      return absl::OkStatus();
    });
  });
}

grpc::Status AnalyticsService::GetBalance(grpc::ServerContext* ctx,
                                          const v1::GetBalanceRequest* req,
                                          v1::GetBalanceResponse* resp) {
  return env_->Handle(ctx, "GetBalance", Scope::kRead, [&]() -> absl::Status {
    BalanceQuery q;
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.stance.filter = *filter;
    auto limit = SizeOrDefault(req->limit(), 20, kMaxBalanceLimit, "limit");
    if (!limit.ok()) return limit.status();
    q.limit = *limit;
    q.cancelled = env_->Canceller(ctx);
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto r = actorgraph::GetBalance(g, q);
      if (!r.ok()) return env_->QueryStatus(r.status(), ctx);
      resp->set_balanced(r->balanced);
      resp->set_unbalanced(r->unbalanced);
      resp->set_ratio(r->ratio);
      for (const ActorBalance& a : r->actors) {
        v1::ActorBalance* out = resp->add_actors();
        out->set_actor(a.actor);
        out->set_balanced(a.balanced);
        out->set_unbalanced(a.unbalanced);
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace actorgraph
