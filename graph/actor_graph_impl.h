// The inside of ActorGraph, shared by actor_graph.cc and graph_image.cc (which writes and
// rebuilds it in bulk). Not part of the graph library's interface: include it only there.
#ifndef ACTORGRAPH_GRAPH_ACTOR_GRAPH_IMPL_H_
#define ACTORGRAPH_GRAPH_ACTOR_GRAPH_IMPL_H_

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "graph/actor_graph.h"
#include "graph/chunked_vector.h"
#include "graph/sharded_table.h"

namespace actorgraph {
namespace graph_internal {

struct ActorNode {
  Actor actor;
  int64_t observations = 0;  // touching this actor, either direction
  Text id;                   // actor.id, the pooled copy observations share
  // The name and country the newest ingested observation gave this actor (the copies it
  // shares): an actor is nearly always named alike, so PrepareObservation compares an
  // observation's against these, next to `id` in memory, before it looks in the pool.
  Text seen_name, seen_country;
};
struct RelEdge {
  uint32_t index = 0;  // into Impl::edges
};
struct EdgeData {
  uint32_t source = 0;
  uint32_t target = 0;
  // Insertion order. Most edges of a large graph carry one observation: kept inline.
  absl::InlinedVector<const Observation*, 1> observations;
};
// The edge list is a vector (EdgeListS = vecS), not the default std::list: edges are never
// removed, and a list node per edge costs ~40 bytes at tens of millions of edges.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, ActorNode,
                                    RelEdge, boost::no_property, boost::vecS>;

// An observation as the graph stores it: the value, plus whether another observation reports
// the same act (see ActTargetCount). Observation is the first member of a standard-layout
// struct, so a `const Observation*` handed out by this graph converts back.
struct StoredObservation {
  Observation o;
  bool shared_act = false;
  // IdHash32(o.id) once the id index holds it (0: not computed). It fills padding, so growing
  // the index rehashes from it instead of following every id to its bytes and hashing them
  // (that made the rehash at 14.7 M observations take 12.9 s instead of 4.5 s).
  uint32_t id_hash = 0;
};
static_assert(std::is_standard_layout_v<StoredObservation>);
static_assert(sizeof(StoredObservation) == sizeof(Observation) + 8, "id_hash must fit the padding");
inline const StoredObservation& Stored(const Observation& o) {
  return *reinterpret_cast<const StoredObservation*>(&o);
}
inline StoredObservation& Stored(const Observation* o) {
  return *const_cast<StoredObservation*>(reinterpret_cast<const StoredObservation*>(o));
}

// Owns the observations in fixed-size chunks: stable addresses, no allocation per
// observation, and retracted slots are reused.
class ObservationArena {
 public:
  StoredObservation* Allocate() {
    if (!free_.empty()) {
      StoredObservation* p = free_.back();
      free_.pop_back();
      return p;
    }
    if (used_ / kChunk == chunks_.size()) chunks_.push_back(NewChunk());
    StoredObservation* p = &chunks_[used_ / kChunk][used_ % kChunk];
    ++used_;
    return p;
  }
  // Chunks made elsewhere (NewChunk(), e.g. on another thread so that their pages are
  // faulted in there), used before new ones are allocated. Only on an arena nothing was
  // allocated from yet.
  using Chunk = std::unique_ptr<StoredObservation[]>;
  static constexpr size_t kChunk = 4096;
  static Chunk NewChunk() { return std::make_unique<StoredObservation[]>(kChunk); }
  void Adopt(std::vector<Chunk> chunks) {
    if (used_ != 0 || !chunks_.empty()) return;
    chunks_ = std::move(chunks);
  }
  void Release(StoredObservation* p) {
    *p = StoredObservation{};
    free_.push_back(p);
  }
  // Calls fn(observation) for every live slot, in allocation order (released slots have an
  // empty id).
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = 0; i < used_; ++i) {
      const StoredObservation& slot = chunks_[i / kChunk][i % kChunk];
      if (!slot.o.id.empty()) fn(slot);
    }
  }

 private:
  std::vector<Chunk> chunks_;
  size_t used_ = 0;
  std::vector<StoredObservation*> free_;
};

