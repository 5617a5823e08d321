// The store's graph image: a load from it plus the rows after it gives exactly the graph a
// load of every row gives, whatever happened after the image; a damaged image is skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "server/graph_state.h"
#include "server/store.h"
#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

Observation Obs(const std::string& src, const std::string& dst, RelationKind kind,
                const std::string& doc, int span = 0) {
  Observation o;
  o.source = src;
  o.target = dst;
  o.source_name = src;
  o.target_name = dst;
  o.kind = kind;
  o.sign = Info(kind).sign;
  o.weight = Info(kind).default_weight;
  o.date = DayFromCivil(2020, 1, 1 + span % 28);
  o.evidence.doc = doc;
  o.evidence.begin = span;
  o.evidence.end = span + 5;
  o.evidence.url = StrCat("https://example.org/", doc);
  o.evidence.sentence = StrCat(src, " and ", dst, " in ", doc);
  o.id = ObservationId(doc, span, span + 5, src, dst, kind);
  return o;
}

// What a reader can tell about a graph, in a canonical order: actors, then observations
// (JSON line, stored row, act size), then each non-empty edge's observations in order.
std::vector<std::string> Describe(const ActorGraph& g) {
  std::vector<std::string> out;
  for (const Actor* a : g.Actors()) {
    out.push_back(StrCat("actor ", a->id, " ", a->name, " ", ActorKindName(a->kind), " aliases=",
                         a->aliases.size(), " obs=", g.ObservationCount(a->id)));
  }
  std::vector<std::string> obs;
  for (const Observation* o : g.Relations({})) {
    obs.push_back(StrCat(RelationToJsonLine(*o), " row=", o->evidence.stored_row,
                         " act=", g.ActTargetCount(*o)));
  }
  std::sort(obs.begin(), obs.end());
  out.insert(out.end(), obs.begin(), obs.end());
  std::vector<std::string> edges;
  for (uint32_t e = 0; e < g.edge_count(); ++e) {
    auto ref = g.EdgeAt(e);
    // An edge whose observations were all retracted stays, empty (as in a live graph); a
    // load from rows never creates it.
    if (ref.observations.empty()) continue;
    std::string line = StrCat("edge ", g.ActorAt(ref.source).id, "->", g.ActorAt(ref.target).id);
    for (const Observation* o : ref.observations) line = StrCat(line, " ", o->evidence.stored_row);
    edges.push_back(line);
  }
  std::sort(edges.begin(), edges.end());
  out.insert(out.end(), edges.begin(), edges.end());
  out.push_back(StrCat("newest ", g.newest_date()));
  return out;
}

std::vector<std::string> LoadDescribed(Store& store, bool use_image, LoadStats* stats) {
  ActorGraph g;
  absl::Status s = store.LoadInto(g, {.sentences = false, .use_image = use_image, .stats = stats});
  EXPECT_TRUE(s.ok()) << s;
  return Describe(g);
}

// True when the actors table has `id` (every upsert is in the change log).
bool KnownActor(Store& store, std::string_view id) {
  auto changes = store.ReadChanges(0, 1 << 20);
  EXPECT_TRUE(changes.ok()) << changes.status();
  if (!changes.ok()) return false;
  return std::any_of(changes->begin(), changes->end(), [&](const Change& c) {
    return c.type == Change::kActorUpserted && c.ref == id;
  });
}

// Stores `obs` and `actors`, creating the actors it has not seen (as GraphState does: every
// actor a stored observation names is in the actors table).
void Write(Store& store, std::vector<Observation> obs, std::vector<Actor> actors = {}) {
  for (const Observation& o : obs) {
    for (const Text* id : {&o.source, &o.target}) {
      if (KnownActor(store, id->view()) ||
          std::any_of(actors.begin(), actors.end(), [&](const Actor& a) { return a.id == *id; })) {
        continue;
      }
      Actor a;
      a.id = id->str();
      a.name = id->str();
      actors.push_back(a);
    }
  }
  std::vector<int64_t> rows;
  absl::Status s = store.Write(actors, obs, &rows);
  ASSERT_TRUE(s.ok()) << s;
}

// A store with an image of its first state, built the way the server builds it.
std::unique_ptr<Store> StoreWithImage(const std::string& db) {
  auto store = Store::Open(db);
  EXPECT_TRUE(store.ok()) << store.status();
  std::vector<Observation> first;
  for (int i = 0; i < 30; ++i) {
    first.push_back(Obs(StrCat("a", i % 7), StrCat("b", i % 5), RelationKind::kMeet,
                        StrCat("doc", i % 4), i));
  }
  // One act with three targets.
  for (const char* t : {"x", "y", "z"}) first.push_back(Obs("lead", t, RelationKind::kReject, "act", 3));
  Write(**store, first);
  ActorGraph g;
  EXPECT_TRUE((*store)->LoadInto(g, {.sentences = false, .use_image = false}).ok());
  absl::Status s = (*store)->WriteImage(g);
  EXPECT_TRUE(s.ok()) << s;
  return *std::move(store);
}

