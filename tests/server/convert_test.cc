#include "server/convert.h"

#include <gtest/gtest.h>

namespace actorgraph {
namespace {

v1::Relation Valid() {
  v1::Relation r;
  r.set_source("russia");
  r.set_target("haftar");
  r.set_kind(v1::SUPPORT);
  r.set_date("2020-01-13");
  r.mutable_evidence()->set_doc("d");
  r.mutable_evidence()->set_begin(3);
  r.mutable_evidence()->set_end(9);
  return r;
}

std::string ErrorOf(const v1::Relation& r) {
  auto o = FromProto(r, "relations[0]");
  return o.ok() ? "" : std::string(o.status().message());
}

TEST(ConvertTest, AnIndexedPathIsSpelledOutInTheError) {
  v1::Relation r = Valid();
  r.set_date("2020-13-01");
  auto o = FromProto(r, FieldPath("relations", 7));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(o.status().message()).find("relations[7].date"), std::string::npos)
      << o.status();
  r = Valid();
  r.set_kind(static_cast<v1::RelationKind>(99));
  EXPECT_NE(std::string(FromProto(r, FieldPath("relations", 12)).status().message())
                .find("relations[12].kind: unknown value 99"),
            std::string::npos);
}

TEST(ConvertTest, FillsDefaultsFromTheKindAndComputesTheId) {
  auto o = FromProto(Valid(), "r");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->sign, 1);
  EXPECT_DOUBLE_EQ(o->weight, 3.5);
  EXPECT_DOUBLE_EQ(o->confidence, 1.0);
  EXPECT_EQ(o->cameo, "050");
  EXPECT_EQ(o->id, ObservationId("d", 3, 9, "russia", "haftar", RelationKind::kSupport));
  v1::Relation back;
  ToProto(*o, &back);
  EXPECT_EQ(back.date(), "2020-01-13");
  EXPECT_EQ(back.kind(), v1::SUPPORT);
}

TEST(ConvertTest, EveryBadFieldIsNamed) {
  v1::Relation r = Valid();
  r.set_kind(v1::RELATION_KIND_UNSPECIFIED);
  EXPECT_EQ(ErrorOf(r), "relations[0].kind: is required");
  r = Valid();
  r.set_kind(static_cast<v1::RelationKind>(77));
  EXPECT_EQ(ErrorOf(r), "relations[0].kind: unknown value 77");
  r = Valid();
  r.set_sign(-1);
  EXPECT_NE(ErrorOf(r).find("relations[0].sign"), std::string::npos);
  r = Valid();
  r.set_date("13/01/2020");
  EXPECT_NE(ErrorOf(r).find("relations[0].date"), std::string::npos);
  r = Valid();
  r.set_target("russia");
  EXPECT_NE(ErrorOf(r).find("self-relation"), std::string::npos);
  r = Valid();
  r.set_source_name(std::string("\xff\xfe", 2));
  EXPECT_NE(ErrorOf(r).find("relations[0].source_name: is not valid UTF-8"), std::string::npos);
  r = Valid();
  r.set_source("");
  EXPECT_NE(ErrorOf(r).find("relations[0].source: is required"), std::string::npos);
  r = Valid();
  r.set_source("Not A Slug");
  EXPECT_NE(ErrorOf(r).find("relations[0].source"), std::string::npos);
  r = Valid();
  r.set_confidence(1.5);
  EXPECT_NE(ErrorOf(r).find("relations[0].confidence"), std::string::npos);
  r = Valid();
  r.set_weight(-3);
  EXPECT_NE(ErrorOf(r).find("relations[0].weight"), std::string::npos);
  r = Valid();
  r.mutable_evidence()->set_sentence(std::string(70000, 'x'));
  EXPECT_NE(ErrorOf(r).find("relations[0].evidence.sentence"), std::string::npos);
}

TEST(ConvertTest, RelationTextChecksFindBadBytesAnywhereAndNameTheField) {
  // The ASCII fast path reads eight bytes at a time: a bad byte after a long ASCII run, in
  // the tail, and valid multi-byte text after ASCII must all be judged like IsValidUtf8.
  v1::Relation r = Valid();
  r.set_target_name("Recep Tayyip Erdo\xc4\x9f" "an of T\xc3\xbcrkiye");
  EXPECT_TRUE(FromProto(r, "relations[0]").ok());
  r.mutable_evidence()->set_sentence(std::string(40, 'a') + "\xff" + std::string(9, 'b'));
  EXPECT_NE(ErrorOf(r).find("relations[0].evidence.sentence: is not valid UTF-8"), std::string::npos)
      << ErrorOf(r);
  r = Valid();
  r.mutable_evidence()->set_url(std::string(17, 'u') + "\xe2\x82");  // cut-off sequence
  EXPECT_NE(ErrorOf(r).find("relations[0].evidence.url: is not valid UTF-8"), std::string::npos);
  r = Valid();
  r.set_cameo(std::string(17, '0'));
  EXPECT_EQ(ErrorOf(r), "relations[0].cameo: is 17 bytes; the limit is 16");
}

