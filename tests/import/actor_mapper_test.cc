#include "tools/import/actor_mapper.h"

#include <gtest/gtest.h>

#include "graph/actor_jsonl.h"
#include "tests/import/test_util.h"

namespace actorgraph::import {
namespace {

Actor DictActor(std::string id, ActorKind kind, std::string name, std::string country,
                std::vector<std::string> aliases = {}) {
  Actor a;
  a.id = std::move(id);
  a.kind = kind;
  a.name = std::move(name);
  a.country = std::move(country);
  a.aliases = std::move(aliases);
  return a;
}

class ImportActorMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dict_.AddDictionaryActor(
        DictActor("russia", ActorKind::kState, "Russia", "RUS", {"Russian Federation"}));
    dict_.AddDictionaryActor(DictActor("romania", ActorKind::kState, "Romania", "ROU"));
    dict_.AddDictionaryActor(
        DictActor("un", ActorKind::kIgo, "United Nations", "", {"UN", "U.N."}));
    dict_.AddDictionaryActor(DictActor("georgia", ActorKind::kState, "Georgia", "GEO"));
    dict_.AddDictionaryActor(
        DictActor("georgia-band", ActorKind::kOther, "Georgia Band", "", {"Georgia"}));
    dict_.AddDictionaryActor(DictActor("alpha", ActorKind::kOther, "Alpha One", "", {"Echo"}));
    dict_.AddDictionaryActor(DictActor("bravo", ActorKind::kOther, "Bravo Two", "", {"Echo"}));
  }
  ActorMapper plain_;  // no dictionary
  ActorMapper dict_;
};

TEST_F(ImportActorMapperTest, WithoutADictionaryStatesAreTheirIsoCodes) {
  ActorRef rus = plain_.State("RUS");
  EXPECT_EQ(rus.id, "rus");
  EXPECT_EQ(rus.country, "RUS");
  ActorRef gov = plain_.Sector(rus, *FindActorType("GOV"));
  EXPECT_EQ(gov.id, "rus-gov");
  EXPECT_EQ(gov.name, "Government (RUS)");
  EXPECT_EQ(gov.country, "RUS");
  std::vector<Actor> made = plain_.CreatedActors();
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].id, "rus");
  EXPECT_EQ(made[0].kind, ActorKind::kState);
  EXPECT_EQ(made[1].id, "rus-gov");
  EXPECT_EQ(made[1].kind, ActorKind::kGovernment);
  ASSERT_EQ(made[1].roles.size(), 1u);
  EXPECT_EQ(made[1].roles[0].target, "rus");
  EXPECT_EQ(made[1].roles[0].kind, RelationKind::kLeads);
}

TEST_F(ImportActorMapperTest, TheDictionaryGivesStatesTheirBundledIds) {
  EXPECT_EQ(dict_.State("RUS").id, "russia");
  EXPECT_EQ(dict_.State("RUS").name, "Russia");
  EXPECT_EQ(dict_.State("ROM").id, "romania");  // CAMEO's legacy code for ROU
  ActorRef mil = dict_.Sector(dict_.State("RUS"), *FindActorType("MIL"));
  EXPECT_EQ(mil.id, "russia-mil");
  EXPECT_EQ(mil.name, "Military (Russia)");
  // Only the sector was made up; the state came from the dictionary.
  ASSERT_EQ(dict_.CreatedActors().size(), 1u);
  EXPECT_EQ(dict_.CreatedActors()[0].roles[0].kind, RelationKind::kMemberOf);
}

TEST_F(ImportActorMapperTest, RegionsAreActorsWithoutACountry) {
  ActorRef africa = dict_.State("AFR");
  EXPECT_EQ(africa.id, "africa");
  EXPECT_EQ(africa.country, "");
  EXPECT_EQ(dict_.CreatedActors()[0].kind, ActorKind::kOther);
  EXPECT_EQ(dict_.Sector(africa, *FindActorType("GOV")).id, "africa-gov");
  EXPECT_TRUE(dict_.CreatedActors()[1].roles.empty()) << "no role in a region";
}

TEST_F(ImportActorMapperTest, NamesResolveThroughAliasesIgnoringCase) {
  EXPECT_EQ(dict_.Named("UNITED NATIONS", ActorKind::kIgo, nullptr, RelationKind::kUnspecified).id,
            "un");
  EXPECT_EQ(dict_.Named("U.N.", ActorKind::kIgo, nullptr, RelationKind::kUnspecified).id, "un");
  EXPECT_EQ(dict_.StateNamed("Russian Federation").id, "russia");
  EXPECT_TRUE(dict_.CreatedActors().empty());
}

TEST_F(ImportActorMapperTest, AStateWinsAnAmbiguousNameAndOtherTiesResolveToNothing) {
  ASSERT_NE(dict_.FindInDictionary("georgia"), nullptr);
  EXPECT_EQ(dict_.FindInDictionary("georgia")->id, "georgia");
  EXPECT_EQ(dict_.FindInDictionary("Echo"), nullptr);
  EXPECT_EQ(dict_.FindInDictionary("Alpha One")->id, "alpha");
}

TEST_F(ImportActorMapperTest, UnknownNamesBecomeSlugsWithTheirStateAndRole) {
  ActorRef tur = plain_.State("TUR");
  ActorRef person = plain_.Named("Ayla Demir", ActorKind::kOther, &tur, RelationKind::kMemberOf);
  EXPECT_EQ(person.id, "ayla-demir");
  EXPECT_EQ(person.country, "TUR");
  Actor made;
  for (const Actor& a : plain_.CreatedActors()) {
    if (a.id == "ayla-demir") made = a;
  }
  ASSERT_EQ(made.roles.size(), 1u);
  EXPECT_EQ(made.roles[0].target, "tur");
  EXPECT_TRUE(
      plain_.Named("?!", ActorKind::kOther, nullptr, RelationKind::kUnspecified).id.empty());
}

TEST_F(ImportActorMapperTest, UnresolvedCountryNamesAreCounted) {
  EXPECT_EQ(dict_.StateNamed("Occupied Territory").id, "occupied-territory");
  dict_.StateNamed("Occupied Territory");
  ASSERT_EQ(dict_.unresolved_countries().size(), 1u);
  EXPECT_EQ(dict_.unresolved_countries().at("Occupied Territory"), 2);
  EXPECT_EQ(dict_.StateNamed("").id, "");
}

TEST(ImportSlugIdTest, CutsLongNamesToAValidId) {
  std::string id = SlugId(std::string(200, 'a') + " " + std::string(100, 'b'));
  EXPECT_LE(id.size(), 128u);
  EXPECT_TRUE(IsValidActorId(id));
  std::string accented = SlugId(std::string(127, 'x') + "é");  // the cut falls inside é
  EXPECT_EQ(accented, std::string(127, 'x'));
  EXPECT_EQ(SlugId("Government (Libya)"), "government-libya");
  EXPECT_EQ(SlugId("--"), "");
}

TEST(ImportDictionaryTest, LoadsTheBundledDataFolder) {
  ActorMapper m;
  ASSERT_TRUE(m.LoadDictionary(testing::kDataDir).ok());
  EXPECT_GT(m.dictionary_size(), 100u);
  EXPECT_EQ(m.State("TUR").id, "turkey");
  EXPECT_EQ(m.State("LBY").id, "libya");
  EXPECT_EQ(m.Named("KHALIFA HAFTAR", ActorKind::kOther, nullptr, RelationKind::kUnspecified).id,
            "haftar");
  EXPECT_EQ(m.LoadDictionary("/nonexistent/folder").code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace actorgraph::import
