// Gateway tests: the real ActorGraph service on a temporary database behind an in-process
// grpc::Server, the gateway in front of it on an ephemeral loopback port, and a raw-socket
// HTTP/1.1 client, so the bytes checked are the bytes a browser or curl would exchange.
#include "server/gateway.h"

#include <arpa/inet.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "server/graph_state.h"
#include "server/service.h"
#include "tests/e2e/server_process.h"

#include "server/auth.h"
#include "server/call.h"

namespace actorgraph {
namespace {

using testing::TempDir;

// ---- a tiny HTTP/1.1 client over a blocking socket ------------------------------------------

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpConnection {
 public:
  explicit HttpConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~HttpConnection() { close(fd_); }

  bool connected() const { return connected_; }

  // Sends raw bytes; false when the peer stopped reading (that is allowed after a 413).
  bool Send(const std::string& raw) {
    size_t sent = 0;
    while (sent < raw.size()) {
      ssize_t n = send(fd_, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response framed by Content-Length (or by EOF when there is none). nullopt when
  // the connection closes or times out before a whole response arrived.
  std::optional<HttpResponse> Read() {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    HttpResponse res;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    res.status = std::atoi(status_line.c_str() + 9);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        res.headers[name] = v == std::string::npos ? "" : line.substr(v);
      }
      pos = next + 2;
    }
    if (res.status == 100) return Read();  // interim "100 Continue"
    if (res.headers.count("content-length")) {
      size_t length = std::stoul(res.headers["content-length"]);
      if (head_request_) length = 0;
      while (buf_.size() < length) {
        if (!Fill()) return std::nullopt;
      }
      res.body = buf_.substr(0, length);
      buf_.erase(0, length);
    } else {
      while (Fill()) {
      }
      res.body = std::move(buf_);
      buf_.clear();
    }
    return res;
  }

  // True when the server closed the connection (reads EOF within the timeout).
  bool ClosedByPeer() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

  void set_head_request(bool head) { head_request_ = head; }

 private:
  bool Fill() {
    char chunk[8192];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool head_request_ = false;
  std::string buf_;
};

std::string PostRequest(const std::string& path, const std::string& body,
                        const std::string& extra_headers = "",
                        const std::string& content_type = "application/json") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
         body;
}

// ---- fixture ------------------------------------------------------------------------------

constexpr size_t kBodyLimit = 64 * 1024;

v1::Relation MakeRelation(const std::string& source, const std::string& target,
                          v1::RelationKind kind, const std::string& date,
                          const std::string& sentence, int begin) {
  v1::Relation r;
  r.set_source(source);
  r.set_target(target);
  r.set_kind(kind);
  r.set_date(date);
  r.mutable_evidence()->set_doc("libya-brief");
  r.mutable_evidence()->set_sentence(sentence);
  r.mutable_evidence()->set_begin(begin);
  r.mutable_evidence()->set_end(begin + static_cast<int>(sentence.size()));
  return r;
}

v1::Actor MakeActor(const std::string& id, v1::ActorKind kind, const std::string& name,
                    std::vector<std::string> aliases) {
  v1::Actor a;
  a.set_id(id);
  a.set_kind(kind);
  a.set_name(name);
  for (auto& alias : aliases) a.add_aliases(alias);
  return a;
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = GraphState::Open(dir_.path() + "/graph.db");
    ASSERT_TRUE(state.ok()) << state.status();
    state_ = std::move(*state);
    ASSERT_TRUE(state_->Load().ok());
    // Token auth on: the HTTP requests read with kReadToken; the fixture seeds with
    // kWriteToken (see AuthorizationHeaderIsForwarded).
    auto auth = TokenAuth::Parse(TokenAuth::HashToken(kReadToken) + " read gateway-test\n" +
                                     TokenAuth::HashToken(kWriteToken) + " write seeder\n",
                                 "test");
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = std::move(*auth);
    env_ = std::make_unique<ServerEnv>(state_.get(), Limits{}, auth_.get(), nullptr, false);
    service_ = std::make_unique<ActorGraphService>(env_.get());
    grpc::ServerBuilder builder;  // no port: reached only through its in-process channel
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    stub_ = v1::ActorGraph::NewStub(channel_);
    Seed();

    // The static root, and a secret beside it that no URL may reach.
    root_ = dir_.path() + "/web";
    std::filesystem::create_directories(root_ + "/css");
    std::ofstream(root_ + "/index.html") << "<!doctype html><title>explorer</title>";
    std::ofstream(root_ + "/app.js") << "console.log('hi');";
    std::ofstream(root_ + "/css/site.css") << "body{}";
    std::ofstream(dir_.path() + "/secret.txt") << "TOP-SECRET";
    std::filesystem::create_symlink(dir_.path() + "/secret.txt", root_ + "/leak.txt");

    GatewayOptions options;
    options.listen = "127.0.0.1:0";
    options.static_dir = root_;
    options.max_body_bytes = kBodyLimit;
    auto gateway = StartGateway(server_.get(), options);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    ASSERT_GT(gateway_->port(), 0);
  }

  void TearDown() override {
    if (gateway_) gateway_->Stop();
    if (server_) server_->Shutdown();
  }

  void Authorize(grpc::ClientContext* ctx) {
    ctx->AddMetadata("authorization", std::string("Bearer ") + kReadToken);
  }
  std::string AuthHeader() const {
    return std::string("Authorization: Bearer ") + kReadToken + "\r\n";
  }

  // The Libya story in miniature: Russia backs Haftar, Haftar fights the GNA, Turkey aids it.
  void Seed() {
    v1::UpsertActorsRequest actors;
    *actors.add_actors() = MakeActor("russia", v1::STATE, "Russia", {"Moscow"});
    *actors.add_actors() = MakeActor("turkey", v1::STATE, "Turkey", {"Ankara"});
    *actors.add_actors() =
        MakeActor("gna", v1::GOVERNMENT, "Government of National Accord", {"GNA"});
    *actors.add_actors() = MakeActor("haftar", v1::PERSON, "Khalifa Haftar", {"Haftar"});
    *actors.add_actors() = MakeActor("egypt", v1::STATE, "Egypt", {"Cairo"});
    v1::UpsertActorsResponse upserted;
    ASSERT_TRUE(WriteCall(
        [&](grpc::ClientContext* ctx) { return stub_->UpsertActors(ctx, actors, &upserted); }));

    v1::IngestRelationsRequest batch;
    *batch.add_relations() =
        MakeRelation("russia", "haftar", v1::SUPPORT, "2020-01-13", "Russia backs Haftar.", 0);
    *batch.add_relations() = MakeRelation("haftar", "gna", v1::FIGHT, "2020-01-10",
                                          "Haftar's forces attacked the GNA.", 30);
    *batch.add_relations() = MakeRelation("turkey", "gna", v1::AID, "2020-01-05",
                                          "Turkey sent troops to bolster the GNA.", 70);
    *batch.add_relations() = MakeRelation("egypt", "turkey", v1::CRITICIZE, "2020-01-06",
                                          "Egypt condemned Turkey's intervention.", 120);
    v1::IngestRelationsResponse ingested;
    ASSERT_TRUE(WriteCall([&](grpc::ClientContext* ctx) {
      auto writer = stub_->IngestRelations(ctx, &ingested);
      writer->Write(batch);
      writer->WritesDone();
      return writer->Finish();
    }));
    ASSERT_EQ(ingested.inserted(), 4);
  }

  template <typename Fn>
  bool WriteCall(Fn fn) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", std::string("Bearer ") + kWriteToken);
    grpc::Status s = fn(&ctx);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return s.ok();
  }

  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::string& extra_headers = "") {
    HttpConnection conn(gateway_->port());
    EXPECT_TRUE(conn.connected());
    conn.Send(PostRequest(path, body, AuthHeader() + extra_headers));
    auto res = conn.Read();
    EXPECT_TRUE(res.has_value()) << "no response to POST " << path;
    return res.value_or(HttpResponse{});
  }

