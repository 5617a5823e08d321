// End to end: the real actorgraph-server binary on an ephemeral loopback port with a
// temporary database; relations loaded through the real CLI; queries through the C++ client
// and the CLI; a restart that must lose nothing.
#include <fstream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "tests/e2e/server_process.h"

namespace actorgraph::testing {
namespace {

namespace v1 = ::actorgraph::v1;

const std::string kServer = ACTORGRAPH_SERVER_BIN;
const std::string kCli = ACTORGRAPH_CLI_BIN;

// A small Libyan graph in the project's own words, one malformed line and one bad kind.
constexpr char kFixture[] = R"({"source":"russia","source_name":"Russia","target":"haftar","target_name":"Khalifa Haftar","kind":"SUPPORT","date":"2020-01-10","doc":"brief-1","sentence":"Moscow stands behind the eastern commander.","span":[0,43]}
{"source":"turkey","source_name":"Turkey","target":"gna","target_name":"Government of National Accord","kind":"AID","date":"2020-01-05","doc":"brief-2","sentence":"Ankara sent soldiers to shore up the Tripoli authorities.","span":[0,57]}
{"source":"haftar","source_name":"Khalifa Haftar","target":"gna","target_name":"Government of National Accord","kind":"FIGHT","date":"2019-04-04","doc":"brief-3","sentence":"The eastern forces marched on the capital.","span":[0,42]}
this line is not json
{"source":"egypt","source_name":"Egypt","target":"turkey","kind":"LOVES","date":"2020-01-20"}
{"source":"egypt","source_name":"Egypt","target":"turkey","target_name":"Turkey","kind":"THREATEN","date":"2020-01-20","doc":"brief-4","sentence":"Cairo warned that it could send its own army.","span":[5,50]}
{"source":"haftar","source_name":"Khalifa Haftar","target":"russia","target_name":"Russia","kind":"REJECT","date":"2020-01-14","doc":"brief-5","sentence":"The commander left Moscow without signing the truce.","span":[0,52]}
)";

constexpr char kActors[] = R"({"id":"gna","kind":"GOVERNMENT","name":"Government of National Accord","aliases":["GNA","Tripoli government"],"country":"LBY"}
{"id":"erdogan","kind":"PERSON","name":"Recep Tayyip Erdoğan","aliases":["Erdogan"],"country":"TUR","roles":[{"target":"turkey","kind":"LEADS","title":"President","from":"2014-08-28"}]}
{"id":"turkey","kind":"STATE","name":"Turkey","aliases":["Türkiye","Ankara"],"country":"TUR"}
)";

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/test.db";
    fixture_ = dir_.path() + "/relations.jsonl";
    actors_ = dir_.path() + "/actors.jsonl";
    std::ofstream(fixture_) << kFixture;
    std::ofstream(actors_) << kActors;
    Start();
  }

  void Start() {
    server_ = std::make_unique<ServerProcess>(kServer, std::vector<std::string>{"--db", db_, "--no-seed"});
    ASSERT_NE(server_->port(), 0) << server_->log();
    stub_ = v1::ActorGraph::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  CommandResult Cli(const std::string& args, bool merge = false) {
    return RunCommand(kCli + " --server " + server_->address() + " " + args, merge);
  }

  TempDir dir_;
  std::string db_, fixture_, actors_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::ActorGraph::Stub> stub_;
};

