#include "server/call.h"

#include <grpc/grpc.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <thread>

#include "graph/strings.h"
#include "server/convert.h"
#include "server/metrics.h"

namespace actorgraph {
namespace {

const char* CodeName(int code) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                                 "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                 "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                 "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

// Appends the UTC time as 2026-11-28T09:04:05.123Z. The part up to the seconds is formatted
// once per second per thread (gmtime_r takes glibc's time-zone lock).
void AppendTimestamp(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[64];
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  if (t != cached_second) {
    std::tm tm;
    gmtime_r(&t, &tm);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = t;
  }
  out.append(cached);
  const char frac[] = {'.', static_cast<char>('0' + ms / 100),
                       static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10),
                       'Z'};
  out.append(frac, sizeof frac);
}

}  // namespace

absl::Status ToAbsl(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message().data(), s.message().size()));
}

ServerEnv::ServerEnv(GraphState* state, Limits limits, const TokenAuth* auth, Metrics* metrics,
                     bool log_requests, int log_fd, QueryPoolOptions pool)
    : state_(state),
      limits_(limits),
      auth_(auth),
      metrics_(metrics),
      // gRPC 1.51 starts max(2, cores / 2), at most 16, callback threads (see call.h).
      max_inline_calls_(
          std::clamp(static_cast<int>(std::thread::hardware_concurrency()) / 2, 2, 16) - 1),
      log_(log_requests ? std::make_unique<RequestLog>(log_fd) : nullptr),
      pool_(pool) {}

grpc::Status ServerEnv::Handle(grpc::ServerContextBase* ctx, const char* method, Scope scope,
                               const std::function<absl::Status()>& fn) {
  auto start = std::chrono::steady_clock::now();
  std::string caller = "-";
  absl::Status status;
  if (!state_->ready()) {
    status = absl::UnavailableError("the server is still loading its database; retry shortly");
  } else if (auth_ != nullptr) {
    std::string_view authorization;
    auto it = ctx->client_metadata().find("authorization");
    if (it != ctx->client_metadata().end()) authorization = {it->second.data(), it->second.size()};
    auto label = auth_->Check(authorization, scope);
    if (label.ok()) {
      caller = *label;
    } else {
      status = label.status();
    }
  }
  if (status.ok()) {
    // Responses fill in the evidence sentences the graph keeps on disk (GraphState::Load).
    const SentenceReader reader = [this](int64_t row) {
      auto sentences = state_->ReadSentences({row});
      return sentences.ok() ? std::move((*sentences)[0]) : std::string();
    };
    SentenceSource source(&reader);
    status = fn();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (metrics_ != nullptr) metrics_->RecordCall(method, static_cast<int>(status.code()), seconds);
  if (log_ != nullptr) LogRequest(ctx, method, status, seconds, caller);
  return ToGrpc(status);
}

void ServerEnv::LogRequest(grpc::ServerContextBase* ctx, const char* method,
                           const absl::Status& status, double seconds, const std::string& caller) {
  // One line per request; no request bodies or tokens, only the token's label. Formatted into
  // this thread's buffer; RequestLog's thread does the write().
  thread_local std::string line;
  line.clear();
  AppendTimestamp(line);
  line.append(" rpc=").append(method);
  line.append(" code=").append(CodeName(static_cast<int>(status.code())));
  char latency[32];
  int n = std::snprintf(latency, sizeof latency, " latency_ms=%.3f", seconds * 1000);
  line.append(latency, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof latency) - 1)));
  line.append(" peer=");
  // What ctx->peer() returns, without its extra copy.
  if (grpc_call* call = ctx->c_call()) {
    char* peer = grpc_call_get_peer(call);
    line.append(peer);
    gpr_free(peer);
  }
  line.append(" caller=").append(caller).append("\n");
  log_->Add(line);
}

void ServerEnv::FlushLog() {
  if (log_ != nullptr) log_->Flush();
}

grpc::ServerUnaryReactor* ServerEnv::ServeInline(grpc::CallbackServerContext* ctx,
                                                 const char* method, Scope scope,
                                                 std::function<absl::Status()> fn) {
  if (inline_calls_.fetch_add(1, std::memory_order_acq_rel) >= max_inline_calls_) {
    inline_calls_.fetch_sub(1, std::memory_order_acq_rel);
    return ServeOnPool(ctx, method, scope, std::move(fn));
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(Handle(ctx, method, scope, fn));
  inline_calls_.fetch_sub(1, std::memory_order_acq_rel);
  return reactor;
}

grpc::ServerUnaryReactor* ServerEnv::ServeOnPool(grpc::CallbackServerContext* ctx,
                                                 const char* method, Scope scope,
                                                 std::function<absl::Status()> fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  // The call (context, request, response) stays alive until Finish; Server::Shutdown waits
  // for it, and the pool outlives the server (ServerEnv is destroyed after it).
  pool_.Run([this, ctx, method, scope, reactor, fn = std::move(fn)] {
    reactor->Finish(Handle(ctx, method, scope, fn));
  });
  return reactor;
}

std::function<bool()> ServerEnv::Canceller(grpc::ServerContextBase* ctx) const {
  auto deadline = std::chrono::steady_clock::now() + limits_.max_query_time;
  // Polled from inside long searches: cheap checks only.
  return [ctx, deadline] {
    return (ctx != nullptr && ctx->IsCancelled()) || std::chrono::steady_clock::now() > deadline;
  };
}

absl::Status ServerEnv::QueryStatus(const absl::Status& s, grpc::ServerContextBase* ctx) const {
  if (s.code() != absl::StatusCode::kCancelled || (ctx != nullptr && ctx->IsCancelled())) return s;
  return absl::DeadlineExceededError(
      StrCat("the query ran past the server's limit of ", limits_.max_query_time.count(), " ms"));
}

void ServerEnv::RecordIngest(int64_t inserted, int64_t duplicates) {
  if (metrics_ != nullptr) metrics_->AddIngested(inserted, duplicates);
}

bool ServerEnv::AcquireStream() {
  if (streams_.fetch_add(1) >= limits_.max_streams) {
    streams_.fetch_sub(1);
    return false;
  }
  return true;
}

void ServerEnv::ReleaseStream() { streams_.fetch_sub(1); }

}  // namespace actorgraph
