// SignedGraph: an undirected graph with signed real edge weights, stored as compressed rows
// (CSR). The shape the balance algorithms (partitioning, triangles) read; built from the
// stance between actors (graph/stance.h) or, in tests and benchmarks, from an edge list.
// Thread-compatible: immutable after construction, so concurrent reads are safe.
#ifndef ACTORGRAPH_GRAPH_SIGNED_GRAPH_H_
#define ACTORGRAPH_GRAPH_SIGNED_GRAPH_H_

#include <cstdint>
#include <span>
#include <vector>

namespace actorgraph {

class SignedGraph {
 public:
  struct Edge {
    uint32_t u = 0;
    uint32_t v = 0;
    double weight = 0;
  };

  SignedGraph() = default;
  // A graph on nodes 0..node_count-1. Parallel edges are summed (either orientation), self
  // loops and edges summing to exactly 0 are dropped. Edges must name nodes < node_count.
  static SignedGraph FromEdges(uint32_t node_count, std::vector<Edge> edges);

  uint32_t node_count() const { return static_cast<uint32_t>(offsets_.size()) - 1; }
  // Undirected edges.
  size_t edge_count() const { return neighbors_.size() / 2; }
  // Neighbours of v in increasing order, and the weights of the edges to them.
  std::span<const uint32_t> neighbors(uint32_t v) const {
    return {neighbors_.data() + offsets_[v], neighbors_.data() + offsets_[v + 1]};
  }
  std::span<const double> weights(uint32_t v) const {
    return {weights_.data() + offsets_[v], weights_.data() + offsets_[v + 1]};
  }
  // Weight of the edge u-v, or 0 (binary search in u's row).
  double weight(uint32_t u, uint32_t v) const;
  // Sum of |weight| over undirected edges.
  double total_abs_weight() const { return total_abs_weight_; }

 private:
  std::vector<uint64_t> offsets_ = {0};
  std::vector<uint32_t> neighbors_;
  std::vector<double> weights_;
  double total_abs_weight_ = 0;
};

// The weighted frustration of a partition: positive weight between blocs plus |negative|
// weight within blocs. `bloc` holds one bloc id per node.
double Frustration(const SignedGraph& g, std::span<const uint32_t> bloc);

// Connected components: one component id per node, ids 0.. in order of lowest node.
std::vector<uint32_t> ConnectedComponents(const SignedGraph& g, uint32_t* count = nullptr);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_SIGNED_GRAPH_H_
