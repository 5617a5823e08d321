// ActorGraph over a Boost.Graph adjacency_list (bidirectionalS, vecS/vecS).
//
// Why adjacency_list and not a CSR snapshot: ingest is incremental (one observation at a
// time, from a client stream) and reads need in- and out-edges; vecS vertices are never
// removed (actors outlive their observations), so vertex descriptors double as dense actor
// indices and never go stale. Each Boost edge carries only an index into `edges`, which
// holds the observation list, so the Boost edge property stays 4 bytes. A CSR snapshot can be
// layered on later for very large read-mostly graphs without changing this API.
#include "graph/actor_graph.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "graph/actor_graph_impl.h"
#include "graph/actor_jsonl.h"
#include "graph/paths.h"
#include "graph/strings.h"

namespace actorgraph {

bool RelationFilter::Matches(const Observation& o) const {
  if (kinds_mask != 0 && (kinds_mask & (1u << static_cast<int>(o.kind))) == 0) return false;
  if (sign != 0 && o.sign != sign) return false;
  if (since == kNoDate && until == kNoDate) return true;
  if (o.date == kNoDate) return false;
  if (since != kNoDate && o.date < since) return false;
  if (until != kNoDate && o.date > until) return false;
  return true;
}

namespace {
// ---- FoldName ------------------------------------------------------------------------------

struct FoldRange {
  char32_t first, last;
  const char* ascii;  // replacement; " " for punctuation
};
// Latin letters with diacritics -> ASCII, and non-ASCII punctuation -> space.
constexpr FoldRange kFolds[] = {
    {0x00A0, 0x00BF, " "},  {0x00C0, 0x00C5, "a"},  {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},
    {0x00C8, 0x00CB, "e"},  {0x00CC, 0x00CF, "i"},  {0x00D0, 0x00D0, "d"},  {0x00D1, 0x00D1, "n"},
    {0x00D2, 0x00D6, "o"},  {0x00D7, 0x00D7, " "},  {0x00D8, 0x00D8, "o"},  {0x00D9, 0x00DC, "u"},
    {0x00DD, 0x00DD, "y"},  {0x00DE, 0x00DE, "th"}, {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},
    {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"},  {0x00E8, 0x00EB, "e"},  {0x00EC, 0x00EF, "i"},
    {0x00F0, 0x00F0, "d"},  {0x00F1, 0x00F1, "n"},  {0x00F2, 0x00F6, "o"},  {0x00F7, 0x00F7, " "},
    {0x00F8, 0x00F8, "o"},  {0x00F9, 0x00FC, "u"},  {0x00FD, 0x00FD, "y"},  {0x00FE, 0x00FE, "th"},
    {0x00FF, 0x00FF, "y"},  {0x0100, 0x0105, "a"},  {0x0106, 0x010D, "c"},  {0x010E, 0x0111, "d"},
    {0x0112, 0x011B, "e"},  {0x011C, 0x0123, "g"},  {0x0124, 0x0127, "h"},  {0x0128, 0x0131, "i"},
    {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},  {0x0136, 0x0138, "k"},  {0x0139, 0x0142, "l"},
    {0x0143, 0x014B, "n"},  {0x014C, 0x0151, "o"},  {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"},
    {0x015A, 0x0161, "s"},  {0x0162, 0x0167, "t"},  {0x0168, 0x0173, "u"},  {0x0174, 0x0175, "w"},
    {0x0176, 0x0178, "y"},  {0x0179, 0x017E, "z"},  {0x017F, 0x017F, "s"},  {0x0218, 0x0219, "s"},
    {0x021A, 0x021B, "t"},  {0x2000, 0x206F, " "},  {0x3000, 0x3003, " "},
};

// Decodes one code point at s[i]; returns its length, or 1 with cp = U+FFFD when malformed.
int DecodeUtf8(std::string_view s, size_t i, char32_t& cp) {
  unsigned char c = s[i];
  int len = c < 0x80             ? 1
            : (c & 0xE0) == 0xC0 ? 2
            : (c & 0xF0) == 0xE0 ? 3
            : (c & 0xF8) == 0xF0 ? 4
                                 : 0;
  if (len == 0 || i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  return len;
}

}  // namespace


std::string FoldName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  auto emit = [&](std::string_view piece) {
    for (char c : piece) {
      if (c == ' ') {
        pending_space = true;
        continue;
      }
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    }
  };
  for (size_t i = 0; i < name.size();) {
    char32_t cp;
    int len = DecodeUtf8(name, i, cp);
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      emit(alnum ? std::string_view(&c, 1) : std::string_view(" "));
    } else if (cp >= 0x0300 && cp <= 0x036F) {
      // Combining diacritical marks (decomposed input): dropped.
    } else if (cp == 0xFFFD) {
      emit(" ");
    } else {
      const FoldRange* hit = nullptr;
      for (const FoldRange& r : kFolds) {
        if (cp >= r.first && cp <= r.last) {
          hit = &r;
          break;
        }
      }
      emit(hit ? std::string_view(hit->ascii) : name.substr(i, len));
    }
    i += len;
  }
  if (out.rfind("the ", 0) == 0) out.erase(0, 4);
  return out;
}


ActorGraph::ActorGraph() : impl_(std::make_unique<Impl>()) {}
ActorGraph::~ActorGraph() = default;
ActorGraph::ActorGraph(ActorGraph&&) noexcept = default;
ActorGraph& ActorGraph::operator=(ActorGraph&&) noexcept = default;

absl::StatusOr<bool> ActorGraph::UpsertActor(Actor a) {
  if (a.id.empty()) return absl::InvalidArgumentError("field \"id\": is empty");
  if (!IsValidActorId(a.id)) {
    return absl::InvalidArgumentError(
        StrCat("field \"id\": \"", a.id, "\" is not a lower-case slug"));
  }
  if (a.name.empty()) a.name = a.id;
  auto it = impl_->actor_index.find(a.id);
  if (it == impl_->actor_index.end()) {
    impl_->AddActor(std::move(a));
    return true;
  }
  uint32_t v = it->second;
  impl_->UnindexNames(v);
  impl_->g[v].actor = std::move(a);
  impl_->IndexNames(v);
  return false;
}

absl::StatusOr<bool> ActorGraph::AddObservation(Observation o) {
  return impl_->Add(std::move(o), /*pooled=*/false, nullptr);
}

absl::StatusOr<bool> ActorGraph::AddPooledObservation(Observation o) {
  return impl_->Add(std::move(o), /*pooled=*/true, nullptr);
}

absl::StatusOr<bool> ActorGraph::AddObservation(Observation o, const AddHint& hint) {
  return impl_->Add(std::move(o), /*pooled=*/false, &hint);
}

uint32_t ActorGraph::IdHash(std::string_view id) { return IdHash32(id); }

ActorGraph::AddHint ActorGraph::PrepareObservation(Observation& o, uint32_t id_hash) const {
  const Impl& m = *impl_;
  AddHint hint;
  hint.id_hash = id_hash != 0 ? id_hash : IdHash32(o.id.view());
  hint.source = m.ActorIndexOf(o.source);
  hint.target = m.ActorIndexOf(o.target);
  m.FinishPrepare(o, hint, nullptr);
  return hint;
}

void ActorGraph::PrepareObservations(std::span<Observation> batch,
                                     std::span<const uint32_t> id_hashes,
                                     std::span<AddHint> hints,
                                     std::span<const FieldViews> views) const {
  const Impl& m = *impl_;
  // An actor id: from the view when there is one.
  auto source = [&](size_t j) {
    return views.empty() || views[j].source.empty() ? batch[j].source.view() : views[j].source;
  };
  auto target = [&](size_t j) {
    return views.empty() || views[j].target.empty() ? batch[j].target.view() : views[j].target;
  };
  // Step i loads index slots for observation i, finds the actors of i - kFind (their slots
  // loaded) and starts loading their vertices, starts loading the vertices' seen name and
  // country for i - kSeen, and finishes i - kFinish with all of it at hand.
  constexpr size_t kFind = 4, kSeen = 6, kFinish = 8;
  const size_t n = batch.size();
  for (size_t i = 0; i < n + kFinish; ++i) {
    if (i < n) {
      const Observation& o = batch[i];
      m.actor_index.prefetch(source(i));
      m.actor_index.prefetch(target(i));
      // Not the names: they are nearly always the actors' seen_name.
      if (!o.evidence.doc.empty()) m.by_doc.prefetch(o.evidence.doc.view());
      m.observations.prefetch(HashedId{o.id.view(), id_hashes[i]});
    }
    if (i >= kFind && i - kFind < n) {
      const size_t j = i - kFind;
      AddHint& h = hints[j];
      h = AddHint();
      h.id_hash = id_hashes[j];
      h.source = m.ActorIndexOf(source(j));
      h.target = m.ActorIndexOf(target(j));
      for (int32_t v : {h.source, h.target}) {
        if (v >= 0) __builtin_prefetch(&m.g[static_cast<uint32_t>(v)].id);
      }
    }
    if (i >= kSeen && i - kSeen < n) {
      for (int32_t v : {hints[i - kSeen].source, hints[i - kSeen].target}) {
        if (v < 0) continue;
        const ActorNode& node = m.g[static_cast<uint32_t>(v)];
        node.seen_name.Prefetch();
        node.seen_country.Prefetch();
      }
    }
    if (i >= kFinish) {
      const size_t j = i - kFinish;
      m.FinishPrepare(batch[j], hints[j], views.empty() ? nullptr : &views[j]);
    }
  }
}

void ActorGraph::PrefetchAdd(const Observation& o, const AddHint& hint) const {
  const Impl& m = *impl_;
  if (hint.id_hash != 0) m.observations.prefetch(HashedId{o.id.view(), hint.id_hash});
  if (hint.source < 0 || hint.target < 0) return;
  m.edge_index.prefetch(PairKey(static_cast<uint32_t>(hint.source), static_cast<uint32_t>(hint.target)));
  for (int32_t v : {hint.source, hint.target}) {
    const auto& stored = m.g.m_vertices[static_cast<size_t>(v)];
    __builtin_prefetch(&stored.m_out_edges, 1);
    __builtin_prefetch(&stored.m_in_edges, 1);
    __builtin_prefetch(&stored.m_property.id, 1);
  }
}

absl::StatusOr<bool> ActorGraph::Impl::Add(Observation o, bool pooled, const AddHint* hint) {
  if (o.id.empty()) return absl::InvalidArgumentError("field \"id\": is empty");
  if (o.source.empty()) return absl::InvalidArgumentError("field \"source\": is empty");
  if (o.target.empty()) return absl::InvalidArgumentError("field \"target\": is empty");
  Impl& m = *this;
  // Ids PrepareObservation resolved are the actors' own (same bytes, so valid slugs): the
  // checks compare indices instead of reading the ids again under the writer's lock.
  const bool resolved = hint != nullptr && hint->source >= 0 && hint->target >= 0 &&
                        o.source.SharesBytesWith(m.g[static_cast<uint32_t>(hint->source)].id) &&
                        o.target.SharesBytesWith(m.g[static_cast<uint32_t>(hint->target)].id);
  if (resolved ? hint->source == hint->target : o.source == o.target) {
    return absl::InvalidArgumentError("field \"target\": equals source (self-relation)");
  }
  for (const auto* f : {&o.source, &o.target}) {
    if (!resolved && !IsValidActorId(*f)) {
      return absl::InvalidArgumentError(StrCat("field \"", f == &o.source ? "source" : "target",
                                               "\": \"", *f, "\" is not a lower-case slug"));
    }
  }
  StoredObservation* slot = m.arena.Allocate();
  slot->o = std::move(o);
  Observation& n = slot->o;
  const Observation* p = &n;
  slot->id_hash = hint != nullptr && hint->id_hash != 0 ? hint->id_hash : IdHash32(n.id.view());
  if (!m.observations.insert(p).second) {  // one probe: a known id gives the slot back
    m.arena.Release(slot);
    return false;
  }
  // A hint's index is the actor whose pooled id PrepareObservation put in n.source/target.
  uint32_t s = hint != nullptr && hint->source >= 0
                   ? static_cast<uint32_t>(hint->source)
                   : m.EnsureActor(n.source, n.source_name, n.source_country);
  uint32_t t = hint != nullptr && hint->target >= 0
                   ? static_cast<uint32_t>(hint->target)
                   : m.EnsureActor(n.target, n.target_name, n.target_country);
  if (!n.source.SharesBytesWith(m.g[s].id)) n.source = m.g[s].id;
  if (!n.target.SharesBytesWith(m.g[t].id)) n.target = m.g[t].id;
  if (!pooled) {
    for (Text* f : {&n.source_name, &n.target_name, &n.source_country, &n.target_country, &n.cameo}) {
      m.InternField(*f);
    }
    Impl::ShareWithPrevious(n.evidence.doc, m.last_doc);
    Impl::ShareWithPrevious(n.evidence.url, m.last_url);
    m.Remember(m.g[s], n.source_name, n.source_country);
    m.Remember(m.g[t], n.target_name, n.target_country);
  }
  uint32_t e = m.EnsureEdge(s, t);
  m.edges[e].observations.push_back(p);
  m.AddToDocument(p);
  ++m.g[s].observations;
  ++m.g[t].observations;
  if (p->date != kNoDate && (m.newest == kNoDate || p->date > m.newest)) m.newest = p->date;
  return true;
}

int64_t ActorGraph::RetractDocument(std::string_view doc) {
  Impl& m = *impl_;
  auto* entry = m.by_doc.find(doc);
  if (entry == nullptr) return 0;
  std::vector<const Observation*> gone = std::move(entry->second.observations);
  m.by_doc.erase(doc);
  m.cached_doc_entry = nullptr;
  m.cached_doc = Text();
  bool newest_gone = false;
  for (const Observation* p : gone) {
    uint32_t s = m.actor_index.find(p->source.view())->second;
    uint32_t t = m.actor_index.find(p->target.view())->second;
    auto& list = m.edges[m.edge_index.find(PairKey(s, t))->second].observations;
    list.erase(std::remove(list.begin(), list.end(), p), list.end());
    --m.g[s].observations;
    --m.g[t].observations;
    newest_gone |= p->date != kNoDate && p->date == m.newest;
  }
  // Release last: `gone` and the edge lists point into the arena. Strings that only these
  // observations used leave the pool (a name or country an actor last had stays: its
  // seen_name or seen_country holds it).
  absl::flat_hash_set<Text, TextHash, TextEq> maybe_unused;
  for (const Observation* p : gone) {
    m.observations.erase(p);
    StoredObservation& slot = Stored(p);
    for (const Text* t : {&slot.o.source_name, &slot.o.target_name, &slot.o.cameo}) {
      if (!t->empty()) maybe_unused.insert(*t);
    }
    m.arena.Release(&slot);
  }
  for (const Text& t : maybe_unused) {
    const Text* it = m.pool.find(t.view());
    // Unused when only the pool and `maybe_unused` hold it.
    if (it != nullptr && it->SharesBytesWith(t) && it->use_count() == 2) m.pool.erase(t.view());
  }
  if (newest_gone) {
    m.newest = kNoDate;
    m.observations.ForEach([&](const Observation* o) {
      if (o->date != kNoDate && (m.newest == kNoDate || o->date > m.newest)) m.newest = o->date;
    });
  }
  return static_cast<int64_t>(gone.size());
}

std::vector<const Observation*> ActorGraph::DocumentObservations(std::string_view doc) const {
  const auto* entry = impl_->by_doc.find(doc);
  return entry == nullptr ? std::vector<const Observation*>() : entry->second.observations;
}

void ActorGraph::Reserve(size_t actors, size_t observations) {
  Impl& m = *impl_;
  m.actor_index.reserve(actors);
  m.g.m_vertices.reserve(actors);
  m.keys_of.reserve(actors);
  m.observations.reserve(observations);
  // Edges and documents: a guess from the synthetic and news graphs we measured (about 0.6
  // edges and 0.25 documents per observation); a wrong guess costs a rehash, nothing more.
  m.edges.reserve(observations * 3 / 5);
  m.edge_index.reserve(observations * 3 / 5);
  m.g.m_edges.reserve(observations * 3 / 5);
  m.by_doc.reserve(observations / 4);
}

const Actor* ActorGraph::FindActor(std::string_view id) const {
  auto it = impl_->actor_index.find(id);
  return it == impl_->actor_index.end() ? nullptr : &impl_->actor(it->second);
}

std::optional<std::string> ActorGraph::Resolve(std::string_view name) const {
  if (const Actor* a = FindActor(name)) return a->id;
  const Impl& m = *impl_;
  std::string key = FoldName(name);
  if (key.empty()) return std::nullopt;
  auto it = m.names.find(key);
  if (it == m.names.end()) return std::nullopt;
  // Ids win over names and aliases; then the busiest actor; then the smaller id.
  auto rank = [&](uint32_t v) {
    return std::make_tuple(FoldName(m.actor(v).id) == key ? 0 : 1, -m.g[v].observations,
                           std::string_view(m.actor(v).id));
  };
  uint32_t best = *std::min_element(it->second.begin(), it->second.end(),
                                    [&](uint32_t a, uint32_t b) { return rank(a) < rank(b); });
  return m.actor(best).id;
}

std::vector<ResolveCandidate> ActorGraph::ResolveCandidates(std::string_view name,
                                                            size_t max) const {
  const Impl& m = *impl_;
  std::string key = FoldName(name);
  std::vector<ResolveCandidate> out;
  if (key.empty() || max == 0) return out;
  struct Hit {
    ResolveCandidate candidate;
    int64_t observations;
  };
  std::vector<Hit> hits;
  const uint32_t n = static_cast<uint32_t>(boost::num_vertices(m.g));
  for (uint32_t v = 0; v < n; ++v) {
    ResolveCandidate best;
    for (const Impl::NameKey& k : m.keys_of[v]) {
      double score = k.folded == key                           ? 1.0
                     : k.folded.rfind(key, 0) == 0             ? 0.8
                     : k.folded.find(key) != std::string::npos ? 0.5
                                                               : 0.0;
      if (score > best.score) {
        best.actor = &m.actor(v);
        best.score = score;
        best.matched = k.original;
      }
    }
    if (best.actor != nullptr) hits.push_back({std::move(best), m.g[v].observations});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) {
    if (x.candidate.score != y.candidate.score) return x.candidate.score > y.candidate.score;
    if (x.observations != y.observations) return x.observations > y.observations;
    return x.candidate.actor->id < y.candidate.actor->id;
  });
  for (Hit& h : hits) {
    if (out.size() == max) break;
    out.push_back(std::move(h.candidate));
  }
  return out;
}

std::vector<const Actor*> ActorGraph::Actors() const {
  std::vector<const Actor*> out;
  out.reserve(actor_count());
  for (uint32_t v = 0; v < actor_count(); ++v) out.push_back(&impl_->actor(v));
  std::sort(out.begin(), out.end(), [](const Actor* a, const Actor* b) { return a->id < b->id; });
  return out;
}

size_t ActorGraph::actor_count() const { return boost::num_vertices(impl_->g); }
size_t ActorGraph::observation_count() const { return impl_->observations.size(); }

int64_t ActorGraph::ObservationCount(std::string_view id) const {
  auto v = IndexOf(id);
  return v ? impl_->g[*v].observations : 0;
}

const Observation* ActorGraph::FindObservation(std::string_view id) const {
  const Observation* const* found = impl_->observations.find(id);
  return found == nullptr ? nullptr : *found;
}

bool NewerFirst(const Observation* a, const Observation* b) {
  if (a->date != b->date) {
    if (a->date == kNoDate) return false;
    if (b->date == kNoDate) return true;
    return a->date > b->date;
  }
  return a->id < b->id;
}

std::vector<const Observation*> ActorGraph::Relations(const RelationQuery& q) const {
  const Impl& m = *impl_;
  std::vector<const Observation*> out;
  auto consider = [&](const Observation* o) {
    if (!q.doc.empty() && o->evidence.doc != q.doc) return;
    if (q.filter.Matches(*o)) out.push_back(o);
  };
  if (!q.actor.empty()) {
    auto v = IndexOf(q.actor);
    if (!v) return out;
    std::optional<uint32_t> w;
    if (!q.other.empty()) {
      w = IndexOf(q.other);
      if (!w) return out;
    }
    auto scan = [&](uint32_t e, uint32_t other_end) {
      if (w && other_end != *w) return;
      for (const Observation* o : m.edges[e].observations) consider(o);
    };
    ForEachOutEdge(*v, [&](uint32_t e) { scan(e, m.edges[e].target); });
    ForEachInEdge(*v, [&](uint32_t e) { scan(e, m.edges[e].source); });
  } else if (!q.doc.empty()) {
    if (const auto* entry = m.by_doc.find(q.doc)) {
      for (const Observation* o : entry->second.observations) consider(o);
    }
  } else {
    m.observations.ForEach([&](const Observation* o) { consider(o); });
  }
  std::sort(out.begin(), out.end(), NewerFirst);
  return out;
}

std::optional<uint32_t> ActorGraph::IndexOf(std::string_view id) const {
  auto it = impl_->actor_index.find(id);
  if (it == impl_->actor_index.end()) return std::nullopt;
  return it->second;
}

const Actor& ActorGraph::ActorAt(uint32_t index) const { return impl_->actor(index); }

size_t ActorGraph::edge_count() const { return impl_->edges.size(); }

ActorGraph::EdgeRef ActorGraph::EdgeAt(uint32_t edge) const {
  const EdgeData& d = impl_->edges[edge];
  return EdgeRef{d.source, d.target, d.observations};
}

std::optional<uint32_t> ActorGraph::FindEdge(uint32_t source, uint32_t target) const {
  const auto* found = impl_->edge_index.find(PairKey(source, target));
  if (found == nullptr) return std::nullopt;
  return found->second;
}

void ActorGraph::ForEachOutEdge(uint32_t index, absl::FunctionRef<void(uint32_t)> fn) const {
  const Graph& g = impl_->g;
  for (auto [it, end] = boost::out_edges(index, g); it != end; ++it) fn(g[*it].index);
}

void ActorGraph::ForEachInEdge(uint32_t index, absl::FunctionRef<void(uint32_t)> fn) const {
  const Graph& g = impl_->g;
  for (auto [it, end] = boost::in_edges(index, g); it != end; ++it) fn(g[*it].index);
}

Day ActorGraph::newest_date() const { return impl_->newest; }

int ActorGraph::ActTargetCount(const Observation& o) const {
  const Impl& m = *impl_;
  if (!Stored(o).shared_act) return 1;
  const DocEntry& d = m.by_doc.find(o.evidence.doc.view())->second;
  if (d.acts != nullptr) return static_cast<int>(d.acts->at(ActKey(o)).count);
  return static_cast<int>(std::count_if(d.observations.begin(), d.observations.end(),
                                        [&](const Observation* q) { return SameAct(*q, o); }));
}

absl::StatusOr<PathResult> ActorGraph::FindPaths(const PathQuery& q) const {
  return FindPathsIn(*this, q);
}

PathEdge SummarizeEdge(const ActorGraph::EdgeRef& edge, const ActorGraph& graph,
                       const RelationFilter& filter, int max_evidence) {
  PathEdge out;
  out.source = graph.ActorAt(edge.source).id;
  out.target = graph.ActorAt(edge.target).id;
  for (const Observation* o : edge.observations) {
    if (!filter.Matches(*o)) continue;
    ++out.count;
    out.weight += o->weight;
    if (o->date != kNoDate) {
      if (out.first_seen == kNoDate || o->date < out.first_seen) out.first_seen = o->date;
      if (out.last_seen == kNoDate || o->date > out.last_seen) out.last_seen = o->date;
    }
    out.evidence.push_back(o);
  }
  out.sign = out.weight > 0 ? 1 : out.weight < 0 ? -1 : 0;
  size_t cap = static_cast<size_t>(std::max(max_evidence, 0));
  if (out.evidence.size() > cap) {
    std::partial_sort(out.evidence.begin(), out.evidence.begin() + cap, out.evidence.end(),
                      NewerFirst);
    out.evidence.resize(cap);
  } else {
    std::sort(out.evidence.begin(), out.evidence.end(), NewerFirst);
  }
  return out;
}

}  // namespace actorgraph
