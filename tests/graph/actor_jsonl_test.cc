#include "graph/actor_jsonl.h"

#include <gtest/gtest.h>

#include <string>

namespace actorgraph {
namespace {

constexpr char kTurkey[] =
    R"({"id":"turkey","kind":"STATE","name":"Turkey","aliases":["T\u00fcrkiye","Ankara"],)"
    R"("country":"TUR","roles":[{"target":"nato","kind":"MEMBER_OF","from":"1952-02-18"}],)"
    R"("patterns":["ignored"]})";

TEST(ParseActorLineTest, ReadsEveryField) {
  auto a = ParseActorLine(kTurkey);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "turkey");
  EXPECT_EQ(a->kind, ActorKind::kState);
  EXPECT_EQ(a->name, "Turkey");
  ASSERT_EQ(a->aliases.size(), 2u);
  EXPECT_EQ(a->aliases[0], "T\xC3\xBCrkiye");
  EXPECT_EQ(a->country, "TUR");
  ASSERT_EQ(a->roles.size(), 1u);
  EXPECT_EQ(a->roles[0].target, "nato");
  EXPECT_EQ(a->roles[0].kind, RelationKind::kMemberOf);
  EXPECT_EQ(FormatDay(a->roles[0].from), "1952-02-18");
  EXPECT_EQ(a->roles[0].until, kNoDate);
}

TEST(ParseActorLineTest, DefaultsKindToOther) {
  auto a = ParseActorLine(R"({"id":"lna","name":"Libyan National Army"})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, ActorKind::kOther);
}

TEST(ParseActorLineTest, RoundTrips) {
  auto a = ParseActorLine(kTurkey);
  ASSERT_TRUE(a.ok());
  auto b = ParseActorLine(ActorToJsonLine(*a));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->id, a->id);
  EXPECT_EQ(b->aliases, a->aliases);
  EXPECT_EQ(b->roles[0].from, a->roles[0].from);
}

TEST(ParseActorLineTest, NamesTheFieldOfEachError) {
  struct Case {
    const char* line;
    const char* field;
  };
  for (const Case& c : std::initializer_list<Case>{
           {R"({"name":"X"})", "\"id\""},
           {R"({"id":"Not A Slug","name":"X"})", "\"id\""},
           {R"({"id":"x"})", "\"name\""},
           {R"({"id":"x","name":"X","kind":"PLANET"})", "\"kind\""},
           {R"({"id":"x","name":"X","aliases":"y"})", "\"aliases\""},
           {R"({"id":"x","name":"X","roles":[{"target":"y","kind":"FIGHT"}]})", "roles.kind"},
           {R"({"id":"x","name":"X","roles":[{"target":"y","from":"2020-02-30"}]})", "\"from\""},
           {R"({"id":"x","name":"X","roles":[{"target":"Bad Id"}]})", "roles.target"},
       }) {
    auto a = ParseActorLine(c.line);
    ASSERT_FALSE(a.ok()) << c.line;
    EXPECT_NE(std::string(a.status().message()).find(c.field), std::string::npos)
        << c.line << " -> " << a.status();
  }
}

TEST(IsValidActorIdTest, AcceptsSlugsOnly) {
  EXPECT_TRUE(IsValidActorId("khalifa-haftar"));
  EXPECT_TRUE(IsValidActorId("un.security_council"));
  EXPECT_FALSE(IsValidActorId(""));
  EXPECT_FALSE(IsValidActorId("Russia"));
  EXPECT_FALSE(IsValidActorId("two words"));
  EXPECT_FALSE(IsValidActorId(std::string(129, 'a')));
}

}  // namespace
}  // namespace actorgraph