  HttpResponse Raw(const std::string& request, bool head = false) {
    HttpConnection conn(gateway_->port());
    EXPECT_TRUE(conn.connected());
    conn.set_head_request(head);
    conn.Send(request);
    auto res = conn.Read();
    EXPECT_TRUE(res.has_value()) << "no response to " << request.substr(0, 60);
    return res.value_or(HttpResponse{});
  }

  HttpResponse Get(const std::string& target) {
    return Raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  static constexpr const char* kReadToken = "read-token-1234";
  static constexpr const char* kWriteToken = "write-token-5678";

  TempDir dir_;
  std::string root_;
  std::unique_ptr<GraphState> state_;
  std::unique_ptr<TokenAuth> auth_;
  std::unique_ptr<ServerEnv> env_;
  std::unique_ptr<ActorGraphService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ActorGraph::Stub> stub_;
  std::unique_ptr<Gateway> gateway_;
};

template <typename M>
M ParseJson(const std::string& json) {
  M m;
  auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << s.ToString() << " in " << json;
  return m;
}

// ---- RPCs ---------------------------------------------------------------------------------

TEST_F(GatewayTest, PostJsonAnswersCanonicalJson) {
  HttpResponse res = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"Ankara"})");
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("content-type"), "application/json");
  auto actor = ParseJson<v1::Actor>(res.body);
  EXPECT_EQ(actor.id(), "turkey");
  EXPECT_EQ(actor.kind(), v1::STATE);
  // Canonical JSON: lowerCamelCase names and enum names.
  EXPECT_NE(res.body.find(R"("kind":"STATE")"), std::string::npos) << res.body;
}

