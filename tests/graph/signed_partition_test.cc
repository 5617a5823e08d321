#include "graph/signed_partition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "graph/signed_graph.h"

namespace actorgraph {
namespace {

// A random signed graph on n nodes: each pair is an edge with probability p, weight uniform
// in [-5, 5] (integers, so ties happen and must be resolved consistently).
SignedGraph RandomGraph(uint32_t n, double p, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coin(0, 1);
  std::uniform_int_distribution<int> weight(-5, 5);
  std::vector<SignedGraph::Edge> edges;
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t v = u + 1; v < n; ++v) {
      if (coin(rng) < p) edges.push_back({u, v, static_cast<double>(weight(rng))});
    }
  }
  return SignedGraph::FromEdges(n, std::move(edges));
}

struct Optimum {
  double frustration = std::numeric_limits<double>::infinity();
  uint32_t blocs = 0;  // fewest blocs among optimal partitions
};

// Enumerates every set partition (restricted growth strings), with at most max_blocs blocs.
Optimum BruteForce(const SignedGraph& g, uint32_t max_blocs = 0) {
  const uint32_t n = g.node_count();
  if (max_blocs == 0) max_blocs = n;
  std::vector<uint32_t> a(n, 0);
  Optimum best;
  while (true) {
    uint32_t blocs = *std::max_element(a.begin(), a.end()) + 1;
    if (blocs <= max_blocs) {
      double f = Frustration(g, a);
      if (f < best.frustration - 1e-9 || (f <= best.frustration + 1e-9 && blocs < best.blocs)) {
        best = {f, blocs};
      }
    }
    // Next restricted growth string.
    int i = static_cast<int>(n) - 1;
    for (; i > 0; --i) {
      uint32_t prefix_max = *std::max_element(a.begin(), a.begin() + i);
      if (a[i] <= prefix_max) break;
    }
    if (i <= 0) break;
    ++a[i];
    std::fill(a.begin() + i + 1, a.end(), 0);
  }
  return best;
}

TEST(SignedGraphTest, MergesParallelEdgesAndDropsLoopsAndZeros) {
  SignedGraph g = SignedGraph::FromEdges(
      4, {{0, 1, 2}, {1, 0, -0.5}, {2, 2, 9}, {2, 3, 1}, {3, 2, -1}, {3, 0, -4}});
  EXPECT_EQ(g.edge_count(), 2u);
  EXPECT_DOUBLE_EQ(g.weight(0, 1), 1.5);
  EXPECT_DOUBLE_EQ(g.weight(1, 0), 1.5);
  EXPECT_DOUBLE_EQ(g.weight(2, 3), 0);
  EXPECT_DOUBLE_EQ(g.weight(0, 3), -4);
  EXPECT_DOUBLE_EQ(g.total_abs_weight(), 5.5);
  ASSERT_EQ(g.neighbors(0).size(), 2u);
  EXPECT_EQ(g.neighbors(0)[0], 1u);  // rows are sorted
  EXPECT_EQ(g.neighbors(0)[1], 3u);
}

TEST(SignedGraphTest, FrustrationCountsPositiveAcrossAndNegativeWithin) {
  SignedGraph g = SignedGraph::FromEdges(3, {{0, 1, 2}, {1, 2, -3}, {0, 2, 1}});
  EXPECT_DOUBLE_EQ(Frustration(g, std::vector<uint32_t>{0, 0, 0}), 3);
  EXPECT_DOUBLE_EQ(Frustration(g, std::vector<uint32_t>{0, 0, 1}), 1);
  EXPECT_DOUBLE_EQ(Frustration(g, std::vector<uint32_t>{0, 1, 2}), 3);
}

class ExactMatchesBruteForceTest : public ::testing::TestWithParam<int> {};

