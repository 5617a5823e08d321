#include "graph/paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "graph/actor_graph.h"
#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Add;
using ::actorgraph::testing::Build;
using ::actorgraph::testing::D;
using ::actorgraph::testing::Obs;
using K = RelationKind;

std::vector<std::vector<std::string>> ActorLists(const PathResult& r) {
  std::vector<std::vector<std::string>> out;
  for (const FoundPath& p : r.paths) out.push_back(p.actors);
  return out;
}

PathQuery Query(const std::string& from, const std::string& to, bool directed = false) {
  PathQuery q;
  q.from = from;
  q.to = to;
  q.directed = directed;
  return q;
}

// Properties that hold whether or not edge direction matters, on graphs whose edges all point
// from the query's source towards its target.
class PathsBothWaysTest : public ::testing::TestWithParam<bool> {
 protected:
  bool directed() const { return GetParam(); }
};

TEST_P(PathsBothWaysTest, ReturnsNoPathWhenDisconnected) {
  ActorGraph g = Build({
      {"a", "b", K::kMeet, "2020-01-13", "doc"},
      {"c", "d", K::kMeet, "2020-01-13", "doc"},
  });
  auto r = g.FindPaths(Query("a", "d", directed()));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->paths.empty());
  EXPECT_FALSE(r->truncated);
}

TEST_P(PathsBothWaysTest, FindsTheShortestChain) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "c", K::kFight, "2020-01-02"},
      {"c", "d", K::kAid, "2020-01-03"},
      {"a", "x", K::kMeet, "2020-01-03"},
  });
  auto r = g.FindPaths(Query("a", "d", directed()));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->paths.size(), 1u);
  const FoundPath& p = r->paths[0];
  EXPECT_EQ(p.actors, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_DOUBLE_EQ(p.cost, 3);
  EXPECT_EQ(p.sign, -1);
  ASSERT_EQ(p.edges.size(), 3u);
  EXPECT_EQ(p.edges[1].source, "b");
  EXPECT_EQ(p.edges[1].target, "c");
  EXPECT_FALSE(p.edges[1].reversed);
  EXPECT_EQ(p.edges[1].sign, -1);
  EXPECT_FALSE(r->truncated);
}

TEST_P(PathsBothWaysTest, RespectsMaxHops) {
  ActorGraph g = Build({
      {"a", "b", K::kMeet},
      {"b", "c", K::kMeet},
      {"c", "d", K::kMeet},
  });
  PathQuery q = Query("a", "d", directed());
  q.max_hops = 2;
  EXPECT_TRUE(g.FindPaths(q)->paths.empty());
  q.max_hops = 3;
  EXPECT_EQ(g.FindPaths(q)->paths.size(), 1u);
}

TEST_P(PathsBothWaysTest, UsesOnlyEdgesWithAPassingObservation) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "c", K::kFight, "2020-06-01"},
      {"a", "y", K::kSupport},
      {"y", "z", K::kSupport},
      {"z", "c", K::kSupport},
  });
  PathQuery q = Query("a", "c", directed());
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"a", "b", "c"}));
  q.filter.AddKind(K::kSupport);  // kind mask drops the FIGHT edge
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"a", "y", "z", "c"}));
  q.filter = {};
  q.filter.sign = 1;
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"a", "y", "z", "c"}));
  q.filter = {};
  q.filter.until = D("2020-03-01");  // the window drops the June fight
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"a", "y", "z", "c"}));
  q.filter.since = D("2020-05-01");
  q.filter.until = kNoDate;
  EXPECT_TRUE(g.FindPaths(q)->paths.empty());
}

TEST_P(PathsBothWaysTest, ReturnsKPathsShortestFirstAndSaysWhenMoreExist) {
  ActorGraph g = Build({
      {"s", "a", K::kMeet},
      {"a", "t", K::kMeet},
      {"s", "b", K::kMeet},
      {"b", "t", K::kMeet},
      {"s", "c", K::kMeet},
      {"c", "x", K::kMeet},
      {"x", "t", K::kMeet},
  });
  PathQuery q = Query("s", "t", directed());
  auto r = g.FindPaths(q);
  EXPECT_EQ(r->paths.size(), 1u);
  EXPECT_TRUE(r->truncated);  // a tie with the returned path exists
  q.k = 2;
  r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 2u);
  EXPECT_EQ(r->paths[0].edges.size(), 2u);
  EXPECT_EQ(r->paths[1].edges.size(), 2u);
  EXPECT_NE(r->paths[0].actors, r->paths[1].actors);
  EXPECT_TRUE(r->truncated);
  q.k = 3;
  r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 3u);
  EXPECT_EQ(r->paths[2].actors, (std::vector<std::string>{"s", "c", "x", "t"}));
  EXPECT_FALSE(r->truncated);
  q.k = 20;
  EXPECT_EQ(g.FindPaths(q)->paths.size(), 3u);
}