TEST_F(GatewayTest, AnswersExactlyWhatGrpcAnswers) {
  v1::FindPathsRequest req;
  req.set_from("russia");
  req.set_to("gna");
  req.set_k(2);
  v1::FindPathsResponse over_grpc;
  grpc::ClientContext ctx;
  Authorize(&ctx);
  ASSERT_TRUE(stub_->FindPaths(&ctx, req, &over_grpc).ok());

  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(req, &json).ok());
  HttpResponse res = Post("/actorgraph.v1.ActorGraph/FindPaths", json);
  ASSERT_EQ(res.status, 200) << res.body;
  auto over_http = ParseJson<v1::FindPathsResponse>(res.body);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(over_grpc, over_http))
      << over_grpc.DebugString() << "\nvs\n"
      << over_http.DebugString();
  ASSERT_GE(over_http.paths_size(), 1);
  EXPECT_EQ(std::vector<std::string>(over_http.paths(0).actors().begin(),
                                     over_http.paths(0).actors().end()),
            (std::vector<std::string>{"russia", "haftar", "gna"}));
  // Evidence travels with every edge.
  EXPECT_NE(res.body.find("Russia backs Haftar."), std::string::npos);
}

TEST_F(GatewayTest, EmptyBodyIsTheEmptyRequest) {
  HttpResponse res = Post("/actorgraph.v1.ActorGraph/ListActors", "");
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(ParseJson<v1::ListActorsResponse>(res.body).actors_size(), 5);
}

TEST_F(GatewayTest, BinaryProtoIsAcceptedToo) {
  v1::GetActorRequest req;
  req.set_actor("GNA");
  HttpConnection conn(gateway_->port());
  conn.Send(PostRequest("/actorgraph.v1.ActorGraph/GetActor", req.SerializeAsString(), AuthHeader(),
                        "application/proto"));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->header("content-type"), "application/proto");
  v1::Actor actor;
  ASSERT_TRUE(actor.ParseFromString(res->body));
  EXPECT_EQ(actor.id(), "gna");
}

