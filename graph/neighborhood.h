// Ego networks: the actors within r hops of some actors, capped in size, and the relations
// among them ready to draw. Also the neighbourhood restriction of FindAlliances.
// Thread-safe: pure functions over a graph the caller keeps unchanged during the call.
#ifndef ACTORGRAPH_GRAPH_NEIGHBORHOOD_H_
#define ACTORGRAPH_GRAPH_NEIGHBORHOOD_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"

namespace actorgraph {

inline constexpr int kMaxNeighborhoodRadius = 4;
inline constexpr int kMaxNeighborhoodNodes = 2000;
inline constexpr int kMaxNeighborhoodEvidence = 20;

// Actors (ActorGraph indices) within `radius` hops of `centers`, walking relations with at
// least one observation passing `filter` in either direction. Nearest first; within one ring,
// best connected first: most passing observations to the actors kept so far, then id. At
// most `max_nodes` (centers included); `truncated` (may be null) tells whether the cap cut.
// `depth` (may be null) receives each returned actor's hop count.
std::vector<uint32_t> ActorsWithinRadius(const ActorGraph& graph, std::span<const uint32_t> centers,
                                         int radius, const RelationFilter& filter, size_t max_nodes,
                                         bool* truncated, std::vector<int>* depth);

struct NeighborhoodQuery {
  std::string actor;    // ego id (already resolved)
  int radius = 1;       // 1..4
  int max_nodes = 100;  // 1..2000
  RelationFilter filter;
  int max_evidence = 1;  // 1..20
};

struct NeighborhoodNode {
  std::string actor;
  int depth = 0;   // hops from the ego
  int degree = 0;  // distinct neighbours within the returned nodes
};

struct NeighborhoodResult {
  std::vector<NeighborhoodNode> nodes;  // ego first, then by depth
  std::vector<PathEdge> edges;  // directed edges among the nodes, aggregated over the filter
  bool truncated = false;       // max_nodes cut the neighbourhood
};

// The ego network of q.actor. NotFound naming an unknown ego; InvalidArgument naming the
// field for bad limits.
absl::StatusOr<NeighborhoodResult> GetNeighborhood(const ActorGraph& graph,
                                                   const NeighborhoodQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_NEIGHBORHOOD_H_
