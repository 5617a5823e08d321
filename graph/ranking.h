// Centrality of actors over a window: degree, weighted PageRank (actors with no outgoing
// weight spread their rank over everyone, which Boost's page_rank does not do) and Brandes
// betweenness, exact or sampled for large graphs.
// Thread-safe: pure functions over a graph the caller keeps unchanged during the call
// (betweenness may use worker threads).
#ifndef ACTORGRAPH_GRAPH_RANKING_H_
#define ACTORGRAPH_GRAPH_RANKING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"

namespace actorgraph {

inline constexpr int kMaxRankLimit = 1000;
inline constexpr int kMaxBetweennessSamples = 100000;

// A directed graph with non-negative edge weights, rows by source (CSR); within a row the
// targets are distinct, in no particular order.
struct WeightedDigraph {
  struct Edge {
    uint32_t source = 0;
    uint32_t target = 0;
    double weight = 0;
  };
  uint32_t node_count = 0;
  std::vector<uint64_t> offsets = {0};
  std::vector<uint32_t> targets;
  std::vector<double> weights;

  // Sums parallel edges (in input order); drops self loops. Rows keep their targets in order
  // of first appearance in `edges`. Weights must be >= 0.
  static WeightedDigraph FromEdges(uint32_t node_count, std::vector<Edge> edges);
};

// The relations of a window as a weighted digraph: node i is actor `actors[i]` (ActorGraph
// index), one for each actor touching a passing observation; edge a -> b weighs the sum of
// |weight| x confidence of the passing observations (an edge of only LEADS weighs 0 but is
// still an edge for degree and betweenness).
struct ActivityGraph {
  std::vector<uint32_t> actors;
  WeightedDigraph graph;
};
ActivityGraph BuildActivityGraph(const ActorGraph& graph, const RelationFilter& filter);

// Distinct neighbours of each node, either direction.
std::vector<double> DegreeCentrality(const WeightedDigraph& g);

struct PageRankOptions {
  double damping = 0.85;     // in (0, 1)
  double tolerance = 1e-10;  // L1 change that ends the iteration
  int max_iterations = 200;
  std::function<bool()> cancelled;
};
// Weighted PageRank: a walker follows an out-edge with probability proportional to its
// weight, or jumps anywhere with probability 1 - damping; from a node with no outgoing weight
// it always jumps. Scores sum to 1. InvalidArgument naming "damping"; Cancelled.
absl::StatusOr<std::vector<double>> PageRank(const WeightedDigraph& g,
                                             const PageRankOptions& options);

struct BetweennessOptions {
  bool directed = false;  // false: edges walked either way, each unordered pair counted once
  int samples = 0;        // 0 = exact (every source); else sources sampled without
                          // replacement, scores scaled by n / samples
  uint64_t seed = 1;
  // Sources are shared among this many threads (0 = one per hardware thread); the scores do
  // not depend on it.
  int threads = 0;
  std::function<bool()> cancelled;  // polled from the calling thread only
};
// The sources Betweenness starts from for `samples` of n nodes and `seed`: a uniform sample
// without replacement (partial Fisher-Yates), or every node in order when samples is 0 or
// at least n. Lets a comparison run other tools from the very same sources.
std::vector<uint32_t> BetweennessSources(uint32_t n, int samples, uint64_t seed);
// Brandes betweenness by hop count. Memory: O(n + m) per thread (each keeps the search's
// successor links). InvalidArgument naming "samples"; Cancelled.
absl::StatusOr<std::vector<double>> Betweenness(const WeightedDigraph& g,
                                                const BetweennessOptions& options);

// Values match proto actorgraph.v1.Measure.
enum class RankMeasure : int { kDegree = 0, kPageRank = 1, kBetweenness = 2 };

struct RankQuery {
  RankMeasure by = RankMeasure::kDegree;
  RelationFilter filter;
  int limit = 20;         // 1..1000
  double damping = 0.85;  // PageRank, in (0, 1)
  int samples = 0;        // betweenness: 0 = exact up to exact_max_actors, else 256
  int exact_max_actors = 5000;
  uint64_t seed = 1;
  std::function<bool()> cancelled;
};

struct RankedActor {
  std::string actor;
  double score = 0;
  int rank = 0;  // 1-based
};

struct RankResult {
  std::vector<RankedActor> actors;  // highest first, ties by id
  std::string method;  // "degree", "pagerank", "betweenness-exact", "betweenness-sampled"
};

// Actors of the window ranked by q.by. InvalidArgument naming the field; Cancelled.
absl::StatusOr<RankResult> RankActors(const ActorGraph& graph, const RankQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_RANKING_H_