TEST_F(GatewayTest, NotFoundActorIs404WithConnectCode) {
  HttpResponse res = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"atlantis"})");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.header("content-type"), "application/json");
  EXPECT_NE(res.body.find(R"("code":"not_found")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("atlantis"), std::string::npos) << res.body;
}

TEST_F(GatewayTest, ServerValidationIs400InvalidArgument) {
  HttpResponse res =
      Post("/actorgraph.v1.ActorGraph/FindPaths", R"({"from":"russia","to":"gna","maxHops":99})");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find(R"("code":"invalid_argument")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("max_hops"), std::string::npos) << res.body;
}

TEST_F(GatewayTest, UnknownMethodIs404NamingIt) {
  for (const std::string path :
       {"/actorgraph.v1.ActorGraph/NoSuchMethod", "/actorgraph.v1.NoSuchService/GetActor",
        "/grpc.health.v1.Health/Check", "/actorgraph.v1.ActorGraph/GetActor/extra"}) {
    HttpResponse res = Post(path, "{}");
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_NE(res.body.find(R"("code":"unimplemented")"), std::string::npos) << res.body;
    EXPECT_NE(res.body.find(path.substr(1)), std::string::npos) << res.body;
  }
}

TEST_F(GatewayTest, ServiceTheServerLacksIs501) {
  // The fixture registers only ActorGraph, so gRPC itself answers UNIMPLEMENTED.
  HttpResponse res = Post("/actorgraph.v1.Analytics/GetStance", R"({"a":"russia","b":"turkey"})");
  EXPECT_EQ(res.status, 501);
  EXPECT_NE(res.body.find(R"("code":"unimplemented")"), std::string::npos) << res.body;
}

TEST_F(GatewayTest, BadJsonIs400NamingTheProblem) {
  HttpResponse syntax = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor": )");
  EXPECT_EQ(syntax.status, 400);
  EXPECT_NE(syntax.body.find(R"("code":"invalid_argument")"), std::string::npos) << syntax.body;
  EXPECT_NE(syntax.body.find("actorgraph.v1.GetActorRequest"), std::string::npos) << syntax.body;

  HttpResponse field = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actr":"russia"})");
  EXPECT_EQ(field.status, 400);
  EXPECT_NE(field.body.find("actr"), std::string::npos) << field.body;

  HttpResponse type = Post("/actorgraph.v1.ActorGraph/FindPaths", R"({"from":"a","k":"many"})");
  EXPECT_EQ(type.status, 400);
  EXPECT_NE(type.body.find(R"("code":"invalid_argument")"), std::string::npos) << type.body;
}

TEST_F(GatewayTest, OversizedBodyIs413) {
  std::string big = R"({"actor":")" + std::string(kBodyLimit, 'x') + R"("})";
  HttpConnection conn(gateway_->port());
  conn.Send(PostRequest("/actorgraph.v1.ActorGraph/GetActor", big));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_NE(res->body.find(R"("code":"resource_exhausted")"), std::string::npos) << res->body;
  EXPECT_EQ(res->header("connection"), "close");
}

