#include "server/service.h"

#include <algorithm>
#include <charconv>

#include "graph/strings.h"
#include "graph/actor_graph.h"
#include "server/convert.h"

namespace actorgraph {
namespace {

constexpr size_t kMaxNameBytes = 1024;

absl::Status PageSize(int requested, const Limits& limits, std::string_view field, int* out) {
  if (requested < 0) return absl::InvalidArgumentError(StrCat(field, ": must not be negative"));
  if (requested > limits.max_page_size) {
    return absl::InvalidArgumentError(
        StrCat(field, ": ", requested, " exceeds the limit of ", limits.max_page_size));
  }
  *out = requested == 0 ? limits.default_page_size : requested;
  return absl::OkStatus();
}

// Offset page tokens: "o<offset>". Opaque to clients; validated here.
absl::StatusOr<size_t> ParseOffsetToken(const std::string& token) {
  if (token.empty()) return 0;
  size_t offset = 0;
  if (token.size() < 2 || token[0] != 'o' ||
      std::from_chars(token.data() + 1, token.data() + token.size(), offset).ptr !=
          token.data() + token.size()) {
    return absl::InvalidArgumentError("page_token: is not a token this server issued");
  }
  return offset;
}

// Resolves an id or alias; NotFound names the field and the value.
absl::StatusOr<std::string> ResolveActorRef(const ActorGraph& g, const std::string& ref,
                                            std::string_view field) {
  if (auto s = CheckText(ref, field, kMaxNameBytes, true); !s.ok()) return s;
  auto id = g.Resolve(ref);
  if (!id) return absl::NotFoundError(StrCat(field, ": no actor \"", ref, "\""));
  return *id;
}

absl::Status CheckRange(int value, int lo, int hi, std::string_view field) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(
        StrCat(field, ": ", value, " is outside [", lo, ", ", hi, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

grpc::Status ActorGraphService::GetActor(grpc::ServerContext*, const v1::GetActorRequest* req,
                                         v1::Actor* resp) {
  return ToGrpc(state_->Read([&](const ActorGraph& g) -> absl::Status {
    auto id = ResolveActorRef(g, req->actor(), "actor");
    if (!id.ok()) return id.status();
    ToProto(*g.FindActor(*id), g.ObservationCount(*id), resp);
    return absl::OkStatus();
  }));
}

grpc::Status ActorGraphService::ListActors(grpc::ServerContext*, const v1::ListActorsRequest* req,
                                           v1::ListActorsResponse* resp) {
  int page_size;
  if (auto s = PageSize(req->page_size(), limits_, "page_size", &page_size); !s.ok()) return ToGrpc(s);
  if (auto s = CheckText(req->query(), "query", kMaxNameBytes, false); !s.ok()) return ToGrpc(s);
  int kind = static_cast<int>(req->kind());
  if (kind < 0 || kind > static_cast<int>(ActorKind::kOther)) {
    return ToGrpc(absl::InvalidArgumentError(StrCat("kind: unknown value ", kind)));
  }
  auto offset = ParseOffsetToken(req->page_token());
  if (!offset.ok()) return ToGrpc(offset.status());
  const std::string query = FoldName(req->query());
  return ToGrpc(state_->Read([&](const ActorGraph& g) -> absl::Status {
    std::vector<const Actor*> match;
    for (const Actor* a : g.Actors()) {
      if (kind != 0 && static_cast<int>(a->kind) != kind) continue;
      if (!query.empty()) {
        bool hit = FoldName(a->id).find(query) != std::string::npos ||
                   FoldName(a->name).find(query) != std::string::npos;
        for (size_t i = 0; !hit && i < a->aliases.size(); ++i) {
          hit = FoldName(a->aliases[i]).find(query) != std::string::npos;
        }
        if (!hit) continue;
      }
      match.push_back(a);
    }
    resp->set_total_size(static_cast<int64_t>(match.size()));
    size_t end = std::min(match.size(), *offset + page_size);
    for (size_t i = *offset; i < end; ++i) {
      ToProto(*match[i], g.ObservationCount(match[i]->id), resp->add_actors());
    }
    if (end < match.size()) resp->set_next_page_token(StrCat("o", end));
    return absl::OkStatus();
  }));
}

grpc::Status ActorGraphService::ResolveActor(grpc::ServerContext*,
                                             const v1::ResolveActorRequest* req,
                                             v1::ResolveActorResponse* resp) {
  if (auto s = CheckText(req->name(), "name", kMaxNameBytes, true); !s.ok()) return ToGrpc(s);
  int max = req->max_candidates() == 0 ? 10 : req->max_candidates();
  if (auto s = CheckRange(max, 1, 100, "max_candidates"); !s.ok()) return ToGrpc(s);
  return ToGrpc(state_->Read([&](const ActorGraph& g) -> absl::Status {
    for (const ResolveCandidate& c : g.ResolveCandidates(req->name(), max)) {
      v1::ActorCandidate* pc = resp->add_candidates();
      ToProto(*c.actor, g.ObservationCount(c.actor->id), pc->mutable_actor());
      pc->set_score(c.score);
      pc->set_matched(c.matched);
    }
    return absl::OkStatus();
  }));
}

grpc::Status ActorGraphService::ListRelations(grpc::ServerContext*,
                                              const v1::ListRelationsRequest* req,
                                              v1::ListRelationsResponse* resp) {
  int page_size;
  if (auto s = PageSize(req->page_size(), limits_, "page_size", &page_size); !s.ok()) return ToGrpc(s);
  auto filter = FromProto(req->filter(), "filter");
  if (!filter.ok()) return ToGrpc(filter.status());
  auto offset = ParseOffsetToken(req->page_token());
  if (!offset.ok()) return ToGrpc(offset.status());
  if (auto s = CheckText(req->doc(), "doc", 256, false); !s.ok()) return ToGrpc(s);
  if (!req->other().empty() && req->actor().empty()) {
    return ToGrpc(absl::InvalidArgumentError("other: needs actor to be set too"));
  }
  return ToGrpc(state_->Read([&](const ActorGraph& g) -> absl::Status {
    RelationQuery q;
    q.filter = *filter;
    q.doc = req->doc();
    if (!req->actor().empty()) {
      auto id = ResolveActorRef(g, req->actor(), "actor");
      if (!id.ok()) return id.status();
      q.actor = *id;
    }
    if (!req->other().empty()) {
      auto id = ResolveActorRef(g, req->other(), "other");
      if (!id.ok()) return id.status();
      q.other = *id;
    }
    std::vector<const Observation*> all = g.Relations(q);
    resp->set_total_size(static_cast<int64_t>(all.size()));
    size_t end = std::min(all.size(), *offset + page_size);
    for (size_t i = *offset; i < end; ++i) ToProto(*all[i], resp->add_relations());
    if (end < all.size()) resp->set_next_page_token(StrCat("o", end));
    return absl::OkStatus();
  }));
}

grpc::Status ActorGraphService::FindPaths(grpc::ServerContext*, const v1::FindPathsRequest* req,
                                          v1::FindPathsResponse* resp) {
  PathQuery q;
  q.max_hops = req->max_hops() == 0 ? 4 : req->max_hops();
  q.k = req->k() == 0 ? 1 : req->k();
  q.max_evidence = req->max_evidence() == 0 ? 3 : req->max_evidence();
  q.directed = req->directed();
  for (auto s : {CheckRange(q.max_hops, 1, limits_.max_hops, "max_hops"),
                 CheckRange(q.k, 1, limits_.max_k, "k"),
                 CheckRange(q.max_evidence, 1, limits_.max_evidence, "max_evidence")}) {
    if (!s.ok()) return ToGrpc(s);
  }
  auto filter = FromProto(req->filter(), "filter");
  if (!filter.ok()) return ToGrpc(filter.status());
  q.filter = *filter;
  return ToGrpc(state_->Read([&](const ActorGraph& g) -> absl::Status {
    auto from = ResolveActorRef(g, req->from(), "from");
    if (!from.ok()) return from.status();
    auto to = ResolveActorRef(g, req->to(), "to");
    if (!to.ok()) return to.status();
    q.from = *from;
    q.to = *to;
    auto result = g.FindPaths(q);
    if (!result.ok()) return result.status();
    for (const FoundPath& p : result->paths) ToProto(p, resp->add_paths());
    resp->set_truncated(result->truncated);
    return absl::OkStatus();
  }));
}

grpc::Status ActorGraphService::UpsertActors(grpc::ServerContext*,
                                             const v1::UpsertActorsRequest* req,
                                             v1::UpsertActorsResponse* resp) {
  if (req->actors_size() == 0) return ToGrpc(absl::InvalidArgumentError("actors: is empty"));
  if (req->actors_size() > limits_.max_batch) {
    return ToGrpc(absl::InvalidArgumentError(
        StrCat("actors: ", req->actors_size(), " exceeds the limit of ", limits_.max_batch)));
  }
  std::vector<Actor> actors;
  for (int i = 0; i < req->actors_size(); ++i) {
    auto a = FromProto(req->actors(i), StrCat("actors[", i, "]"));
    if (!a.ok()) return ToGrpc(a.status());
    actors.push_back(*std::move(a));
  }
  auto counts = state_->UpsertActors(std::move(actors));
  if (!counts.ok()) return ToGrpc(counts.status());
  resp->set_created(counts->first);
  resp->set_updated(counts->second);
  return grpc::Status::OK;
}

grpc::Status ActorGraphService::IngestRelations(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::IngestRelationsRequest>* reader,
    v1::IngestRelationsResponse* resp) {
  v1::IngestRelationsRequest req;
  int64_t batch_no = 0;
  while (reader->Read(&req)) {
    if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled");
    std::string prefix = StrCat("batch ", batch_no, ": ");
    if (req.relations_size() > limits_.max_batch) {
      return ToGrpc(absl::InvalidArgumentError(StrCat(
          prefix, "relations: ", req.relations_size(), " exceeds the limit of ", limits_.max_batch)));
    }
    std::vector<Observation> batch;
    batch.reserve(req.relations_size());
    for (int i = 0; i < req.relations_size(); ++i) {
      auto o = FromProto(req.relations(i), StrCat("relations[", i, "]"));
      if (!o.ok()) {
        return ToGrpc(absl::InvalidArgumentError(StrCat(prefix, o.status().message())));
      }
      batch.push_back(*std::move(o));
    }
    auto result = state_->Ingest(std::move(batch));
    if (!result.ok()) {
      return ToGrpc(absl::Status(result.status().code(),
                                 StrCat(prefix, result.status().message())));
    }
    resp->set_inserted(resp->inserted() + result->inserted);
    resp->set_duplicates(resp->duplicates() + result->duplicates);
    resp->set_actors_created(resp->actors_created() + result->actors_created);
    resp->set_batches(++batch_no);
  }
  return grpc::Status::OK;
}

}  // namespace actorgraph
