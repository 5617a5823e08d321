#include "server/call.h"

#include "server/convert.h"

#include <cstdio>
#include <ctime>

#include "graph/strings.h"
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

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  return buf;
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

grpc::Status ServerEnv::Handle(grpc::ServerContext* ctx, const char* method, Scope scope,
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
  if (log_) {  // peer() needs a real call: only ask when logging
    // One line per request; no request bodies or tokens, only the token's label.
    std::fprintf(stderr, "%s rpc=%s code=%s latency_ms=%.3f peer=%s caller=%s\n",
                 Timestamp().c_str(), method, CodeName(static_cast<int>(status.code())),
                 seconds * 1000, ctx->peer().c_str(), caller.c_str());
  }
  return ToGrpc(status);
}

std::function<bool()> ServerEnv::Canceller(grpc::ServerContext* ctx) const {
  auto deadline = std::chrono::steady_clock::now() + limits_.max_query_time;
  // Polled from inside long searches: cheap checks only.
  return [ctx, deadline] {
    return (ctx != nullptr && ctx->IsCancelled()) || std::chrono::steady_clock::now() > deadline;
  };
}

absl::Status ServerEnv::QueryStatus(const absl::Status& s, grpc::ServerContext* ctx) const {
  if (s.code() != absl::StatusCode::kCancelled || (ctx != nullptr && ctx->IsCancelled())) return s;
  return absl::DeadlineExceededError(StrCat("the query ran past the server's limit of ",
                                            limits_.max_query_time.count(), " ms"));
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
