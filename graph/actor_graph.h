// ActorGraph: actors and relation observations held in memory over a Boost.Graph, with the
// read queries the API serves. Callers speak actor ids and observations; Boost vertex
// descriptors never leave this library.
//
// Thread-compatibility: const methods may run concurrently with each other; any mutation
// needs exclusive access (the server publishes snapshots or holds a writer lock).
// Pointers returned by const methods stay valid until the next mutation.
#ifndef ACTORGRAPH_GRAPH_ACTOR_GRAPH_H_
#define ACTORGRAPH_GRAPH_ACTOR_GRAPH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "graph/types.h"

namespace actorgraph {

// Which observations a query looks at.
struct RelationFilter {
  uint32_t kinds_mask = 0;  // bit (1 << kind); 0 = every kind
  int sign = 0;             // +1 only positive, -1 only negative, 0 any
  Day since = kNoDate;      // inclusive; kNoDate = unbounded
  Day until = kNoDate;      // inclusive; kNoDate = unbounded

  // Undated observations match only when the window is unbounded on both sides.
  bool Matches(const Observation& o) const;
  void AddKind(RelationKind k) { kinds_mask |= 1u << static_cast<int>(k); }
};

struct RelationQuery {
  std::string actor;  // id; empty = any
  std::string other;  // with actor: only between the pair (either direction)
  std::string doc;    // empty = any document
  RelationFilter filter;
};

struct ResolveCandidate {
  const Actor* actor = nullptr;
  double score = 0;     // 1.0 exact id/alias, 0.8 prefix, 0.5 substring
  std::string matched;  // the name or alias that matched
};

// The aggregate of the observations from one actor to another that passed a filter.
struct PathEdge {
  std::string source;
  std::string target;
  bool reversed = false;  // walked against its direction
  int64_t count = 0;
  double weight = 0;  // sum of signed weights
  int sign = 0;       // sign of weight
  Day first_seen = kNoDate;
  Day last_seen = kNoDate;
  std::vector<const Observation*> evidence;  // newest first, capped by max_evidence
};

struct FoundPath {
  std::vector<std::string> actors;  // from .. to
  std::vector<PathEdge> edges;
  int sign = 1;     // product of edge signs
  double cost = 0;  // hops, or the PathCost::kConfidence cost
};

// How FindPaths ranks paths. Raw signed weights are never a cost: shortest-path searches
// cannot take negative costs, and a strong enemy is not a "long" edge.
enum class PathCost : int {
  kHops = 0,        // fewest edges
  kConfidence = 1,  // per edge: 0.01 + -ln(noisy-or over passing observations of
                    // confidence x recency decay), so confident, recent chains come first
};

struct PathQuery {
  std::string from;  // actor ids (already resolved)
  std::string to;
  int max_hops = 4;
  RelationFilter filter;
  bool directed = false;
  int k = 1;
  int max_evidence = 3;
  PathCost cost = PathCost::kHops;
  // Product of the edge signs the path must have (+1 friend chain overall, -1 hostile
  // overall, "the enemy of my enemy" is +1); 0 = any. Sign-0 edges never satisfy it.
  int path_sign = 0;
  // Only edges whose aggregate (sum of passing weights) is positive: support chains.
  bool all_positive = false;
  // Recency decay for PathCost::kConfidence: an observation `age` days before `as_of` counts
  // 0.5^(age / half_life_days). 0 = no decay; as_of kNoDate = filter.until, else the newest
  // observation in the graph.
  double half_life_days = 0;
  Day as_of = kNoDate;
  // Polled during the search; returning true stops it with Cancelled. May be empty.
  std::function<bool()> cancelled;
};

struct PathResult {
  std::vector<FoundPath> paths;  // cheapest first; equal costs by fewer hops, then actor ids
  bool truncated = false;        // more paths exist than returned (or a work cap was hit)
};

class ActorGraph {
 public:
  ActorGraph();
  ~ActorGraph();
  ActorGraph(ActorGraph&&) noexcept;
  ActorGraph& operator=(ActorGraph&&) noexcept;
  ActorGraph(const ActorGraph&) = delete;
  ActorGraph& operator=(const ActorGraph&) = delete;