TEST_F(EndToEndTest, LoadQueryRestartLosesNothing) {
  CommandResult actors = Cli("load-actors " + actors_);
  ASSERT_EQ(actors.exit_code, 0) << actors.output;

  // The CLI reports the two bad lines with file and line number, and loads the other five.
  CommandResult load = Cli("load " + fixture_, /*merge=*/true);
  EXPECT_EQ(load.exit_code, 3) << load.output;
  EXPECT_NE(load.output.find("relations.jsonl:4: not JSON"), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("relations.jsonl:5: field \"kind\""), std::string::npos) << load.output;
  EXPECT_NE(load.output.find("loaded 5 new relations"), std::string::npos) << load.output;

  // C++ client: an alias resolves, with diacritics folded.
  {
    grpc::ClientContext ctx;
    v1::GetActorRequest req;
    req.set_actor("Erdogan");
    v1::Actor actor;
    ASSERT_TRUE(stub_->GetActor(&ctx, req, &actor).ok());
    EXPECT_EQ(actor.id(), "erdogan");
    ASSERT_EQ(actor.roles_size(), 1);
    EXPECT_EQ(actor.roles(0).from_date(), "2014-08-28");
  }
  // Unknown actors were created by ingest, named from the records.
  {
    grpc::ClientContext ctx;
    v1::GetActorRequest req;
    req.set_actor("haftar");
    v1::Actor actor;
    ASSERT_TRUE(stub_->GetActor(&ctx, req, &actor).ok());
    EXPECT_EQ(actor.name(), "Khalifa Haftar");
    EXPECT_EQ(actor.kind(), v1::OTHER);
    EXPECT_EQ(actor.observation_count(), 3);
  }
  // Russia to the GNA: two hops through Haftar, each edge with its sentence.
  {
    grpc::ClientContext ctx;
    v1::FindPathsRequest req;
    req.set_from("russia");
    req.set_to("Tripoli government");
    v1::FindPathsResponse resp;
    ASSERT_TRUE(stub_->FindPaths(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.paths_size(), 1);
    const v1::Path& p = resp.paths(0);
    ASSERT_EQ(p.actors_size(), 3);
    EXPECT_EQ(p.actors(1), "haftar");
    EXPECT_EQ(p.sign(), -1);
    for (const auto& e : p.edges()) {
      ASSERT_GT(e.relations_size(), 0);
      EXPECT_FALSE(e.relations(0).evidence().sentence().empty());
    }
  }
  // A support chain only: none exists from Russia to the GNA.
  {
    grpc::ClientContext ctx;
    v1::FindPathsRequest req;
    req.set_from("russia");
    req.set_to("gna");
    req.mutable_filter()->set_sign(v1::POSITIVE);
    v1::FindPathsResponse resp;
    ASSERT_TRUE(stub_->FindPaths(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.paths_size(), 0);
  }
  // Errors carry the right code and name the field.
  {
    grpc::ClientContext ctx;
    v1::GetActorRequest req;
    req.set_actor("atlantis");
    v1::Actor actor;
    grpc::Status s = stub_->GetActor(&ctx, req, &actor);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_NE(s.error_message().find("atlantis"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::FindPathsRequest req;
    req.set_from("russia");
    req.set_to("gna");
    req.set_max_hops(99);
    v1::FindPathsResponse resp;
    grpc::Status s = stub_->FindPaths(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("max_hops"), std::string::npos);
  }

  // CLI text and canonical JSON.
  CommandResult path = Cli("path russia gna");
  EXPECT_EQ(path.exit_code, 0);
  // The first path line lists russia, then haftar, then gna (the CLI's arrow style aside).
  std::string first = path.output.substr(0, path.output.find('\n'));
  auto r = first.find("russia"), h = first.find("haftar"), n = first.find("gna");
  EXPECT_TRUE(r != std::string::npos && h != std::string::npos && n != std::string::npos &&
              r < h && h < n)
      << path.output;
  CommandResult rel_json = Cli("--json relations haftar --kinds REJECT");
  EXPECT_EQ(rel_json.exit_code, 0);
  EXPECT_NE(rel_json.output.find("\"kind\": \"REJECT\""), std::string::npos) << rel_json.output;
  EXPECT_NE(rel_json.output.find("\"totalSize\": \"1\""), std::string::npos) << rel_json.output;
  CommandResult missing = Cli("actor atlantis", true);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("NOT_FOUND"), std::string::npos) << missing.output;
  EXPECT_EQ(Cli("path russia", true).exit_code, 2);

  // Restart: nothing lost; a second load is idempotent.
  ASSERT_EQ(server_->Stop(), 0) << server_->log();
  Start();
  {
    grpc::ClientContext ctx;
    v1::ListRelationsRequest req;
    v1::ListRelationsResponse resp;
    ASSERT_TRUE(stub_->ListRelations(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.total_size(), 5);
  }
  CommandResult again = Cli("load " + fixture_, true);
  EXPECT_NE(again.output.find("loaded 0 new relations (5 already present"), std::string::npos)
      << again.output;
  CommandResult erdogan = Cli("actor Erdogan");
  EXPECT_NE(erdogan.output.find("President"), std::string::npos) << erdogan.output;
}

TEST_F(EndToEndTest, ListRelationsPagesThroughEverything) {
  ASSERT_EQ(Cli("load " + fixture_).exit_code, 3);
  std::string token;
  int seen = 0, pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListRelationsRequest req;
    req.set_page_size(2);
    req.set_page_token(token);
    v1::ListRelationsResponse resp;
    ASSERT_TRUE(stub_->ListRelations(&ctx, req, &resp).ok());
    seen += resp.relations_size();
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(pages, 3);

  grpc::ClientContext ctx;
  v1::ListRelationsRequest req;
  req.set_page_token("garbage");
  v1::ListRelationsResponse resp;
  EXPECT_EQ(stub_->ListRelations(&ctx, req, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EndToEndTest, IngestRejectsBadBatchAtomically) {
  grpc::ClientContext ctx;
  v1::IngestRelationsResponse resp;
  auto writer = stub_->IngestRelations(&ctx, &resp);
  v1::IngestRelationsRequest good, bad;
  auto* r = good.add_relations();
  r->set_source("a");
  r->set_target("b");
  r->set_kind(v1::MEET);
  auto* ok_in_bad = bad.add_relations();
  *ok_in_bad = *r;
  ok_in_bad->set_target("c");
  auto* broken = bad.add_relations();
  broken->set_source("a");
  broken->set_target("d");
  broken->set_kind(v1::FIGHT);
  broken->set_date("2020-02-30");
  writer->Write(good);
  writer->Write(bad);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("batch 1: relations[1].date"), std::string::npos)
      << s.error_message();
  // The first batch committed; nothing of the bad batch did.
  grpc::ClientContext ctx2;
  v1::ListRelationsRequest req;
  req.set_actor("a");
  v1::ListRelationsResponse list;
  ASSERT_TRUE(stub_->ListRelations(&ctx2, req, &list).ok());
  ASSERT_EQ(list.total_size(), 1);
  EXPECT_EQ(list.relations(0).target(), "b");
}

TEST_F(EndToEndTest, PipelinedIngestNamesTheFailingBatchAndStoresNothingAfterIt) {
  // Batches 0..2 and 4 are valid; batch 3's relation 2 is not. The server converts a batch
  // while the previous one commits, yet the answer must be what a batch-at-a-time server
  // gives: batches 0..2 stored, the error names batch 3, nothing of batches 3 and 4 stored.
  grpc::ClientContext ctx;
  v1::IngestRelationsResponse resp;
  auto writer = stub_->IngestRelations(&ctx, &resp);
  for (int b = 0; b < 5; ++b) {
    v1::IngestRelationsRequest req;
    for (int i = 0; i < 4; ++i) {
      auto* r = req.add_relations();
      r->set_source("pipe-s" + std::to_string(b));
      r->set_target("pipe-t" + std::to_string(i));
      r->set_kind(v1::MEET);
      r->mutable_evidence()->set_doc("pipe-" + std::to_string(b));
      if (b == 3 && i == 2) r->set_kind(static_cast<v1::RelationKind>(99));
    }
    if (!writer->Write(req)) break;  // the server may already have answered
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("batch 3: relations[2].kind"), std::string::npos)
      << s.error_message();
  for (int b = 0; b < 5; ++b) {
    grpc::ClientContext list_ctx;
    v1::ListRelationsRequest req;
    req.set_actor("pipe-s" + std::to_string(b));
    v1::ListRelationsResponse list;
    grpc::Status ls = stub_->ListRelations(&list_ctx, req, &list);
    if (b < 3) {
      ASSERT_TRUE(ls.ok()) << ls.error_message();
      EXPECT_EQ(list.total_size(), 4) << "batch " << b;
    } else {
      EXPECT_TRUE(!ls.ok() || list.total_size() == 0) << "batch " << b << " was stored";
    }
  }
}

TEST_F(EndToEndTest, PipelinedIngestCountsEveryBatch) {
  grpc::ClientContext ctx;
  v1::IngestRelationsResponse resp;
  auto writer = stub_->IngestRelations(&ctx, &resp);
  for (int b = 0; b < 8; ++b) {
    v1::IngestRelationsRequest req;
    for (int i = 0; i < 50; ++i) {
      auto* r = req.add_relations();
      r->set_source("count-s" + std::to_string(i % 3));
      r->set_target("count-t" + std::to_string(i % 4));
      r->set_kind(v1::SUPPORT);
      // Batches 4..7 repeat batches 0..3: duplicates.
      r->mutable_evidence()->set_doc("count-" + std::to_string(b % 4));
      r->mutable_evidence()->set_begin(i);
      r->mutable_evidence()->set_end(i + 1);
    }
    ASSERT_TRUE(writer->Write(req));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.batches(), 8);
  EXPECT_EQ(resp.inserted(), 200);
  EXPECT_EQ(resp.duplicates(), 200);
  EXPECT_EQ(resp.actors_created(), 7);
}

}  // namespace
}  // namespace actorgraph::testing