TEST_P(ExactMatchesBruteForceTest, OnRandomSmallGraphs) {
  const uint64_t seed = GetParam();
  const uint32_t n = 4 + seed % 6;  // 4..9 nodes
  SignedGraph g = RandomGraph(n, 0.6, seed);
  const Optimum want = BruteForce(g);
  PartitionOptions o;
  o.seed = seed;
  auto exact = ExactPartition(g, o);
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(exact->optimal);
  EXPECT_NEAR(exact->frustration, want.frustration, 1e-9);
  EXPECT_EQ(exact->bloc_count, want.blocs);
  EXPECT_NEAR(Frustration(g, exact->bloc), exact->frustration, 1e-9);
  // Per component, the same optimum.
  auto auto_part = PartitionSignedGraph(g, o);
  ASSERT_TRUE(auto_part.ok());
  EXPECT_NEAR(auto_part->frustration, want.frustration, 1e-9);
  // The local search can do no better than the optimum.
  auto local = LocalSearchPartition(g, o);
  ASSERT_TRUE(local.ok());
  EXPECT_GE(local->frustration, want.frustration - 1e-9);
  // With a bloc limit.
  o.max_blocs = 2;
  const Optimum two = BruteForce(g, 2);
  auto limited = ExactPartition(g, o);
  ASSERT_TRUE(limited.ok());
  EXPECT_NEAR(limited->frustration, two.frustration, 1e-9);
  EXPECT_LE(limited->bloc_count, 2u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ExactMatchesBruteForceTest, ::testing::Range(1, 41));

TEST(ExactPartitionTest, PrefersStrongBalanceWhenItCostsNothing) {
  // 0 -(-)- 1 -(-)- 2: {0,2} vs {1} (two blocs) beats three singletons at equal frustration.
  SignedGraph g = SignedGraph::FromEdges(3, {{0, 1, -1}, {1, 2, -1}});
  auto p = ExactPartition(g, {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bloc_count, 2u);
  EXPECT_EQ(p->bloc[0], p->bloc[2]);
  EXPECT_NE(p->bloc[0], p->bloc[1]);
  EXPECT_DOUBLE_EQ(p->frustration, 0);
}

// A planted partition: `blocs` blocs of `size` nodes, each node with ~`within` edges inside
// its bloc (positive) and ~`across` edges to other blocs (negative); a share `noise` of the
// signs flipped.
SignedGraph Planted(uint32_t blocs, uint32_t size, int within, int across, double noise,
                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coin(0, 1);
  std::uniform_int_distribution<uint32_t> member(0, size - 1), other(1, blocs - 1);
  std::uniform_real_distribution<double> weight(1, 10);
  const uint32_t n = blocs * size;
  std::vector<SignedGraph::Edge> edges;
  for (uint32_t v = 0; v < n; ++v) {
    const uint32_t b = v / size;
    for (int i = 0; i < within; ++i) {
      uint32_t u = b * size + member(rng);
      edges.push_back({v, u, (coin(rng) < noise ? -1 : 1) * weight(rng)});
    }
    for (int i = 0; i < across; ++i) {
      uint32_t u = ((b + other(rng)) % blocs) * size + member(rng);
      edges.push_back({v, u, (coin(rng) < noise ? 1 : -1) * weight(rng)});
    }
  }
  return SignedGraph::FromEdges(n, std::move(edges));
}

class PlantedPartitionTest : public ::testing::TestWithParam<int> {};

TEST_P(PlantedPartitionTest, RecoversThePlantedBlocs) {
  const uint64_t seed = GetParam();
  const uint32_t blocs = 4, size = 50;
  SignedGraph g = Planted(blocs, size, 10, 10, 0.1, seed);
  PartitionOptions o;
  o.seed = seed;
  o.restarts = 3;
  auto p = PartitionSignedGraph(g, o);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->exact);
  std::vector<uint32_t> planted(blocs * size);
  for (uint32_t v = 0; v < planted.size(); ++v) planted[v] = v / size;
  ASSERT_EQ(p->bloc_count, blocs) << p->frustration << " vs planted " << Frustration(g, planted);
  for (uint32_t v = 0; v < blocs * size; ++v) {
    // Same planted bloc <=> same found bloc.
    EXPECT_EQ(p->bloc[v], p->bloc[(v / size) * size]) << "node " << v;
    if (v % size == 0 && v > 0) {
      EXPECT_NE(p->bloc[v], p->bloc[v - size]);
    }
  }
  EXPECT_NEAR(p->frustration, Frustration(g, planted), 1e-6);
}

TEST_P(PlantedPartitionTest, RecoversThemWithABlocLimitToo) {
  const uint64_t seed = GetParam();
  SignedGraph g = Planted(3, 40, 10, 8, 0.1, seed);
  PartitionOptions o;
  o.seed = seed;
  o.max_blocs = 3;
  o.restarts = 3;
  auto p = PartitionSignedGraph(g, o);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->bloc_count, 3u);
  for (uint32_t v = 0; v < 120; ++v) EXPECT_EQ(p->bloc[v], p->bloc[(v / 40) * 40]);
}

INSTANTIATE_TEST_SUITE_P(Seeds, PlantedPartitionTest, ::testing::Range(1, 11));

TEST(LocalSearchPartitionTest, IsDeterministicForASeed) {
  SignedGraph g = Planted(5, 30, 4, 4, 0.25, 7);
  PartitionOptions o;
  o.seed = 42;
  o.restarts = 2;
  auto a = LocalSearchPartition(g, o);
  auto b = LocalSearchPartition(g, o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->bloc, b->bloc);
  EXPECT_EQ(a->frustration, b->frustration);
}

TEST(PartitionSignedGraphTest, SolvesSmallComponentsExactly) {
  // Two triangles, one balanced and one not (+, +, -), and an isolated node.
  SignedGraph g = SignedGraph::FromEdges(
      7, {{0, 1, 1}, {1, 2, -1}, {0, 2, -1}, {3, 4, 1}, {4, 5, 1}, {3, 5, -1}});
  auto p = PartitionSignedGraph(g, {});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->optimal);
  EXPECT_DOUBLE_EQ(p->frustration, 1);  // the (+, +, -) triangle cannot be balanced
  EXPECT_EQ(p->bloc[0], p->bloc[1]);
  EXPECT_NE(p->bloc[0], p->bloc[2]);
  EXPECT_EQ(p->bloc[3], p->bloc[5]);  // one bloc is the cheapest and fewest
  EXPECT_EQ(p->bloc_count, 2u + 1u + 1u);
}

TEST(PartitionSignedGraphTest, ValidatesOptionsAndStopsWhenCancelled) {
  SignedGraph g = Planted(2, 30, 3, 3, 0.1, 1);
  PartitionOptions o;
  o.restarts = 0;
  EXPECT_EQ(PartitionSignedGraph(g, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.max_blocs = -1;
  EXPECT_EQ(PartitionSignedGraph(g, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.cancelled = [] { return true; };
  EXPECT_EQ(PartitionSignedGraph(g, o).status().code(), absl::StatusCode::kCancelled);
}

TEST(PartitionSignedGraphTest, EmptyGraph) {
  auto p = PartitionSignedGraph(SignedGraph::FromEdges(0, {}), {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bloc_count, 0u);
  EXPECT_EQ(p->frustration, 0);
}

}  // namespace
}  // namespace actorgraph
