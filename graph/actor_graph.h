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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  double weight = 0;      // sum of signed weights
  int sign = 0;           // sign of weight
  Day first_seen = kNoDate;
  Day last_seen = kNoDate;
  std::vector<const Observation*> evidence;  // newest first, capped by max_evidence
};

struct FoundPath {
  std::vector<std::string> actors;  // from .. to
  std::vector<PathEdge> edges;
  int sign = 1;                     // product of edge signs
  double cost = 0;                  // hops
};

struct PathQuery {
  std::string from;  // actor ids (already resolved)
  std::string to;
  int max_hops = 4;
  RelationFilter filter;
  bool directed = false;
  int k = 1;
  int max_evidence = 3;
};

struct PathResult {
  std::vector<FoundPath> paths;  // shortest first
  bool truncated = false;        // more paths exist than returned
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

  // Removes every observation of document `doc`; returns how many were removed.
  int64_t RetractDocument(std::string_view doc);

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

  // Shortest paths by hops from q.from to q.to over edges with at least one observation
  // passing q.filter. NotFound if either actor is unknown; InvalidArgument for bad limits.
  absl::StatusOr<PathResult> FindPaths(const PathQuery& q) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Folds a name for matching: lower case, Latin diacritics removed, punctuation and runs of
// space collapsed to one space, a leading "the " dropped. "Erdoğan" and "erdogan" fold alike.
std::string FoldName(std::string_view name);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ACTOR_GRAPH_H_
