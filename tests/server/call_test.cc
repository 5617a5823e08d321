// ServerEnv and the callback-API read handlers: the request log (RequestLog), the query pool
// (QueryPool), and the real services on a temporary database behind an in-process
// grpc::Server, checking that callback methods keep auth, the log line and the server's
// query time limit.
#include "server/call.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "actorgraph/v1/analytics.grpc.pb.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "server/analytics_service.h"
#include "server/auth.h"
#include "server/graph_state.h"
#include "server/query_pool.h"
#include "server/request_log.h"
#include "server/service.h"
#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

using std::chrono::milliseconds;
using testing::TempDir;

constexpr char kReadToken[] = "call-test-read-token";
constexpr char kWriteToken[] = "call-test-write-token";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// ---- RequestLog --------------------------------------------------------------------------

TEST(RequestLogTest, FlushWritesEveryLineWholeAndInOrder) {
  TempDir dir;
  const std::string path = dir.path() + "/log";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  constexpr int kThreads = 4, kLines = 5000;
  {
    RequestLog log(fd);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          log.Add(StrCat("thread=", t, " line=", i, " ", std::string(40, 'x'), "\n"));
        }
      });
    }
    for (auto& th : threads) th.join();
    log.Flush();
    std::vector<std::string> lines = Lines(ReadAll(path));
    ASSERT_EQ(lines.size(), size_t{kThreads * kLines});
    std::map<int, int> next;  // per thread, the line number expected next
    const std::regex shape("thread=([0-9]+) line=([0-9]+) x{40}");
    for (const std::string& line : lines) {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(line, m, shape)) << line;
      const int t = std::stoi(m[1]);
      EXPECT_EQ(std::stoi(m[2]), next[t]++) << line;
    }
    log.Add("after flush\n");
  }
  close(fd);
  // The destructor wrote the last line.
  std::vector<std::string> lines = Lines(ReadAll(path));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "after flush");
}

TEST(RequestLogTest, AWriterThatCannotKeepUpHoldsAddersBackInsteadOfDroppingLines) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<int> added{0};
  std::atomic<size_t> bytes{0};
  const std::string line(1000, 'y');
  std::thread reader;
  {
    RequestLog log(fds[1]);
    // Nobody reads the pipe yet: the writer blocks once the pipe is full, and Add stops
    // accepting lines once kMaxPendingBytes wait.
    std::thread adder([&] {
      for (int i = 0; i < 10000; ++i) {
        log.Add(line + "\n");
        ++added;
      }
    });
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_LT(added.load(), 10000);
    EXPECT_GT(added.load(), 0);
    reader = std::thread([&] {
      char buf[65536];
      ssize_t n;
      while ((n = read(fds[0], buf, sizeof buf)) > 0) bytes += static_cast<size_t>(n);
    });
    adder.join();
    log.Flush();
  }
  close(fds[1]);  // the reader sees EOF once every line is through
  reader.join();
  close(fds[0]);
  EXPECT_EQ(added.load(), 10000);
  EXPECT_EQ(bytes.load(), size_t{10000} * (line.size() + 1));
}

// ---- QueryPool ---------------------------------------------------------------------------

