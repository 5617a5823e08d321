#include "tools/import/cameo.h"

#include <gtest/gtest.h>

#include <string>

namespace actorgraph::import {
namespace {

using R = RelationKind;

TEST(ImportCameoTest, NormalizesCodesThatLostTheirLeadingZero) {
  EXPECT_EQ(NormalizeCameoCode("042"), "042");
  EXPECT_EQ(NormalizeCameoCode("42"), "042");
  EXPECT_EQ(NormalizeCameoCode("0311"), "0311");
  EXPECT_EQ(NormalizeCameoCode("311"), "0311");
  EXPECT_EQ(NormalizeCameoCode(" 190 "), "190");
  EXPECT_EQ(NormalizeCameoCode("1823"), "1823");
  EXPECT_EQ(NormalizeCameoCode("20"), "020");
  EXPECT_EQ(NormalizeCameoCode("99"), "099");  // a form check: root 09, whatever follows
  for (const char* bad : {"", "2", "00", "000", "2101", "12345", "04a", "-42"}) {
    EXPECT_EQ(NormalizeCameoCode(bad), "") << bad;
  }
  EXPECT_EQ(CameoRoot("0311"), 3);
  EXPECT_EQ(CameoRoot("190"), 19);
}

struct KindCase {
  const char* code;
  RelationKind kind;           // by default
  RelationKind extended_kind;  // with --extended-kinds
};

void PrintTo(const KindCase& c, std::ostream* os) { *os << c.code; }

class ImportCameoKindTest : public ::testing::TestWithParam<KindCase> {};

// DESIGN.md's table of kinds and CAMEO roots, one case per row and per exception.
TEST_P(ImportCameoKindTest, FollowsTheDesignTable) {
  const KindCase& c = GetParam();
  EXPECT_EQ(KindOfCameo(c.code, false), c.kind) << c.code;
  EXPECT_EQ(KindOfCameo(c.code, true), c.extended_kind) << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    Roots, ImportCameoKindTest,
    ::testing::Values(
        KindCase{"010", R::kUnspecified, R::kUnspecified},
        KindCase{"020", R::kUnspecified, R::kUnspecified},
        KindCase{"036", R::kSupport, R::kSupport}, KindCase{"042", R::kMeet, R::kMeet},
        KindCase{"045", R::kMediate, R::kMediate}, KindCase{"046", R::kMediate, R::kMediate},
        KindCase{"051", R::kSupport, R::kSupport}, KindCase{"057", R::kCooperate, R::kCooperate},
        KindCase{"061", R::kCooperate, R::kCooperate}, KindCase{"062", R::kAid, R::kAid},
        KindCase{"0622", R::kAid, R::kAid}, KindCase{"073", R::kAid, R::kAid},
        KindCase{"081", R::kUnspecified, R::kCooperate},
        KindCase{"090", R::kUnspecified, R::kCriticize},
        KindCase{"100", R::kUnspecified, R::kCriticize},
        KindCase{"111", R::kCriticize, R::kCriticize}, KindCase{"125", R::kReject, R::kReject},
        KindCase{"138", R::kThreaten, R::kThreaten},
        KindCase{"141", R::kUnspecified, R::kCriticize},
        KindCase{"150", R::kThreaten, R::kThreaten}, KindCase{"163", R::kSanction, R::kSanction},
        KindCase{"172", R::kSanction, R::kSanction}, KindCase{"180", R::kFight, R::kFight},
        KindCase{"193", R::kFight, R::kFight}, KindCase{"202", R::kFight, R::kFight}),
    [](const ::testing::TestParamInfo<KindCase>& info) {
      return std::string("Code") + info.param.code;
    });

TEST(ImportCameoTest, StateOrgansHaveARoleInTheirStateAndArmedGroupsDoNot) {
  const ActorType* gov = FindActorType("GOV");
  ASSERT_NE(gov, nullptr);
  EXPECT_EQ(gov->kind, ActorKind::kGovernment);
  EXPECT_EQ(gov->role, R::kLeads);
  const ActorType* mil = FindActorType("mil");
  ASSERT_NE(mil, nullptr);
  EXPECT_EQ(mil->role, R::kMemberOf);
  const ActorType* reb = FindActorType("REB");
  ASSERT_NE(reb, nullptr);
  EXPECT_EQ(reb->kind, ActorKind::kArmedGroup);
  EXPECT_EQ(reb->role, R::kUnspecified);
  EXPECT_FALSE(reb->organisation);
  EXPECT_EQ(FindActorType("OPP")->kind, ActorKind::kParty);
  EXPECT_EQ(FindActorType("IGO")->kind, ActorKind::kIgo);
  EXPECT_TRUE(FindActorType("IGO")->organisation);
  EXPECT_EQ(FindActorType("NGO")->kind, ActorKind::kNgo);
  EXPECT_EQ(FindActorType("XYZ"), nullptr);
  EXPECT_EQ(FindActorType("GOVMIL"), nullptr);
}

TEST(ImportCameoTest, IcewsAgentLabelsMapOntoCameoTypes) {
  EXPECT_EQ(ActorTypeForLabel("Government")->code, "GOV");
  EXPECT_EQ(ActorTypeForLabel("  armed   Rebel ")->code, "REB");
  EXPECT_EQ(ActorTypeForLabel("Police")->code, "COP");
  EXPECT_EQ(ActorTypeForLabel("Citizen")->code, "CVL");
  EXPECT_EQ(ActorTypeForLabel("Protester"), nullptr);
}

TEST(ImportCameoTest, RegionsAreNotStatesAndLegacyCodesBecomeIso) {
  EXPECT_EQ(CameoRegionName("AFR"), "Africa");
  EXPECT_EQ(CameoRegionName("mea"), "Middle East");
  EXPECT_EQ(CameoRegionName("RUS"), "");
  EXPECT_EQ(IsoFromCameoCountry("ROM"), "ROU");
  EXPECT_EQ(IsoFromCameoCountry("wsb"), "PSE");
  EXPECT_EQ(IsoFromCameoCountry("rus"), "RUS");
}

}  // namespace
}  // namespace actorgraph::import
