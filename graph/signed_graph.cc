#include "graph/signed_graph.h"

#include <algorithm>
#include <cmath>

namespace actorgraph {

SignedGraph SignedGraph::FromEdges(uint32_t node_count, std::vector<Edge> edges) {
  for (Edge& e : edges) {
    if (e.u > e.v) std::swap(e.u, e.v);
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return a.u != b.u ? a.u < b.u : a.v < b.v; });
  // Merge parallel edges in place; drop self loops and zero sums.
  size_t out = 0;
  for (size_t i = 0; i < edges.size();) {
    Edge merged = edges[i];
    size_t j = i + 1;
    for (; j < edges.size() && edges[j].u == merged.u && edges[j].v == merged.v; ++j) {
      merged.weight += edges[j].weight;
    }
    if (merged.u != merged.v && merged.weight != 0) edges[out++] = merged;
    i = j;
  }
  edges.resize(out);

  SignedGraph g;
  g.offsets_.assign(static_cast<size_t>(node_count) + 1, 0);
  for (const Edge& e : edges) {
    ++g.offsets_[e.u + 1];
    ++g.offsets_[e.v + 1];
    g.total_abs_weight_ += std::abs(e.weight);
  }
  for (uint32_t v = 0; v < node_count; ++v) g.offsets_[v + 1] += g.offsets_[v];
  g.neighbors_.resize(2 * edges.size());
  g.weights_.resize(2 * edges.size());
  std::vector<uint64_t> fill(g.offsets_.begin(), g.offsets_.end() - 1);
  // Edges are sorted by (u, v), so each row comes out sorted: a row's smaller neighbours
  // arrive (as v of an earlier u) before its larger ones (as u).
  for (const Edge& e : edges) {
    g.neighbors_[fill[e.v]] = e.u;
    g.weights_[fill[e.v]++] = e.weight;
  }
  for (const Edge& e : edges) {
    g.neighbors_[fill[e.u]] = e.v;
    g.weights_[fill[e.u]++] = e.weight;
  }
  return g;
}

double SignedGraph::weight(uint32_t u, uint32_t v) const {
  auto row = neighbors(u);
  auto it = std::lower_bound(row.begin(), row.end(), v);
  if (it == row.end() || *it != v) return 0;
  return weights_[offsets_[u] + (it - row.begin())];
}

double Frustration(const SignedGraph& g, std::span<const uint32_t> bloc) {
  double f = 0;
  for (uint32_t v = 0; v < g.node_count(); ++v) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] <= v) continue;
      const bool same = bloc[v] == bloc[nb[i]];
      if (same && w[i] < 0) f -= w[i];
      if (!same && w[i] > 0) f += w[i];
    }
  }
  return f;
}

std::vector<uint32_t> ConnectedComponents(const SignedGraph& g, uint32_t* count) {
  constexpr uint32_t kUnset = UINT32_MAX;
  std::vector<uint32_t> comp(g.node_count(), kUnset);
  std::vector<uint32_t> stack;
  uint32_t next = 0;
  for (uint32_t s = 0; s < g.node_count(); ++s) {
    if (comp[s] != kUnset) continue;
    comp[s] = next;
    stack.push_back(s);
    while (!stack.empty()) {
      uint32_t v = stack.back();
      stack.pop_back();
      for (uint32_t u : g.neighbors(v)) {
        if (comp[u] == kUnset) {
          comp[u] = next;
          stack.push_back(u);
        }
      }
    }
    ++next;
  }
  if (count != nullptr) *count = next;
  return comp;
}

}  // namespace actorgraph