TEST_F(GatewayTest, OversizedBodyIsRefusedBefore100Continue) {
  HttpConnection conn(gateway_->port());
  conn.Send(
      "POST /actorgraph.v1.ActorGraph/GetActor HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
      std::to_string(kBodyLimit * 10) + "\r\n\r\n");
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST_F(GatewayTest, ExpectContinueGetsTheBodyRead) {
  HttpConnection conn(gateway_->port());
  std::string body = R"({"actor":"Cairo"})";
  conn.Send("POST /actorgraph.v1.ActorGraph/GetActor HTTP/1.1\r\nHost: localhost\r\n" +
            AuthHeader() + "Content-Type: application/json\r\nExpect: 100-continue\r\n" +
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  conn.Send(body);
  auto res = conn.Read();  // skips the interim 100
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(ParseJson<v1::Actor>(res->body).id(), "egypt");
}

TEST_F(GatewayTest, NonPostOnRpcPathIs405) {
  HttpResponse get = Get("/actorgraph.v1.ActorGraph/GetActor");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.header("allow"), "POST");
  EXPECT_NE(get.body.find("POST"), std::string::npos);
  HttpResponse put =
      Raw("PUT /actorgraph.v1.ActorGraph/GetActor HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
          "2\r\n\r\n{}");
  EXPECT_EQ(put.status, 405);
}

TEST_F(GatewayTest, StreamingMethodIs415) {
  HttpResponse res = Post("/actorgraph.v1.ActorGraph/IngestRelations", "{}");
  EXPECT_EQ(res.status, 415);
  EXPECT_NE(res.body.find(R"("code":"unimplemented")"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("client-streaming"), std::string::npos) << res.body;
}

TEST_F(GatewayTest, UnsupportedContentTypeIs415) {
  HttpConnection conn(gateway_->port());
  conn.Send(PostRequest("/actorgraph.v1.ActorGraph/GetActor", "actor=russia", AuthHeader(),
                        "application/x-www-form-urlencoded"));
  auto res = conn.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_NE(res->body.find("application/json"), std::string::npos) << res->body;
}

TEST_F(GatewayTest, ConnectHeadersAreChecked) {
  EXPECT_EQ(Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"russia"})",
                 "Connect-Protocol-Version: 1\r\nConnect-Timeout-Ms: 5000\r\n")
                .status,
            200);
  HttpResponse timeout = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"russia"})",
                              "Connect-Timeout-Ms: soon\r\n");
  EXPECT_EQ(timeout.status, 400);
  EXPECT_NE(timeout.body.find("Connect-Timeout-Ms"), std::string::npos) << timeout.body;
  EXPECT_EQ(
      Post("/actorgraph.v1.ActorGraph/GetActor", "{}", "Connect-Protocol-Version: 2\r\n").status,
      400);
  HttpResponse gzip =
      Post("/actorgraph.v1.ActorGraph/GetActor", "{}", "Content-Encoding: gzip\r\n");
  EXPECT_EQ(gzip.status, 501);
  EXPECT_NE(gzip.body.find("identity"), std::string::npos) << gzip.body;
}

TEST_F(GatewayTest, AuthorizationHeaderIsForwarded) {
  HttpConnection anonymous(gateway_->port());
  anonymous.Send(PostRequest("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"russia"})"));
  auto res = anonymous.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(res->body.find(R"("code":"unauthenticated")"), std::string::npos) << res->body;

  // A read token may read but not write: the same scopes as over gRPC.
  EXPECT_EQ(Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"russia"})").status, 200);
  HttpResponse write =
      Post("/actorgraph.v1.ActorGraph/UpsertActors", R"({"actors":[{"id":"chad","name":"Chad"}]})");
  EXPECT_EQ(write.status, 403);
  EXPECT_NE(write.body.find(R"("code":"permission_denied")"), std::string::npos) << write.body;
}

TEST_F(GatewayTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpConnection conn(gateway_->port());
  for (const char* actor : {"Moscow", "Ankara", "Cairo"}) {
    ASSERT_TRUE(
        conn.Send(PostRequest("/actorgraph.v1.ActorGraph/GetActor",
                              std::string(R"({"actor":")") + actor + R"("})", AuthHeader())));
    auto res = conn.Read();
    ASSERT_TRUE(res) << actor;
    EXPECT_EQ(res->status, 200) << actor;
  }
  // Pipelined: two requests in one write, two answers in order.
  conn.Send(
      PostRequest("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"GNA"})", AuthHeader()) +
      PostRequest("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"Haftar"})", AuthHeader()));
  auto first = conn.Read(), second = conn.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(ParseJson<v1::Actor>(first->body).id(), "gna");
  EXPECT_EQ(ParseJson<v1::Actor>(second->body).id(), "haftar");
}

TEST_F(GatewayTest, MalformedHttpGets400AndTheGatewayLivesOn) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n", 400},
      {"GET " + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 431},
  };
  for (const auto& [garbage, status] : cases) {
    HttpConnection conn(gateway_->port());
    conn.Send(garbage);
    auto res = conn.Read();
    ASSERT_TRUE(res) << garbage.substr(0, 60);
    EXPECT_EQ(res->status, status) << garbage.substr(0, 60);
  }
  // Random bytes, including truncated requests: any answer or none, but never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (i % 2) bytes = "POST /actorgraph.v1.ActorGraph/GetActor HTTP/1.1\r\n" + bytes;
    HttpConnection conn(gateway_->port());
    conn.Send(bytes);
  }
  HttpResponse ok = Post("/actorgraph.v1.ActorGraph/GetActor", R"({"actor":"russia"})");
  EXPECT_EQ(ok.status, 200);
}