int64_t Count(const std::string& db, const std::string& sql) {
  const std::string cmd = StrCat("sqlite3 ", db, " \"", sql, "\"");
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[64] = {0};
  if (std::fgets(buf, sizeof buf, p) == nullptr) buf[0] = 0;
  pclose(p);
  return std::atoll(buf);
}

TEST(StoreImageTest, LoadFromImageEqualsLoadFromRows) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto store = StoreWithImage(db);
  LoadStats from_image, from_rows;
  auto a = LoadDescribed(*store, true, &from_image);
  auto b = LoadDescribed(*store, false, &from_rows);
  EXPECT_TRUE(from_image.from_image);
  EXPECT_EQ(from_image.image_observations, 33);
  EXPECT_EQ(from_image.rows, 0);
  EXPECT_EQ(from_image.image_problem, "");
  EXPECT_FALSE(from_rows.from_image);
  EXPECT_EQ(from_rows.rows, 33);
  EXPECT_EQ(a, b);
}

// Everything that can happen after the image: new rows (to old and new actors and edges), a
// retraction of a document the image holds, a retraction followed by a re-ingest of the same
// document, a changed actor, a new actor.
TEST(StoreImageTest, ChangesAfterTheImageAreReplayed) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto store = StoreWithImage(db);
  Write(*store, {Obs("a1", "b1", RelationKind::kFight, "later", 40),
                 Obs("newcomer", "a2", RelationKind::kSupport, "later", 41)});
  ASSERT_TRUE(store->RetractDocument("doc1").ok());
  ASSERT_TRUE(store->RetractDocument("doc2").ok());
  Write(*store, {Obs("a3", "b3", RelationKind::kAid, "doc2", 50)});
  ASSERT_TRUE(store->RetractDocument("act").ok());
  Actor renamed;
  renamed.id = "a1";
  renamed.name = "Renamed One";
  renamed.kind = ActorKind::kState;
  renamed.aliases = {"The First"};
  Actor fresh;
  fresh.id = "fresh";
  fresh.name = "Fresh";
  Write(*store, {}, {renamed, fresh});

  LoadStats from_image, from_rows;
  auto a = LoadDescribed(*store, true, &from_image);
  auto b = LoadDescribed(*store, false, &from_rows);
  EXPECT_TRUE(from_image.from_image);
  EXPECT_EQ(from_image.rows, 3);
  EXPECT_EQ(from_image.retracted_documents, 3);
  EXPECT_EQ(from_image.upserted_actors, 3);  // newcomer, a1, fresh
  EXPECT_EQ(::testing::PrintToString(a), ::testing::PrintToString(b));
  EXPECT_NE(std::find(a.begin(), a.end(), "actor a1 Renamed One STATE aliases=1 obs=3"), a.end());
}

// Damage of every kind falls back to the rows, with the reason; the graph is whole.
TEST(StoreImageTest, ADamagedImageIsSkippedWithItsReason) {
  struct Case {
    const char* sql;
    const char* reason;
  };
  const Case cases[] = {
      {"UPDATE graph_image SET data = substr(data, 1, length(data) - 3) "
       "WHERE part = (SELECT min(part) + 1 FROM graph_image)",
       "graph image chunk 2"},
      {"DELETE FROM graph_image WHERE part = (SELECT min(part) FROM graph_image)", "missing"},
      {"UPDATE meta SET value = '99 1 1 1 1' WHERE key = 'image'", "format 99"},
      {"UPDATE meta SET value = 'garbage' WHERE key = 'image'", "unreadable image record"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    testing::TempDir dir;
    const std::string db = dir.path() + "/s.db";
    std::vector<std::string> whole;
    {
      auto store = StoreWithImage(db);
      whole = LoadDescribed(*store, false, nullptr);
    }
    ASSERT_EQ(std::system(StrCat("sqlite3 ", db, " \"", c.sql, "\"").c_str()), 0);
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    LoadStats stats;
    auto loaded = LoadDescribed(**store, true, &stats);
    EXPECT_FALSE(stats.from_image);
    EXPECT_NE(stats.image_problem.find(c.reason), std::string::npos) << stats.image_problem;
    EXPECT_EQ(stats.rows, 33);
    EXPECT_EQ(loaded, whole);
  }
}

TEST(StoreImageTest, ANewImageReplacesTheOldOne) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto store = StoreWithImage(db);
  const int64_t parts = Count(db, "SELECT count(*) FROM graph_image");
  ASSERT_GT(parts, 0);
  Write(*store, {Obs("a1", "b1", RelationKind::kFight, "later", 40)});
  ActorGraph g;
  ASSERT_TRUE(store->LoadInto(g, {.sentences = false}).ok());
  ASSERT_TRUE(store->WriteImage(g).ok());
  EXPECT_EQ(Count(db, "SELECT count(*) FROM graph_image"), parts);
  LoadStats stats;
  LoadDescribed(*store, true, &stats);
  EXPECT_TRUE(stats.from_image);
  EXPECT_EQ(stats.image_observations, 34);
  EXPECT_EQ(stats.rows, 0);
}