TEST(QueryPoolTest, ShortTasksStillRunWhileEveryThreadIsBusyWithALongOne) {
  QueryPoolOptions options;
  options.threads = 2;
  options.stall = milliseconds(20);
  QueryPool pool(options);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  for (int i = 0; i < 3; ++i) pool.Run([released] { released.wait(); });
  std::promise<void> short_done;
  pool.Run([&short_done] { short_done.set_value(); });
  // The pool noticed the stall and added threads.
  EXPECT_EQ(short_done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_GT(pool.threads(), 2);
  release.set_value();
}

TEST(QueryPoolTest, TheDestructorRunsEveryQueuedTask) {
  std::atomic<int> ran{0};
  {
    QueryPool pool(QueryPoolOptions{.threads = 1});
    for (int i = 0; i < 100; ++i) pool.Run([&ran] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 100);
}

// ---- the services over an in-process channel ---------------------------------------------

class CallbackServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = GraphState::Open(dir_.path() + "/graph.db");
    ASSERT_TRUE(state.ok()) << state.status();
    state_ = std::move(*state);
    ASSERT_TRUE(state_->Load().ok());
    auto auth = TokenAuth::Parse(TokenAuth::HashToken(kReadToken) + " read reader\n" +
                                     TokenAuth::HashToken(kWriteToken) + " write writer\n",
                                 "test");
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = std::move(*auth);
    log_path_ = dir_.path() + "/requests.log";
    log_fd_ = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(log_fd_, 0);
    Seed();
  }

  void TearDown() override {
    StopServer();
    if (log_fd_ >= 0) close(log_fd_);
  }

  void StartServer(Limits limits) {
    StopServer();
    env_ = std::make_unique<ServerEnv>(state_.get(), limits, auth_.get(), nullptr, true, log_fd_);
    service_ = std::make_unique<ActorGraphService>(env_.get());
    analytics_ = std::make_unique<AnalyticsService>(env_.get());
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    builder.RegisterService(analytics_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    auto channel = server_->InProcessChannel(grpc::ChannelArguments());
    stub_ = v1::ActorGraph::NewStub(channel);
    analytics_stub_ = v1::Analytics::NewStub(channel);
  }

  void StopServer() {
    if (server_) server_->Shutdown();
    server_.reset();
    service_.reset();
    analytics_.reset();
    env_.reset();
  }

  // A layered graph: src -> 40 actors -> 40 actors -> 40 actors -> dst, every layer fully
  // linked to the next, signs mixed. Enumerating paths in it is real work.
  void Seed() {
    std::vector<Observation> batch;
    auto add = [&](const std::string& from, const std::string& to, bool hostile) {
      std::string line = StrCat(R"({"source":")", from, R"(","target":")", to, R"(","kind":")",
                                hostile ? "CRITICIZE" : "SUPPORT",
                                R"(","date":"2020-01-13","doc":"call-test","sentence":")", from,
                                " and ", to, R"(.","span":[0,9]})");
      auto o = ParseRelationLine(line);
      ASSERT_TRUE(o.ok()) << o.status() << " " << line;
      batch.push_back(*std::move(o));
    };
    constexpr int kWidth = 40;
    for (int i = 0; i < kWidth; ++i) {
      add("src", StrCat("a", i), i % 3 == 0);
      add(StrCat("c", i), "dst", i % 5 == 0);
      for (int j = 0; j < kWidth; ++j) {
        add(StrCat("a", i), StrCat("b", j), (i + j) % 4 == 0);
        add(StrCat("b", i), StrCat("c", j), (i * j) % 7 == 0);
      }
    }
    auto r = state_->Ingest(std::move(batch));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  static void Authorize(grpc::ClientContext* ctx, const char* token) {
    ctx->AddMetadata("authorization", std::string("Bearer ") + token);
  }

  static v1::FindPathsRequest HardPathQuery() {
    v1::FindPathsRequest req;
    req.set_from("src");
    req.set_to("dst");
    req.set_k(20);
    req.set_max_hops(8);
    return req;
  }

  TempDir dir_;
  std::unique_ptr<GraphState> state_;
  std::unique_ptr<TokenAuth> auth_;
  std::string log_path_;
  int log_fd_ = -1;
  std::unique_ptr<ServerEnv> env_;
  std::unique_ptr<ActorGraphService> service_;
  std::unique_ptr<AnalyticsService> analytics_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ActorGraph::Stub> stub_;
  std::unique_ptr<v1::Analytics::Stub> analytics_stub_;
};

