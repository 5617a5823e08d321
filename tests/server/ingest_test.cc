// The ingest write path below gRPC: IngestStream's pipelined, in-order commits and the
// store's background checkpointer.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "graph/strings.h"
#include "server/graph_state.h"
#include "server/store.h"
#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

// `n` observations of document `doc`, each with a distinct span (so a distinct id).
std::vector<Observation> Batch(const std::string& doc, int n, size_t sentence_bytes = 0) {
  std::vector<Observation> batch;
  for (int i = 0; i < n; ++i) {
    Observation o;
    o.source = StrCat("s", i % 7);
    o.target = StrCat("t", i % 5);
    o.source_name = o.source;
    o.target_name = o.target;
    o.kind = RelationKind::kMeet;
    o.sign = Info(o.kind).sign;
    o.weight = Info(o.kind).default_weight;
    o.evidence.doc = doc;
    o.evidence.begin = i;
    o.evidence.end = i + 1;
    o.evidence.sentence = std::string(sentence_bytes, 'x');
    o.id = ObservationId(doc, i, i + 1, o.source, o.target, o.kind);
    batch.push_back(o);
  }
  return batch;
}

size_t StoredObservations(GraphState& state) {
  return state.Read([](const ActorGraph& g) { return g.observation_count(); });
}

TEST(IngestStreamTest, CountsEveryBatchExactlyInOrder) {
  testing::TempDir dir;
  auto state = GraphState::Open(dir.path() + "/s.db");
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE((*state)->Load().ok());
  std::vector<IngestResult> seen;
  IngestStream stream(**state, [&](const IngestResult& r) { seen.push_back(r); });
  for (int b = 0; b < 10; ++b) {
    // Batches 5..9 repeat batches 0..4: every one of their observations is a duplicate.
    ASSERT_TRUE(stream.Push(Batch(StrCat("d", b % 5), 20)).ok());
  }
  ASSERT_TRUE(stream.Finish().ok());
  EXPECT_EQ(stream.committed_batches(), 10);
  const IngestResult totals = stream.totals();
  EXPECT_EQ(totals.inserted, 100);
  EXPECT_EQ(totals.duplicates, 100);
  EXPECT_EQ(totals.actors_created, 12);
  ASSERT_EQ(seen.size(), 10u);
  for (int b = 0; b < 10; ++b) EXPECT_EQ(seen[b].inserted, b < 5 ? 20 : 0) << "batch " << b;
  EXPECT_EQ(StoredObservations(**state), 100u);
}

// A batch prepared before other writes is checked against them when it commits: ids stored
// since are duplicates, actors created since are not created again, a document retracted
// since is stored again, and an id repeated inside the batch is stored once.
TEST(GraphStateTest, PreparedBatchIsCheckedAgainstWritesSinceItWasPrepared) {
  testing::TempDir dir;
  auto opened = GraphState::Open(dir.path() + "/s.db");
  ASSERT_TRUE(opened.ok()) << opened.status();
  GraphState& state = **opened;
  ASSERT_TRUE(state.Load().ok());

  PreparedBatch early = state.Prepare(Batch("d1", 20));
  std::vector<Observation> half = Batch("d1", 10);
  auto first = state.Ingest(std::move(half));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->inserted, 10);
  EXPECT_EQ(first->actors_created, 12);
  auto late = state.Ingest(std::move(early));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->inserted, 10);
  EXPECT_EQ(late->duplicates, 10);
  EXPECT_EQ(late->actors_created, 0);
  EXPECT_EQ(StoredObservations(state), 20u);

  PreparedBatch known = state.Prepare(Batch("d1", 20));  // every id known when prepared
  auto retracted = state.RetractDocument("d1");
  ASSERT_TRUE(retracted.ok()) << retracted.status();
  EXPECT_EQ(*retracted, 20);
  auto back = state.Ingest(std::move(known));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->inserted, 20);
  EXPECT_EQ(back->duplicates, 0);
  EXPECT_EQ(StoredObservations(state), 20u);

  std::vector<Observation> twice = Batch("d2", 5);
  std::vector<Observation> more = Batch("d2", 5);
  twice.insert(twice.end(), more.begin(), more.end());
  auto repeated = state.Ingest(std::move(twice));
  ASSERT_TRUE(repeated.ok()) << repeated.status();
  EXPECT_EQ(repeated->inserted, 5);
  EXPECT_EQ(repeated->duplicates, 5);
  EXPECT_EQ(StoredObservations(state), 25u);

  // What the graph holds is what the store holds.
  auto reloaded = GraphState::Open(dir.path() + "/s.db");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  ASSERT_TRUE((*reloaded)->Load().ok());
  EXPECT_EQ(StoredObservations(**reloaded), 25u);
}