  // Creates or replaces the actor with a.id. Returns true when it was created.
  // InvalidArgument when the id is empty or not a valid slug.
  absl::StatusOr<bool> UpsertActor(Actor a);

  // Adds an observation, creating unknown source/target actors (kind OTHER, named from
  // *_name). Returns false (and changes nothing) when an observation with that id exists.
  // InvalidArgument for an empty id, source or target, or a self-relation.
  absl::StatusOr<bool> AddObservation(Observation o);

  // AddObservation for bulk loaders that already share repeated strings (names, countries,
  // cameo, doc, url) among their observations: skips the per-field pool lookups, so those
  // strings are shared as the caller made them. Same results otherwise.
  absl::StatusOr<bool> AddPooledObservation(Observation o);

  // ---- Ingest in two steps: look up beside readers, then link under the writer's lock ----
  // What AddObservation looks up for an observation, found ahead of it.
  struct AddHint {
    int32_t source = -1;  // the actors' indices; -1 when not known (yet)
    int32_t target = -1;
    uint32_t id_hash = 0;   // IdHash(o.id); 0 when not computed
    bool known_id = false;  // an observation with this id was stored when looked up
  };
  // The hash the id index keeps of an observation id (never 0). It reads no graph state:
  // a caller computes it outside any lock and passes it on (in AddHint::id_hash).
  static uint32_t IdHash(std::string_view id);
  // Looks `o` up without changing the graph, so a writer can run it under a shared lock,
  // beside readers, before it takes the exclusive one: sets each string field the graph
  // already holds (actor ids, names, countries, CAMEO code, document) to the graph's shared
  // copy, which AddObservation then neither looks up nor copies, and returns the hint. Actor indices stay valid for good (actors are never removed); `known_id` describes
  // the graph as it was, so a caller that lets other writes in between must check the id again.
  // `id_hash` is IdHash(o.id) when the caller has it (0: computed here).
  AddHint PrepareObservation(Observation& o, uint32_t id_hash = 0) const;
  // The strings of an observation that the graph nearly always holds already (actor ids,
  // names, countries, CAMEO code), as views into the caller's buffer, e.g. the request
  // message the observation was converted from: PrepareObservations then sets each empty
  // field from its view, to the graph's copy when there is one, so that converting a request
  // copies none of these. An empty view leaves its field as it is.
  struct FieldViews {
    std::string_view source, target, source_name, target_name, source_country, target_country,
        cameo;
  };
  // PrepareObservation(batch[i], id_hashes[i]) into hints[i] for each i, in stages a few
  // observations apart, so that the cache misses of neighbouring lookups overlap: each
  // lookup in an index of a million entries is a chain of two to four misses. `views`, when
  // given, has one entry per observation (see FieldViews).
  void PrepareObservations(std::span<Observation> batch, std::span<const uint32_t> id_hashes,
                           std::span<AddHint> hints,
                           std::span<const FieldViews> views = {}) const;
  // AddObservation for an `o` that PrepareObservation prepared on this graph, with its hint
  // (writes since are fine: an unknown actor is looked up again).
  absl::StatusOr<bool> AddObservation(Observation o, const AddHint& hint);
  // Starts loading what AddObservation(o, hint) will write: the id index's slot, the two
  // actors' vertices and the edge index's slot (call it a few observations ahead).
  void PrefetchAdd(const Observation& o, const AddHint& hint) const;

  // Capacity hints before a bulk load of about this many actors and observations.
  void Reserve(size_t actors, size_t observations);

  // Removes every observation of document `doc`; returns how many were removed.
  int64_t RetractDocument(std::string_view doc);
  // The observations of document `doc`, in the order they were added (none when unknown).
  std::vector<const Observation*> DocumentObservations(std::string_view doc) const;

