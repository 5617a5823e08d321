#include "server/service.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "graph/actor_graph.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "server/convert.h"

namespace actorgraph {
namespace {

constexpr size_t kMaxNameBytes = 1024;

// Offset page tokens: "o<offset>". Opaque to clients; validated here.
absl::StatusOr<size_t> ParseOffsetToken(const std::string& token) {
  if (token.empty()) return 0;
  size_t offset = 0;
  if (token.size() < 2 || token.size() > 24 || token[0] != 'o' ||
      std::from_chars(token.data() + 1, token.data() + token.size(), offset).ptr !=
          token.data() + token.size()) {
    return absl::InvalidArgumentError("page_token: is not a token this server issued");
  }
  return offset;
}

// Fills one page of `items` from `offset` into `resp` (emit adds one item), with the total
// and, unless this is the last page, the token of the next one.
template <typename T, typename Resp, typename Emit>
void FillPage(const std::vector<T>& items, size_t offset, int page_size, Resp* resp, Emit emit) {
  resp->set_total_size(static_cast<int64_t>(items.size()));
  const size_t end = std::min(items.size(), offset + static_cast<size_t>(page_size));
  for (size_t i = offset; i < end; ++i) emit(items[i]);
  if (end < items.size()) resp->set_next_page_token(StrCat("o", end));
}

}  // namespace

absl::StatusOr<std::string> ResolveActorRef(const ActorGraph& g, const std::string& ref,
                                            std::string_view field) {
  if (auto s = CheckText(ref, field, kMaxNameBytes, true); !s.ok()) return s;
  auto id = g.Resolve(ref);
  if (!id) return absl::NotFoundError(StrCat(field, ": no actor \"", ref, "\""));
  return *id;
}

absl::Status CheckRange(int value, int lo, int hi, std::string_view field) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(StrCat(field, ": ", value, " is outside [", lo, ", ", hi, "]"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> SizeOrDefault(int requested, int def, int max, std::string_view field) {
  if (requested < 0) return absl::InvalidArgumentError(StrCat(field, ": must not be negative"));
  if (requested > max) {
    return absl::InvalidArgumentError(StrCat(field, ": ", requested, " exceeds the limit of ", max));
  }
  return requested == 0 ? def : requested;
}

grpc::ServerUnaryReactor* ActorGraphService::GetActor(grpc::CallbackServerContext* ctx,
                                                      const v1::GetActorRequest* req,
                                                      v1::Actor* resp) {
  return env_->ServeInline(ctx, "GetActor", Scope::kRead, [=, this]() -> absl::Status {
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto id = ResolveActorRef(g, req->actor(), "actor");
      if (!id.ok()) return id.status();
      ToProto(*g.FindActor(*id), g.ObservationCount(*id), resp);
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* ActorGraphService::ListActors(grpc::CallbackServerContext* ctx,
                                                        const v1::ListActorsRequest* req,
                                                        v1::ListActorsResponse* resp) {
  return env_->ServeOnPool(ctx, "ListActors", Scope::kRead, [=, this]() -> absl::Status {
    const Limits& limits = env_->limits();
    auto page_size = SizeOrDefault(req->page_size(), limits.default_page_size,
                                   limits.max_page_size, "page_size");
    if (!page_size.ok()) return page_size.status();
    if (auto s = CheckText(req->query(), "query", kMaxNameBytes, false); !s.ok()) return s;
    int kind = static_cast<int>(req->kind());
    if (kind < 0 || kind > static_cast<int>(ActorKind::kOther)) {
      return absl::InvalidArgumentError(StrCat("kind: unknown value ", kind));
    }
    auto offset = ParseOffsetToken(req->page_token());
    if (!offset.ok()) return offset.status();
    const std::string query = FoldName(req->query());
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
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
      FillPage(match, *offset, *page_size, resp, [&](const Actor* a) {
        ToProto(*a, g.ObservationCount(a->id), resp->add_actors());
      });
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* ActorGraphService::ResolveActor(grpc::CallbackServerContext* ctx,
                                                          const v1::ResolveActorRequest* req,
                                                          v1::ResolveActorResponse* resp) {
  return env_->ServeOnPool(ctx, "ResolveActor", Scope::kRead, [=, this]() -> absl::Status {
    if (auto s = CheckText(req->name(), "name", kMaxNameBytes, true); !s.ok()) return s;
    auto max = SizeOrDefault(req->max_candidates(), 10, 100, "max_candidates");
    if (!max.ok()) return max.status();
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      for (const ResolveCandidate& c : g.ResolveCandidates(req->name(), *max)) {
        v1::ActorCandidate* pc = resp->add_candidates();
        ToProto(*c.actor, g.ObservationCount(c.actor->id), pc->mutable_actor());
        pc->set_score(c.score);
        pc->set_matched(c.matched);
      }
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* ActorGraphService::ListRelations(grpc::CallbackServerContext* ctx,
                                                           const v1::ListRelationsRequest* req,
                                                           v1::ListRelationsResponse* resp) {
  return env_->ServeOnPool(ctx, "ListRelations", Scope::kRead, [=, this]() -> absl::Status {
    const Limits& limits = env_->limits();
    auto page_size = SizeOrDefault(req->page_size(), limits.default_page_size,
                                   limits.max_page_size, "page_size");
    if (!page_size.ok()) return page_size.status();
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    auto offset = ParseOffsetToken(req->page_token());
    if (!offset.ok()) return offset.status();
    if (auto s = CheckText(req->doc(), "doc", 256, false); !s.ok()) return s;
    if (!req->other().empty() && req->actor().empty()) {
      return absl::InvalidArgumentError("other: needs actor to be set too");
    }
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
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
      // The page's sentences in one store read (one lock, one read transaction) rather than
      // one per relation.
      std::vector<int64_t> rows;
      const size_t page_end =
          std::min(all.size(), static_cast<size_t>(*offset) + static_cast<size_t>(*page_size));
      for (size_t i = static_cast<size_t>(*offset); i < page_end; ++i) {
        if (all[i]->evidence.sentence.empty() && all[i]->evidence.stored_row != 0) {
          rows.push_back(all[i]->evidence.stored_row);
        }
      }
      absl::flat_hash_map<int64_t, std::string> sentences;
      if (!rows.empty()) {
        if (auto read = env_->state().ReadSentences(rows); read.ok()) {
          for (size_t i = 0; i < rows.size(); ++i) sentences[rows[i]] = std::move((*read)[i]);
        }
      }
      const SentenceReader prefetched = [&sentences](int64_t row) {
        auto it = sentences.find(row);
        return it == sentences.end() ? std::string() : it->second;
      };
      SentenceSource source(&prefetched);
      FillPage(all, *offset, *page_size, resp,
               [&](const Observation* o) { ToProto(*o, resp->add_relations()); });
      return absl::OkStatus();
    });
  });
}

grpc::ServerUnaryReactor* ActorGraphService::FindPaths(grpc::CallbackServerContext* ctx,
                                                       const v1::FindPathsRequest* req,
                                                       v1::FindPathsResponse* resp) {
  return env_->ServeOnPool(ctx, "FindPaths", Scope::kRead, [=, this]() -> absl::Status {
    const Limits& limits = env_->limits();
    PathQuery q;
    q.max_hops = req->max_hops() == 0 ? std::min(4, limits.max_hops) : req->max_hops();
    q.k = req->k() == 0 ? 1 : req->k();
    q.max_evidence = req->max_evidence() == 0 ? 3 : req->max_evidence();
    q.directed = req->directed();
    for (auto s : {CheckRange(q.max_hops, 1, limits.max_hops, "max_hops"),
                   CheckRange(q.k, 1, limits.max_k, "k"),
                   CheckRange(q.max_evidence, 1, limits.max_evidence, "max_evidence")}) {
      if (!s.ok()) return s;
    }
    auto filter = FromProto(req->filter(), "filter");
    if (!filter.ok()) return filter.status();
    q.filter = *filter;
    switch (req->cost()) {
      case v1::HOPS:
        q.cost = PathCost::kHops;
        break;
      case v1::CONFIDENCE_RECENCY:
        q.cost = PathCost::kConfidence;
        break;
      default:
        return absl::InvalidArgumentError(StrCat("cost: unknown value ", static_cast<int>(req->cost())));
    }
    if (req->path_sign() < -1 || req->path_sign() > 1) {
      return absl::InvalidArgumentError("path_sign: must be -1, 0 or 1");
    }
    q.path_sign = req->path_sign();
    if (!std::isfinite(req->half_life_days()) || req->half_life_days() < 0) {
      return absl::InvalidArgumentError("half_life_days: must be a non-negative number");
    }
    q.half_life_days = req->half_life_days() == 0 && q.cost == PathCost::kConfidence
                           ? 365.0
                           : req->half_life_days();
    auto as_of = ParseOptionalDay(req->as_of(), "as_of");
    if (!as_of.ok()) return as_of.status();
    q.as_of = *as_of;
    q.cancelled = env_->Canceller(ctx);
    return env_->state().Read([&](const ActorGraph& g) -> absl::Status {
      auto from = ResolveActorRef(g, req->from(), "from");
      if (!from.ok()) return from.status();
      auto to = ResolveActorRef(g, req->to(), "to");
      if (!to.ok()) return to.status();
      q.from = *from;
      q.to = *to;
      auto result = g.FindPaths(q);
      if (!result.ok()) return env_->QueryStatus(result.status(), ctx);
      for (const FoundPath& p : result->paths) ToProto(p, resp->add_paths());
      resp->set_truncated(result->truncated);
      return absl::OkStatus();
    });
  });
}

grpc::Status ActorGraphService::UpsertActors(grpc::ServerContext* ctx,
                                             const v1::UpsertActorsRequest* req,
                                             v1::UpsertActorsResponse* resp) {
  return env_->Handle(ctx, "UpsertActors", Scope::kWrite, [&]() -> absl::Status {
    if (req->actors_size() == 0) return absl::InvalidArgumentError("actors: is empty");
    if (req->actors_size() > env_->limits().max_batch) {
      return absl::InvalidArgumentError(
          StrCat("actors: ", req->actors_size(), " exceeds the limit of ", env_->limits().max_batch));
    }
    std::vector<Actor> actors;
    for (int i = 0; i < req->actors_size(); ++i) {
      auto a = FromProto(req->actors(i), StrCat("actors[", i, "]"));
      if (!a.ok()) return a.status();
      actors.push_back(*std::move(a));
    }
    auto counts = env_->state().UpsertActors(std::move(actors));
    if (!counts.ok()) return counts.status();
    resp->set_created(counts->first);
    resp->set_updated(counts->second);
    return absl::OkStatus();
  });
}

grpc::Status ActorGraphService::IngestRelations(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::IngestRelationsRequest>* reader,
    v1::IngestRelationsResponse* resp) {
  return env_->Handle(ctx, "IngestRelations", Scope::kWrite, [&]() -> absl::Status {
    if (!env_->AcquireStream()) {
      return absl::ResourceExhaustedError(
          StrCat("too many open streams (limit ", env_->limits().max_streams, ")"));
    }
    struct Release {
      ServerEnv* env;
      ~Release() { env->ReleaseStream(); }
    } release{env_};
    // This thread reads and converts batch N+1 while `stream` commits batch N.
    IngestStream stream(env_->state(), [this](const IngestResult& r) {
      env_->RecordIngest(r.inserted, r.duplicates);
    });
    // Earlier batches are committed (and stay so) when a later one is refused; their failure,
    // being first, wins.
    auto refuse = [&](absl::Status s) {
      if (auto earlier = stream.Finish(); !earlier.ok()) return earlier;
      return s;
    };
    // One message for the whole stream: parsing into it reuses the relations and string
    // buffers of the previous batch (a protobuf arena per message measured slower).
    v1::IngestRelationsRequest message;
    v1::IngestRelationsRequest* req = &message;
    for (int64_t batch_no = 0;; ++batch_no) {
      if (!reader->Read(req)) break;
      if (ctx->IsCancelled()) {
        stream.Abandon();
        return absl::CancelledError("the client cancelled the ingest");
      }
      std::string prefix = StrCat("batch ", batch_no, ": ");
      if (req->relations_size() > env_->limits().max_batch) {
        return refuse(absl::InvalidArgumentError(StrCat(prefix, "relations: ", req->relations_size(),
                                                        " exceeds the limit of ",
                                                        env_->limits().max_batch)));
      }
      // The strings the graph usually holds already stay in `message` as views; Push
      // prepares the batch, filling them in, before the next Read reuses `message`.
      std::vector<Observation> batch;
      std::vector<ActorGraph::FieldViews> views(static_cast<size_t>(req->relations_size()));
      batch.reserve(req->relations_size());
      for (int i = 0; i < req->relations_size(); ++i) {
        auto o = FromProto(req->relations(i), FieldPath("relations", i), Utf8::kParsed,
                           &views[static_cast<size_t>(i)]);
        if (!o.ok()) return refuse(absl::InvalidArgumentError(StrCat(prefix, o.status().message())));
        batch.push_back(*std::move(o));
      }
      if (auto s = stream.Push(std::move(batch), views); !s.ok()) return s;
    }
    if (auto s = stream.Finish(); !s.ok()) return s;
    const IngestResult totals = stream.totals();
    resp->set_inserted(totals.inserted);
    resp->set_duplicates(totals.duplicates);
    resp->set_actors_created(totals.actors_created);
    resp->set_batches(stream.committed_batches());
    return absl::OkStatus();
  });
}

grpc::Status ActorGraphService::RetractDocument(grpc::ServerContext* ctx,
                                                const v1::RetractDocumentRequest* req,
                                                v1::RetractDocumentResponse* resp) {
  return env_->Handle(ctx, "RetractDocument", Scope::kWrite, [&]() -> absl::Status {
    if (auto s = CheckText(req->doc(), "doc", 256, true); !s.ok()) return s;
    auto removed = env_->state().RetractDocument(req->doc());
    if (!removed.ok()) return removed.status();
    resp->set_removed(*removed);
    return absl::OkStatus();
  });
}

grpc::Status ActorGraphService::WatchChanges(grpc::ServerContext* ctx,
                                             const v1::WatchChangesRequest* req,
                                             grpc::ServerWriter<v1::ChangeEvent>* writer) {
  return env_->Handle(ctx, "WatchChanges", Scope::kRead, [&]() -> absl::Status {
    if (req->after_version() < 0) {
      return absl::InvalidArgumentError("after_version: must not be negative");
    }
    if (!env_->AcquireStream()) {
      return absl::ResourceExhaustedError(
          StrCat("too many open streams (limit ", env_->limits().max_streams, ")"));
    }
    struct Release {
      ServerEnv* env;
      ~Release() { env->ReleaseStream(); }
    } release{env_};
    GraphState& state = env_->state();
    int64_t after = req->after_version();
    while (!ctx->IsCancelled()) {
      auto changes = state.ChangesAfter(after, 500);
      if (!changes.ok()) return changes.status();
      for (const Change& c : *changes) {
        v1::ChangeEvent ev;
        ev.set_version(c.version);
        ev.set_ref(c.ref);
        ev.set_doc(c.doc);
        switch (c.type) {
          case Change::kRelationAdded: {
            ev.set_type(v1::RELATION_ADDED);
            if (auto o = ParseRelationLine(c.body); o.ok()) ToProto(*o, ev.mutable_relation());
            break;
          }
          case Change::kRelationRetracted:
            ev.set_type(v1::RELATION_RETRACTED);
            break;
          case Change::kActorUpserted: {
            ev.set_type(v1::ACTOR_UPSERTED);
            if (auto a = ParseActorLine(c.body); a.ok()) ToProto(*a, 0, ev.mutable_actor());
            break;
          }
        }
        if (!writer->Write(ev)) return absl::CancelledError("the client went away");
        after = c.version;
      }
      if (changes->size() < 500) {
        if (state.shutting_down()) return absl::UnavailableError("the server is shutting down");
        state.WaitForVersion(after, std::chrono::milliseconds(500));
      }
    }
    return absl::CancelledError("the client cancelled the watch");
  });
}

}  // namespace actorgraph
