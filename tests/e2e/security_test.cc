// Security end to end: token auth with scopes, TLS and mutual TLS, loopback-only default,
// limits given as flags, hostile input on every RPC, metrics and request logs without
// secrets. All against the real server binary.
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <memory>
#include <string>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "actorgraph/v1/analytics.grpc.pb.h"
#include "server/auth.h"
#include "tests/e2e/server_process.h"

namespace actorgraph::testing {
namespace {

namespace v1 = ::actorgraph::v1;

const std::string kServer = ACTORGRAPH_SERVER_BIN;
const std::string kCli = ACTORGRAPH_CLI_BIN;
constexpr char kReadToken[] = "analyst-token-7f3a";
constexpr char kWriteToken[] = "ingest-token-91c2";

std::unique_ptr<v1::ActorGraph::Stub> Stub(const std::string& addr,
                                           std::shared_ptr<grpc::ChannelCredentials> creds =
                                               grpc::InsecureChannelCredentials()) {
  return v1::ActorGraph::NewStub(grpc::CreateChannel(addr, creds));
}

grpc::StatusCode GetActorCode(v1::ActorGraph::Stub* stub, const std::string& token,
                              const std::string& actor = "russia") {
  grpc::ClientContext ctx;
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  v1::GetActorRequest req;
  req.set_actor(actor);
  v1::Actor resp;
  return stub->GetActor(&ctx, req, &resp).error_code();
}

grpc::StatusCode UpsertCode(v1::ActorGraph::Stub* stub, const std::string& token) {
  grpc::ClientContext ctx;
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  v1::UpsertActorsRequest req;
  auto* a = req.add_actors();
  a->set_id("new-actor");
  a->set_name("New Actor");
  v1::UpsertActorsResponse resp;
  return stub->UpsertActors(&ctx, req, &resp).error_code();
}

TEST(SecurityTest, TokensAndScopesGuardEveryCall) {
  TempDir dir;
  const std::string tokens = dir.path() + "/tokens";
  std::ofstream(tokens) << TokenAuth::HashToken(kReadToken) << " read analyst\n"
                        << TokenAuth::HashToken(kWriteToken) << " write ingest-bot\n";
  ServerProcess server(kServer, {"--db", dir.path() + "/a.db", "--token-file", tokens});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = Stub(server.address());
  EXPECT_EQ(GetActorCode(stub.get(), ""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetActorCode(stub.get(), "guess"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetActorCode(stub.get(), kReadToken), grpc::StatusCode::OK);
  EXPECT_EQ(UpsertCode(stub.get(), kReadToken), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(UpsertCode(stub.get(), kWriteToken), grpc::StatusCode::OK);
  EXPECT_EQ(UpsertCode(stub.get(), ""), grpc::StatusCode::UNAUTHENTICATED);
  {
    // The analytics service is guarded too.
    auto analytics = v1::Analytics::NewStub(grpc::CreateChannel(server.address(),
                                                                grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::RankActorsRequest req;
    v1::RankActorsResponse resp;
    EXPECT_EQ(analytics->RankActors(&ctx, req, &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // The CLI takes the token from the flag or the environment.
  auto cli = [&](const std::string& args) {
    return RunCommand(kCli + " --server " + server.address() + " " + args, true);
  };
  EXPECT_EQ(cli("actor russia").exit_code, 1);
  EXPECT_NE(cli("actor russia").output.find("UNAUTHENTICATED"), std::string::npos);
  EXPECT_EQ(cli(std::string("--token ") + kReadToken + " actor russia").exit_code, 0);
  EXPECT_EQ(RunCommand(std::string("ACTORGRAPH_TOKEN=") + kReadToken + " " + kCli + " --server " +
                           server.address() + " actor russia", true).exit_code, 0);
  CommandResult denied = cli(std::string("--token ") + kReadToken + " retract some-doc");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.output.find("PERMISSION_DENIED"), std::string::npos) << denied.output;
  // Logs name the caller by label and never contain a token.
  std::string log = server.log();
  EXPECT_NE(log.find("caller=analyst"), std::string::npos) << log;
  EXPECT_EQ(log.find(kReadToken), std::string::npos);
  EXPECT_EQ(log.find(kWriteToken), std::string::npos);
  EXPECT_EQ(log.find("guess"), std::string::npos);
}

TEST(SecurityTest, ABadTokenFileStopsTheServerWithTheLine) {
  TempDir dir;
  const std::string tokens = dir.path() + "/tokens";
  std::ofstream(tokens) << "deadbeef write\n";
  CommandResult r = RunCommand(kServer + " --db " + dir.path() + "/a.db --listen 127.0.0.1:0 --token-file " + tokens, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("tokens:1"), std::string::npos) << r.output;
}

TEST(SecurityTest, NonLoopbackNeedsTlsOrInsecure) {
  CommandResult r = RunCommand(kServer + " --listen 0.0.0.0:0 --db /nonexistent/x.db", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("non-loopback"), std::string::npos) << r.output;
  r = RunCommand(kServer + " --metrics-listen 0.0.0.0:0", true);
  EXPECT_EQ(r.exit_code, 2);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunCommand("command -v openssl").exit_code != 0) GTEST_SKIP() << "openssl is not installed";
    const std::string d = dir_.path();
    // A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made now
    // and never committed.
    std::string script =
        "cd " + d + " && "
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout ca.key -out ca.pem && "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr && "
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.pem && "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=analyst -keyout client.key -out client.csr && "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out client.pem";
    CommandResult r = RunCommand(script, true);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_.path() + "/" + name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  TempDir dir_;
};

TEST_F(TlsTest, ServesTlsAndRequiresClientCertificatesWhenAsked) {
  const std::string d = dir_.path();
  ServerProcess server(kServer, {"--db", d + "/t.db", "--tls-cert", d + "/server.pem", "--tls-key",
                                 d + "/server.key"});
  ASSERT_NE(server.port(), 0) << server.log();
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = Read("ca.pem");
  auto tls = Stub(server.address(), grpc::SslCredentials(opts));
  EXPECT_EQ(GetActorCode(tls.get(), ""), grpc::StatusCode::OK);
  auto plain = Stub(server.address());
  EXPECT_EQ(GetActorCode(plain.get(), ""), grpc::StatusCode::UNAVAILABLE);
  CommandResult cli = RunCommand(kCli + " --server " + server.address() + " --tls-ca " + d +
                                 "/ca.pem actor russia", true);
  EXPECT_EQ(cli.exit_code, 0) << cli.output;

  ServerProcess mtls(kServer, {"--db", d + "/m.db", "--tls-cert", d + "/server.pem", "--tls-key",
                               d + "/server.key", "--tls-client-ca", d + "/ca.pem"});
  ASSERT_NE(mtls.port(), 0) << mtls.log();
  auto no_cert = Stub(mtls.address(), grpc::SslCredentials(opts));
  EXPECT_NE(GetActorCode(no_cert.get(), ""), grpc::StatusCode::OK);
  grpc::SslCredentialsOptions with_cert = opts;
  with_cert.pem_cert_chain = Read("client.pem");
  with_cert.pem_private_key = Read("client.key");
  auto ok = Stub(mtls.address(), grpc::SslCredentials(with_cert));
  EXPECT_EQ(GetActorCode(ok.get(), ""), grpc::StatusCode::OK);
}

TEST(LimitsTest, EveryLimitIsAFlagAndAnswersWithTheRightCode) {
  TempDir dir;
  ServerProcess server(kServer, {"--db", dir.path() + "/l.db", "--max-hops", "2", "--max-page-size",
                                 "5", "--max-message-bytes", "4096", "--max-k", "3"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = Stub(server.address());
  {
    grpc::ClientContext ctx;
    v1::FindPathsRequest req;
    req.set_from("russia");
    req.set_to("gna");
    req.set_max_hops(3);
    v1::FindPathsResponse resp;
    grpc::Status s = stub->FindPaths(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("max_hops"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::FindPathsRequest req;
    req.set_from("russia");
    req.set_to("gna");
    req.set_k(4);
    v1::FindPathsResponse resp;
    grpc::Status s = stub->FindPaths(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("k:"), std::string::npos) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    v1::ListActorsRequest req;
    req.set_page_size(6);
    v1::ListActorsResponse resp;
    grpc::Status s = stub->ListActors(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("page_size"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::GetActorRequest req;
    req.set_actor(std::string(8000, 'x'));
    v1::Actor resp;
    EXPECT_EQ(stub->GetActor(&ctx, req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  CommandResult bad = RunCommand(kServer + " --max-hops 99", true);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--max-hops"), std::string::npos);
}

// --image-min-rows: a bad value stops the server naming the flag; with 1, the start that
// read the seeded rows stores a graph image and the next start loads from it.
TEST(LimitsTest, ImageMinRowsFlag) {
  for (const char* v : {"-1", "lots", ""}) {
    CommandResult bad = RunCommand(kServer + " --image-min-rows '" + v + "'", true);
    EXPECT_EQ(bad.exit_code, 2) << v;
    EXPECT_NE(bad.output.find("--image-min-rows"), std::string::npos) << bad.output;
  }
  TempDir dir;
  const std::vector<std::string> args = {"--db", dir.path() + "/i.db", "--image-min-rows", "1"};
  std::vector<std::string> logs;
  for (int start = 0; start < 3; ++start) {
    ServerProcess server(kServer, args);
    ASSERT_NE(server.port(), 0) << server.log();
    EXPECT_EQ(server.Stop(), 0);
    logs.push_back(server.log());
  }
  EXPECT_NE(logs[0].find("seeding the bundled demo graph"), std::string::npos) << logs[0];
  EXPECT_NE(logs[1].find("wrote a fresh graph image"), std::string::npos) << logs[1];
  EXPECT_NE(logs[2].find("(graph image of"), std::string::npos) << logs[2];
  EXPECT_EQ(logs[2].find("wrote a fresh graph image"), std::string::npos) << logs[2];
}

TEST(LimitsTest, StreamCapAndQueryTimeLimit) {
  TempDir dir;
  ServerProcess server(kServer, {"--db", dir.path() + "/s.db", "--max-streams", "1",
                                 "--max-query-ms", "1"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = Stub(server.address());
  grpc::ClientContext watch_ctx;
  v1::WatchChangesRequest watch_req;
  auto watch = stub->WatchChanges(&watch_ctx, watch_req);
  v1::ChangeEvent ev;
  ASSERT_TRUE(watch->Read(&ev));  // the stream is open and holds the only slot
  grpc::ClientContext ctx;
  v1::IngestRelationsResponse resp;
  auto writer = stub->IngestRelations(&ctx, &resp);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  watch_ctx.TryCancel();
  watch->Finish();

  // A 1 ms budget stops exhaustive path enumeration; the answer is DEADLINE_EXCEEDED, not a
  // hung request. (Short graphs may finish in time: accept OK, never anything else.)
  grpc::ClientContext pctx;
  v1::FindPathsRequest req;
  req.set_from("russia");
  req.set_to("gna");
  req.set_k(20);
  req.set_max_hops(8);
  v1::FindPathsResponse presp;
  grpc::StatusCode code = stub->FindPaths(&pctx, req, &presp).error_code();
  EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::DEADLINE_EXCEEDED) << code;
}

TEST(ValidationTest, HostileValuesGetTheRightCodeAndNameTheField) {
  TempDir dir;
  ServerProcess server(kServer, {"--db", dir.path() + "/v.db"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = Stub(server.address());
  auto analytics = v1::Analytics::NewStub(grpc::CreateChannel(server.address(),
                                                              grpc::InsecureChannelCredentials()));
  // Invalid UTF-8 in a proto3 string never reaches a handler: protobuf refuses to
  // serialize or parse it. Handlers still check UTF-8 (convert_test) for other paths.
  struct Case {
    std::string name;
    std::function<grpc::Status(grpc::ClientContext*)> call;
    grpc::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {"empty actor", [&](grpc::ClientContext* c) { v1::GetActorRequest r; v1::Actor o; return stub->GetActor(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "actor"},
      {"unknown actor", [&](grpc::ClientContext* c) { v1::GetActorRequest r; r.set_actor("atlantis"); v1::Actor o; return stub->GetActor(c, r, &o); }, grpc::StatusCode::NOT_FOUND, "atlantis"},
      {"negative page", [&](grpc::ClientContext* c) { v1::ListRelationsRequest r; r.set_page_size(-5); v1::ListRelationsResponse o; return stub->ListRelations(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "page_size"},
      {"unknown kind enum", [&](grpc::ClientContext* c) { v1::ListActorsRequest r; r.set_kind(static_cast<v1::ActorKind>(42)); v1::ListActorsResponse o; return stub->ListActors(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "kind"},
      {"bad filter date", [&](grpc::ClientContext* c) { v1::ListRelationsRequest r; r.mutable_filter()->set_since("yesterday"); v1::ListRelationsResponse o; return stub->ListRelations(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "filter.since"},
      {"unknown filter kind", [&](grpc::ClientContext* c) { v1::ListRelationsRequest r; r.mutable_filter()->add_kinds(static_cast<v1::RelationKind>(99)); v1::ListRelationsResponse o; return stub->ListRelations(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "filter.kinds[0]"},
      {"huge resolve name", [&](grpc::ClientContext* c) { v1::ResolveActorRequest r; r.set_name(std::string(5000, 'a')); v1::ResolveActorResponse o; return stub->ResolveActor(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "name"},
      {"negative candidates", [&](grpc::ClientContext* c) { v1::ResolveActorRequest r; r.set_name("x"); r.set_max_candidates(-1); v1::ResolveActorResponse o; return stub->ResolveActor(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "max_candidates"},
      {"path sign", [&](grpc::ClientContext* c) { v1::FindPathsRequest r; r.set_from("russia"); r.set_to("gna"); r.set_path_sign(7); v1::FindPathsResponse o; return stub->FindPaths(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "path_sign"},
      {"empty upsert", [&](grpc::ClientContext* c) { v1::UpsertActorsRequest r; v1::UpsertActorsResponse o; return stub->UpsertActors(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "actors"},
      {"bad actor id", [&](grpc::ClientContext* c) { v1::UpsertActorsRequest r; auto* a = r.add_actors(); a->set_id("Has Spaces"); a->set_name("x"); v1::UpsertActorsResponse o; return stub->UpsertActors(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "actors[0].id"},
      {"empty retract", [&](grpc::ClientContext* c) { v1::RetractDocumentRequest r; v1::RetractDocumentResponse o; return stub->RetractDocument(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "doc"},
      {"stance unknown", [&](grpc::ClientContext* c) { v1::GetStanceRequest r; r.set_a("russia"); r.set_b("nowhere"); v1::Stance o; return analytics->GetStance(c, r, &o); }, grpc::StatusCode::NOT_FOUND, "b:"},
      {"stance half life", [&](grpc::ClientContext* c) { v1::GetStanceRequest r; r.set_a("russia"); r.set_b("gna"); r.set_half_life_days(-1); v1::Stance o; return analytics->GetStance(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "half_life_days"},
      {"timeline bucket", [&](grpc::ClientContext* c) { v1::GetTimelineRequest r; r.set_a("russia"); r.set_b("gna"); r.set_bucket(static_cast<v1::Bucket>(9)); v1::GetTimelineResponse o; return analytics->GetTimeline(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "bucket"},
      {"alliance blocs", [&](grpc::ClientContext* c) { v1::FindAlliancesRequest r; r.set_num_blocs(99); v1::FindAlliancesResponse o; return analytics->FindAlliances(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "num_blocs"},
      {"alliance actors", [&](grpc::ClientContext* c) { v1::FindAlliancesRequest r; r.add_actors("russia"); r.add_actors("nobody-at-all"); v1::FindAlliancesResponse o; return analytics->FindAlliances(c, r, &o); }, grpc::StatusCode::NOT_FOUND, "actors[1]"},
      {"allies hops", [&](grpc::ClientContext* c) { v1::GetAlliesAndAdversariesRequest r; r.set_actor("turkey"); r.set_max_hops(50); v1::GetAlliesAndAdversariesResponse o; return analytics->GetAlliesAndAdversaries(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "max_hops"},
      {"neighborhood radius", [&](grpc::ClientContext* c) { v1::GetNeighborhoodRequest r; r.set_actor("turkey"); r.set_radius(-2); v1::GetNeighborhoodResponse o; return analytics->GetNeighborhood(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "radius"},
      {"rank measure", [&](grpc::ClientContext* c) { v1::RankActorsRequest r; r.set_by(static_cast<v1::Measure>(12)); v1::RankActorsResponse o; return analytics->RankActors(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "by"},
      {"rank damping", [&](grpc::ClientContext* c) { v1::RankActorsRequest r; r.set_damping(1.5); v1::RankActorsResponse o; return analytics->RankActors(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "damping"},
      {"balance limit", [&](grpc::ClientContext* c) { v1::GetBalanceRequest r; r.set_limit(1000000); v1::GetBalanceResponse o; return analytics->GetBalance(c, r, &o); }, grpc::StatusCode::INVALID_ARGUMENT, "limit"},
      {"watch negative", [&](grpc::ClientContext* c) { v1::WatchChangesRequest r; r.set_after_version(-3); auto rd = stub->WatchChanges(c, r); v1::ChangeEvent e; while (rd->Read(&e)) {} return rd->Finish(); }, grpc::StatusCode::INVALID_ARGUMENT, "after_version"},
  };
  for (const Case& c : cases) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    grpc::Status s = c.call(&ctx);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_NE(s.error_message().find(c.field), std::string::npos) << c.name << ": " << s.error_message();
  }
  // The server is still up and answering.
  EXPECT_EQ(GetActorCode(stub.get(), ""), grpc::StatusCode::OK);
}

TEST(OperationsTest, MetricsHealthAndWatchResume) {
  TempDir dir;
  const std::string metrics_port = dir.path() + "/mport";
  ServerProcess server(kServer, {"--db", dir.path() + "/o.db", "--metrics-listen", "127.0.0.1:0"});
  ASSERT_NE(server.port(), 0) << server.log();
  auto stub = Stub(server.address());
  EXPECT_EQ(GetActorCode(stub.get(), ""), grpc::StatusCode::OK);
  // The metrics port is printed in the log.
  std::string log = server.log();
  auto pos = log.find("metrics on http://127.0.0.1:");
  ASSERT_NE(pos, std::string::npos) << log;
  std::string port = log.substr(pos + 28, log.find('/', pos + 28) - pos - 28);
  CommandResult scrape = RunCommand("python3 -c \"import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:" + port + "/metrics').read().decode())\"");
  EXPECT_NE(scrape.output.find("actorgraph_rpc_latency_seconds_bucket{method=\"GetActor\""), std::string::npos) << scrape.output.substr(0, 2000);
  EXPECT_NE(scrape.output.find("actorgraph_graph_size{what=\"observations\"}"), std::string::npos);

  // Health reports SERVING once loaded (grpc.health.v1.Health/Check through a generic call).
  {
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    grpc::GenericStub generic(channel);
    // grpc.health.v1.HealthCheckRequest{service:""} serialises to zero bytes.
    grpc::ClientContext ctx;
    // An empty HealthCheckRequest is zero bytes, but the buffer must hold a slice to be a
    // valid message.
    grpc::Slice empty_slice("", 0);
    grpc::ByteBuffer request(&empty_slice, 1), response;
    grpc::Status s;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                      [&](grpc::Status st) {
                        std::lock_guard l(mu);
                        s = st;
                        done = true;
                        cv.notify_one();
                      });
    std::unique_lock l(mu);
    cv.wait_for(l, std::chrono::seconds(10), [&] { return done; });
    ASSERT_TRUE(done);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::vector<grpc::Slice> slices;
    ASSERT_TRUE(response.Dump(&slices).ok());
    std::string bytes;
    for (auto& sl : slices) bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
    EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
  }

  // WatchChanges: read a few, disconnect, resume from the last version: no gap, no repeat.
  int64_t last = 0;
  {
    grpc::ClientContext ctx;
    v1::WatchChangesRequest req;
    auto reader = stub->WatchChanges(&ctx, req);
    v1::ChangeEvent ev;
    for (int i = 0; i < 3 && reader->Read(&ev); ++i) {
      EXPECT_GT(ev.version(), last);
      last = ev.version();
    }
    ctx.TryCancel();
    reader->Finish();
  }
  ASSERT_EQ(last, 3);
  {
    grpc::ClientContext wctx;
    v1::IngestRelationsResponse wresp;
    auto writer = stub->IngestRelations(&wctx, &wresp);
    v1::IngestRelationsRequest batch;
    auto* r = batch.add_relations();
    r->set_source("russia");
    r->set_target("turkey");
    r->set_kind(v1::MEET);
    r->mutable_evidence()->set_doc("watch-doc");
    writer->Write(batch);
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchChangesRequest req;
  req.set_after_version(last);
  auto reader = stub->WatchChanges(&ctx, req);
  v1::ChangeEvent ev;
  int64_t expect = last + 1;
  bool saw_new = false;
  while (reader->Read(&ev)) {
    EXPECT_EQ(ev.version(), expect++);
    if (ev.type() == v1::RELATION_ADDED && ev.doc() == "watch-doc") {
      EXPECT_EQ(ev.relation().source(), "russia");
      saw_new = true;
      break;
    }
  }
  EXPECT_TRUE(saw_new);
  ctx.TryCancel();
  reader->Finish();
  // Retraction shows up as a change too.
  CommandResult retract = RunCommand(kCli + " --server " + server.address() + " retract watch-doc");
  EXPECT_EQ(retract.exit_code, 0);
  EXPECT_NE(retract.output.find("retracted 1"), std::string::npos) << retract.output;
  CommandResult watch = RunCommand(kCli + " --server " + server.address() + " watch --after " +
                                   std::to_string(expect - 1) + " --limit 1");
  EXPECT_NE(watch.output.find("RELATION_RETRACTED"), std::string::npos) << watch.output;
}

}  // namespace
}  // namespace actorgraph::testing
