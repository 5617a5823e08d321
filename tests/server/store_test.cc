#include "server/store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "graph/relation_jsonl.h"
#include "graph/strings.h"
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

// Writes `observations` to a new store file at `db` and closes it, so that a test can then
// alter the file with the sqlite3 shell (Sqlite3).
void WriteStoreFile(const std::string& db, const std::vector<Observation>& observations) {
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<int64_t> rows;
  ASSERT_TRUE((*store)->Write({}, observations, &rows).ok());
}

// Opening the old-schema store at `db` read-only is refused as FailedPrecondition, with a
// message that contains `says` (the reader cannot upgrade it).
void ExpectReadOnlyOpenRefused(const std::string& db, const char* says) {
  auto ro = Store::Open(db, {.read_only = true});
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ro.status().message().find(says), absl::string_view::npos) << ro.status();
}

// Runs `sql` on the database file `db` with the sqlite3 shell.
void Sqlite3(const std::string& db, const std::string& sql) {
  const std::string command = StrCat("sqlite3 ", db, " \"", sql, "\"");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(StoreTest, WritesSurviveReopenAndDuplicatesAreIgnored) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  {
    auto state = GraphState::Open(db);
    ASSERT_TRUE(state.ok()) << state.status();
    ASSERT_TRUE((*state)->Load().ok());
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
  ASSERT_TRUE((*state)->Load().ok());
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
    ASSERT_TRUE((*state)->Load().ok());
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
  ASSERT_TRUE((*state)->Load().ok());
  (*state)->Read([](const ActorGraph& g) {
    const Actor* t = g.FindActor("turkey");
    EXPECT_NE(t, nullptr);
    if (t) {
      EXPECT_EQ(t->aliases.size(), 2u);
    }
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

TEST(StoreTest, RetractionIsAtomicAndLoggedAsChanges) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto state = GraphState::Open(db);
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE((*state)->Load().ok());
  ASSERT_TRUE((*state)->Ingest({Obs("a", "b", RelationKind::kSupport, "d1"),
                                Obs("a", "c", RelationKind::kFight, "d1"),
                                Obs("b", "c", RelationKind::kMeet, "d2")}).ok());
  const int64_t before = (*state)->version();
  auto removed = (*state)->RetractDocument("d1");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ((*state)->version(), before + 2);
  auto changes = (*state)->ChangesAfter(before, 100);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].type, Change::kRelationRetracted);
  EXPECT_EQ((*changes)[0].doc, "d1");
  (*state)->Read([](const ActorGraph& g) {
    EXPECT_EQ(g.observation_count(), 1u);
    return 0;
  });
  // Everything from the start: 3 actors created, 3 relations added, 2 retracted.
  auto all = (*state)->ChangesAfter(0, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 8u);
  for (size_t i = 1; i < all->size(); ++i) EXPECT_GT((*all)[i].version, (*all)[i - 1].version);
}

// The table has no index on doc: a retraction deletes the rows the graph names (checked
// against the document), or scans without them. A store from before drops its old index.
TEST(StoreTest, RetractsTheRowsItIsGivenOrScansForThem) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::vector<Observation> obs = {Obs("a", "b", RelationKind::kSupport, "d1"),
                                        Obs("b", "c", RelationKind::kMeet, "d2"),
                                        Obs("a", "c", RelationKind::kFight, "d1")};
  WriteStoreFile(db, obs);  // rows 1, 2, 3
  Sqlite3(db, "CREATE INDEX observations_doc ON observations(doc)");
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok()) << store.status();
    auto d1 = (*store)->RetractDocument("d1", std::vector<int64_t>{3, 1});
    ASSERT_TRUE(d1.ok()) << d1.status();
    EXPECT_EQ(*d1, (std::vector<std::string>{obs[0].id.str(), obs[2].id.str()}));
    for (int64_t wrong : {1, 4}) {  // gone already; never stored
      auto refused = (*store)->RetractDocument("d2", std::vector<int64_t>{2, wrong});
      EXPECT_EQ(refused.status().code(), absl::StatusCode::kInternal) << refused.status();
      EXPECT_NE(refused.status().message().find(StrCat("row ", wrong, " is not stored")),
                absl::string_view::npos)
          << refused.status();
    }
    auto other = (*store)->RetractDocument("d1", std::vector<int64_t>{2});  // d2's row
    EXPECT_EQ(other.status().code(), absl::StatusCode::kInternal) << other.status();
    const int64_t before = (*store)->committed_version();
    auto d2 = (*store)->RetractDocument("d2");
    ASSERT_TRUE(d2.ok()) << d2.status();
    EXPECT_EQ(*d2, std::vector<std::string>{obs[1].id.str()});
    EXPECT_EQ((*store)->committed_version(), before + 1);
    auto none = (*store)->RetractDocument("d9", std::vector<int64_t>{});
    ASSERT_TRUE(none.ok()) << none.status();
    EXPECT_TRUE(none->empty());
    auto changes = (*store)->ReadChanges(0, 10);
    ASSERT_TRUE(changes.ok()) << changes.status();
    ASSERT_EQ(changes->size(), 6u);  // 3 added (one batch row), 2 + 1 retracted
    EXPECT_EQ((*changes)[3].ref, obs[0].id.view());
    EXPECT_EQ((*changes)[4].ref, obs[2].id.view());
    EXPECT_EQ((*changes)[5].doc, "d2");
  }
  // Creating the index again succeeds only because opening the store dropped it.
  Sqlite3(db, "CREATE INDEX observations_doc ON observations(doc); DROP INDEX observations_doc");
}

