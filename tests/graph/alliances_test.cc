#include "graph/alliances.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Add;
using ::actorgraph::testing::Build;
using ::actorgraph::testing::Obs;
using K = RelationKind;

std::set<std::string> Members(const Bloc& b) {
  std::set<std::string> out;
  for (const BlocMember& m : b.members) out.insert(m.actor);
  return out;
}

// DESIGN.md's example: Russia backs Haftar; Turkey aids the GNA; Egypt criticizes and
// threatens Turkey; Haftar fights the GNA; Haftar rejects the ceasefire that Russia and Turkey
// called for (one sentence, two addressees).
ActorGraph Libya() {
  ActorGraph g = Build({
      {"russia", "haftar", K::kSupport, "2020-01-13"},
      {"turkey", "gna", K::kAid, "2020-01-05"},
      {"egypt", "turkey", K::kCriticize, "2020-01-03"},
      {"egypt", "turkey", K::kThreaten, "2020-01-04"},
      {"haftar", "gna", K::kFight, "2020-01-10"},
  });
  Add(g, Obs("haftar", "russia", K::kReject, "2020-01-14", "moscow-talks", 4000));
  Add(g, Obs("haftar", "turkey", K::kReject, "2020-01-14", "moscow-talks", 4000));
  return g;
}

// Exact (small component) and local search must agree on the Libyan camps.
class LibyaAlliancesTest : public ::testing::TestWithParam<int> {};

TEST_P(LibyaAlliancesTest, FindsTheTwoCampsAndHaftarsRebuffAsTension) {
  ActorGraph g = Libya();
  AllianceQuery q;
  q.exact_max_actors = GetParam();
  auto r = FindAlliances(g, q);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exact, GetParam() > 0);
  ASSERT_EQ(r->blocs.size(), 2u);
  EXPECT_EQ(Members(r->blocs[0]), (std::set<std::string>{"egypt", "haftar", "russia"}));
  EXPECT_EQ(Members(r->blocs[1]), (std::set<std::string>{"gna", "turkey"}));
  ASSERT_EQ(r->tensions.size(), 1u);
  const TensionEdge& t = r->tensions[0];
  EXPECT_EQ(t.relation.source, "haftar");
  EXPECT_EQ(t.relation.target, "russia");
  EXPECT_TRUE(t.within_bloc);
  EXPECT_EQ(t.source_bloc, 0);
  EXPECT_DOUBLE_EQ(t.stance, -2.0);  // -4 shared between Russia and Turkey
  ASSERT_EQ(t.relation.evidence.size(), 1u);
  EXPECT_EQ(t.relation.evidence[0]->kind, K::kReject);
  const double total = 3.5 + 7 + 2 + 6 + 10 + 2 + 2;
  EXPECT_DOUBLE_EQ(r->total_abs_stance, total);
  EXPECT_DOUBLE_EQ(r->frustration, 2.0);
  EXPECT_DOUBLE_EQ(r->frustration_index, 2.0 / total);
  EXPECT_FALSE(r->truncated);
}

INSTANTIATE_TEST_SUITE_P(ExactAndLocalSearch, LibyaAlliancesTest, ::testing::Values(20, 0),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return i.param > 0 ? "Exact" : "LocalSearch";
                         });

TEST(FindAlliancesTest, LeadersJoinWhatTheyLead) {
  ActorGraph g = Libya();
  Add(g, Obs("sarraj", "gna", K::kLeads, "2020-01-01", "profile", 1));
  auto r = FindAlliances(g, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->blocs.size(), 2u);
  EXPECT_EQ(Members(r->blocs[1]), (std::set<std::string>{"gna", "sarraj", "turkey"}));
  EXPECT_TRUE(r->optimal);
}

TEST(FindAlliancesTest, DictionaryRolesTieLeadersToTheirStates) {
  ActorGraph g = Libya();
  Actor putin;
  putin.id = "putin";
  putin.name = "Vladimir Putin";
  putin.roles.push_back({"russia", RelationKind::kLeads, "President", testing::D("2012-05-07")});
  ASSERT_TRUE(g.UpsertActor(putin).ok());
  Add(g, Obs("putin", "turkey", K::kMeet, "2020-01-08", "istanbul", 1));  // a meeting only
  auto bloc_of = [](const AllianceResult& r, const std::string& id) {
    for (size_t i = 0; i < r.blocs.size(); ++i) {
      if (Members(r.blocs[i]).count(id) != 0) return static_cast<int>(i);
    }
    return -1;
  };
  auto r = FindAlliances(g, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(bloc_of(*r, "putin"), bloc_of(*r, "russia"));
  AllianceQuery no_roles;
  no_roles.structural_weight = 0;
  r = FindAlliances(g, no_roles);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(bloc_of(*r, "putin"), bloc_of(*r, "turkey"));
  // A role outside the window ties nothing.
  AllianceQuery before;
  before.filter.since = testing::D("2000-01-01");
  before.filter.until = testing::D("2012-01-01");
  r = FindAlliances(g, before);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->blocs.empty());  // and no relation in that window either
}