// An observation id's hash as the id index keeps it: 32 bits, never 0.
inline uint32_t IdHash32(std::string_view id) {
  const uint32_t h = static_cast<uint32_t>(absl::Hash<std::string_view>()(id));
  return h == 0 ? 1 : h;
}
// An id with its IdHash32 (not 0), to look it up without hashing it again.
struct HashedId {
  std::string_view id;
  uint32_t h32;
};
// Observations indexed by id, one pointer per slot: hashed from StoredObservation::id_hash
// when it is set (through the id otherwise; both give the same value), compared through the
// pointee. The multiply spreads the 32 bits over the 64 the table splits into its probe
// position (high bits) and control byte (low 7).
struct ObservationIdHash {
  using is_transparent = void;
  static size_t Spread(uint32_t h) { return uint64_t{h} * 0x9E3779B97F4A7C15ull; }
  size_t operator()(std::string_view id) const { return Spread(IdHash32(id)); }
  size_t operator()(const HashedId& k) const { return Spread(k.h32); }
  size_t operator()(const Observation* o) const {
    const uint32_t h = Stored(*o).id_hash;
    return Spread(h != 0 ? h : IdHash32(o->id.view()));
  }
};
struct ObservationIdEq {
  using is_transparent = void;
  static std::string_view Id(std::string_view id) { return id; }
  static std::string_view Id(const HashedId& k) { return k.id; }
  static std::string_view Id(const Observation* o) { return o->id.view(); }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return Id(a) == Id(b);
  }
};

// The observations of one document, and for large documents an index of their acts.
struct DocEntry {
  std::vector<const Observation*> observations;
  struct Act {
    uint32_t count = 0;
    const Observation* first = nullptr;
  };
  std::unique_ptr<absl::flat_hash_map<uint64_t, Act>> acts;  // built past kSmallDoc
};
constexpr size_t kSmallDoc = 64;

inline bool SameAct(const Observation& a, const Observation& b) {
  return a.evidence.begin == b.evidence.begin && a.evidence.end == b.evidence.end &&
         a.kind == b.kind && a.source == b.source;
}

inline uint64_t PairKey(uint32_t s, uint32_t t) { return (uint64_t{s} << 32) | t; }

// Identifies the act an observation reports (see ActTargetCount); 0 when it has no span.
// Only compared within one document's index, where equal keys are confirmed by SameAct.
inline uint64_t ActKey(const Observation& o) {
  if (o.evidence.begin < 0) return 0;
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
  };
  mix(o.evidence.doc);
  mix(o.source);
  for (int32_t x : {o.evidence.begin, o.evidence.end, static_cast<int32_t>(o.kind)}) {
    h = (h ^ static_cast<uint32_t>(x)) * 1099511628211ULL;
  }
  return h | 1;  // never 0
}


}  // namespace graph_internal

// The two files that include this header speak these names unqualified.
using graph_internal::ActKey;
using graph_internal::ActorNode;
using graph_internal::DocEntry;
using graph_internal::EdgeData;
using graph_internal::Graph;
using graph_internal::HashedId;
using graph_internal::kSmallDoc;
using graph_internal::IdHash32;
using graph_internal::ObservationArena;
using graph_internal::ObservationIdEq;
using graph_internal::ObservationIdHash;
using graph_internal::PairKey;
using graph_internal::RelEdge;
using graph_internal::SameAct;
using graph_internal::Sharded;
using graph_internal::Stored;
using graph_internal::StoredObservation;

// ---- Impl ------------------------------------------------------------------------------------

struct ActorGraph::Impl {
  Graph g;
  // Chunked (graph/chunked_vector.h): growing it under the writer's lock moves nothing.
  graph_internal::ChunkedVector<EdgeData> edges;
  // Open-addressing maps: ingest is dominated by these lookups, and node-based maps cost a
  // cache miss per node at a million entries.
  absl::flat_hash_map<Text, uint32_t, TextHash, TextEq> actor_index;  // id -> vertex
  Sharded<absl::flat_hash_map<uint64_t, uint32_t>> edge_index;  // PairKey(s, t) -> edges index
  ObservationArena arena;  // owns every observation
  // The indexes that grow with the observations (here and edge_index above) are sharded
  // (graph/sharded_table.h): they grow under the writer's exclusive lock, a shard at a time.
  Sharded<absl::flat_hash_set<const Observation*, ObservationIdHash, ObservationIdEq>> observations;
  Sharded<absl::flat_hash_map<Text, DocEntry, TextHash, TextEq>> by_doc;
  // One copy of each repeated string (actor ids, names, countries, CAMEO codes, documents,
  // URLs) shared by every observation that carries it.
  Sharded<absl::flat_hash_set<Text, TextHash, TextEq>> pool;
  // Folded id, name and aliases -> actors carrying that key.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> names;
  // vertex -> its distinct folded keys, each with the first spelling that gave it (id, name,
  // then aliases), so ResolveCandidates never folds the dictionary again.
  struct NameKey {
    std::string folded;
    std::string original;
  };
  std::vector<std::vector<NameKey>> keys_of;
  Day newest = kNoDate;

