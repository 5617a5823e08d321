// Each linguistic case on sentences written for these tests.
#include "tools/extract/extractor.h"

#include <gtest/gtest.h>

#include "tests/extract/test_util.h"

namespace actorgraph::extract {
namespace {

using testing::Dump;
using testing::ExtractText;
using testing::Has;
using testing::HasAny;
using K = RelationKind;

TEST(ExtractorTest, ActiveVoice) {
  auto obs = ExtractText("Russia backs Haftar in the conflict.");
  EXPECT_TRUE(Has(obs, "russia", "haftar", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, PassiveVoiceSwapsSourceAndTarget) {
  auto obs = ExtractText("On Monday Turkey was sharply criticised by Greece.");
  EXPECT_TRUE(Has(obs, "greece", "turkey", K::kCriticize)) << Dump(obs);
  EXPECT_FALSE(HasAny(obs, "turkey", "greece")) << Dump(obs);
}

TEST(ExtractorTest, ReducedPassiveWithAgent) {
  auto obs = ExtractText("The rebels, armed by Iran, seized the port.");
  EXPECT_FALSE(HasAny(obs, "houthis", "iran")) << Dump(obs);
  auto obs2 = ExtractText("Houthi fighters, armed by Iran, seized the port.");
  EXPECT_TRUE(Has(obs2, "iran", "houthis", K::kAid)) << Dump(obs2);
}

TEST(ExtractorTest, AdjectivalParticiple) {
  auto obs = ExtractText("The Iran-backed Houthis fired rockets overnight.");
  EXPECT_TRUE(Has(obs, "iran", "houthis", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, NegationBlocksTheRelation) {
  auto obs = ExtractText("Greece did not sign the agreement with Turkey. Egypt never backed the GNA.");
  EXPECT_FALSE(HasAny(obs, "greece", "turkey")) << Dump(obs);
  EXPECT_FALSE(HasAny(obs, "egypt", "gna")) << Dump(obs);
}

TEST(ExtractorTest, HypotheticalsAndQuestionsAreNoFacts) {
  auto obs = ExtractText(
      "Turkey could send troops to the GNA. If Russia attacks Ukraine, sanctions will follow. "
      "Will Iran arm the Houthis?");
  EXPECT_TRUE(obs.empty()) << Dump(obs);
}

TEST(ExtractorTest, ThreatsMayBeConditional) {
  auto obs = ExtractText("Egypt warned Turkey that it could intervene if the fighting spread.");
  EXPECT_TRUE(Has(obs, "egypt", "turkey", K::kThreaten)) << Dump(obs);
}

TEST(ExtractorTest, CompoundSubjectGivesOneRelationPerMember) {
  auto obs = ExtractText("Egypt and the United Arab Emirates support Haftar.");
  EXPECT_TRUE(Has(obs, "egypt", "haftar", K::kSupport)) << Dump(obs);
  EXPECT_TRUE(Has(obs, "uae", "haftar", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, CompoundSymmetricSubjectPairsUp) {
  auto obs = ExtractText("Armenia and Azerbaijan clashed along the border again.");
  EXPECT_TRUE(Has(obs, "armenia", "azerbaijan", K::kFight)) << Dump(obs);
}

TEST(ExtractorTest, DemonymsNameTheirState) {
  auto obs = ExtractText("Turkish troops attacked the YPG near the border.");
  EXPECT_TRUE(Has(obs, "turkey", "ypg", K::kFight)) << Dump(obs);
}

TEST(ExtractorTest, RolePhrasesResolveToTheHolderOnTheDate) {
  auto obs = ExtractText("The Turkish president condemned Haftar.", "2020-01-14");
  EXPECT_TRUE(Has(obs, "erdogan", "haftar", K::kCriticize)) << Dump(obs);
  auto obs2 = ExtractText("Russia's foreign minister met Sarraj.", "2019-06-01");
  EXPECT_TRUE(Has(obs2, "lavrov", "sarraj", K::kMeet)) << Dump(obs2);
  // In 2010 Turkey's prime minister was Erdogan; in 2020 the post did not exist.
  auto obs3 = ExtractText("The Turkish prime minister criticised Israel.", "2010-06-01");
  EXPECT_TRUE(Has(obs3, "erdogan", "israel", K::kCriticize)) << Dump(obs3);
  auto obs4 = ExtractText("The Turkish prime minister criticised Israel.", "2020-06-01");
  EXPECT_TRUE(Has(obs4, "turkey", "israel", K::kCriticize)) << Dump(obs4);
}

TEST(ExtractorTest, LeaderOfAnArmedGroup) {
  auto obs = ExtractText("Turkey warned the LNA leader on Tuesday.");
  EXPECT_TRUE(Has(obs, "turkey", "haftar", K::kThreaten)) << Dump(obs);
}

TEST(ExtractorTest, DiacriticsAndTransliterations) {
  auto obs = ExtractText("Erdoğan slammed Hifter after the talks.");
  EXPECT_TRUE(Has(obs, "erdogan", "haftar", K::kCriticize)) << Dump(obs);
  auto obs2 = ExtractText("Serraj met Erdogan in Istanbul.");
  EXPECT_TRUE(Has(obs2, "sarraj", "erdogan", K::kMeet)) << Dump(obs2);
}

TEST(ExtractorTest, PlacesAreNotActors) {
  auto obs = ExtractText("Delegations met in Ankara and in Moscow to discuss the truce.");
  EXPECT_TRUE(obs.empty()) << Dump(obs);
}

TEST(ExtractorTest, AgentNounsWithPossessives) {
  auto obs = ExtractText("The UAE is among Haftar's most important backers.");
  EXPECT_TRUE(Has(obs, "uae", "haftar", K::kSupport)) << Dump(obs);
  auto obs2 = ExtractText("Haftar rejected the plan, although Egypt remains one of his allies.");
  EXPECT_TRUE(Has(obs2, "egypt", "haftar", K::kSupport)) << Dump(obs2);
}

TEST(ExtractorTest, NominalForms) {
  auto obs = ExtractText("Turkish support for the GNA has grown since November.");
  EXPECT_TRUE(Has(obs, "turkey", "gna", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, PronounsPointBackToTheLastNamedActor) {
  auto obs = ExtractText("Haftar flew to Moscow on Monday. He then rejected a truce proposed by Russia.");
  EXPECT_TRUE(Has(obs, "haftar", "russia", K::kReject)) << Dump(obs);
}

TEST(ExtractorTest, CoordinatedVerbsShareTheSubject) {
  auto obs = ExtractText("Egypt condemned the Turkish deployment and warned Ankara of the consequences.");
  EXPECT_TRUE(Has(obs, "egypt", "turkey", K::kCriticize)) << Dump(obs);
  EXPECT_TRUE(Has(obs, "egypt", "turkey", K::kThreaten)) << Dump(obs);
  EXPECT_FALSE(HasAny(obs, "turkey", "turkey")) << Dump(obs);
}

TEST(ExtractorTest, ShortDescriptionsPointBackToANamedActor) {
  auto obs = ExtractText(
      "Khalifa Haftar flew to Cairo on Sunday. The field marshal later rejected a truce "
      "offered by Turkey.");
  EXPECT_TRUE(Has(obs, "haftar", "turkey", K::kReject)) << Dump(obs);
  auto obs2 = ExtractText(
      "The UN Security Council met in New York. The council threatened Sudan with sanctions.");
  EXPECT_TRUE(Has(obs2, "unsc", "sudan", K::kThreaten)) << Dump(obs2);
}

TEST(ExtractorTest, RelativeClausesBetweenSubjectAndVerb) {
  auto obs = ExtractText("Greece, which has long feuded with Ankara over the islands, condemned Turkey.");
  EXPECT_TRUE(Has(obs, "greece", "turkey", K::kCriticize)) << Dump(obs);
}

TEST(ExtractorTest, LightVerbsLendTheirSubjectToTheNoun) {
  auto obs = ExtractText("Russia has a long-standing defence pact with Armenia.");
  EXPECT_TRUE(Has(obs, "russia", "armenia", K::kCooperate)) << Dump(obs);
  auto obs2 = ExtractText("The Houthis launched an attack on Saudi Arabia last night.");
  EXPECT_TRUE(Has(obs2, "houthis", "saudi-arabia", K::kFight)) << Dump(obs2);
}

TEST(ExtractorTest, InSupportOf) {
  auto obs = ExtractText("Iranian advisers are working in Syria in support of President Assad.", "2015-06-01");
  EXPECT_TRUE(Has(obs, "iran", "assad", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, NounsOwnedByAnActor) {
  auto obs = ExtractText("Russia's military support for embattled President Assad continued.", "2016-01-01");
  EXPECT_TRUE(HasAny(obs, "russia", "assad")) << Dump(obs);
  auto obs2 = ExtractText("Talks between Armenia and Azerbaijan resumed in Moscow.");
  EXPECT_TRUE(Has(obs2, "armenia", "azerbaijan", K::kMeet)) << Dump(obs2);
}

TEST(ExtractorTest, AdjectivalParticiplesAreNoEvents) {
  auto obs = ExtractText("Heavily armed attackers stormed the compound near the Turkish embassy.");
  EXPECT_FALSE(HasAny(obs, "turkey", "turkey")) << Dump(obs);
  for (const Observation& o : obs) EXPECT_NE(o.kind, K::kAid) << Dump(obs);
}

TEST(ExtractorTest, MembershipIsNoSupport) {
  auto obs = ExtractText("Greece, a NATO ally, protested to Ankara.");
  EXPECT_FALSE(HasAny(obs, "greece", "nato")) << Dump(obs);
}

TEST(ExtractorTest, PlacesOfTroopDeploymentsAreNoTargets) {
  auto obs = ExtractText("Turkey sent troops to Libya to support the GNA.");
  EXPECT_FALSE(HasAny(obs, "turkey", "libya")) << Dump(obs);
  EXPECT_TRUE(Has(obs, "turkey", "gna", K::kSupport)) << Dump(obs);
}

TEST(ExtractorTest, SanctionsWithoutObjectFallOnTheCountryInFocus) {
  auto obs = ExtractText(
      "Soldiers seized power in Niger on Wednesday. Niger's president was detained. "
      "ECOWAS imposed sanctions within days.", "2023-07-30");
  EXPECT_TRUE(Has(obs, "ecowas", "niger", K::kSanction)) << Dump(obs);
}

TEST(ExtractorTest, CompoundPassiveAgentsOfASymmetricAct) {
  auto obs = ExtractText("The accord was signed on Friday by Ethiopia and Eritrea.");
  EXPECT_TRUE(Has(obs, "ethiopia", "eritrea", K::kCooperate)) << Dump(obs);
}

TEST(ExtractorTest, JoiningAnotherInAnAct) {
  auto obs = ExtractText("Qatar joined Kuwait in condemning Israel.");
  EXPECT_TRUE(Has(obs, "qatar", "israel", K::kCriticize)) << Dump(obs);
  EXPECT_TRUE(Has(obs, "kuwait", "israel", K::kCriticize)) << Dump(obs);
}

TEST(ExtractorTest, PartnersBeforeAPurposeClause) {
  auto obs = ExtractText("Iranian officers worked with their colleagues from Syria to arm Hezbollah.",
                         "2016-01-01");
  EXPECT_TRUE(Has(obs, "iran", "hezbollah", K::kAid)) << Dump(obs);
  EXPECT_TRUE(Has(obs, "syria", "hezbollah", K::kAid)) << Dump(obs);
}

TEST(ExtractorTest, FrontedVisitNamesTheVisitorAfterIt) {
  auto obs = ExtractText("After a visit to Chad on Monday, Emmanuel Macron praised the army.",
                         "2019-02-01");
  EXPECT_TRUE(Has(obs, "macron", "chad", K::kMeet)) << Dump(obs);
}

TEST(ExtractorTest, PoisedToIsNotAFact) {
  auto obs = ExtractText("Japan would be poised to help Vietnam after the storm.");
  EXPECT_TRUE(obs.empty()) << Dump(obs);
  auto obs2 = ExtractText("Japan helped Vietnam after the storm.");
  EXPECT_TRUE(Has(obs2, "japan", "vietnam", K::kSupport)) << Dump(obs2);
}

TEST(ExtractorTest, OneObservationPerDocumentSourceTargetAndKind) {
  auto obs = ExtractText("Russia supports Haftar. Everyone knows that Russia supports Haftar.");
  int n = 0;
  for (const Observation& o : obs) {
    if (o.source == "russia" && o.target == "haftar" && o.kind == K::kSupport) ++n;
  }
  EXPECT_EQ(n, 1) << Dump(obs);
}

TEST(ExtractorTest, ObservationsCarryEvidenceAndCodes) {
  auto obs = ExtractText("Intro line.\n\nRussia backs Haftar.");
  ASSERT_EQ(obs.size(), 1u) << Dump(obs);
  const Observation& o = obs[0];
  EXPECT_EQ(o.source_country, "RUS");
  EXPECT_EQ(o.target_country, "LBY");
  EXPECT_EQ(o.sign, 1);
  EXPECT_GT(o.weight, 0);
  EXPECT_EQ(o.cameo.view().substr(0, 2), "05");
  EXPECT_EQ(o.evidence.sentence, "Russia backs Haftar.");
  EXPECT_EQ(o.evidence.begin, 13);
  EXPECT_EQ(o.evidence.end, 33);
  EXPECT_EQ(FormatDay(o.date), "2020-01-14");
  EXPECT_GT(o.confidence, 0.0);
  EXPECT_LE(o.confidence, 1.0);
  EXPECT_EQ(o.id, ObservationId("test", 13, 33, "russia", "haftar", K::kSupport));
}

TEST(ExtractorTest, IgosHaveNoCountry) {
  auto obs = ExtractText("The UN-backed government thanked Italy.");
  for (const Observation& o : obs) {
    if (o.source == "un") EXPECT_EQ(o.source_country, "");
  }
}

TEST(ExtractorTest, LeaderAndHisStateAreNotARelation) {
  auto obs = ExtractText("Putin praised Russia's army.", "2020-01-14");
  EXPECT_TRUE(obs.empty()) << Dump(obs);
}

}  // namespace
}  // namespace actorgraph::extract
