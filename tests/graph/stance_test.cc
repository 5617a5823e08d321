#include "graph/stance.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Add;
using ::actorgraph::testing::Build;
using ::actorgraph::testing::D;
using ::actorgraph::testing::Obs;
using K = RelationKind;

StanceQuery Query(const std::string& a, const std::string& b) {
  StanceQuery q;
  q.a = a;
  q.b = b;
  return q;
}

TEST(GetStanceTest, SumsSignedWeightsOverBothDirections) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport, "2020-01-01"},
      {"a", "b", K::kAid, "2020-02-01"},
      {"b", "a", K::kCriticize, "2020-03-01"},
      {"a", "c", K::kFight, "2020-03-01"},
  });
  auto s = GetStance(g, Query("a", "b"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->totals.score, 3.5 + 7 - 2);
  EXPECT_DOUBLE_EQ(s->totals.positive, 10.5);
  EXPECT_DOUBLE_EQ(s->totals.negative, -2);
  EXPECT_EQ(s->totals.count, 3);
  EXPECT_EQ(s->totals.kind_count[static_cast<int>(K::kAid)], 1);
  EXPECT_EQ(s->totals.first_seen, D("2020-01-01"));
  EXPECT_EQ(s->totals.last_seen, D("2020-03-01"));
  ASSERT_EQ(s->evidence.size(), 3u);
  EXPECT_EQ(s->evidence[0]->kind, K::kCriticize);  // newest first
  StanceQuery directed = Query("a", "b");
  directed.directed = true;
  EXPECT_DOUBLE_EQ(GetStance(g, directed)->totals.score, 10.5);
}

TEST(GetStanceTest, KeepsTheStrongestEvidence) {
  ActorGraph g = Build({
      {"a", "b", K::kMeet, "2020-01-01"},
      {"a", "b", K::kFight, "2019-01-01"},
      {"a", "b", K::kMeet, "2020-02-01"},
  });
  StanceQuery q = Query("a", "b");
  q.max_evidence = 1;
  auto s = GetStance(g, q);
  ASSERT_EQ(s->evidence.size(), 1u);
  EXPECT_EQ(s->evidence[0]->kind, K::kFight);
}

TEST(GetStanceTest, DecaysWithAHalfLifeAndWeighsConfidence) {
  ActorGraph g = Build({
      {"a", "b", K::kAid, "2020-01-01", "d", 0.5},
      {"a", "b", K::kFight, "2019-01-01"},  // 365 days older
  });
  StanceQuery q = Query("a", "b");
  q.options.half_life_days = 365;
  q.options.as_of = D("2020-01-01");
  auto s = GetStance(g, q);
  EXPECT_NEAR(s->totals.score, 7 * 0.5 - 10 * 0.5, 1e-9);
  q.options.half_life_days = 0;
  EXPECT_NEAR(GetStance(g, q)->totals.score, 3.5 - 10, 1e-9);
}

TEST(GetStanceTest, SharesOneActAmongItsTargets) {
  // One sentence: "x rejected the ceasefire that a and b proposed".
  ActorGraph g;
  Observation ra = Obs("x", "a", K::kReject, "2020-01-14", "talks", 500);
  Observation rb = Obs("x", "b", K::kReject, "2020-01-14", "talks", 500);
  Add(g, ra);
  Add(g, rb);
  EXPECT_EQ(g.ActTargetCount(*g.FindObservation(ra.id)), 2);
  EXPECT_DOUBLE_EQ(GetStance(g, Query("x", "a"))->totals.score, -2.0);
  g.RetractDocument("talks");
  Add(g, ra);
  EXPECT_EQ(g.ActTargetCount(*g.FindObservation(ra.id)), 1);
  EXPECT_DOUBLE_EQ(GetStance(g, Query("x", "a"))->totals.score, -4.0);
}

TEST(GetStanceTest, LeadershipCountsAsAffinity) {
  ActorGraph g = Build({{"sarraj", "gna", K::kLeads}});
  EXPECT_DOUBLE_EQ(GetStance(g, Query("sarraj", "gna"))->totals.score, 3.5);
  StanceQuery q = Query("sarraj", "gna");
  q.options.structural_weight = 0;
  EXPECT_DOUBLE_EQ(GetStance(g, q)->totals.score, 0);
}

