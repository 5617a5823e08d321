#include "graph/types.h"

#include <gtest/gtest.h>

namespace actorgraph {
namespace {

TEST(ParseDayTest, AcceptsRealCalendarDates) {
  EXPECT_EQ(*ParseDay("1970-01-01"), 0);
  EXPECT_EQ(*ParseDay("1970-01-02"), 1);
  EXPECT_EQ(*ParseDay("1969-12-31"), -1);
  EXPECT_TRUE(ParseDay("2020-02-29").ok());  // leap year
  EXPECT_TRUE(ParseDay("2000-02-29").ok());  // divisible by 400
  EXPECT_TRUE(ParseDay("2021-12-31").ok());
}

TEST(ParseDayTest, RejectsImpossibleOrMalformedDates) {
  for (const char* bad :
       {"2019-02-29", "1900-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00",
        "2020-1-01", "20-01-01", "2020/01/01", "abcd-ef-gh", "", "2020-01-01T00:00"}) {
    auto day = ParseDay(bad);
    ASSERT_FALSE(day.ok()) << bad;
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(FormatDayTest, RoundTripsEveryDayOverCenturies) {
  for (Day d = DayFromCivil(1899, 12, 25); d < DayFromCivil(2101, 1, 5); d += 7) {
    auto back = ParseDay(FormatDay(d));
    ASSERT_TRUE(back.ok()) << FormatDay(d);
    EXPECT_EQ(*back, d);
  }
  EXPECT_EQ(FormatDay(DayFromCivil(2020, 1, 13)), "2020-01-13");
  EXPECT_EQ(FormatDay(kNoDate), "");
}

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(
      IsValidUtf8("Erdo\xC4\x9F"
                  "an"));                        // ğ
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
}

TEST(IsValidUtf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abc\xC4"));           // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(ObservationIdTest, IsDeterministicAndDependsOnEveryPart) {
  const std::string id = ObservationId("doc", 1, 5, "russia", "haftar", RelationKind::kSupport);
  EXPECT_EQ(id, ObservationId("doc", 1, 5, "russia", "haftar", RelationKind::kSupport));
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(id, ObservationId("doc2", 1, 5, "russia", "haftar", RelationKind::kSupport));
  EXPECT_NE(id, ObservationId("doc", 2, 5, "russia", "haftar", RelationKind::kSupport));
  EXPECT_NE(id, ObservationId("doc", 1, 6, "russia", "haftar", RelationKind::kSupport));
  EXPECT_NE(id, ObservationId("doc", 1, 5, "haftar", "russia", RelationKind::kSupport));
  EXPECT_NE(id, ObservationId("doc", 1, 5, "russia", "haftar", RelationKind::kAid));
  // Field boundaries matter: "ab"+"c" is not "a"+"bc".
  EXPECT_NE(ObservationId("d", 0, 0, "ab", "c", RelationKind::kMeet),
            ObservationId("d", 0, 0, "a", "bc", RelationKind::kMeet));
}

TEST(SlugifyTest, LowerCasesAndJoinsWordsWithDashes) {
  EXPECT_EQ(Slugify("Khalifa Haftar"), "khalifa-haftar");
  EXPECT_EQ(Slugify("  U.S.  Army "), "u-s-army");
  EXPECT_EQ(Slugify("!!!"), "");
  EXPECT_EQ(Slugify("T\xC3\xBCrkiye"), "t\xC3\xBCrkiye");  // non-ASCII kept as UTF-8
}

TEST(KindInfoTest, SignsAndWeightsFollowTheDesignTable) {
  EXPECT_EQ(Info(RelationKind::kSupport).sign, 1);
  EXPECT_DOUBLE_EQ(Info(RelationKind::kAid).default_weight, 7.0);
  EXPECT_EQ(Info(RelationKind::kFight).sign, -1);
  EXPECT_DOUBLE_EQ(Info(RelationKind::kFight).default_weight, -10.0);
  EXPECT_EQ(Info(RelationKind::kLeads).sign, 0);
  EXPECT_EQ(ParseRelationKind("support"), RelationKind::kSupport);
  EXPECT_EQ(ParseRelationKind("MEMBER_OF"), RelationKind::kMemberOf);
  EXPECT_FALSE(ParseRelationKind("hug").has_value());
  EXPECT_EQ(RelationKindName(RelationKind::kThreaten), "THREATEN");
  EXPECT_EQ(ParseActorKind("armed_group"), ActorKind::kArmedGroup);
  EXPECT_EQ(ActorKindName(ActorKind::kIgo), "IGO");
}

TEST(RoleTest, HoldsWithinItsDates) {
  Role r;
  r.from = DayFromCivil(2014, 8, 28);
  EXPECT_TRUE(r.HoldsOn(DayFromCivil(2020, 1, 1)));
  EXPECT_FALSE(r.HoldsOn(DayFromCivil(2010, 1, 1)));
  EXPECT_TRUE(r.HoldsOn(kNoDate));
  r.until = DayFromCivil(2015, 1, 1);
  EXPECT_FALSE(r.HoldsOn(DayFromCivil(2020, 1, 1)));
}

}  // namespace
}  // namespace actorgraph
