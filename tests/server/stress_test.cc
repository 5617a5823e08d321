// Concurrent readers and writers on GraphState. Run by the normal suite and, built with
// -fsanitize=thread, by the `tsan` preset that tools/test.sh also runs.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "graph/strings.h"
#include "server/graph_state.h"
#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

constexpr int kBatchSize = 8;

std::vector<Observation> Batch(int writer, int n) {
  std::vector<Observation> batch;
  const std::string doc = StrCat("w", writer, "-b", n);
  for (int i = 0; i < kBatchSize; ++i) {
    Observation o;
    o.source = StrCat("actor-", (n + i) % 13);
    o.target = StrCat("actor-", (n + i + 1 + writer) % 13);  // never the source
    o.source_name = o.source;
    o.target_name = o.target;
    o.kind = i % 2 ? RelationKind::kSupport : RelationKind::kFight;
    o.sign = Info(o.kind).sign;
    o.weight = Info(o.kind).default_weight;
    o.evidence.doc = doc;
    o.evidence.begin = i;
    o.evidence.end = i + 1;
    o.id = ObservationId(doc, i, i + 1, o.source, o.target, o.kind);
    batch.push_back(o);
  }
  return batch;
}

// A GraphState on the store at `path`, loaded; nullptr (and a failed test) otherwise.
std::unique_ptr<GraphState> OpenLoaded(const std::string& path) {
  auto state = GraphState::Open(path);
  EXPECT_TRUE(state.ok()) << state.status();
  if (!state.ok()) return nullptr;
  const absl::Status loaded = (*state)->Load();
  EXPECT_TRUE(loaded.ok()) << loaded;
  if (!loaded.ok()) return nullptr;
  return *std::move(state);
}

TEST(StressTest, ReadersNeverSeeHalfABatch) {
  testing::TempDir dir;
  std::unique_ptr<GraphState> state = OpenLoaded(dir.path() + "/stress.db");
  ASSERT_NE(state, nullptr);
  GraphState& s = *state;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, reads{0};
  constexpr int kWriters = 2, kBatches = 40;

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 0; n < kBatches; ++n) {
        ASSERT_TRUE(s.Ingest(Batch(w, n)).ok());
        if (n % 10 == 9) {
          ASSERT_TRUE(s.RetractDocument(StrCat("w", w, "-b", n - 5)).ok());
        }
      }
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      int n = 0;
      while (!done.load()) {
        s.Read([&](const ActorGraph& g) {
          RelationQuery q;
          q.doc = StrCat("w", r % kWriters, "-b", n % kBatches);
          size_t count = g.Relations(q).size();
          if (count != 0 && count != kBatchSize) torn.fetch_add(1);
          PathQuery p;
          p.from = "actor-0";
          p.to = "actor-7";
          if (g.FindActor("actor-0") && g.FindActor("actor-7")) g.FindPaths(p).IgnoreError();
          return 0;
        });
        reads.fetch_add(1);
        ++n;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done.store(true);
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
  // 2 writers x 40 batches x 8, less 2 x 4 retracted batches.
  EXPECT_EQ(s.Read([](const ActorGraph& g) { return g.observation_count(); }),
            static_cast<size_t>(kWriters * (kBatches - 4) * kBatchSize));
}

// Streams store one batch while the one before is applied (IngestStream). With three
// streams sending overlapping documents, an actor-upserting writer and a retracting one, each
// id is stored once, every actor once, and the graph ends up holding exactly what the store does.
TEST(StressTest, PipelinedStreamsStoreEachIdOnceAndMatchTheStore) {
  testing::TempDir dir;
  std::unique_ptr<GraphState> state = OpenLoaded(dir.path() + "/streams.db");
  ASSERT_NE(state, nullptr);
  GraphState& s = *state;
  constexpr int kStreams = 3, kBatches = 30, kDocs = 12;
  std::atomic<int64_t> inserted{0}, created{0}, retracted{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kStreams; ++w) {
    threads.emplace_back([&, w] {
      IngestStream stream(s);
      for (int n = 0; n < kBatches; ++n) {
        // The same sequence of batches, each stream one batch ahead of the next: streams
        // send one another's observations at about the same time.
        const int k = n + kStreams - w;
        ASSERT_TRUE(stream.Push(Batch(k % 2, k % kDocs)).ok());
      }
      ASSERT_TRUE(stream.Finish().ok());
      inserted += stream.totals().inserted;
      created += stream.totals().actors_created;
    });
  }
  threads.emplace_back([&] {
    for (int n = 0; n < 10; ++n) {
      auto removed = s.RetractDocument(StrCat("w", n % 2, "-b", n % kDocs));
      ASSERT_TRUE(removed.ok());
      retracted += *removed;
      Actor a;
      a.id = StrCat("extra-", n);
      a.name = a.id;
      ASSERT_TRUE(s.UpsertActors({a}).ok());
    }
  });
  for (auto& t : threads) t.join();

  const size_t live = s.Read([](const ActorGraph& g) { return g.observation_count(); });
  EXPECT_EQ(static_cast<int64_t>(live), inserted.load() - retracted.load());
  EXPECT_LE(created.load(), 13);  // actor-0..actor-12, each created by one batch only
  std::unique_ptr<GraphState> reloaded = OpenLoaded(dir.path() + "/streams.db");
  ASSERT_NE(reloaded, nullptr);
  std::vector<std::string> ids_live, ids_stored;
  auto ids = [](const ActorGraph& g) {
    std::vector<std::string> out;
    for (const Observation* o : g.Relations(RelationQuery{})) out.push_back(o->id.str());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(s.Read(ids), reloaded->Read(ids));
  EXPECT_EQ(s.Read([](const ActorGraph& g) { return g.actor_count(); }),
            reloaded->Read([](const ActorGraph& g) { return g.actor_count(); }));
  EXPECT_EQ(s.version(), reloaded->version());
  // Each stored row was logged once: a row stored twice would show as one more addition.
  auto changes = s.ChangesAfter(0, 1 << 20);
  ASSERT_TRUE(changes.ok()) << changes.status();
  int64_t added = 0, gone = 0;
  for (const Change& c : *changes) {
    added += c.type == Change::kRelationAdded;
    gone += c.type == Change::kRelationRetracted;
  }
  EXPECT_EQ(added, inserted.load());
  EXPECT_EQ(gone, retracted.load());
}

TEST(StressTest, WatchersWakeOnEveryCommit) {
  testing::TempDir dir;
  std::unique_ptr<GraphState> state = OpenLoaded(dir.path() + "/watch.db");
  ASSERT_NE(state, nullptr);
  GraphState& s = *state;
  std::atomic<int64_t> seen{0};
  std::thread watcher([&] {
    int64_t v = 0;
    while (v < 5 * kBatchSize + 13) {  // 13 actors + 5 batches of relations
      v = s.WaitForVersion(v, std::chrono::milliseconds(200));
      seen.store(v);
      if (s.shutting_down()) break;
    }
  });
  for (int n = 0; n < 5; ++n) ASSERT_TRUE(s.Ingest(Batch(0, n)).ok());
  watcher.join();
  EXPECT_GE(seen.load(), 5 * kBatchSize);
  s.Shutdown();
  EXPECT_EQ(s.WaitForVersion(s.version(), std::chrono::seconds(5)), s.version());
}

}  // namespace
}  // namespace actorgraph