// With views, the strings the graph usually has are left to PrepareObservations: views into
// the message (or constants), with the same defaults the copies would have had.
TEST(ConvertTest, RelationWithViewsLeavesSharedStringsInTheMessage) {
  v1::Relation r = Valid();
  r.set_source_name("Russia");
  r.set_source_country("RUS");
  ActorGraph::FieldViews views;
  auto o = FromProto(r, "relations[0]", Utf8::kParsed, &views);
  ASSERT_TRUE(o.ok()) << o.status();
  auto into = [&](std::string_view v, const std::string& field) {
    return v.data() == field.data() && v.size() == field.size();
  };
  EXPECT_TRUE(into(views.source, r.source()));
  EXPECT_TRUE(into(views.target, r.target()));
  EXPECT_TRUE(into(views.source_name, r.source_name()));
  EXPECT_TRUE(into(views.target_name, r.target()));  // no name: the id
  EXPECT_TRUE(into(views.source_country, r.source_country()));
  EXPECT_TRUE(views.target_country.empty());
  EXPECT_EQ(views.cameo, Info(RelationKind::kSupport).cameo_root);  // the kind's root
  for (const Text* t : {&o->source, &o->target, &o->source_name, &o->target_name,
                        &o->source_country, &o->cameo}) {
    EXPECT_TRUE(t->empty());
  }
  // Everything else is as without views, the id included.
  auto copied = FromProto(r, "relations[0]", Utf8::kParsed);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(o->id, copied->id);
  EXPECT_EQ(o->evidence.doc, copied->evidence.doc);
  EXPECT_EQ(o->date, copied->date);
  EXPECT_EQ(copied->source_name, "Russia");
  EXPECT_EQ(copied->target_name, "haftar");
  EXPECT_EQ(copied->cameo, Info(RelationKind::kSupport).cameo_root);
  // An id made from the name is not in the message: it is the observation's own.
  r.clear_source();
  r.set_source_name("Government of National Accord");
  auto slug = FromProto(r, "relations[0]", Utf8::kParsed, &views);
  ASSERT_TRUE(slug.ok()) << slug.status();
  EXPECT_TRUE(views.source.empty());
  EXPECT_FALSE(slug->source.empty());
  EXPECT_TRUE(into(views.source_name, r.source_name()));
  // Errors are the same.
  r.set_target(slug->source.str());
  EXPECT_NE(std::string(FromProto(r, "relations[0]", Utf8::kParsed, &views).status().message())
                .find("self-relation"),
            std::string::npos);
}

TEST(ConvertTest, ParsedRelationsSkipOnlyTheUtf8CheckThatParsingMade) {
  // Utf8::kParsed rests on protobuf refusing to parse a proto3 string that is not UTF-8:
  // bytes with a bad string in any relation field, or in its evidence, must not parse.
  const auto bad = std::string("ok\xff", 3);
  for (auto set : std::vector<void (*)(v1::Relation&, const std::string&)>{
           [](v1::Relation& r, const std::string& v) { r.set_source_name(v); },
           [](v1::Relation& r, const std::string& v) { r.set_id(v); },
           [](v1::Relation& r, const std::string& v) { r.mutable_evidence()->set_sentence(v); },
           [](v1::Relation& r, const std::string& v) { r.mutable_evidence()->set_url(v); }}) {
    v1::IngestRelationsRequest req;
    *req.add_relations() = Valid();
    set(*req.mutable_relations(0), bad);
    std::string wire;
    ASSERT_TRUE(req.SerializePartialToString(&wire));
    v1::IngestRelationsRequest parsed;
    EXPECT_FALSE(parsed.ParseFromString(wire));
    EXPECT_NE(ErrorOf(req.relations(0)).find("is not valid UTF-8"), std::string::npos);
  }
  // The other checks stay.
  v1::Relation r = Valid();
  r.set_cameo(std::string(17, '0'));
  EXPECT_EQ(std::string(FromProto(r, "relations[0]", Utf8::kParsed).status().message()),
            "relations[0].cameo: is 17 bytes; the limit is 16");
  r = Valid();
  r.set_source("");
  r.set_source_name("");
  EXPECT_FALSE(FromProto(r, "relations[0]", Utf8::kParsed).ok());
  EXPECT_TRUE(FromProto(Valid(), "relations[0]", Utf8::kParsed).ok());
}

TEST(ConvertTest, ActorsAndFiltersAreValidated) {
  v1::Actor a;
  a.set_id("Bad Id");
  a.set_name("x");
  EXPECT_FALSE(FromProto(a, "actors[0]").ok());
  a.set_id("ok");
  a.set_name("");
  EXPECT_NE(std::string(FromProto(a, "actors[0]").status().message()).find("actors[0].name"),
            std::string::npos);
  a.set_name("Ok");
  auto* role = a.add_roles();
  role->set_target("turkey");
  role->set_kind(v1::FIGHT);
  EXPECT_NE(std::string(FromProto(a, "actors[0]").status().message()).find("roles[0].kind"),
            std::string::npos);

  v1::RelationFilter f;
  f.set_since("2020-05-01");
  f.set_until("2020-01-01");
  EXPECT_NE(std::string(FromProto(f, "filter").status().message()).find("filter.since"),
            std::string::npos);
  f.Clear();
  f.add_kinds(static_cast<v1::RelationKind>(99));
  EXPECT_NE(std::string(FromProto(f, "filter").status().message()).find("filter.kinds[0]"),
            std::string::npos);
  f.Clear();
  f.add_kinds(v1::FIGHT);
  f.set_sign(v1::NEGATIVE);
  auto ok = FromProto(f, "filter");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->sign, -1);
  EXPECT_EQ(ok->kinds_mask, 1u << static_cast<int>(RelationKind::kFight));
}

}  // namespace
}  // namespace actorgraph
