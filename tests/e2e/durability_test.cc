// Durability end to end: stream ingests into the real server, SIGKILL it at random points,
// restart, and check that every relation the client saw acknowledged is there exactly once
// and that the database passes PRAGMA integrity_check. Then backup and restore.
#include <signal.h>

#include <atomic>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "tests/e2e/server_process.h"

namespace actorgraph::testing {
namespace {

namespace v1 = ::actorgraph::v1;

const std::string kServer = ACTORGRAPH_SERVER_BIN;

v1::IngestRelationsRequest Batch(int round, int n, int size) {
  v1::IngestRelationsRequest req;
  for (int i = 0; i < size; ++i) {
    auto* r = req.add_relations();
    r->set_source("actor-" + std::to_string((n * 7 + i) % 101));
    r->set_target("actor-" + std::to_string((n * 7 + i + 1 + round) % 101 + 101));
    r->set_kind(i % 3 == 0 ? v1::FIGHT : v1::SUPPORT);
    r->set_date("2021-05-0" + std::to_string(1 + i % 9));
    r->mutable_evidence()->set_doc("r" + std::to_string(round) + "-b" + std::to_string(n));
    r->mutable_evidence()->set_sentence("Synthetic sentence for the crash test.");
    r->mutable_evidence()->set_begin(i);
    r->mutable_evidence()->set_end(i + 1);
  }
  return req;
}

int64_t CountRelations(const std::string& addr, const std::string& doc) {
  auto stub = v1::ActorGraph::NewStub(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  v1::ListRelationsRequest req;
  req.set_doc(doc);
  req.set_page_size(1);
  v1::ListRelationsResponse resp;
  grpc::Status s = stub->ListRelations(&ctx, req, &resp);
  return s.ok() ? resp.total_size() : -1;
}

TEST(DurabilityTest, AcknowledgedBatchesSurviveSigkill) {
  TempDir dir;
  const std::string db = dir.path() + "/crash.db";
  constexpr int kBatch = 50;
  std::mt19937 rng(20260101);
  std::vector<std::string> acked_docs;
  for (int round = 0; round < 4; ++round) {
    ServerProcess server(kServer, {"--db", db, "--no-seed", "--quiet"});
    ASSERT_NE(server.port(), 0) << server.log();
    auto stub = v1::ActorGraph::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    std::atomic<bool> stop{false};
    std::vector<std::string> acked_this_round;
    std::thread client([&] {
      for (int n = 0; !stop.load() && n < 100000; ++n) {
        grpc::ClientContext ctx;
        v1::IngestRelationsResponse resp;
        auto writer = stub->IngestRelations(&ctx, &resp);
        if (!writer->Write(Batch(round, n, kBatch))) break;
        writer->WritesDone();
        if (!writer->Finish().ok()) break;
        acked_this_round.push_back("r" + std::to_string(round) + "-b" + std::to_string(n));
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 800));
    ASSERT_EQ(kill(server.pid(), SIGKILL), 0);
    stop.store(true);
    client.join();
    server.Reap();
    acked_docs.insert(acked_docs.end(), acked_this_round.begin(), acked_this_round.end());
    ASSERT_FALSE(acked_this_round.empty()) << "no batch was acknowledged before the kill";
  }
  CommandResult check = RunCommand("sqlite3 " + db + " 'PRAGMA integrity_check'");
  if (check.exit_code == 0) EXPECT_EQ(check.output, "ok\n");
  ServerProcess server(kServer, {"--db", db, "--no-seed", "--quiet"});
  ASSERT_NE(server.port(), 0) << server.log();
  for (const std::string& doc : acked_docs) {
    ASSERT_EQ(CountRelations(server.address(), doc), kBatch) << doc;
  }
  // Duplicates are impossible by id; the store has exactly one row per acknowledged id.
  CommandResult dup = RunCommand("sqlite3 " + db + " 'SELECT count(*) - count(DISTINCT id) FROM observations'");
  if (dup.exit_code == 0) EXPECT_EQ(dup.output, "0\n");
}

TEST(DurabilityTest, BackupWhileServingAndRestore) {
  int64_t seeded_ = 0;
  TempDir dir;
  const std::string db = dir.path() + "/live.db";
  const std::string snap = dir.path() + "/snap.db";
  {
    ServerProcess server(kServer, {"--db", db});
    ASSERT_NE(server.port(), 0) << server.log();
    const int64_t seeded = CountRelations(server.address(), "");
    ASSERT_GT(seeded, 0);
    CommandResult backup = RunCommand(kServer + " backup --db " + db + " --out " + snap, true);
    ASSERT_EQ(backup.exit_code, 0) << backup.output;
    CommandResult again = RunCommand(kServer + " backup --db " + db + " --out " + snap, true);
    EXPECT_EQ(again.exit_code, 2) << "must refuse to overwrite";
    // Change the live database after the snapshot: retract the newest relation's document.
    auto stub = v1::ActorGraph::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::ListRelationsRequest req;
    req.set_page_size(1);
    v1::ListRelationsResponse resp;
    ASSERT_TRUE(stub->ListRelations(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.relations_size(), 1);
    CommandResult retract = RunCommand(std::string(ACTORGRAPH_CLI_BIN) + " --server " +
                                       server.address() + " retract " +
                                       resp.relations(0).evidence().doc(), true);
    EXPECT_EQ(retract.exit_code, 0) << retract.output;
    EXPECT_LT(CountRelations(server.address(), ""), seeded);
    server.Stop();
    seeded_ = seeded;
  }
  CommandResult restore = RunCommand(kServer + " restore --db " + db + " --from " + snap, true);
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  ServerProcess server(kServer, {"--db", db, "--no-seed"});
  ASSERT_NE(server.port(), 0) << server.log();
  EXPECT_EQ(CountRelations(server.address(), ""), seeded_);
  // A corrupt snapshot is refused and the database is left alone.
  std::ofstream(dir.path() + "/bad.db") << "not a database at all, just text";
  CommandResult bad = RunCommand(kServer + " restore --db " + db + " --from " + dir.path() + "/bad.db", true);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("not usable"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace actorgraph::testing