TEST_P(PathsBothWaysTest, PathsAreLoopless) {
  // Every s-t walk through the cycle b-c-d revisits an actor, so only s-a-t exists.
  ActorGraph g = Build({
      {"s", "a", K::kMeet},
      {"a", "t", K::kMeet},
      {"a", "b", K::kMeet},
      {"b", "c", K::kMeet},
      {"c", "a", K::kMeet},
  });
  PathQuery q = Query("s", "t", directed());
  q.k = 10;
  q.max_hops = 8;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_FALSE(r->truncated);
}

TEST_P(PathsBothWaysTest, AttachesPassingEvidenceNewestFirst) {
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"a", "b", K::kAid, "2020-01-05"},
      {"a", "b", K::kMeet, "2020-01-03"},
      {"a", "b", K::kCriticize, "2020-01-04"},
      {"a", "b", K::kMeet, "2021-01-01"},
  });
  PathQuery q = Query("a", "b", directed());
  q.filter.until = D("2020-12-31");
  q.max_evidence = 2;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  const PathEdge& e = r->paths[0].edges[0];
  EXPECT_EQ(e.count, 4);
  EXPECT_DOUBLE_EQ(e.weight, 3.5 + 7.0 + 1.0 - 2.0);
  EXPECT_EQ(e.sign, 1);
  EXPECT_EQ(e.first_seen, D("2020-01-01"));
  EXPECT_EQ(e.last_seen, D("2020-01-05"));
  ASSERT_EQ(e.evidence.size(), 2u);
  EXPECT_EQ(e.evidence[0]->kind, K::kAid);
  EXPECT_EQ(e.evidence[1]->kind, K::kCriticize);
}

TEST_P(PathsBothWaysTest, AllPositiveFollowsSupportChainsOnly) {
  ActorGraph g = Build({
      {"s", "t", K::kFight},
      {"s", "a", K::kSupport},
      {"a", "t", K::kAid},
  });
  PathQuery q = Query("s", "t", directed());
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"s", "t"}));
  q.all_positive = true;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"s", "a", "t"}));
  EXPECT_EQ(r->paths[0].sign, 1);
}

TEST_P(PathsBothWaysTest, PathSignSearchesOverParity) {
  // s -(+)- a -(-)- t is negative; s -(-)- b -(-)- c -(+)- t is positive (enemy of my enemy).
  ActorGraph g = Build({
      {"s", "a", K::kSupport},
      {"a", "t", K::kFight},
      {"s", "b", K::kThreaten},
      {"b", "c", K::kFight},
      {"c", "t", K::kAid},
  });
  PathQuery q = Query("s", "t", directed());
  q.path_sign = 1;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"s", "b", "c", "t"}));
  EXPECT_EQ(r->paths[0].sign, 1);
  q.path_sign = -1;
  r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"s", "a", "t"}));
}

TEST_P(PathsBothWaysTest, ParityNeverReachedThroughAnActorTwice) {
  // The only negative s-t walk goes round the odd cycle a-b-c-a: not a loopless path.
  ActorGraph g = Build({
      {"s", "a", K::kSupport},
      {"a", "t", K::kSupport},
      {"a", "b", K::kSupport},
      {"b", "c", K::kSupport},
      {"c", "a", K::kFight},
  });
  PathQuery q = Query("s", "t", directed());
  q.path_sign = -1;
  q.max_hops = 8;
  auto r = g.FindPaths(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->paths.empty());
  EXPECT_FALSE(r->truncated);
}