// A full disk (here the --max-db-mb quota) fails the image write with RESOURCE_EXHAUSTED and
// leaves no parts behind; loads keep working from rows.
TEST(StoreImageTest, AFullDiskLeavesNoImageParts) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    std::vector<Observation> many;
    for (int i = 0; i < 400; ++i) {
      many.push_back(Obs(StrCat("a", i % 50), StrCat("b", i % 40), RelationKind::kMeet,
                         StrCat("doc", i), i));
    }
    Write(**store, many);
  }
  ASSERT_EQ(std::system(StrCat("sqlite3 ", db, " 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null").c_str()), 0);
  const int64_t pages = Count(db, "PRAGMA page_count");
  auto store = Store::Open(db, {.max_bytes = pages * 4096});
  ASSERT_TRUE(store.ok()) << store.status();
  ActorGraph g;
  ASSERT_TRUE((*store)->LoadInto(g, {.sentences = false}).ok());
  absl::Status s = (*store)->WriteImage(g);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(Count(db, "SELECT count(*) FROM graph_image"), 0);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM meta WHERE key = 'image'"), 0);
  LoadStats stats;
  LoadDescribed(**store, true, &stats);
  EXPECT_FALSE(stats.from_image);
  EXPECT_EQ(stats.rows, 400);
}

// Sentences are not in the image: a load that wants them reads rows.
TEST(StoreImageTest, LoadWithSentencesReadsRows) {
  testing::TempDir dir;
  auto store = StoreWithImage(dir.path() + "/s.db");
  ActorGraph g;
  LoadStats stats;
  ASSERT_TRUE(store->LoadInto(g, {.sentences = true, .stats = &stats}).ok());
  EXPECT_FALSE(stats.from_image);
  EXPECT_EQ(stats.rows, 33);
  const Observation* o = g.FindObservation(Obs("a0", "b0", RelationKind::kMeet, "doc0", 0).id);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->evidence.sentence, "a0 and b0 in doc0");
}

// GraphState writes an image after a load that read many rows, uses it next time, and a
// read-only server never writes one.
TEST(StoreImageTest, GraphStateWritesAndUsesTheImage) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  {
    auto state = GraphState::Open(db, {.image_min_rows = 3});
    ASSERT_TRUE(state.ok());
    ASSERT_TRUE((*state)->Load().ok());
    EXPECT_FALSE((*state)->load_report().image_written);  // nothing to load
    ASSERT_TRUE((*state)->Ingest({Obs("a", "b", RelationKind::kMeet, "d", 1),
                                  Obs("b", "c", RelationKind::kMeet, "d", 2),
                                  Obs("c", "a", RelationKind::kMeet, "d", 3)})
                    .ok());
  }
  {
    auto ro = GraphState::Open(db, {.read_only = true, .image_min_rows = 1});
    ASSERT_TRUE(ro.ok());
    ASSERT_TRUE((*ro)->Load().ok());
    EXPECT_FALSE((*ro)->load_report().image_written);
    EXPECT_EQ((*ro)->load_report().image_write_error, "");
  }
  {
    auto state = GraphState::Open(db, {.image_min_rows = 3});
    ASSERT_TRUE(state.ok());
    ASSERT_TRUE((*state)->Load().ok());
    const auto& r = (*state)->load_report();
    EXPECT_FALSE(r.stats.from_image);
    EXPECT_EQ(r.stats.rows, 3);
    EXPECT_TRUE(r.image_written) << r.image_write_error;
    ASSERT_TRUE((*state)->Ingest({Obs("a", "c", RelationKind::kFight, "e", 4)}).ok());
  }
  auto state = GraphState::Open(db, {.image_min_rows = 3});
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE((*state)->Load().ok());
  const auto& r = (*state)->load_report();
  EXPECT_TRUE(r.stats.from_image);
  EXPECT_EQ(r.stats.image_observations, 3);
  EXPECT_EQ(r.stats.rows, 1);
  EXPECT_FALSE(r.image_written);  // one row is below the threshold
  (*state)->Read([](const ActorGraph& g) {
    EXPECT_EQ(g.observation_count(), 4u);
    EXPECT_EQ(g.ObservationCount("a"), 3);
    return 0;
  });
}

}  // namespace
}  // namespace actorgraph
