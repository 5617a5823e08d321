#include "server/store.h"

#include <gtest/gtest.h>

#include "server/graph_state.h"
#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

Observation Obs(const std::string& src, const std::string& dst, RelationKind kind,
                const std::string& doc) {
  Observation o;
  o.source = src;
  o.target = dst;
  o.source_name = src;
  o.target_name = dst;
  o.kind = kind;
  o.sign = Info(kind).sign;
  o.weight = Info(kind).default_weight;
  o.evidence.doc = doc;
  o.id = ObservationId(doc, -1, -1, src, dst, kind);
  return o;
}

TEST(StoreTest, WritesSurviveReopenAndDuplicatesAreIgnored) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  {
    auto state = GraphState::Open(db);
    ASSERT_TRUE(state.ok()) << state.status();
    EXPECT_TRUE(*(*state)->IsEmpty());
    auto r = (*state)->Ingest({Obs("a", "b", RelationKind::kSupport, "d1"),
                               Obs("b", "c", RelationKind::kFight, "d1"),
                               Obs("a", "b", RelationKind::kSupport, "d1")});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->inserted, 2);
    EXPECT_EQ(r->duplicates, 1);
    EXPECT_EQ(r->actors_created, 3);
  }
  auto state = GraphState::Open(db);
  ASSERT_TRUE(state.ok());
  (*state)->Read([](const ActorGraph& g) {
    EXPECT_EQ(g.actor_count(), 3u);
    EXPECT_EQ(g.observation_count(), 2u);
    return 0;
  });
  auto again = (*state)->Ingest({Obs("a", "b", RelationKind::kSupport, "d1")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0);
  EXPECT_EQ(again->duplicates, 1);
  EXPECT_EQ(again->actors_created, 0);
}

TEST(StoreTest, UpsertActorsReplacesByIdAndPersists) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  Actor a;
  a.id = "turkey";
  a.name = "Turkey";
  a.kind = ActorKind::kState;
  a.aliases = {"Ankara"};
  {
    auto state = GraphState::Open(db);
    ASSERT_TRUE(state.ok());
    auto c = (*state)->UpsertActors({a});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->first, 1);
    a.aliases.push_back("Türkiye");
    c = (*state)->UpsertActors({a});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->second, 1);
  }
  auto state = GraphState::Open(db);
  ASSERT_TRUE(state.ok());
  (*state)->Read([](const ActorGraph& g) {
    const Actor* t = g.FindActor("turkey");
    EXPECT_NE(t, nullptr);
    if (t) EXPECT_EQ(t->aliases.size(), 2u);
    EXPECT_EQ(g.Resolve("turkiye"), std::optional<std::string>("turkey"));
    return 0;
  });
}

TEST(StoreTest, RefusesAFileThatIsNotADatabase) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/not.db";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("this is plain text, not SQLite, and it is long enough to matter..........", f);
  std::fclose(f);
  auto state = GraphState::Open(path);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(std::string(state.status().message()).find(path), std::string::npos);
}

}  // namespace
}  // namespace actorgraph
