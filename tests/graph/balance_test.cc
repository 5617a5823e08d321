#include "graph/balance.h"

#include <gtest/gtest.h>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Build;
using K = RelationKind;

TEST(CountSignedTrianglesTest, ClassifiesEachKindOfTriangle) {
  // Four triangles sharing nothing: +++, +--, ++-, ---.
  std::vector<SignedGraph::Edge> edges;
  auto triangle = [&](uint32_t base, double a, double b, double c) {
    edges.push_back({base, base + 1, a});
    edges.push_back({base + 1, base + 2, b});
    edges.push_back({base, base + 2, c});
  };
  triangle(0, 1, 1, 1);
  triangle(3, 1, -1, -1);
  triangle(6, 1, 1, -1);
  triangle(9, -1, -1, -1);
  auto c = CountSignedTriangles(SignedGraph::FromEdges(12, edges));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->balanced, 2);
  EXPECT_EQ(c->unbalanced, 2);
  EXPECT_EQ(c->by_negative_edges, (std::array<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(c->node_balanced[4], 1);
  EXPECT_EQ(c->node_unbalanced[4], 0);
  EXPECT_EQ(c->node_unbalanced[7], 1);
}

TEST(CountSignedTrianglesTest, CountsEveryTriangleOfACliqueOnce) {
  // K5 with node 0 hostile to everyone: C(5,3) = 10 triangles; the 6 through node 0 have
  // two negative edges (balanced), the 4 without it are all positive.
  std::vector<SignedGraph::Edge> edges;
  for (uint32_t u = 0; u < 5; ++u) {
    for (uint32_t v = u + 1; v < 5; ++v) edges.push_back({u, v, u == 0 ? -1.0 : 1.0});
  }
  auto c = CountSignedTriangles(SignedGraph::FromEdges(5, edges));
  EXPECT_EQ(c->balanced, 10);
  EXPECT_EQ(c->unbalanced, 0);
  EXPECT_EQ(c->by_negative_edges[2], 6);
  EXPECT_EQ(c->node_balanced[0], 6);
  EXPECT_EQ(c->node_balanced[1], 6);
}

TEST(GetBalanceTest, ReportsTheRatioAndTheMostUnbalancedActorsFirst) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "c", K::kSupport},
      {"a", "c", K::kFight},  // ++-
      {"c", "d", K::kFight},
      {"d", "e", K::kFight},
      {"c", "e", K::kAid},  // +--
  });
  auto r = GetBalance(g, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->balanced, 1);
  EXPECT_EQ(r->unbalanced, 1);
  EXPECT_DOUBLE_EQ(r->ratio, 0.5);
  ASSERT_EQ(r->actors.size(), 5u);
  EXPECT_EQ(r->actors[0].actor, "c");  // in both, one unbalanced
  EXPECT_EQ(r->actors[1].actor, "a");
  BalanceQuery q;
  q.limit = 0;
  EXPECT_EQ(GetBalance(g, q).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GetBalanceTest, NoTrianglesMeansPerfectRatio) {
  ActorGraph g = Build({{"a", "b", K::kFight}});
  auto r = GetBalance(g, {});
  EXPECT_DOUBLE_EQ(r->ratio, 1);
  EXPECT_TRUE(r->actors.empty());
}

}  // namespace
}  // namespace actorgraph