  // The actor with this exact id, or nullptr.
  const Actor* FindActor(std::string_view id) const;
  // The id of the actor whose id, name or alias equals `name` (ignoring case, diacritics and
  // punctuation), or nullopt. Ids win over aliases; an ambiguous alias picks the actor with
  // the most observations.
  std::optional<std::string> Resolve(std::string_view name) const;
  // Candidates for a name, best first (exact, then prefix, then substring matches).
  std::vector<ResolveCandidate> ResolveCandidates(std::string_view name, size_t max) const;

  // All actors in id order.
  std::vector<const Actor*> Actors() const;
  size_t actor_count() const;
  size_t observation_count() const;
  // Observations touching actor `id` (as source or target).
  int64_t ObservationCount(std::string_view id) const;
  // The observation with this id, or nullptr.
  const Observation* FindObservation(std::string_view id) const;

  // Observations matching `q`, newest first (undated last), ties by id.
  std::vector<const Observation*> Relations(const RelationQuery& q) const;

  // ---- Read access for the analytics in graph/ (stance, alliances, ranking, ...) ----------
  // Actors have dense indices 0..actor_count()-1 in creation order; actors are never removed,
  // so an index stays valid for the graph's lifetime. Edges likewise have dense ids
  // 0..edge_count()-1; an edge whose observations were all retracted stays, empty.

  // One directed edge: every observation from `source` to `target`, in insertion order.
  struct EdgeRef {
    uint32_t source = 0;
    uint32_t target = 0;
    std::span<const Observation* const> observations;
  };
  // The index of the actor with this id, or nullopt.
  std::optional<uint32_t> IndexOf(std::string_view id) const;
  // The actor at `index` (< actor_count()).
  const Actor& ActorAt(uint32_t index) const;
  size_t edge_count() const;
  // The edge with id `edge` (< edge_count()).
  EdgeRef EdgeAt(uint32_t edge) const;
  // The id of the edge source -> target, or nullopt.
  std::optional<uint32_t> FindEdge(uint32_t source, uint32_t target) const;
  // Calls fn(edge id) for each edge leaving / entering actor `index`, in creation order.
  void ForEachOutEdge(uint32_t index, absl::FunctionRef<void(uint32_t)> fn) const;
  void ForEachInEdge(uint32_t index, absl::FunctionRef<void(uint32_t)> fn) const;
  // The newest observation date in the graph, or kNoDate.
  Day newest_date() const;
  // How many observations report the same act as `o`: same document, sentence span, source
  // and kind, to several targets ("rejected the ceasefire Russia and Turkey proposed").
  // Stance shares such an act's weight among its targets. 1 when the span is unknown.
  // `o` must be one of this graph's observations (as returned by its methods).
  int ActTargetCount(const Observation& o) const;

  // Up to q.k loopless paths from q.from to q.to, cheapest first, over edges with at least
  // one observation passing q.filter; every constraint (hops, sign, parity) is part of the
  // search. NotFound if either actor is unknown; InvalidArgument naming the field for bad
  // limits (max_hops 1..8, k 1..20, max_evidence 1..50); Cancelled when q.cancelled says so.
  absl::StatusOr<PathResult> FindPaths(const PathQuery& q) const;

 private:
  friend class GraphImageReader;  // graph_image.h: writes and rebuilds the inside in bulk
  friend class GraphImageWriter;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Summarises the observations of one directed edge that pass `filter`: count, weight sum and
// its sign, first/last seen, and up to `max_evidence` of them newest first. count == 0 means
// no observation passed.
PathEdge SummarizeEdge(const ActorGraph::EdgeRef& edge, const ActorGraph& graph,
                       const RelationFilter& filter, int max_evidence);

// The order Relations() uses: newer date first, undated last, then by id.
bool NewerFirst(const Observation* a, const Observation* b);

// Folds a name for matching: lower case, Latin diacritics removed, punctuation and runs of
// space collapsed to one space, a leading "the " dropped. "Erdoğan" and "erdogan" fold alike.
std::string FoldName(std::string_view name);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ACTOR_GRAPH_H_
