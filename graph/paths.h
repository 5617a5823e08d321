// The path engine behind ActorGraph::FindPaths: k cheapest loopless paths with every
// constraint (hop limit, filter, all-positive, overall sign parity) inside the search.
//
// Method: an exact best-first enumeration of simple paths (A* over partial paths). A reverse
// search from the target over actor x sign-parity states gives a lower bound on the remaining
// cost and hops (out to half the hop budget by hops, so both directions stay small; the whole
// budget for the confidence cost); partial paths are expanded cheapest-bound first, so
// complete paths come out in cost order: the i-th completed path is the i-th cheapest simple
// path. This returns what Yen's algorithm returns, but also stays exact under the parity
// constraint, where Yen's spur searches would return walks that revisit an actor.
// Thread-safe: reads the graph only (callers keep it unchanged during the call).
#ifndef ACTORGRAPH_GRAPH_PATHS_H_
#define ACTORGRAPH_GRAPH_PATHS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/actor_graph.h"

namespace actorgraph {

// Limits shared by the API and the server's request validation.
inline constexpr int kMaxPathHops = 8;
inline constexpr int kMaxPathsK = 20;
inline constexpr int kMaxPathEvidence = 50;

// OK, or InvalidArgument naming the first out-of-range field of `q` (from, to, max_hops, k,
// max_evidence, path_sign, half_life_days, filter.sign).
absl::Status ValidatePathQuery(const PathQuery& q);

// See ActorGraph::FindPaths.
absl::StatusOr<PathResult> FindPathsIn(const ActorGraph& graph, const PathQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_PATHS_H_