TEST_F(GatewayTest, ForeignHostIsRefusedOnLoopback) {
  // A DNS-rebinding page reaches 127.0.0.1 under its own host name.
  HttpResponse res = Raw("GET / HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(Raw("GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n").status, 200);
  EXPECT_EQ(Raw("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").status, 200);
}

// ---- static files -------------------------------------------------------------------------

TEST_F(GatewayTest, ServesStaticFilesWithTheirTypes) {
  HttpResponse index = Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>explorer</title>");
  EXPECT_NE(index.header("content-security-policy").find("default-src 'self'"), std::string::npos);

  HttpResponse js = Get("/app.js?v=1");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/css/site.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/css/").status, 404);  // no index.html there, and no listings
  EXPECT_EQ(Get("/missing.js").status, 404);

  HttpResponse head = Raw("HEAD /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "18");
  EXPECT_TRUE(head.body.empty());

  HttpResponse post = Raw("DELETE /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(post.status, 405);
}

TEST_F(GatewayTest, PathTraversalIsRefused) {
  for (const std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/css/../../secret.txt",
        "/css/%2E%2E/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%5csecret.txt"}) {
    HttpResponse res = Get(target);
    EXPECT_EQ(res.status, 400) << target;
    EXPECT_EQ(res.body.find("TOP-SECRET"), std::string::npos) << target;
  }
  // A symlink inside the root that leads out of it.
  HttpResponse leak = Get("/leak.txt");
  EXPECT_EQ(leak.status, 404);
  EXPECT_EQ(leak.body.find("TOP-SECRET"), std::string::npos);
  // Dot files stay private; a bad escape is a bad request.
  std::ofstream(root_ + "/.env") << "TOKEN=x";
  EXPECT_EQ(Get("/.env").status, 404);
  EXPECT_EQ(Get("/%zz").status, 400);
}

// ---- the rest -----------------------------------------------------------------------------

TEST(ConnectCodes, MapToTheHttpStatusesOfTheConnectSpec) {
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(ConnectHttpStatus(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_STREQ(ConnectCodeName(grpc::StatusCode::CANCELLED), "canceled");
  EXPECT_STREQ(ConnectCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "deadline_exceeded");
  EXPECT_STREQ(ConnectCodeName(grpc::StatusCode::DATA_LOSS), "data_loss");
}

TEST_F(GatewayTest, StopClosesTheListenerAndIsIdempotent) {
  int port = gateway_->port();
  gateway_->Stop();
  gateway_->Stop();
  HttpConnection conn(port);
  EXPECT_FALSE(conn.connected());
}

TEST(GatewayStart, RejectsBadOptions) {
  v1::ActorGraph::Service unimplemented;  // a server needs one service to start
  grpc::ServerBuilder builder;
  builder.RegisterService(&unimplemented);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  GatewayOptions bad_addr;
  bad_addr.listen = "127.0.0.1";
  EXPECT_EQ(StartGateway(server.get(), bad_addr).status().code(),
            absl::StatusCode::kInvalidArgument);
  GatewayOptions bad_dir;
  bad_dir.listen = "127.0.0.1:0";
  bad_dir.static_dir = "/nonexistent/web";
  EXPECT_EQ(StartGateway(server.get(), bad_dir).status().code(), absl::StatusCode::kNotFound);
  server->Shutdown();
}

}  // namespace
}  // namespace actorgraph