TEST(GetStanceTest, ValidatesAndNamesUnknownActors) {
  ActorGraph g = Build({{"a", "b", K::kMeet}});
  EXPECT_EQ(GetStance(g, Query("a", "zz")).status().code(), absl::StatusCode::kNotFound);
  StanceQuery q = Query("a", "b");
  q.max_evidence = 0;
  EXPECT_EQ(GetStance(g, q).status().code(), absl::StatusCode::kInvalidArgument);
  q = Query("a", "b");
  q.options.half_life_days = -1;
  auto s = GetStance(g, q);
  EXPECT_NE(std::string(s.status().message()).find("half_life_days"), std::string::npos);
  EXPECT_EQ(GetStance(g, Query("a", "a")).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BucketTest, StartsOnCalendarBoundaries) {
  EXPECT_EQ(BucketStart(D("2020-02-17"), TimeBucket::kMonth), D("2020-02-01"));
  EXPECT_EQ(BucketStart(D("2020-02-17"), TimeBucket::kQuarter), D("2020-01-01"));
  EXPECT_EQ(BucketStart(D("2020-11-30"), TimeBucket::kQuarter), D("2020-10-01"));
  EXPECT_EQ(BucketStart(D("2020-02-17"), TimeBucket::kYear), D("2020-01-01"));
  EXPECT_EQ(BucketStart(D("2020-01-15"), TimeBucket::kWeek), D("2020-01-13"));  // a Monday
  EXPECT_EQ(BucketStart(D("2020-01-13"), TimeBucket::kWeek), D("2020-01-13"));
  EXPECT_EQ(BucketStart(D("1969-12-31"), TimeBucket::kWeek), D("1969-12-29"));
  EXPECT_EQ(NextBucketStart(D("2020-12-01"), TimeBucket::kMonth), D("2021-01-01"));
  EXPECT_EQ(NextBucketStart(D("2020-10-01"), TimeBucket::kQuarter), D("2021-01-01"));
}

TEST(GetTimelineTest, BucketsByMonthWithEmptyMonthsAndARunningSum) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport, "2020-01-05"},
      {"b", "a", K::kCriticize, "2020-01-20"},
      {"a", "b", K::kFight, "2020-03-02"},
      {"a", "b", K::kMeet, ""},  // undated: not on a timeline
  });
  TimelineQuery q;
  q.a = "a";
  q.b = "b";
  auto t = GetTimeline(g, q);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].start, D("2020-01-01"));
  EXPECT_EQ((*t)[0].end, D("2020-01-31"));
  EXPECT_DOUBLE_EQ((*t)[0].score, 1.5);
  EXPECT_EQ((*t)[0].count, 2);
  EXPECT_EQ((*t)[1].count, 0);  // February, empty
  EXPECT_EQ((*t)[1].end, D("2020-02-29"));
  EXPECT_DOUBLE_EQ((*t)[2].score, -10);
  EXPECT_DOUBLE_EQ((*t)[2].cumulative, -8.5);
  q.directed = true;
  EXPECT_DOUBLE_EQ((*GetTimeline(g, q))[0].score, 3.5);
}

TEST(GetTimelineTest, SpansTheWindowAndRefusesTooManyBuckets) {
  ActorGraph g = Build({{"a", "b", K::kSupport, "2020-01-05"}});
  TimelineQuery q;
  q.a = "a";
  q.b = "b";
  q.bucket = TimeBucket::kYear;
  q.filter.since = D("2016-06-01");
  q.filter.until = D("2021-01-01");
  auto t = GetTimeline(g, q);
  ASSERT_EQ(t->size(), 6u);  // 2016 .. 2021
  EXPECT_EQ((*t)[4].count, 1);
  q.bucket = TimeBucket::kDay;
  auto too_many = GetTimeline(g, q);
  ASSERT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(too_many.status().message()).find("bucket"), std::string::npos);
}

TEST(BuildStanceGraphTest, SumsDirectionsAndKeepsEachDirection) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "a", K::kCriticize},
      {"b", "c", K::kFight},
      {"c", "d", K::kMeet},
  });
  StanceGraphOptions o;
  auto sg = BuildStanceGraph(g, o);
  ASSERT_TRUE(sg.ok());
  EXPECT_EQ(sg->actors.size(), 4u);
  EXPECT_EQ(sg->graph.edge_count(), 3u);
  EXPECT_EQ(sg->directed.size(), 4u);
  auto node = [&](const std::string& id) {
    for (uint32_t i = 0; i < sg->actors.size(); ++i) {
      if (g.ActorAt(sg->actors[i]).id == id) return i;
    }
    return UINT32_MAX;
  };
  EXPECT_DOUBLE_EQ(sg->graph.weight(node("a"), node("b")), 1.5);
  o.min_abs_stance = 2;  // drops a-b (1.5) and c-d (1)
  sg = BuildStanceGraph(g, o);
  EXPECT_EQ(sg->actors.size(), 2u);
  EXPECT_EQ(sg->graph.edge_count(), 1u);
  o.min_abs_stance = 0;
  o.only = {*g.IndexOf("a"), *g.IndexOf("b"), *g.IndexOf("d")};
  sg = BuildStanceGraph(g, o);
  EXPECT_EQ(sg->actors.size(), 2u);  // d has no stance toward a or b
}

}  // namespace
}  // namespace actorgraph