TEST_P(PathsBothWaysTest, ConfidenceCostPrefersSureAndRecentChains) {
  ActorGraph g = Build({
      {"s", "t", K::kMeet, "2020-01-01", "d", 0.1},
      {"s", "a", K::kMeet},
      {"a", "t", K::kMeet},
      {"s", "b", K::kMeet, "2010-01-01"},
      {"b", "t", K::kMeet, "2010-01-01"},
  });
  PathQuery q = Query("s", "t", directed());
  q.k = 3;
  EXPECT_EQ(ActorLists(*g.FindPaths(q))[0], (std::vector<std::string>{"s", "t"}));
  q.cost = PathCost::kConfidence;
  q.half_life_days = 365;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 3u);
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"s", "a", "t"}));
  EXPECT_NEAR(r->paths[0].cost, 0.02, 1e-9);
  EXPECT_EQ(r->paths[1].actors, (std::vector<std::string>{"s", "t"}));
  EXPECT_EQ(r->paths[2].actors, (std::vector<std::string>{"s", "b", "t"}));
  EXPECT_LE(r->paths[0].cost, r->paths[1].cost);
  EXPECT_LE(r->paths[1].cost, r->paths[2].cost);
}

INSTANTIATE_TEST_SUITE_P(DirectedAndUndirected, PathsBothWaysTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& i) {
                           return i.param ? "Directed" : "Undirected";
                         });

TEST(FindPathsTest, DirectedFollowsEdgeDirectionUndirectedMarksReversed) {
  ActorGraph g = Build({
      {"a", "b", K::kMeet},
      {"c", "b", K::kMeet},
  });
  auto r = g.FindPaths(Query("a", "c", /*directed=*/true));
  EXPECT_TRUE(r->paths.empty());
  r = g.FindPaths(Query("a", "c", /*directed=*/false));
  ASSERT_EQ(r->paths.size(), 1u);
  ASSERT_EQ(r->paths[0].edges.size(), 2u);
  EXPECT_FALSE(r->paths[0].edges[0].reversed);
  EXPECT_TRUE(r->paths[0].edges[1].reversed);
  EXPECT_EQ(r->paths[0].edges[1].source, "c");
  EXPECT_EQ(r->paths[0].edges[1].target, "b");
}

TEST(FindPathsTest, UndirectedPrefersTheForwardRelationOfAPair) {
  ActorGraph g = testing::LibyaGraph();
  auto r = g.FindPaths(Query("russia", "haftar"));
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_FALSE(r->paths[0].edges[0].reversed);
  EXPECT_EQ(r->paths[0].edges[0].sign, 1);
  r = g.FindPaths(Query("haftar", "russia"));
  EXPECT_EQ(r->paths[0].edges[0].sign, -1);  // Haftar's own rejection
  // A sign search may take the reverse relation when it has the other sign.
  PathQuery q = Query("russia", "haftar");
  q.path_sign = -1;
  r = g.FindPaths(q);
  ASSERT_FALSE(r->paths.empty());
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"russia", "haftar"}));
  EXPECT_TRUE(r->paths[0].edges[0].reversed);
}

TEST(FindPathsTest, LibyaEnemyOfMyEnemy) {
  ActorGraph g = testing::LibyaGraph();
  PathQuery q = Query("egypt", "gna");
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"egypt", "turkey", "gna"}));
  EXPECT_EQ(r->paths[0].sign, -1);
  ASSERT_FALSE(r->paths[0].edges[0].evidence.empty());
  EXPECT_EQ(r->paths[0].edges[0].evidence[0]->kind, K::kThreaten);  // newest first
}

TEST(FindPathsTest, ValidatesLimitsNamingTheField) {
  ActorGraph g = testing::LibyaGraph();
  auto expect_field = [&](PathQuery q, const std::string& field) {
    auto r = g.FindPaths(q);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(r.status().message()).find(field), std::string::npos) << r.status();
  };
  PathQuery q = Query("russia", "gna");
  q.max_hops = 0;
  expect_field(q, "max_hops");
  q.max_hops = 9;
  expect_field(q, "max_hops");
  q = Query("russia", "gna");
  q.k = 0;
  expect_field(q, "\"k\"");
  q.k = 21;
  expect_field(q, "\"k\"");
  q = Query("russia", "gna");
  q.max_evidence = 51;
  expect_field(q, "max_evidence");
  q = Query("russia", "gna");
  q.path_sign = 2;
  expect_field(q, "path_sign");
  expect_field(Query("", "gna"), "from");
  expect_field(Query("gna", "gna"), "to");
}