TEST(FindAlliancesTest, AttachmentIsFirmerForCoreMembers) {
  ActorGraph g = Libya();
  auto r = FindAlliances(g, {});
  ASSERT_TRUE(r.ok());
  // Turkey: own bloc +7 (GNA), best other bloc -10 (Egypt's -8, Haftar's -2): (7+10)/17 = 1.
  const Bloc& b = r->blocs[1];
  auto find = [&](const std::string& id) {
    return *std::find_if(b.members.begin(), b.members.end(),
                         [&](const BlocMember& m) { return m.actor == id; });
  };
  EXPECT_DOUBLE_EQ(find("turkey").attachment, 1.0);
  // Russia: own bloc +1.5 (Haftar, net), no tie to the other bloc: 1.5 / 1.5.
  const Bloc& a = r->blocs[0];
  auto russia = *std::find_if(a.members.begin(), a.members.end(),
                              [](const BlocMember& m) { return m.actor == "russia"; });
  EXPECT_DOUBLE_EQ(russia.attachment, 1.0);
  EXPECT_DOUBLE_EQ(a.internal_positive, 1.5);
  EXPECT_DOUBLE_EQ(a.internal_negative, 0);
}

TEST(FindAlliancesTest, HonoursABlocLimit) {
  ActorGraph g = Build({
      {"a", "b", K::kFight},
      {"b", "c", K::kFight},
      {"a", "c", K::kFight},
  });
  auto r = FindAlliances(g, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blocs.size(), 3u);  // three mutual enemies
  EXPECT_DOUBLE_EQ(r->frustration, 0);
  AllianceQuery q;
  q.num_blocs = 2;
  r = FindAlliances(g, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blocs.size(), 2u);
  EXPECT_DOUBLE_EQ(r->frustration, 10);
  ASSERT_EQ(r->tensions.size(), 1u);
  EXPECT_TRUE(r->tensions[0].within_bloc);
}

TEST(FindAlliancesTest, RestrictsToActorsOrANeighbourhood) {
  ActorGraph g = Libya();
  for (const auto& r : {Obs("usa", "uk", K::kCooperate, "2020-01-01", "x", 1),
                        Obs("uk", "iran", K::kSanction, "2020-01-01", "x", 2)}) {
    Add(g, r);
  }
  auto all = FindAlliances(g, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->blocs.size(), 4u);  // Libyan camps, {usa, uk}, {iran}
  AllianceQuery q;
  q.around = {"gna"};
  q.radius = 1;  // gna, turkey, haftar
  auto near = FindAlliances(g, q);
  ASSERT_TRUE(near.ok());
  std::set<std::string> seen;
  for (const Bloc& b : near->blocs) {
    for (const BlocMember& m : b.members) seen.insert(m.actor);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"gna", "haftar", "turkey"}));
  q = {};
  q.actors = {"usa", "uk", "iran"};
  auto picked = FindAlliances(g, q);
  ASSERT_TRUE(picked.ok());
  ASSERT_EQ(picked->blocs.size(), 2u);
  EXPECT_EQ(Members(picked->blocs[0]), (std::set<std::string>{"uk", "usa"}));
  q.actors = {"atlantis"};
  auto missing = FindAlliances(g, q);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(missing.status().message()).find("atlantis"), std::string::npos);
}

TEST(FindAlliancesTest, CapsTensionsAndValidatesLimits) {
  // Two unbalanced triangles (+, +, -): one tension each, whatever the partition.
  ActorGraph g = Build({
      {"a", "b", K::kSupport},
      {"b", "c", K::kSupport},
      {"c", "a", K::kFight},
      {"d", "e", K::kSupport},
      {"e", "f", K::kSupport},
      {"f", "d", K::kFight},
  });
  AllianceQuery q;
  q.max_tensions = 1;
  auto r = FindAlliances(g, q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tensions.size(), 1u);
  EXPECT_TRUE(r->truncated);
  EXPECT_DOUBLE_EQ(r->frustration, 7);  // the cut one still counts
  for (auto [field, mutate] :
       std::vector<std::pair<std::string, std::function<void(AllianceQuery&)>>>{
           {"num_blocs", [](AllianceQuery& x) { x.num_blocs = 17; }},
           {"restarts", [](AllianceQuery& x) { x.restarts = 0; }},
           {"max_tensions", [](AllianceQuery& x) { x.max_tensions = 1001; }},
           {"max_evidence", [](AllianceQuery& x) { x.max_evidence = 0; }},
           {"radius",
            [](AllianceQuery& x) {
              x.around = {"a"};
              x.radius = 5;
            }},
           {"min_abs_stance", [](AllianceQuery& x) { x.min_abs_stance = -1; }},
       }) {
    AllianceQuery bad;
    mutate(bad);
    auto s = FindAlliances(g, bad);
    ASSERT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(std::string(s.status().message()).find(field), std::string::npos) << s.status();
  }
}

TEST(FindAlliancesTest, StopsWhenCancelled) {
  ActorGraph g = Libya();
  AllianceQuery q;
  q.cancelled = [] { return true; };
  EXPECT_EQ(FindAlliances(g, q).status().code(), absl::StatusCode::kCancelled);
}

TEST(FindAlliancesTest, EmptyWindowGivesNoBlocs) {
  ActorGraph g = Libya();
  AllianceQuery q;
  q.filter.since = testing::D("2030-01-01");
  auto r = FindAlliances(g, q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->blocs.empty());
  EXPECT_EQ(r->frustration_index, 0);
}

}  // namespace
}  // namespace actorgraph
