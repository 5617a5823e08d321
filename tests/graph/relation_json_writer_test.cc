#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "graph/relation_jsonl.h"

namespace actorgraph {
namespace {

// The reference: the same object built as an nlohmann document and dumped (how
// RelationToJsonLine was written before the direct writer).
std::string Reference(const Observation& o) {
  using nlohmann::json;
  json j = json::object();
  j["id"] = std::string_view(o.id);
  j["source"] = std::string_view(o.source);
  j["source_name"] = std::string_view(o.source_name);
  j["source_country"] = std::string_view(o.source_country);
  j["target"] = std::string_view(o.target);
  j["target_name"] = std::string_view(o.target_name);
  j["target_country"] = std::string_view(o.target_country);
  j["kind"] = std::string(RelationKindName(o.kind));
  j["sign"] = o.sign;
  j["weight"] = o.weight;
  j["confidence"] = o.confidence;
  j["cameo"] = std::string_view(o.cameo);
  j["date"] = FormatDay(o.date);
  j["doc"] = std::string_view(o.evidence.doc);
  j["url"] = std::string_view(o.evidence.url);
  j["sentence"] = std::string_view(o.evidence.sentence);
  if (o.evidence.begin >= 0) j["span"] = {o.evidence.begin, o.evidence.end};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Written(const Observation& o) {
  std::string line = "prefix:";
  AppendRelationJson(o, line);
  EXPECT_EQ(line.substr(7), RelationToJsonLine(o));
  return line.substr(7);
}

Observation Sample() {
  Observation o;
  o.id = "gdelt-700001";
  o.source = "russia";
  o.source_name = "Russia";
  o.source_country = "RUS";
  o.target = "libya-reb";
  o.target_name = "Rebels (Libya)";
  o.target_country = "LBY";
  o.kind = RelationKind::kSupport;
  o.sign = 1;
  o.weight = 3.4;
  o.confidence = 0.8361;
  o.cameo = "051";
  o.date = *ParseDay("2020-01-08");
  o.evidence.doc = "gdelt-700001";
  o.evidence.url = "https://news.example.org/libya/a?b=c&d=%20";
  o.evidence.sentence = "RUSSIA (RUS) SUPPORT [051] EASTERN COMMANDER (LBYREB)";
  return o;
}

TEST(RelationJsonWriterTest, WritesTheBytesOfRelationToJsonLine) {
  Observation o = Sample();
  EXPECT_EQ(Written(o), Reference(o));
  o.evidence.begin = 12;
  o.evidence.end = 80;
  EXPECT_EQ(Written(o), Reference(o));
  o.date = kNoDate;
  EXPECT_EQ(Written(o), Reference(o));
  o.date = *ParseDay("0001-02-03");
  EXPECT_EQ(Written(o), Reference(o));
}

TEST(RelationJsonWriterTest, EscapesStringsTheSameWay) {
  Observation o = Sample();
  for (std::string text : {std::string("quote \" backslash \\ slash / tab \t newline \n cr \r"),
                           std::string("bell \x07 backspace \b formfeed \f unit \x1f del \x7f"),
                           std::string("Türkiye, Erdoğan, Łódź, 北京, emoji \xF0\x9F\x8C\x8D"),
                           std::string("nul \0 inside", 13), std::string()}) {
    o.evidence.sentence = text;
    o.source_name = text;
    EXPECT_EQ(Written(o), Reference(o)) << text;
  }
}

TEST(RelationJsonWriterTest, WritesNumbersTheSameWay) {
  Observation o = Sample();
  // Every weight and confidence the importer can produce, and some it cannot.
  for (int w = -100; w <= 100; ++w) {
    o.weight = w / 10.0;
    ASSERT_EQ(Written(o), Reference(o)) << o.weight;
  }
  for (int c = 0; c <= 10000; ++c) {
    o.confidence = c / 10000.0;
    ASSERT_EQ(Written(o), Reference(o)) << o.confidence;
  }
  for (double v : {-0.0, 1e-5, 1.5e-7, 0.0001, 123456789012345.0, 1e15, 1e16, 2.5e300, -3e-300,
                   1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.2}) {
    o.weight = v;
    EXPECT_EQ(Written(o), Reference(o)) << v;
  }
  for (int sign : {-1, 0, 1}) {
    o.sign = sign;
    EXPECT_EQ(Written(o), Reference(o)) << sign;
  }
}

TEST(RelationJsonWriterTest, ReplacesBytesThatAreNotUtf8) {
  Observation o = Sample();
  o.source_name = "bad \xC3( and \xFF end";
  const std::string line = Written(o);
  auto parsed = ParseRelationLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << line;
  EXPECT_EQ(std::string(parsed->source_name), "bad \xEF\xBF\xBD( and \xEF\xBF\xBD end");
}

}  // namespace
}  // namespace actorgraph