TEST(FindPathsTest, UnknownActorIsNotFoundNamingIt) {
  ActorGraph g = testing::LibyaGraph();
  auto r = g.FindPaths(Query("atlantis", "gna"));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(r.status().message()).find("atlantis"), std::string::npos);
  r = g.FindPaths(Query("gna", "el-dorado"));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(r.status().message()).find("el-dorado"), std::string::npos);
}

TEST(FindPathsTest, StopsWhenCancelled) {
  ActorGraph g = testing::LibyaGraph();
  PathQuery q = Query("russia", "gna");
  q.cancelled = [] { return true; };
  EXPECT_EQ(g.FindPaths(q).status().code(), absl::StatusCode::kCancelled);
}

namespace brute {

struct Path {
  int hops;
  int sign;
  std::vector<std::string> actors;
};

// Every loopless path of at most q.max_hops hops from q.from to q.to with q's constraints,
// fewest hops first, then by actor ids. It walks the moves FindPaths documents: an edge is
// usable when an observation passes the filter (and, with all_positive, its passing weights
// sum above zero; with a path sign, not to zero); directed, a usable relation in its own
// direction; undirected, a pair related either way, with one move per distinct sign of its
// usable relations when a path sign is asked for (else one move, the pair's own direction
// first).
std::vector<Path> AllPaths(const ActorGraph& g, const PathQuery& q) {
  const uint32_t n = static_cast<uint32_t>(g.actor_count());
  const uint32_t s = *g.IndexOf(q.from), t = *g.IndexOf(q.to);
  // The sign of the edge's passing weights, or nullopt when it is not usable.
  auto usable_sign = [&](std::optional<uint32_t> e) -> std::optional<int> {
    if (!e) return std::nullopt;
    int count = 0;
    double w = 0;
    for (const Observation* o : g.EdgeAt(*e).observations) {
      if (!q.filter.Matches(*o)) continue;
      ++count;
      w += o->weight;
    }
    const int sign = w > 0 ? 1 : w < 0 ? -1 : 0;
    if (count == 0 || (q.all_positive && sign <= 0) || (q.path_sign != 0 && sign == 0)) {
      return std::nullopt;
    }
    return sign;
  };
  auto signs_between = [&](uint32_t u, uint32_t v) {
    std::vector<int> signs;
    const std::optional<int> fwd = usable_sign(g.FindEdge(u, v));
    const std::optional<int> back = q.directed ? std::nullopt : usable_sign(g.FindEdge(v, u));
    if (fwd) signs.push_back(*fwd);
    if (back && (!fwd || (q.path_sign != 0 && *back != *fwd))) signs.push_back(*back);
    return signs;
  };
  std::vector<Path> out;
  std::vector<uint32_t> stack;
  std::vector<bool> on(n, false);
  std::function<void(uint32_t, int)> walk = [&](uint32_t u, int sign) {
    stack.push_back(u);
    const int hops = static_cast<int>(stack.size()) - 1;
    if (u == t) {
      if (q.path_sign == 0 || sign == q.path_sign) {
        Path p{hops, sign, {}};
        for (uint32_t a : stack) p.actors.push_back(g.ActorAt(a).id);
        out.push_back(std::move(p));
      }
    } else if (hops < q.max_hops) {
      on[u] = true;
      for (uint32_t v = 0; v < n; ++v) {
        if (on[v]) continue;
        for (int sg : signs_between(u, v)) walk(v, sign * sg);
      }
      on[u] = false;
    }
    stack.pop_back();
  };
  walk(s, 1);
  std::stable_sort(out.begin(), out.end(), [](const Path& a, const Path& b) {
    return std::tie(a.hops, a.actors) < std::tie(b.hops, b.actors);
  });
  return out;
}

}  // namespace brute

// A random graph of `n` actors "n0".."n<n-1>" and up to `edges` relations of mixed sign,
// dated 2020-01-01. With `hubs`, endpoints are drawn heavy-tailed (low numbers are hubs), as
// in news, and half the relations are dated 2021-01-01. Actors are created in the order the relations name them, so that
// id order and creation order differ.
// "n<i>", built without operator+ (GCC 12 warns falsely on "n" + std::to_string(i)).
std::string Node(int i) {
  std::string name = "n";
  name += std::to_string(i);
  return name;
}

