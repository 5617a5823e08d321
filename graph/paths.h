// The path engine behind ActorGraph::FindPaths: k cheapest loopless paths with every
// constraint (hop limit, filter, all-positive, overall sign parity) inside the search.
//
// Two exact engines:
// - By hops (the common query): a bidirectional breadth-first search over states (actors,
//   or actor x sign parity with a path sign) that always grows the side whose next level
//   is cheaper and first tries the edges between the two frontiers, so a hub's
//   neighbourhood is scanned only when a path needs it. The first search's shortest walks
//   often answer the query (k + 1 of them loopless); otherwise Yen's algorithm (with
//   Lawler's rule) over the same search, each search returning its smallest shortest walk,
//   gives the k shortest. Either way in exactly the documented order: fewer hops, then
//   actor ids (then, for two paths through the same actors over relations of other signs,
//   the positive prefix first). Without a path sign a shortest walk never repeats an
//   actor; with one it may, and then the query goes to the second engine.
// - With the confidence cost, or a sign search whose shortest walks repeat an actor: a
//   best-first enumeration of simple paths (A* over partial paths) with a lower bound from
//   a reverse search over actor x sign-parity states, exact under the parity constraint.
//   Equal-cost paths come in search order, sorted by hops then actor ids among those
//   returned.
// Both build each actor's usable relations at most once per query (one adjacency scan,
// one evaluation of each edge against the filter). Per-query scratch memory (16 to 64
// bytes per actor) comes from a pool that keeps one idle set per hardware thread.
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