TEST(StoreTest, ReadOnlyDatabaseRefusesWritesWithUnavailable) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  {
    auto state = GraphState::Open(db);
    ASSERT_TRUE(state.ok());
    ASSERT_TRUE((*state)->Load().ok());
    ASSERT_TRUE((*state)->Ingest({Obs("a", "b", RelationKind::kSupport, "d1")}).ok());
  }
  auto state = GraphState::Open(db, {.read_only = true});
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE((*state)->Load().ok());
  auto r = (*state)->Ingest({Obs("a", "c", RelationKind::kSupport, "d2")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  (*state)->Read([](const ActorGraph& g) {
    EXPECT_EQ(g.observation_count(), 1u);
    return 0;
  });
  EXPECT_TRUE(Store::CheckIntegrity(db).ok());
}

TEST(StoreTest, FullDatabaseAnswersResourceExhaustedAndStaysIntact) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto state = GraphState::Open(db, {.max_bytes = 256 * 1024});
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE((*state)->Load().ok());
  absl::Status last;
  int batches = 0;
  for (; batches < 200 && last.ok(); ++batches) {
    std::vector<Observation> batch;
    for (int i = 0; i < 50; ++i) {
      Observation o = Obs("a", StrCat("t", batches, "-", i), RelationKind::kMeet, StrCat("doc", batches));
      o.evidence.sentence = std::string(200, 'x');
      batch.push_back(o);
    }
    last = (*state)->Ingest(std::move(batch)).status();
  }
  ASSERT_FALSE(last.ok()) << "the size cap never hit";
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  // The failed batch left nothing behind: memory and disk agree after a reload.
  size_t in_memory = (*state)->Read([](const ActorGraph& g) { return g.observation_count(); });
  EXPECT_EQ(in_memory, static_cast<size_t>((batches - 1) * 50));
  state->reset();
  EXPECT_TRUE(Store::CheckIntegrity(db).ok());
  auto reopened = GraphState::Open(db);
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->Load().ok());
  EXPECT_EQ((*reopened)->Read([](const ActorGraph& g) { return g.observation_count(); }), in_memory);
}

TEST(StoreTest, BackupIsAConsistentSnapshot) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto state = GraphState::Open(db);
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE((*state)->Load().ok());
  ASSERT_TRUE((*state)->Ingest({Obs("a", "b", RelationKind::kSupport, "d1")}).ok());
  ASSERT_TRUE(Store::Backup(db, dir.path() + "/snap.db").ok());
  // Writes after the snapshot do not reach it.
  ASSERT_TRUE((*state)->Ingest({Obs("a", "c", RelationKind::kSupport, "d2")}).ok());
  auto snap = GraphState::Open(dir.path() + "/snap.db");
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE((*snap)->Load().ok());
  EXPECT_EQ((*snap)->Read([](const ActorGraph& g) { return g.observation_count(); }), 1u);
  EXPECT_FALSE(Store::Backup(dir.path() + "/missing/x.db", dir.path() + "/y.db").ok());
}

