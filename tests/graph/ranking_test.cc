#include "graph/ranking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Build;
using K = RelationKind;

WeightedDigraph Digraph(uint32_t n, std::vector<WeightedDigraph::Edge> edges) {
  return WeightedDigraph::FromEdges(n, std::move(edges));
}

TEST(WeightedDigraphTest, FromEdgesSumsParallelEdgesAndDropsSelfLoops) {
  WeightedDigraph g =
      Digraph(4, {{2, 0, 1}, {0, 3, 2}, {0, 1, 1}, {2, 2, 5}, {0, 3, 0.5}, {3, 0, 4}, {0, 1, 3}});
  EXPECT_EQ(g.node_count, 4u);
  EXPECT_EQ(g.offsets, (std::vector<uint64_t>{0, 2, 2, 3, 4}));
  // Row 0 in order of first appearance: 3 (2 + 0.5), then 1 (1 + 3).
  EXPECT_EQ(g.targets, (std::vector<uint32_t>{3, 1, 0, 0}));
  EXPECT_EQ(g.weights, (std::vector<double>{2.5, 4, 1, 4}));
}

TEST(PageRankTest, MatchesAHandComputationWithADanglingNode) {
  // a -> b, a -> c, b -> c; c has no way out. Solved by hand (linear system, d = 0.85).
  WeightedDigraph g = Digraph(3, {{0, 1, 1}, {0, 2, 1}, {1, 2, 1}});
  auto pr = PageRank(g, {});
  ASSERT_TRUE(pr.ok());
  EXPECT_NEAR((*pr)[0], 0.19757964929612248, 1e-8);
  EXPECT_NEAR((*pr)[1], 0.28155100024697455, 1e-8);
  EXPECT_NEAR((*pr)[2], 0.520869350456903, 1e-8);
  EXPECT_NEAR(std::accumulate(pr->begin(), pr->end(), 0.0), 1.0, 1e-12);
}

TEST(PageRankTest, FollowsEdgeWeights) {
  WeightedDigraph g = Digraph(3, {{0, 1, 3}, {0, 2, 1}, {1, 2, 2}});
  auto pr = PageRank(g, {});
  EXPECT_NEAR((*pr)[0], 0.19077143197806123, 1e-8);
  EXPECT_NEAR((*pr)[1], 0.3123882198640753, 1e-8);
  EXPECT_NEAR((*pr)[2], 0.4968403481578632, 1e-8);
}

TEST(PageRankTest, SumsToOneWhenEveryNodeDangles) {
  WeightedDigraph g = Digraph(4, {});
  auto pr = PageRank(g, {});
  for (double x : *pr) EXPECT_NEAR(x, 0.25, 1e-12);
  PageRankOptions o;
  o.damping = 1;
  EXPECT_EQ(PageRank(g, o).status().code(), absl::StatusCode::kInvalidArgument);
}

class BetweennessTest : public ::testing::TestWithParam<bool> {
 protected:
  BetweennessOptions Options() const {
    BetweennessOptions o;
    o.directed = GetParam();
    return o;
  }
};

TEST_P(BetweennessTest, PathGraph) {
  // 0 -> 1 -> 2 -> 3 -> 4: node i lies between i * (4 - i) pairs either way.
  WeightedDigraph g = Digraph(5, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}});
  auto b = Betweenness(g, Options());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, (std::vector<double>{0, 3, 4, 3, 0}));
}

TEST_P(BetweennessTest, StarGraph) {
  // Leaves 1..4 point at hub 0 and the hub points back at them.
  std::vector<WeightedDigraph::Edge> edges;
  for (uint32_t leaf = 1; leaf <= 4; ++leaf) {
    edges.push_back({leaf, 0, 1});
    edges.push_back({0, leaf, 1});
  }
  auto b = Betweenness(Digraph(5, edges), Options());
  ASSERT_TRUE(b.ok());
  // Pairs of distinct leaves: 6 unordered, 12 ordered.
  EXPECT_DOUBLE_EQ((*b)[0], GetParam() ? 12 : 6);
  for (uint32_t leaf = 1; leaf <= 4; ++leaf) EXPECT_DOUBLE_EQ((*b)[leaf], 0);
}

TEST_P(BetweennessTest, SplitsOverEqualShortestPaths) {
  // A diamond 0 -> {1, 2} -> 3: each middle node carries half of the pair (0, 3).
  WeightedDigraph g = Digraph(4, {{0, 1, 1}, {0, 2, 1}, {1, 3, 1}, {2, 3, 1}});
  auto b = Betweenness(g, Options());
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ((*b)[1], 0.5);
  EXPECT_DOUBLE_EQ((*b)[2], 0.5);
}

