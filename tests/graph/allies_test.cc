#include "graph/allies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Build;
using K = RelationKind;

const Affinity* Find(const std::vector<Affinity>& list, const std::string& id) {
  for (const Affinity& a : list) {
    if (a.actor == id) return &a;
  }
  return nullptr;
}

// Egypt backs Haftar; Haftar fights the GNA; Turkey aids the GNA; Egypt threatens Turkey;
// Russia backs Haftar.
ActorGraph Camps() {
  return Build({
      {"egypt", "haftar", K::kSupport},
      {"haftar", "gna", K::kFight},
      {"turkey", "gna", K::kAid},
      {"egypt", "turkey", K::kThreaten},
      {"russia", "haftar", K::kSupport},
  });
}

TEST(AlliesTest, DirectAlliesAndAdversariesByStance) {
  ActorGraph g = Camps();
  AlliesQuery q;
  q.actor = "haftar";
  auto r = GetAlliesAndAdversaries(g, q);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->allies.size(), 2u);
  EXPECT_EQ(r->allies[0].actor, "egypt");  // equal scores, by id
  EXPECT_TRUE(r->allies[0].direct);
  EXPECT_DOUBLE_EQ(r->allies[0].score, 0.5);  // 3.5 / (3.5 + 3.5)
  ASSERT_EQ(r->adversaries.size(), 1u);
  EXPECT_EQ(r->adversaries[0].actor, "gna");
  EXPECT_DOUBLE_EQ(r->adversaries[0].score, -10.0 / 13.5);
  const FoundPath& why = r->adversaries[0].explanation;
  EXPECT_EQ(why.actors, (std::vector<std::string>{"haftar", "gna"}));
  ASSERT_EQ(why.edges.size(), 1u);
  EXPECT_FALSE(why.edges[0].reversed);
  ASSERT_FALSE(why.edges[0].evidence.empty());
  EXPECT_EQ(why.edges[0].evidence[0]->kind, K::kFight);
  // Egypt's support reaches Haftar against its direction.
  EXPECT_TRUE(r->allies[0].explanation.edges[0].reversed);
}

TEST(AlliesTest, InfersThroughBalanceWithTheExplainingPath) {
  ActorGraph g = Camps();
  AlliesQuery q;
  q.actor = "russia";
  q.inferred = true;
  auto r = GetAlliesAndAdversaries(g, q);
  ASSERT_TRUE(r.ok());
  // Friend of a friend: Egypt (russia + haftar + egypt).
  const Affinity* egypt = Find(r->allies, "egypt");
  ASSERT_NE(egypt, nullptr);
  EXPECT_FALSE(egypt->direct);
  EXPECT_EQ(egypt->explanation.actors, (std::vector<std::string>{"russia", "haftar", "egypt"}));
  EXPECT_DOUBLE_EQ(egypt->score, 0.5 * 0.5);
  // Enemy of a friend: the GNA.
  const Affinity* gna = Find(r->adversaries, "gna");
  ASSERT_NE(gna, nullptr);
  EXPECT_EQ(gna->explanation.sign, -1);
  // Within two hops only; Turkey is three away.
  EXPECT_EQ(Find(r->adversaries, "turkey"), nullptr);
  q.max_hops = 3;
  r = GetAlliesAndAdversaries(g, q);
  // Turkey: a friend of Haftar's enemy GNA, and an enemy of Haftar's friend Egypt: hostile
  // both ways; the stronger path explains it: via GNA (0.5 * 10/13.5 * 7/10.5) beats via
  // Egypt (0.5 * 0.5 * 6/9.5).
  const Affinity* turkey = Find(r->adversaries, "turkey");
  ASSERT_NE(turkey, nullptr);
  EXPECT_EQ(turkey->explanation.actors,
            (std::vector<std::string>{"russia", "haftar", "gna", "turkey"}));
  EXPECT_NEAR(turkey->score, -0.5 * (10 / 13.5) * (7 / 10.5), 1e-12);
  EXPECT_EQ(turkey->explanation.edges.size(), 3u);
}

TEST(AlliesTest, EnemyOfMyEnemyIsAFriend) {
  ActorGraph g = Build({{"a", "b", K::kFight}, {"b", "c", K::kFight}});
  AlliesQuery q;
  q.actor = "a";
  q.inferred = true;
  auto r = GetAlliesAndAdversaries(g, q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->allies.size(), 1u);
  EXPECT_EQ(r->allies[0].actor, "c");
  EXPECT_EQ(r->allies[0].explanation.sign, 1);
  EXPECT_EQ(r->adversaries.size(), 1u);
}

TEST(AlliesTest, ValidatesAndNamesUnknownActors) {
  ActorGraph g = Camps();
  AlliesQuery q;
  q.actor = "atlantis";
  EXPECT_EQ(GetAlliesAndAdversaries(g, q).status().code(), absl::StatusCode::kNotFound);
  q.actor = "haftar";
  q.inferred = true;
  q.max_hops = 5;
  auto r = GetAlliesAndAdversaries(g, q);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(r.status().message()).find("max_hops"), std::string::npos);
  q.max_hops = 2;
  q.limit = 201;
  EXPECT_EQ(GetAlliesAndAdversaries(g, q).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace actorgraph