TEST_F(CallbackServiceTest, CallbackMethodsStillNeedAToken) {
  StartServer(Limits{});
  {  // inline on gRPC's callback thread
    grpc::ClientContext ctx;
    v1::GetActorRequest req;
    req.set_actor("src");
    v1::Actor resp;
    EXPECT_EQ(stub_->GetActor(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {  // on the query pool
    grpc::ClientContext ctx;
    v1::FindPathsResponse resp;
    EXPECT_EQ(stub_->FindPaths(&ctx, HardPathQuery(), &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, "not-a-token");
    v1::GetNeighborhoodRequest req;
    req.set_actor("src");
    v1::GetNeighborhoodResponse resp;
    EXPECT_EQ(analytics_stub_->GetNeighborhood(&ctx, req, &resp).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::GetActorRequest req;
    req.set_actor("src");
    v1::Actor resp;
    grpc::Status s = stub_->GetActor(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.id(), "src");
  }
  {  // NOT_FOUND names the field, as on the sync API
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::ListRelationsRequest req;
    req.set_actor("atlantis");
    v1::ListRelationsResponse resp;
    grpc::Status s = stub_->ListRelations(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(), "actor: no actor \"atlantis\"");
  }
  {  // the sync methods keep their scope checks
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::RetractDocumentRequest req;
    req.set_doc("call-test");
    v1::RetractDocumentResponse resp;
    EXPECT_EQ(stub_->RetractDocument(&ctx, req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(CallbackServiceTest, CallsStillGetAnswersWhileReadsWaitBehindAWriter) {
  StartServer(Limits{});
  // A long reader holds the graph; a writer queues behind it, so (writer preference) every
  // new read waits too, inline GetActor calls included.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> reading;
  std::thread reader([&] {
    state_->Read([&](const ActorGraph&) {
      reading.set_value();
      released.wait();
      return 0;
    });
  });
  reading.get_future().wait();
  std::thread writer([&] {
    auto o = ParseRelationLine(
        R"({"source":"src","target":"dst","kind":"MEET","date":"2020-02-01","doc":"w"})");
    ASSERT_TRUE(o.ok());
    std::vector<Observation> batch;
    batch.push_back(*std::move(o));
    EXPECT_TRUE(state_->Ingest(std::move(batch)).ok());
  });
  std::this_thread::sleep_for(milliseconds(200));  // the writer is waiting for the lock
  std::vector<std::thread> readers;
  std::atomic<int> read_ok{0};
  for (int i = 0; i < 16; ++i) {
    readers.emplace_back([&] {
      grpc::ClientContext ctx;
      Authorize(&ctx, kReadToken);
      v1::GetActorRequest req;
      req.set_actor("src");
      v1::Actor resp;
      if (stub_->GetActor(&ctx, req, &resp).ok()) ++read_ok;
    });
  }
  std::this_thread::sleep_for(milliseconds(200));  // they are all waiting
  // A call that needs no graph still gets through: gRPC's callback threads are not all
  // blocked (ServeInline keeps one free) and the pool grows past its waiting threads.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetActorRequest req;
    req.set_actor("src");
    v1::Actor resp;
    EXPECT_EQ(stub_->GetActor(&ctx, req, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  release.set_value();
  reader.join();
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(read_ok.load(), 16);
}

TEST_F(CallbackServiceTest, ALongPathQueryStopsAtTheServerLimitWithDeadlineExceeded) {
  {  // with the default limit the query completes
    StartServer(Limits{});
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::FindPathsResponse resp;
    grpc::Status s = stub_->FindPaths(&ctx, HardPathQuery(), &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(resp.paths_size(), 0);
  }
  Limits limits;
  limits.max_query_time = milliseconds(0);  // past at the search's first poll
  StartServer(limits);
  grpc::ClientContext ctx;
  Authorize(&ctx, kReadToken);
  v1::FindPathsResponse resp;
  grpc::Status s = stub_->FindPaths(&ctx, HardPathQuery(), &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << s.error_message();
  EXPECT_EQ(s.error_message(), "the query ran past the server's limit of 0 ms");
}

TEST_F(CallbackServiceTest, EveryKindOfMethodLogsOneLineWithTheFields) {
  StartServer(Limits{});
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::GetActorRequest req;
    req.set_actor("src");
    v1::Actor resp;
    ASSERT_TRUE(stub_->GetActor(&ctx, req, &resp).ok());
  }
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, kReadToken);
    v1::FindPathsResponse resp;
    ASSERT_TRUE(stub_->FindPaths(&ctx, HardPathQuery(), &resp).ok());
  }
  {
    grpc::ClientContext ctx;  // no token
    v1::GetStanceRequest req;
    req.set_a("src");
    req.set_b("a1");
    v1::Stance resp;
    EXPECT_FALSE(analytics_stub_->GetStance(&ctx, req, &resp).ok());
  }
  {  // a sync method
    grpc::ClientContext ctx;
    Authorize(&ctx, kWriteToken);
    v1::RetractDocumentRequest req;
    req.set_doc("no-such-doc");
    v1::RetractDocumentResponse resp;
    EXPECT_TRUE(stub_->RetractDocument(&ctx, req, &resp).ok());
  }
  env_->FlushLog();
  const std::string log = ReadAll(log_path_);
  std::vector<std::string> lines = Lines(log);
  ASSERT_EQ(lines.size(), 4u) << log;
  const std::regex shape(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
      "rpc=([A-Za-z]+) code=([A-Z_]+) latency_ms=[0-9]+\\.[0-9]{3} peer=[^ ]+ caller=([^ ]+)");
  const std::vector<std::vector<std::string>> want = {{"GetActor", "OK", "reader"},
                                                      {"FindPaths", "OK", "reader"},
                                                      {"GetStance", "UNAUTHENTICATED", "-"},
                                                      {"RetractDocument", "OK", "writer"}};
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, shape)) << lines[i];
    EXPECT_EQ(m[1], want[i][0]) << lines[i];
    EXPECT_EQ(m[2], want[i][1]) << lines[i];
    EXPECT_EQ(m[3], want[i][2]) << lines[i];
  }
  EXPECT_EQ(log.find(kReadToken), std::string::npos);
  EXPECT_EQ(log.find(kWriteToken), std::string::npos);
}

}  // namespace
}  // namespace actorgraph
