#include "graph/neighborhood.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Build;
using ::actorgraph::testing::D;
using K = RelationKind;

std::vector<std::string> Ids(const NeighborhoodResult& r) {
  std::vector<std::string> out;
  for (const NeighborhoodNode& n : r.nodes) out.push_back(n.actor);
  return out;
}

// ego - a (3 observations), ego <- b (1), a - c, c - d, b - c
ActorGraph Sample() {
  return Build({
      {"ego", "a", K::kMeet, "2020-01-01"},
      {"ego", "a", K::kAid, "2020-01-02"},
      {"a", "ego", K::kSupport, "2020-01-03"},
      {"b", "ego", K::kFight, "2019-01-01"},
      {"a", "c", K::kMeet},
      {"c", "d", K::kMeet},
      {"b", "c", K::kMeet},
  });
}

TEST(GetNeighborhoodTest, WalksEitherDirectionRingByRing) {
  ActorGraph g = Sample();
  NeighborhoodQuery q;
  q.actor = "ego";
  auto r = GetNeighborhood(g, q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"ego", "a", "b"}));  // a: best connected
  EXPECT_EQ(r->nodes[1].depth, 1);
  EXPECT_EQ(r->nodes[0].degree, 2);
  EXPECT_EQ(r->edges.size(), 3u);  // ego->a, a->ego, b->ego
  EXPECT_FALSE(r->truncated);
  q.radius = 2;
  r = GetNeighborhood(g, q);
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"ego", "a", "b", "c"}));
  EXPECT_EQ(r->nodes[3].depth, 2);
  EXPECT_EQ(r->nodes[3].degree, 2);  // a and b; d is outside
}

TEST(GetNeighborhoodTest, CapsTheSizeAndSaysSo) {
  ActorGraph g = Sample();
  NeighborhoodQuery q;
  q.actor = "ego";
  q.radius = 3;
  q.max_nodes = 2;
  auto r = GetNeighborhood(g, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"ego", "a"}));
  EXPECT_TRUE(r->truncated);
}

TEST(GetNeighborhoodTest, FollowsOnlyPassingRelations) {
  ActorGraph g = Sample();
  NeighborhoodQuery q;
  q.actor = "ego";
  q.filter.since = D("2020-01-01");
  q.max_evidence = 5;
  auto r = GetNeighborhood(g, q);
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"ego", "a"}));
  ASSERT_EQ(r->edges.size(), 2u);
  for (const PathEdge& e : r->edges) {
    EXPECT_EQ(e.count, e.source == "ego" ? 2 : 1);
  }
}

TEST(GetNeighborhoodTest, ValidatesLimits) {
  ActorGraph g = Sample();
  NeighborhoodQuery q;
  q.actor = "nobody";
  EXPECT_EQ(GetNeighborhood(g, q).status().code(), absl::StatusCode::kNotFound);
  q.actor = "ego";
  q.radius = 5;
  auto r = GetNeighborhood(g, q);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(r.status().message()).find("radius"), std::string::npos);
  q.radius = 1;
  q.max_nodes = 2001;
  EXPECT_EQ(GetNeighborhood(g, q).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace actorgraph