ActorGraph RandomGraph(std::mt19937_64& rng, int n, int edges, bool hubs) {
  static constexpr K kKinds[] = {K::kSupport, K::kAid, K::kMeet, K::kCriticize, K::kFight};
  auto pick = [&]() -> int {
    if (!hubs) return static_cast<int>(rng() % n);
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min(n - 1, static_cast<int>(std::pow(n + 1.0, u)) - 1);
  };
  std::vector<testing::Rel> rels;
  for (int i = 0; i < edges; ++i) {
    const int u = pick(), v = pick();
    if (u == v) continue;
    const K kind = kKinds[rng() % 5];
    rels.push_back({Node(u), Node(v), kind,
                    hubs && rng() % 2 ? "2021-01-01" : "2020-01-01"});
  }
  return Build(rels);
}

// FindPaths agrees with the brute force on `q`: the same number of paths (k at most), the
// same `truncated`, each path loopless with the right hops and sign. Without a path sign and
// by hops, the very same paths in the same order (fewer hops first, then by actor ids).
// Returns how many paths the brute force found.
size_t ExpectMatchesBruteForce(const ActorGraph& g, const PathQuery& q, const std::string& where) {
  auto r = g.FindPaths(q);
  EXPECT_TRUE(r.ok()) << r.status() << where;
  if (!r.ok()) return 0;
  const std::vector<brute::Path> want = brute::AllPaths(g, q);
  const size_t expect = std::min(want.size(), static_cast<size_t>(q.k));
  EXPECT_EQ(r->paths.size(), expect) << where;
  EXPECT_EQ(r->truncated, want.size() > expect) << where;
  for (size_t i = 0; i < std::min(expect, r->paths.size()); ++i) {
    const FoundPath& p = r->paths[i];
    EXPECT_EQ(static_cast<int>(p.edges.size()), want[i].hops) << where << " #" << i;
    if (q.path_sign != 0) {
      EXPECT_EQ(p.sign, q.path_sign) << where << " #" << i;
    }
    if (q.path_sign == 0 && q.cost == PathCost::kHops) {
      EXPECT_EQ(p.actors, want[i].actors) << where << " #" << i;
    }
    std::set<std::string> distinct(p.actors.begin(), p.actors.end());
    EXPECT_EQ(distinct.size(), p.actors.size()) << "not loopless" << where;
    for (const PathEdge& e : p.edges) {
      EXPECT_GT(e.count, 0) << where;
      if (q.all_positive) {
        EXPECT_EQ(e.sign, 1) << where;
      }
    }
  }
  return want.size();
}

TEST(FindPathsTest, EqualPathsComeInActorIdOrderWhateverTheInsertionOrder) {
  // Four two-hop paths s-x-t; the middle actors are created in an order unlike their ids.
  ActorGraph g = Build({
      {"s", "m3", K::kMeet}, {"m3", "t", K::kMeet}, {"s", "m1", K::kMeet},
      {"m1", "t", K::kMeet}, {"s", "m4", K::kMeet}, {"m4", "t", K::kMeet},
      {"t", "m2", K::kMeet}, {"m2", "s", K::kMeet},  // only against their direction
  });
  for (bool directed : {false, true}) {
    PathQuery q = Query("s", "t", directed);
    auto r = g.FindPaths(q);
    ASSERT_EQ(r->paths.size(), 1u);
    EXPECT_EQ(r->paths[0].actors, (std::vector<std::string>{"s", "m1", "t"}));
    EXPECT_TRUE(r->truncated);
    q.k = 5;
    r = g.FindPaths(q);
    std::vector<std::vector<std::string>> want = {
        {"s", "m1", "t"}, {"s", "m3", "t"}, {"s", "m4", "t"}};
    if (!directed) want.insert(want.begin() + 1, {"s", "m2", "t"});
    EXPECT_EQ(ActorLists(*r), want);
    EXPECT_FALSE(r->truncated);
    q.k = 3;  // undirected, four equal paths: the first three, and a fourth exists
    r = g.FindPaths(q);
    want.resize(3);
    EXPECT_EQ(ActorLists(*r), want);
    EXPECT_EQ(r->truncated, !directed);
  }
}