TEST(StoreTest, EveryFieldRoundTripsAndSentencesCanStayOnDisk) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  Observation o = Obs("russia", "haftar", RelationKind::kSupport, "brief-1");
  o.source_name = "Russia";
  o.target_name = "Khalifa Haftar";
  o.source_country = "RUS";
  o.target_country = "LBY";
  o.weight = 4.25;
  o.confidence = 0.75;
  o.cameo = "051";
  o.date = *ParseDay("2020-01-13");
  o.evidence.url = "https://example.org/brief-1";
  o.evidence.sentence = "Moscow stands behind the eastern commander.";
  o.evidence.begin = 12;
  o.evidence.end = 55;
  Observation undated = Obs("turkey", "gna", RelationKind::kAid, "brief-2");
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<int64_t> rows;
    ASSERT_TRUE((*store)->Write({}, {o, undated}, &rows).ok());
    EXPECT_GT(rows[0], 0);
    EXPECT_GT(rows[1], rows[0]);
    EXPECT_EQ((*store)->committed_version(), 2);
  }
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->committed_version(), 2);
  for (bool sentences : {true, false}) {
    ActorGraph g;
    ASSERT_TRUE((*store)->LoadInto(g, {.sentences = sentences}).ok());
    const Observation* back = g.FindObservation(o.id);
    ASSERT_NE(back, nullptr);
    Observation expected = o;
    if (!sentences) {
      expected.evidence.sentence = Text();
      EXPECT_GT(back->evidence.stored_row, 0);
      auto read = (*store)->ReadSentences({back->evidence.stored_row, 999999});
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_EQ((*read)[0], "Moscow stands behind the eastern commander.");
      EXPECT_EQ((*read)[1], "");
    } else {
      EXPECT_EQ(back->evidence.stored_row, 0);
    }
    EXPECT_EQ(RelationToJsonLine(*back), RelationToJsonLine(expected));
    const Observation* u = g.FindObservation(undated.id);
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->date, kNoDate);
    EXPECT_EQ(u->evidence.begin, -1);
  }
  auto changes = (*store)->ReadChanges(0, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].body, RelationToJsonLine(o));
}

// A database written by the first release (one JSON body per observation) is upgraded to
// columns when opened for writing, losing nothing; read-only it is refused with advice.
TEST(StoreTest, UpgradesASchemaOneDatabase) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/old.db";
  Observation o = Obs("egypt", "turkey", RelationKind::kThreaten, "brief-4");
  o.evidence.sentence = "Cairo warned that it could send its own army.";
  o.cameo = "138";
  o.date = *ParseDay("2020-01-20");
  const std::string body = RelationToJsonLine(o);
  std::string sql = StrCat(
      "sqlite3 ", db, " \"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE actors(id TEXT PRIMARY KEY, body TEXT NOT NULL);"
      "CREATE TABLE observations(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
      " doc TEXT NOT NULL, body TEXT NOT NULL);"
      "CREATE INDEX observations_doc ON observations(doc);"
      "CREATE TABLE changes(version INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL,"
      " ref TEXT NOT NULL, doc TEXT NOT NULL DEFAULT '');"
      "INSERT INTO meta VALUES('schema', 'actorgraph-1');"
      "INSERT INTO changes(type, ref, doc) VALUES(1, '", std::string_view(o.id), "', 'brief-4');"
      "INSERT INTO observations(id, doc, body) VALUES('", std::string_view(o.id), "', 'brief-4', readfile('",
      dir.path(), "/body.json'));\"");
  {
    FILE* f = std::fopen((dir.path() + "/body.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(body.c_str(), f);
    std::fclose(f);
  }
  ASSERT_EQ(std::system(sql.c_str()), 0) << sql;
  ExpectReadOnlyOpenRefused(db, "upgrade");
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status();
  ActorGraph g;
  ASSERT_TRUE((*store)->LoadInto(g).ok());
  const Observation* back = g.FindObservation(o.id);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(RelationToJsonLine(*back), body);
  EXPECT_EQ((*store)->committed_version(), 1);
  auto changes = (*store)->ReadChanges(0, 10);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].ref, o.id.view());
  EXPECT_EQ((*changes)[0].body, body);
  auto again = Store::Open(db, {.read_only = true});
  EXPECT_TRUE(again.ok()) << again.status();
}