TEST_P(BetweennessTest, SamplingEverySourceIsExact) {
  WeightedDigraph g = Digraph(5, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 0, 1}});
  BetweennessOptions o = Options();
  auto exact = Betweenness(g, o);
  o.samples = 5;
  EXPECT_EQ(*Betweenness(g, o), *exact);
  o.samples = 2;
  auto sampled = Betweenness(g, o);
  ASSERT_TRUE(sampled.ok());
  EXPECT_EQ(*sampled, *Betweenness(g, o));  // deterministic for a seed
}

TEST_P(BetweennessTest, StopsWhenCancelled) {
  WeightedDigraph g = Digraph(3, {{0, 1, 1}, {1, 2, 1}});
  BetweennessOptions o = Options();
  o.cancelled = [] { return true; };
  EXPECT_EQ(Betweenness(g, o).status().code(), absl::StatusCode::kCancelled);
  PageRankOptions p;
  p.cancelled = [] { return true; };
  EXPECT_EQ(PageRank(g, p).status().code(), absl::StatusCode::kCancelled);
}

TEST_P(BetweennessTest, SampledScoresAreTheScaledSumOverTheSampledSources) {
  // A path 0-1-2-3-4-5: from source s, node v carries the targets beyond it (undirected: half).
  WeightedDigraph g = Digraph(6, {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}});
  BetweennessOptions o = Options();
  o.samples = 2;
  o.seed = 5;
  const std::vector<uint32_t> sources = BetweennessSources(6, o.samples, o.seed);
  std::vector<double> expected(6, 0);
  for (uint32_t s : sources) {
    for (uint32_t v = 1; v < 5; ++v) {
      // Directed edges only lead upwards; undirected ones both ways.
      if (v > s) expected[v] += 5 - v;
      if (v < s && !GetParam()) expected[v] += v;
    }
  }
  for (double& x : expected) x *= 3.0 * (GetParam() ? 1.0 : 0.5);  // n / samples = 3
  EXPECT_EQ(*Betweenness(g, o), expected);
}

// Betweenness by its definition, from all-pairs BFS: for each source s and target t, node v
// (neither) carries sigma(s, v) sigma(v, t) / sigma(s, t) when it lies on a shortest path.
std::vector<double> BetweennessByDefinition(const WeightedDigraph& g, bool directed,
                                            const std::vector<uint32_t>& sources) {
  const uint32_t n = g.node_count;
  std::vector<std::vector<uint32_t>> adj(n);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      adj[u].push_back(g.targets[e]);
      if (!directed) adj[g.targets[e]].push_back(u);
    }
  }
  for (auto& row : adj) {
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
  }
  std::vector<std::vector<int>> dist(n, std::vector<int>(n, -1));
  std::vector<std::vector<double>> sigma(n, std::vector<double>(n, 0));
  for (uint32_t s = 0; s < n; ++s) {
    std::vector<uint32_t> queue = {s};
    dist[s][s] = 0;
    sigma[s][s] = 1;
    for (size_t head = 0; head < queue.size(); ++head) {
      const uint32_t v = queue[head];
      for (uint32_t w : adj[v]) {
        if (dist[s][w] < 0) {
          dist[s][w] = dist[s][v] + 1;
          queue.push_back(w);
        }
        if (dist[s][w] == dist[s][v] + 1) sigma[s][w] += sigma[s][v];
      }
    }
  }
  std::vector<double> out(n, 0);
  for (uint32_t s : sources) {
    for (uint32_t t = 0; t < n; ++t) {
      if (t == s || dist[s][t] < 0) continue;
      for (uint32_t v = 0; v < n; ++v) {
        if (v == s || v == t || dist[s][v] < 0 || dist[v][t] < 0) continue;
        if (dist[s][v] + dist[v][t] == dist[s][t]) {
          out[v] += sigma[s][v] * sigma[v][t] / sigma[s][t];
        }
      }
    }
  }
  const double scale = static_cast<double>(n) / sources.size() * (directed ? 1.0 : 0.5);
  for (double& x : out) x *= scale;
  return out;
}