  void Intern(Text& t) {
    if (t.empty()) return;
    auto [it, inserted] = pool.insert(t);
    if (!inserted) t = *it;
  }
  // Interns a field of a new observation. A Text that is already shared (use_count > 1) came
  // from Intern() or from the caller's own copies: left as it is, which is always correct and
  // only forgoes sharing.
  void InternField(Text& t) {
    if (t.use_count() != 1) return;
    Intern(t);
  }
  // Documents and URLs are not pooled: nearly all are new, and interning them (and growing
  // the pool) was ~14 % of the apply's time under the writer's lock (perf, session 6). A document's observations come
  // together, so each shares the previous observation's copy when the bytes are equal (and a
  // document's id is also its by_doc key, which PrepareObservation finds).
  static void ShareWithPrevious(Text& t, Text& previous) {
    if (t.SharesBytesWith(previous)) return;
    if (!t.empty() && t == previous) {
      t = previous;
    } else {
      previous = t;
    }
  }
  Text last_doc, last_url;  // the previous observation's, for ShareWithPrevious
  // Makes an added observation's (interned) name and country its actor's seen ones.
  static void Remember(ActorNode& node, const Text& name, const Text& country) {
    if (!name.empty() && !name.SharesBytesWith(node.seen_name)) node.seen_name = name;
    if (!country.empty() && !country.SharesBytesWith(node.seen_country)) node.seen_country = country;
  }
  struct ActorHint {
    Text id;
    uint32_t index = 0;
  };
  static constexpr size_t kActorHints = 1 << 12;
  std::vector<ActorHint> actor_hints = std::vector<ActorHint>(kActorHints);
  // The document entry of the previous observation (a document's observations are usually
  // adjacent); valid while by_doc has not rehashed or erased (see AddToDocument).
  Text cached_doc;
  DocEntry* cached_doc_entry = nullptr;
  size_t cached_doc_rehashes = 0;

  absl::StatusOr<bool> Add(Observation o, bool pooled, const AddHint* hint);

  // PrepareObservation's two halves: the actor's index (-1 when unknown), then the rest
  // for a hint whose id_hash, source and target are set (with the observation's FieldViews
  // when the caller gave them).
  int32_t ActorIndexOf(std::string_view id) const {
    auto it = actor_index.find(id);
    return it == actor_index.end() ? -1 : static_cast<int32_t>(it->second);
  }
  void FinishPrepare(Observation& o, ActorGraph::AddHint& hint,
                     const ActorGraph::FieldViews* views) const {
    // Sets `field` to the bytes of `view` (or leaves it, for an empty view): to `shared`, the
    // graph's copy, when there is one; else to the field's own copy, made now from a view.
    auto fill = [](Text& field, std::string_view view, const Text* shared) {
      if (shared != nullptr) {
        field = *shared;
      } else if (!view.empty() && field.empty()) {
        field = Text(view);
      }
    };
    auto bytes = [](const Text& field, std::string_view view) {
      return view.empty() ? field.view() : view;
    };
    const ActorGraph::FieldViews none;
    const ActorGraph::FieldViews& v = views != nullptr ? *views : none;
    // A name or country: the actor's seen one when equal, else the pool's copy, if any.
    auto share = [&](Text& field, std::string_view view, const Text* seen) {
      const std::string_view b = bytes(field, view);
      if (b.empty() || field.use_count() > 1) return;  // nothing, or shared already
      fill(field, view, seen != nullptr && *seen == b ? seen : pool.find(b));
    };
    // The actor's own id, then its name and country.
    auto actor = [&](int32_t index, Text& id, std::string_view id_view, Text& name,
                     std::string_view name_view, Text& country, std::string_view country_view) {
      const ActorNode* node = index < 0 ? nullptr : &g[static_cast<uint32_t>(index)];
      fill(id, id_view, node != nullptr ? &node->id : nullptr);
      share(name, name_view, node != nullptr ? &node->seen_name : nullptr);
      share(country, country_view, node != nullptr ? &node->seen_country : nullptr);
    };
    actor(hint.source, o.source, v.source, o.source_name, v.source_name, o.source_country,
          v.source_country);
    actor(hint.target, o.target, v.target, o.target_name, v.target_name, o.target_country,
          v.target_country);
    share(o.cameo, v.cameo, nullptr);
    // A known document's id is its by_doc key (documents are not pooled; nor are URLs).
    if (o.evidence.doc.use_count() == 1) {
      if (const auto* entry = by_doc.find(o.evidence.doc.view())) o.evidence.doc = entry->first;
    }
    hint.known_id = observations.contains(HashedId{o.id.view(), hint.id_hash});
  }