TEST(FindPathsTest, OnePathIsTruncatedOnlyWhenAnotherExistsWithinTheBudget) {
  // The only shortest path s-a-t; a longer one s-b-c-t; nothing else.
  ActorGraph g = Build({
      {"s", "a", K::kMeet}, {"a", "t", K::kMeet}, {"s", "b", K::kMeet},
      {"b", "c", K::kMeet}, {"c", "t", K::kMeet},
  });
  PathQuery q = Query("s", "t");
  q.max_hops = 3;
  auto r = g.FindPaths(q);
  ASSERT_EQ(ActorLists(*r), (std::vector<std::vector<std::string>>{{"s", "a", "t"}}));
  EXPECT_TRUE(r->truncated);  // s-b-c-t fits in three hops
  q.max_hops = 2;
  r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_FALSE(r->truncated);  // it does not fit in two
}

TEST(FindPathsTest, ReversedRelationsAreWalkedOnlyWhenTheirPairHasNoUsableOne) {
  // Undirected, a -> b is walked as is; the filter drops b -> c's only passing relation in
  // its own direction, so c -> b is walked against its direction.
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "a", K::kFight},
      {"b", "c", K::kFight, "2021-01-01"},
      {"c", "b", K::kSupport},
  });
  PathQuery q = Query("a", "c");
  q.filter.until = D("2020-12-31");
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  ASSERT_EQ(r->paths[0].edges.size(), 2u);
  EXPECT_FALSE(r->paths[0].edges[0].reversed);
  EXPECT_EQ(r->paths[0].edges[0].sign, 1);
  EXPECT_TRUE(r->paths[0].edges[1].reversed);
  EXPECT_EQ(r->paths[0].edges[1].source, "c");
}

TEST(FindPathsTest, SignSearchOrdersPathsOverTheSameActorsByTheirSigns) {
  // Between each pair, relations of both signs: two positive paths s-a-t, (+,+) and (-,-).
  ActorGraph g = Build({
      {"s", "a", K::kSupport},
      {"a", "s", K::kFight},
      {"a", "t", K::kFight},
      {"t", "a", K::kSupport},
  });
  PathQuery q = Query("s", "t");
  q.path_sign = 1;
  auto r = g.FindPaths(q);
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->paths[0].edges[0].sign, 1);
  q.k = 3;
  r = g.FindPaths(q);
  ASSERT_EQ(ActorLists(*r), (std::vector<std::vector<std::string>>{{"s", "a", "t"}, {"s", "a", "t"}}));
  EXPECT_FALSE(r->truncated);
  EXPECT_FALSE(r->paths[0].edges[0].reversed);  // s -> a, positive
  EXPECT_TRUE(r->paths[0].edges[1].reversed);   // t -> a, positive
  EXPECT_TRUE(r->paths[1].edges[0].reversed);   // a -> s, negative
  EXPECT_EQ(r->paths[1].edges[1].sign, -1);     // a -> t
}

TEST(FindPathsTest, SignSearchSkipsShorterWalksThatRevisitAnActor) {
  // The shortest negative walk s-a-b-c-a-t goes round the odd cycle at a; the only negative
  // path is the longer s-x1-..-x5-t.
  ActorGraph g = Build({
      {"s", "a", K::kSupport}, {"a", "t", K::kSupport}, {"a", "b", K::kSupport},
      {"b", "c", K::kSupport}, {"c", "a", K::kFight},   {"s", "x1", K::kSupport},
      {"x1", "x2", K::kSupport}, {"x2", "x3", K::kFight}, {"x3", "x4", K::kSupport},
      {"x4", "x5", K::kSupport}, {"x5", "t", K::kSupport},
  });
  for (bool directed : {false, true}) {
    PathQuery q = Query("s", "t", directed);
    q.path_sign = -1;
    q.max_hops = 8;
    auto r = g.FindPaths(q);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(ActorLists(*r), (std::vector<std::vector<std::string>>{
                                  {"s", "x1", "x2", "x3", "x4", "x5", "t"}}));
    EXPECT_FALSE(r->truncated);
  }
}