TEST_P(BetweennessTest, MatchesTheDefinitionOnARandomGraphWithLeavesAndSmallComponents) {
  // A random core of 40 nodes, 25 leaves hanging off it (some on the same node), a separate
  // path, an isolated edge and an isolated node: every case the search planning treats apart.
  std::mt19937_64 rng(3);
  std::vector<WeightedDigraph::Edge> edges;
  std::uniform_int_distribution<uint32_t> core(0, 39);
  for (int i = 0; i < 90; ++i) edges.push_back({core(rng), core(rng), 1});
  for (uint32_t leaf = 40; leaf < 65; ++leaf) {
    const uint32_t at = core(rng) % 12;
    if (leaf % 2) {
      edges.push_back({leaf, at, 1});
    } else {
      edges.push_back({at, leaf, 1});
    }
  }
  edges.push_back({65, 66, 1});
  edges.push_back({66, 67, 1});
  edges.push_back({68, 69, 1});  // isolated edge; 70 is isolated
  const WeightedDigraph g = Digraph(71, edges);
  BetweennessOptions o = Options();
  for (int samples : {0, 1, 7, 30}) {
    for (uint64_t seed : {1, 2, 3}) {
      o.samples = samples;
      o.seed = seed;
      auto got = Betweenness(g, o);
      ASSERT_TRUE(got.ok());
      const std::vector<double> want =
          BetweennessByDefinition(g, GetParam(), BetweennessSources(71, samples, seed));
      for (uint32_t v = 0; v < 71; ++v) {
        EXPECT_NEAR((*got)[v], want[v], 1e-9 * (1 + want[v]))
            << "node " << v << ", samples " << samples << ", seed " << seed;
      }
      if (samples == 0) break;
    }
  }
}

TEST(BetweennessSourcesTest, SamplesDistinctNodesOrTakesEveryNode) {
  EXPECT_EQ(BetweennessSources(4, 0, 1), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(BetweennessSources(4, 9, 1), (std::vector<uint32_t>{0, 1, 2, 3}));
  const std::vector<uint32_t> some = BetweennessSources(1000, 50, 7);
  ASSERT_EQ(some.size(), 50u);
  EXPECT_EQ(std::set<uint32_t>(some.begin(), some.end()).size(), 50u);
  for (uint32_t s : some) EXPECT_LT(s, 1000u);
  EXPECT_EQ(BetweennessSources(1000, 50, 7), some);
  EXPECT_NE(BetweennessSources(1000, 50, 8), some);
}

INSTANTIATE_TEST_SUITE_P(DirectedAndUndirected, BetweennessTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return i.param ? "Directed" : "Undirected";
                         });

TEST(RankActorsTest, RanksByDegreePageRankAndBetweenness) {
  // A star around "hub" plus a tail: hub - a, hub - b, hub - c, c - d.
  ActorGraph g = Build({
      {"a", "hub", K::kSupport},
      {"b", "hub", K::kSupport},
      {"hub", "c", K::kMeet},
      {"c", "d", K::kMeet},
  });
  RankQuery q;
  auto deg = RankActors(g, q);
  ASSERT_TRUE(deg.ok());
  EXPECT_EQ(deg->method, "degree");
  ASSERT_EQ(deg->actors.size(), 5u);
  EXPECT_EQ(deg->actors[0].actor, "hub");
  EXPECT_EQ(deg->actors[0].score, 3);
  EXPECT_EQ(deg->actors[1].actor, "c");
  EXPECT_EQ(deg->actors[2].actor, "a");  // ties by id
  EXPECT_EQ(deg->actors[2].rank, 3);
  q.by = RankMeasure::kBetweenness;
  auto btw = RankActors(g, q);
  EXPECT_EQ(btw->method, "betweenness-exact");
  EXPECT_EQ(btw->actors[0].actor, "hub");
  EXPECT_DOUBLE_EQ(btw->actors[0].score, 5);  // a-b, a-c, a-d, b-c, b-d
  q.by = RankMeasure::kPageRank;
  q.limit = 2;
  auto pr = RankActors(g, q);
  EXPECT_EQ(pr->method, "pagerank");
  ASSERT_EQ(pr->actors.size(), 2u);
  // Rank flows along the relations' direction: hub -> c -> d, and d passes it on to all.
  EXPECT_EQ(pr->actors[0].actor, "d");
  EXPECT_EQ(pr->actors[1].actor, "c");
  q.limit = 0;
  EXPECT_EQ(RankActors(g, q).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RankActorsTest, SamplesBetweennessOnLargerGraphs) {
  ActorGraph g = Build({{"a", "b", K::kMeet}, {"b", "c", K::kMeet}, {"c", "d", K::kMeet}});
  RankQuery q;
  q.by = RankMeasure::kBetweenness;
  q.exact_max_actors = 2;
  q.samples = 2;
  auto r = RankActors(g, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "betweenness-sampled");
}

}  // namespace
}  // namespace actorgraph
