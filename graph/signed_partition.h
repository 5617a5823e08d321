// Structural-balance partitioning of a signed graph: blocs that minimise the weighted
// frustration (positive weight between blocs plus |negative| weight within blocs), i.e.
// correlation clustering, the generalised balance of signed blockmodeling.
//
// Two solvers:
//  - exact branch and bound, for components of up to ~20-25 nodes; among partitions of equal
//    frustration it returns one with the fewest blocs (strong balance when it costs nothing);
//  - multi-start multilevel relocation local search (move each node to the bloc it has the
//    largest signed weight to, aggregate blocs, repeat), for graphs of 10^5-10^6 edges; the
//    best start is then refined as in Leiden (blocs split into well-tied parts that may move
//    on together), and bloc pairs with no hostility between them that share an adversary are
//    merged ("the enemy of my enemy"); neither step raises the frustration.
// PartitionSignedGraph picks per connected component. Deterministic for a given seed.
// Thread-safe: pure functions of their arguments (the local search may use worker threads).
#ifndef ACTORGRAPH_GRAPH_SIGNED_PARTITION_H_
#define ACTORGRAPH_GRAPH_SIGNED_PARTITION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/signed_graph.h"

namespace actorgraph {

struct PartitionOptions {
  // 0 = as many blocs as minimise frustration; else at most this many.
  int max_blocs = 0;
  uint64_t seed = 1;  // local search randomness
  int restarts = 10;  // local search starts; the best is kept
  // Restarts run in parallel on this many threads (0 = one per hardware thread); the answer
  // does not depend on it.
  int threads = 0;
  int exact_max_nodes = 20;          // components up to this size are solved exactly
  int64_t exact_budget = 5'000'000;  // branch-and-bound nodes before settling for the best found
  // Polled from the calling thread only; true stops with Cancelled.
  std::function<bool()> cancelled;
};

struct Partition {
  std::vector<uint32_t> bloc;  // per node, 0..bloc_count-1; blocs ordered largest first
  uint32_t bloc_count = 0;
  double frustration = 0;
  bool optimal = false;  // every component solved exactly and proven optimal
  bool exact = false;    // the exact solver was used (for every component)
};

// Partitions `g`. InvalidArgument naming the field for bad options; Cancelled when
// options.cancelled says so.
absl::StatusOr<Partition> PartitionSignedGraph(const SignedGraph& g,
                                               const PartitionOptions& options);

// Branch and bound over the whole graph (no per-component split). Minimises frustration,
// then the number of blocs. `optimal` is false when the budget ran out (the best partition
// found is returned). For graphs of up to ~25 nodes.
absl::StatusOr<Partition> ExactPartition(const SignedGraph& g, const PartitionOptions& options);

// Multi-start local search over the whole graph; never proven optimal.
absl::StatusOr<Partition> LocalSearchPartition(const SignedGraph& g,
                                               const PartitionOptions& options);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_SIGNED_PARTITION_H_