TEST(IngestStreamTest, AFailedBatchIsNamedAndNothingAfterItIsStored) {
  testing::TempDir dir;
  // A size cap makes some batch fail with RESOURCE_EXHAUSTED part way through the stream.
  auto state = GraphState::Open(dir.path() + "/s.db", {.max_bytes = 256 * 1024});
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_TRUE((*state)->Load().ok());
  IngestStream stream(**state);
  absl::Status failure;
  int pushed = 0;
  for (; pushed < 200 && failure.ok(); ++pushed) {
    failure = stream.Push(Batch(StrCat("d", pushed), 50, 200));
  }
  if (failure.ok()) failure = stream.Finish();
  ASSERT_FALSE(failure.ok()) << "the size cap never hit";
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  const int64_t committed = stream.committed_batches();
  EXPECT_NE(std::string(failure.message()).find(StrCat("batch ", committed, ": ")),
            std::string::npos)
      << failure;
  // Pushes after the failure give it back; nothing more is stored.
  EXPECT_EQ(stream.Push(Batch("late", 50, 200)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(stream.Finish().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(StoredObservations(**state), static_cast<size_t>(committed * 50));
  EXPECT_EQ(stream.totals().inserted, committed * 50);
  // Disk agrees with memory.
  state->reset();
  auto reopened = GraphState::Open(dir.path() + "/s.db");
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->Load().ok());
  EXPECT_EQ(StoredObservations(**reopened), static_cast<size_t>(committed * 50));
}

TEST(IngestStreamTest, AbandonDropsWhatHasNotStarted) {
  testing::TempDir dir;
  auto state = GraphState::Open(dir.path() + "/s.db");
  ASSERT_TRUE(state.ok());
  ASSERT_TRUE((*state)->Load().ok());
  {
    IngestStream stream(**state);
    ASSERT_TRUE(stream.Push(Batch("a", 10)).ok());
    ASSERT_TRUE(stream.Push(Batch("b", 10)).ok());
    stream.Abandon();
    // Whatever was committed is whole batches, and the counts say so.
    EXPECT_EQ(StoredObservations(**state), static_cast<size_t>(stream.committed_batches() * 10));
    // An abandoned stream takes nothing more.
    EXPECT_EQ(stream.Push(Batch("c", 10)).code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(stream.Finish().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(StoredObservations(**state), static_cast<size_t>(stream.committed_batches() * 10));
  }
  // A stream that ends without batches commits nothing and reports zeros.
  IngestStream empty(**state);
  EXPECT_TRUE(empty.Finish().ok());
  EXPECT_EQ(empty.committed_batches(), 0);
  EXPECT_EQ(empty.totals().inserted, 0);
}

TEST(StoreWriteTest, RowsAndChangesMatchEveryObservationAcrossChunks) {
  // 100 rows: three multi-row INSERTs of 32 and four single ones; each row must come back
  // as the observation written at its index, and each change must point at its row.
  testing::TempDir dir;
  auto store = Store::Open(dir.path() + "/s.db");
  ASSERT_TRUE(store.ok()) << store.status();
  for (int round = 0; round < 2; ++round) {
    std::vector<Observation> batch = Batch(StrCat("doc", round), 100);
    for (size_t i = 0; i < batch.size(); ++i) batch[i].evidence.sentence = StrCat("sentence ", round, "/", i);
    std::vector<int64_t> rows;
    const int64_t before = (*store)->committed_version();
    ASSERT_TRUE((*store)->Write({}, batch, &rows).ok());
    ASSERT_EQ(rows.size(), batch.size());
    auto sentences = (*store)->ReadSentences(rows);
    ASSERT_TRUE(sentences.ok()) << sentences.status();
    for (size_t i = 0; i < batch.size(); ++i) EXPECT_EQ((*sentences)[i], batch[i].evidence.sentence);
    EXPECT_EQ((*store)->committed_version(), before + 100);
    auto changes = (*store)->ReadChanges(before, 1000);
    ASSERT_TRUE(changes.ok()) << changes.status();
    ASSERT_EQ(changes->size(), batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      EXPECT_EQ((*changes)[i].type, Change::kRelationAdded);
      EXPECT_EQ((*changes)[i].ref, batch[i].id.view());
      EXPECT_NE((*changes)[i].body.find(StrCat("sentence ", round, "/", i, "\"")), std::string::npos)
          << (*changes)[i].body;
    }
    // The batch is one change row; a reader may start and stop anywhere inside it.
    auto middle = (*store)->ReadChanges(before + 37, 10);
    ASSERT_TRUE(middle.ok()) << middle.status();
    ASSERT_EQ(middle->size(), 10u);
    for (size_t k = 0; k < 10; ++k) {
      EXPECT_EQ((*middle)[k].version, before + 38 + static_cast<int64_t>(k));
      EXPECT_EQ((*middle)[k].ref, batch[37 + k].id.view());
      EXPECT_EQ((*middle)[k].doc, StrCat("doc", round));
    }
  }
  // Observations retracted later keep their id and document in the log, without a body.
  const int64_t before = (*store)->committed_version();
  auto gone = (*store)->RetractDocument("doc0");
  ASSERT_TRUE(gone.ok()) << gone.status();
  ASSERT_EQ(gone->size(), 100u);
  auto all = (*store)->ReadChanges(0, 1000);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 300u);
  const std::vector<Observation> first = Batch("doc0", 100);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ((*all)[i].version, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*all)[i].ref, first[i].id.view());
    EXPECT_EQ((*all)[i].doc, "doc0");
    EXPECT_EQ((*all)[i].body, "");
    EXPECT_NE((*all)[100 + i].body, "");
    EXPECT_EQ((*all)[200 + i].type, Change::kRelationRetracted);
    EXPECT_EQ((*all)[200 + i].version, before + 1 + static_cast<int64_t>(i));
  }
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

TEST(CheckpointerTest, KeepsTheWalBoundedUnderSteadyWrites) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  constexpr int64_t kPages = 64;  // checkpoint from 256 KiB of WAL; the writer waits at 1 MiB
  int64_t largest_wal = 0;
  size_t total = 0;
  {
    auto state = GraphState::Open(db, {.checkpoint_pages = kPages});
    ASSERT_TRUE(state.ok()) << state.status();
    ASSERT_TRUE((*state)->Load().ok());
    // ~40 KiB of rows per batch, 12 MiB in all: twelve times the WAL bound.
    for (int b = 0; b < 300; ++b) {
      auto r = (*state)->Ingest(Batch(StrCat("d", b), 40, 1000));
      ASSERT_TRUE(r.ok()) << r.status();
      total += static_cast<size_t>(r->inserted);
      largest_wal = std::max(largest_wal, FileSize(db + "-wal"));
    }
  }
  EXPECT_EQ(total, 300u * 40u);
  // The bound (4 x kPages) plus a transaction or two of slack.
  EXPECT_LT(largest_wal, (4 * kPages + 64) * 4096) << "WAL reached " << largest_wal << " bytes";
  EXPECT_GT(largest_wal, 0);
  EXPECT_TRUE(Store::CheckIntegrity(db).ok());
  auto reopened = GraphState::Open(db);
  ASSERT_TRUE(reopened.ok());
  ASSERT_TRUE((*reopened)->Load().ok());
  EXPECT_EQ(StoredObservations(**reopened), total);
}

TEST(CheckpointerTest, RunsInTheBackground) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path() + "/s.db", {.checkpoint_pages = 16});
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<int64_t> rows;
  for (int b = 0; b < 20; ++b) {
    ASSERT_TRUE((*store)->Write({}, Batch(StrCat("d", b), 40, 1000), &rows).ok());
  }
  EXPECT_GT((*store)->checkpoints(), 0);
  // checkpoint_pages = 0: the writer checkpoints itself, as SQLite does by default.
  auto inline_store = Store::Open(dir.path() + "/t.db", {.checkpoint_pages = 0});
  ASSERT_TRUE(inline_store.ok());
  ASSERT_TRUE((*inline_store)->Write({}, Batch("d", 40, 1000), &rows).ok());
  EXPECT_EQ((*inline_store)->checkpoints(), 0);
}

}  // namespace
}  // namespace actorgraph
