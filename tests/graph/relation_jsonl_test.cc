#include "graph/relation_jsonl.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

namespace actorgraph {
namespace {

constexpr char kGood[] =
    R"({"id":"r1","source":"russia","source_name":"Russia","source_country":"RUS",)"
    R"("target":"haftar","target_name":"Khalifa Haftar","target_country":"LBY",)"
    R"("kind":"SUPPORT","sign":1,"weight":3.5,"confidence":0.8,"cameo":"051",)"
    R"("date":"2020-01-13","doc":"libya","url":"https://example.org/a",)"
    R"("sentence":"Russia backs Haftar.","span":[120,188]})";

TEST(ParseRelationLineTest, ReadsEveryField) {
  auto o = ParseRelationLine(kGood);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->id, "r1");
  EXPECT_EQ(o->source, "russia");
  EXPECT_EQ(o->target_name, "Khalifa Haftar");
  EXPECT_EQ(o->target_country, "LBY");
  EXPECT_EQ(o->kind, RelationKind::kSupport);
  EXPECT_EQ(o->sign, 1);
  EXPECT_DOUBLE_EQ(o->weight, 3.5);
  EXPECT_DOUBLE_EQ(o->confidence, 0.8);
  EXPECT_EQ(o->cameo, "051");
  EXPECT_EQ(FormatDay(o->date), "2020-01-13");
  EXPECT_EQ(o->evidence.doc, "libya");
  EXPECT_EQ(o->evidence.begin, 120);
  EXPECT_EQ(o->evidence.end, 188);
}

TEST(ParseRelationLineTest, FillsDefaultsFromKindAndNames) {
  auto o = ParseRelationLine(
      R"({"source_name":"Khalifa Haftar","target_name":"GNA","kind":"fight","doc":"d"})");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->source, "khalifa-haftar");
  EXPECT_EQ(o->target, "gna");
  EXPECT_EQ(o->sign, -1);
  EXPECT_DOUBLE_EQ(o->weight, -10.0);
  EXPECT_DOUBLE_EQ(o->confidence, 1.0);
  EXPECT_EQ(o->cameo, "190");
  EXPECT_EQ(o->date, kNoDate);
  EXPECT_EQ(o->id, ObservationId("d", -1, -1, "khalifa-haftar", "gna", RelationKind::kFight));
}

TEST(ParseRelationLineTest, RoundTripsThroughJson) {
  auto o = ParseRelationLine(kGood);
  ASSERT_TRUE(o.ok());
  auto back = ParseRelationLine(RelationToJsonLine(*o));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, o->id);
  EXPECT_EQ(back->date, o->date);
  EXPECT_EQ(back->evidence.sentence, o->evidence.sentence);
  EXPECT_EQ(back->evidence.end, o->evidence.end);
  EXPECT_DOUBLE_EQ(back->weight, o->weight);
}

struct BadLine {
  const char* line;
  const char* names;  // expected in the error message
};
void PrintTo(const BadLine& b, std::ostream* os) { *os << b.line; }

class MalformedLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(MalformedLineTest, IsRejectedNamingTheField) {
  auto o = ParseRelationLine(GetParam().line);
  ASSERT_FALSE(o.ok()) << GetParam().line;
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(o.status().message()).find(GetParam().names), std::string::npos)
      << o.status();
}

INSTANTIATE_TEST_SUITE_P(
    EachReason, MalformedLineTest,
    ::testing::Values(
        BadLine{R"({"source":"a","target":)", "not JSON"}, BadLine{R"([1,2])", "not a JSON object"},
        BadLine{R"({"target":"b","kind":"MEET"})", "\"source\""},
        BadLine{R"({"source":"a","kind":"MEET"})", "\"target\""},
        BadLine{R"({"source":"a","target":"b"})", "\"kind\""},
        BadLine{R"({"source":"a","target":"b","kind":"HUG"})", "\"kind\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","sign":-1})", "\"sign\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","sign":2})", "\"sign\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","weight":11})", "\"weight\""},
        BadLine{R"({"source":"a","target":"b","kind":"FIGHT","weight":3})", "\"weight\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","weight":"x"})", "\"weight\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","confidence":1.5})", "\"confidence\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","date":"2019-02-29"})", "\"date\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","span":[5,2]})", "\"span\""},
        BadLine{R"({"source":"a","target":"b","kind":"MEET","span":"x"})", "\"span\""},
        BadLine{R"({"source":"a","target":"a","kind":"MEET"})", "\"target\""},
        BadLine{R"({"source":7,"target":"b","kind":"MEET"})", "\"source\""}),
    [](const ::testing::TestParamInfo<BadLine>& i) {
      std::string name;
      for (const char* c = i.param.names; *c; ++c) {
        if (std::isalnum(static_cast<unsigned char>(*c))) name.push_back(*c);
      }
      return name + "_" + std::to_string(i.index);
    });

TEST(ParseRelationLineTest, RejectsInvalidUtf8) {
  std::string line = R"({"source":"a","target":"b","kind":"MEET","sentence":"bad )";
  line += "\xC0\x80";
  line += R"("})";
  auto o = ParseRelationLine(line);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace actorgraph
