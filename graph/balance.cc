#include "graph/balance.h"

#include <algorithm>
#include <numeric>

#include "absl/status/status.h"
#include "graph/errors.h"

namespace actorgraph {

absl::StatusOr<TriangleCounts> CountSignedTriangles(const SignedGraph& g,
                                                    const std::function<bool()>& cancelled) {
  const uint32_t n = g.node_count();
  TriangleCounts out;
  out.node_balanced.assign(n, 0);
  out.node_unbalanced.assign(n, 0);
  // Orient each edge towards the higher (degree, id): every triangle is then found exactly
  // once, from its lowest vertex, and each out-row is short.
  auto before = [&](uint32_t a, uint32_t b) {
    const size_t da = g.neighbors(a).size(), db = g.neighbors(b).size();
    return da != db ? da < db : a < b;
  };
  std::vector<uint64_t> offsets(n + 1, 0);
  std::vector<uint32_t> out_adj;
  std::vector<int8_t> out_sign;
  for (uint32_t v = 0; v < n; ++v) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      if (before(v, nb[i])) {
        out_adj.push_back(nb[i]);
        out_sign.push_back(w[i] < 0 ? -1 : 1);
      }
    }
    offsets[v + 1] = out_adj.size();
  }
  std::vector<int8_t> mark(n, 0);  // sign of v -> u for the current v, 0 = not adjacent
  for (uint32_t v = 0; v < n; ++v) {
    if ((v & 1023) == 0 && cancelled && cancelled()) {
      return absl::CancelledError("triangle count cancelled");
    }
    for (uint64_t e = offsets[v]; e < offsets[v + 1]; ++e) mark[out_adj[e]] = out_sign[e];
    for (uint64_t e = offsets[v]; e < offsets[v + 1]; ++e) {
      const uint32_t u = out_adj[e];
      for (uint64_t f = offsets[u]; f < offsets[u + 1]; ++f) {
        const uint32_t x = out_adj[f];
        if (mark[x] == 0) continue;
        const int negatives = (out_sign[e] < 0) + (out_sign[f] < 0) + (mark[x] < 0);
        ++out.by_negative_edges[negatives];
        const bool balanced = negatives % 2 == 0;
        (balanced ? out.balanced : out.unbalanced) += 1;
        auto& per_node = balanced ? out.node_balanced : out.node_unbalanced;
        ++per_node[v];
        ++per_node[u];
        ++per_node[x];
      }
    }
    for (uint64_t e = offsets[v]; e < offsets[v + 1]; ++e) mark[out_adj[e]] = 0;
  }
  return out;
}

absl::StatusOr<BalanceResult> GetBalance(const ActorGraph& graph, const BalanceQuery& q) {
  if (absl::Status s = CheckRange("limit", q.limit, 1, kMaxBalanceLimit); !s.ok()) return s;
  StanceGraphOptions sgo;
  sgo.stance = q.stance;
  sgo.cancelled = q.cancelled;
  auto sg = BuildStanceGraph(graph, sgo);
  if (!sg.ok()) return sg.status();
  auto counts = CountSignedTriangles(sg->graph, q.cancelled);
  if (!counts.ok()) return counts.status();
  BalanceResult result;
  result.balanced = counts->balanced;
  result.unbalanced = counts->unbalanced;
  result.by_negative_edges = counts->by_negative_edges;
  const int64_t total = result.balanced + result.unbalanced;
  result.ratio = total > 0 ? static_cast<double>(result.balanced) / total : 1.0;
  std::vector<uint32_t> order;
  for (uint32_t v = 0; v < sg->actors.size(); ++v) {
    if (counts->node_balanced[v] + counts->node_unbalanced[v] > 0) order.push_back(v);
  }
  auto id = [&](uint32_t v) -> const std::string& { return graph.ActorAt(sg->actors[v]).id; };
  auto first = [&](uint32_t a, uint32_t b) {
    if (counts->node_unbalanced[a] != counts->node_unbalanced[b]) {
      return counts->node_unbalanced[a] > counts->node_unbalanced[b];
    }
    if (counts->node_balanced[a] != counts->node_balanced[b]) {
      return counts->node_balanced[a] > counts->node_balanced[b];
    }
    return id(a) < id(b);
  };
  const size_t keep = std::min(order.size(), static_cast<size_t>(q.limit));
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), first);
  for (size_t i = 0; i < keep; ++i) {
    const uint32_t v = order[i];
    result.actors.push_back({id(v), counts->node_balanced[v], counts->node_unbalanced[v]});
  }
  return result;
}

}  // namespace actorgraph
