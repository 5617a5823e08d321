// Balance statistics: signed triangles of the undirected stance graph. A triangle is balanced
// when it has an even number of negative edges (+++ friends, +-- two friends with a common
// enemy) and unbalanced otherwise (++- , ---).
// Thread-safe: pure functions over a graph the caller keeps unchanged during the call.
#ifndef ACTORGRAPH_GRAPH_BALANCE_H_
#define ACTORGRAPH_GRAPH_BALANCE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "graph/signed_graph.h"
#include "graph/stance.h"

namespace actorgraph {

inline constexpr int kMaxBalanceLimit = 1000;

struct TriangleCounts {
  int64_t balanced = 0;
  int64_t unbalanced = 0;
  std::array<int64_t, 4> by_negative_edges{};  // triangles with 0, 1, 2, 3 negative edges
  std::vector<int64_t> node_balanced;          // per node: triangles it is part of
  std::vector<int64_t> node_unbalanced;
};

// Counts every triangle once (edges oriented from lower to higher degree, O(m^1.5)).
// Cancelled when `cancelled` says so.
absl::StatusOr<TriangleCounts> CountSignedTriangles(const SignedGraph& g,
                                                    const std::function<bool()>& cancelled = {});

struct BalanceQuery {
  StanceOptions stance;  // which observations make up the stance graph
  int limit = 20;        // per-actor rows, 1..1000
  std::function<bool()> cancelled;
};

struct ActorBalance {
  std::string actor;
  int64_t balanced = 0;
  int64_t unbalanced = 0;
};

struct BalanceResult {
  int64_t balanced = 0;
  int64_t unbalanced = 0;
  double ratio = 1;  // balanced / (balanced + unbalanced); 1 without triangles
  std::array<int64_t, 4> by_negative_edges{};
  std::vector<ActorBalance> actors;  // most unbalanced first, then most balanced, then id
};

// Balance of the stance graph of a window. InvalidArgument naming the field; Cancelled.
absl::StatusOr<BalanceResult> GetBalance(const ActorGraph& graph, const BalanceQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_BALANCE_H_