TEST(FindPathsTest, KOfOneIsTheFirstOfKOfMany) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    ActorGraph g = RandomGraph(rng, 30, 120, /*hubs=*/true);
    if (!g.IndexOf("n5") || !g.IndexOf("n9")) continue;
    PathQuery q = Query("n5", "n9");
    auto one = g.FindPaths(q);
    q.k = 10;
    auto many = g.FindPaths(q);
    ASSERT_TRUE(one.ok() && many.ok());
    ASSERT_EQ(one->paths.empty(), many->paths.empty()) << "seed " << seed;
    if (one->paths.empty()) continue;
    EXPECT_EQ(one->paths[0].actors, many->paths[0].actors) << "seed " << seed;
    EXPECT_EQ(one->truncated, many->paths.size() > 1) << "seed " << seed;
  }
}

TEST(FindPathsTest, EverySearchStopsWhenCancelled) {
  ActorGraph g = testing::LibyaGraph();
  for (int path_sign : {0, 1}) {
    for (PathCost cost : {PathCost::kHops, PathCost::kConfidence}) {
      PathQuery q = Query("russia", "gna");
      q.path_sign = path_sign;
      q.cost = cost;
      q.k = 3;
      q.cancelled = [] { return true; };
      EXPECT_EQ(g.FindPaths(q).status().code(), absl::StatusCode::kCancelled);
    }
  }
}

struct RandomCase {
  bool directed;
  int path_sign;
};

class FindPathsMatchesBruteForceTest : public ::testing::TestWithParam<RandomCase> {};

TEST_P(FindPathsMatchesBruteForceTest, OnRandomGraphs) {
  const RandomCase c = GetParam();
  size_t paths_seen = 0;  // the comparison must not be vacuous
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    ActorGraph g = RandomGraph(rng, 7, 20, /*hubs=*/false);
    if (!g.IndexOf("n0") || !g.IndexOf("n1")) continue;
    PathQuery q = Query("n0", "n1", c.directed);
    q.k = kMaxPathsK;
    q.max_hops = 5;
    q.path_sign = c.path_sign;
    paths_seen += ExpectMatchesBruteForce(g, q, " seed " + std::to_string(seed));
  }
  EXPECT_GT(paths_seen, 30u);
}

// The same on heavy-tailed graphs, with filters, all_positive, every k and hop budget: the
// breadth-first engine's shortcuts (the k = 1 count of shortest paths, the search for one
// more path) and the best-first engine's bounds must all stay exact.
TEST_P(FindPathsMatchesBruteForceTest, OnHubGraphsWithFiltersAndEveryK) {
  const RandomCase c = GetParam();
  size_t paths_seen = 0, truncated_k1 = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed * 7919);
    ActorGraph g = RandomGraph(rng, 12, 70, /*hubs=*/true);
    const int a = 2 + static_cast<int>(rng() % 10), b = 2 + static_cast<int>(rng() % 10);
    const std::string from = Node(a), to = Node(b);
    if (a == b || !g.IndexOf(from) || !g.IndexOf(to)) continue;
    for (int k : {1, 2, 5}) {
      PathQuery q = Query(from, to, c.directed);
      q.k = k;
      q.max_hops = 1 + static_cast<int>(rng() % 5);
      q.path_sign = c.path_sign;
      q.all_positive = rng() % 4 == 0;
      if (rng() % 3 == 0) q.filter.until = D("2020-06-30");
      if (rng() % 4 == 0) q.filter.sign = 1;
      const std::string where = " seed " + std::to_string(seed) + " k " + std::to_string(k);
      const size_t n = ExpectMatchesBruteForce(g, q, where);
      paths_seen += n;
      truncated_k1 += k == 1 && n > 1;
    }
  }
  EXPECT_GT(paths_seen, 50u);
  EXPECT_GT(truncated_k1, 3u);
}

INSTANTIATE_TEST_SUITE_P(Variants, FindPathsMatchesBruteForceTest,
                         ::testing::Values(RandomCase{true, 0}, RandomCase{false, 0},
                                           RandomCase{true, 1}, RandomCase{true, -1},
                                           RandomCase{false, 1}, RandomCase{false, -1}),
                         [](const ::testing::TestParamInfo<RandomCase>& i) {
                           std::string name = i.param.directed ? "Directed" : "Undirected";
                           return name + (i.param.path_sign > 0   ? "Positive"
                                          : i.param.path_sign < 0 ? "Negative"
                                                                  : "AnySign");
                         });

}  // namespace
}  // namespace actorgraph