  // Files `p` under its document and finds the other observations reporting the same act.
  void AddToDocument(const Observation* p) {
    if (cached_doc_entry == nullptr || by_doc.rehashes() != cached_doc_rehashes ||
        !cached_doc.SharesBytesWith(p->evidence.doc) || p->evidence.doc.empty()) {
      cached_doc_entry = &by_doc[p->evidence.doc];
      cached_doc = p->evidence.doc;
      cached_doc_rehashes = by_doc.rehashes();
    }
    DocEntry& d = *cached_doc_entry;
    d.observations.push_back(p);
    const uint64_t act = ActKey(*p);
    if (act == 0) return;
    const Observation* other = nullptr;  // a member of the act that is not yet marked shared
    bool shared = false;
    if (d.acts == nullptr && d.observations.size() > kSmallDoc) {
      d.acts = std::make_unique<absl::flat_hash_map<uint64_t, DocEntry::Act>>();
      for (const Observation* q : d.observations) {
        if (q == p) continue;
        if (uint64_t k = ActKey(*q)) {
          DocEntry::Act& a = (*d.acts)[k];
          if (a.count++ == 0) a.first = q;
        }
      }
    }
    if (d.acts != nullptr) {
      DocEntry::Act& a = (*d.acts)[act];
      if (a.count++ == 0) a.first = p;
      shared = a.count > 1;
      if (a.count == 2) other = a.first;
    } else {
      for (const Observation* q : d.observations) {
        if (q == p || !SameAct(*q, *p)) continue;
        shared = true;
        if (!Stored(*q).shared_act) other = q;
      }
    }
    if (shared) Stored(p).shared_act = true;
    if (other != nullptr) Stored(other).shared_act = true;
  }

  const Actor& actor(uint32_t v) const { return g[v].actor; }

  void IndexNames(uint32_t v) {
    const Actor& a = g[v].actor;
    std::vector<NameKey> keys;
    auto add = [&](const std::string& s) {
      std::string k = FoldName(s);
      if (k.empty() ||
          std::any_of(keys.begin(), keys.end(), [&](const NameKey& x) { return x.folded == k; })) {
        return;
      }
      keys.push_back({std::move(k), s});
    };
    add(a.id);
    add(a.name);
    for (const std::string& al : a.aliases) add(al);
    for (const NameKey& k : keys) names[k.folded].push_back(v);
    keys_of[v] = std::move(keys);
  }

  void UnindexNames(uint32_t v) {
    for (const NameKey& k : keys_of[v]) {
      auto it = names.find(k.folded);
      if (it == names.end()) continue;
      std::erase(it->second, v);
      if (it->second.empty()) names.erase(it);
    }
    keys_of[v].clear();
  }

  // Without `index_names` the caller runs IndexNames(v) itself (the image reader does, on
  // another thread).
  uint32_t AddActor(Actor a, bool index_names = true) {
    Text id(a.id);
    Intern(id);
    uint32_t v = static_cast<uint32_t>(boost::add_vertex(ActorNode{std::move(a), 0, id}, g));
    actor_index.emplace(std::move(id), v);
    keys_of.emplace_back();
    if (index_names) IndexNames(v);
    return v;
  }

  uint32_t EnsureActor(const Text& id, const Text& name, const Text& country) {
    // Shared Texts of busy actors recur: a direct-mapped cache keyed by the bytes' address
    // skips hashing the id. The cache holds its Text, so an address is never reused while
    // cached (no false hits).
    ActorHint& hint = actor_hints[(reinterpret_cast<uintptr_t>(id.data()) >> 4) &
                                  (kActorHints - 1)];
    if (!id.empty() && hint.id.SharesBytesWith(id)) return hint.index;
    auto it = actor_index.find(id.view());
    if (it != actor_index.end()) {
      if (id.use_count() > 1) hint = {id, it->second};  // shared: likely to recur
      return it->second;
    }
    Actor a;
    a.id = id.str();
    a.kind = ActorKind::kOther;
    a.name = name.empty() ? id.str() : name.str();
    a.country = country.str();
    return AddActor(std::move(a));
  }

  uint32_t EnsureEdge(uint32_t s, uint32_t t) {
    auto [it, inserted] = edge_index.emplace(PairKey(s, t), static_cast<uint32_t>(edges.size()));
    if (!inserted) return it->second;
    uint32_t e = it->second;
    EdgeData d;
    d.source = s;
    d.target = t;
    edges.push_back(std::move(d));
    boost::add_edge(s, t, RelEdge{e}, g);
    return e;
  }
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ACTOR_GRAPH_IMPL_H_