// Schema 2 logged a change row per added observation; schema 3 logs a row per batch. An
// upgraded database reads both kinds, in one version order.
TEST(StoreTest, UpgradesASchemaTwoDatabase) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/v2.db";
  const Observation o = Obs("egypt", "turkey", RelationKind::kThreaten, "brief-4");
  WriteStoreFile(db, {o});
  // Rewrite the file as schema 2 would have left it.
  Sqlite3(db,
          "UPDATE changes SET ref = (SELECT id FROM observations WHERE seq = changes.row),"
          " doc = (SELECT doc FROM observations WHERE seq = changes.row) WHERE count IS NOT NULL;"
          "ALTER TABLE changes DROP COLUMN count; ALTER TABLE changes DROP COLUMN batch;"
          "UPDATE meta SET value = 'actorgraph-2' WHERE key = 'schema';");
  ExpectReadOnlyOpenRefused(db, "actorgraph-2");
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->committed_version(), 1);
  std::vector<Observation> batch = {Obs("a", "b", RelationKind::kMeet, "d2"),
                                    Obs("b", "c", RelationKind::kMeet, "d2"),
                                    Obs("c", "d", RelationKind::kMeet, "d3")};
  std::vector<int64_t> rows;
  ASSERT_TRUE((*store)->Write({}, batch, &rows).ok());
  EXPECT_EQ((*store)->committed_version(), 4);
  auto changes = (*store)->ReadChanges(0, 10);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 4u);
  EXPECT_EQ((*changes)[0].ref, o.id.view());
  EXPECT_EQ((*changes)[0].body, RelationToJsonLine(o));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*changes)[i + 1].version, static_cast<int64_t>(i + 2));
    EXPECT_EQ((*changes)[i + 1].ref, batch[i].id.view());
    EXPECT_EQ((*changes)[i + 1].doc, batch[i].evidence.doc.view());
    EXPECT_EQ((*changes)[i + 1].body, RelationToJsonLine(batch[i]));
  }
  auto two = (*store)->ReadChanges(0, 2);
  ASSERT_TRUE(two.ok()) << two.status();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].version, 2);
  ActorGraph g;
  ASSERT_TRUE((*store)->LoadInto(g).ok());
  EXPECT_EQ(g.observation_count(), 4u);
}

// A batch's change row whose packed ids are cut short is DataLoss naming the change, not a
// crash or a silently shorter log.
TEST(StoreTest, ReadChangesNamesACutShortBatch) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  WriteStoreFile(db, {Obs("a", "b", RelationKind::kSupport, "d1"),
                      Obs("b", "c", RelationKind::kSupport, "d1")});
  Sqlite3(db, "UPDATE changes SET batch = substr(batch, 1, length(batch) - 10) WHERE count = 2");
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  auto first = (*store)->ReadChanges(0, 1);  // the first id is whole
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  auto all = (*store)->ReadChanges(0, 10);
  EXPECT_EQ(all.status().code(), absl::StatusCode::kDataLoss) << all.status();
  EXPECT_NE(all.status().message().find("change 2: the batch of 2 is cut short at 1"),
            absl::string_view::npos)
      << all.status();
}

TEST(StoreTest, LoadNamesACorruptRow) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  WriteStoreFile(db, {Obs("a", "b", RelationKind::kSupport, "d1")});
  Sqlite3(db, "UPDATE observations SET kind = 99");
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  ActorGraph g;
  absl::Status s = (*store)->LoadInto(g);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("observation row 1: unknown kind 99"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace actorgraph
