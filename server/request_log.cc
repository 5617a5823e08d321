#include "server/request_log.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

namespace actorgraph {
namespace {

// Writes all of `data`; gives up on an error other than EINTR (a closed stderr must not stop
// the server).
void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// A batch is written early once this many bytes wait.
constexpr size_t kBatchBytes = 64 << 10;

}  // namespace

RequestLog::RequestLog(int fd, std::chrono::milliseconds batch_delay)
    : fd_(fd), batch_delay_(batch_delay) {
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ag-request-log");
    WriterLoop();
  });
}

RequestLog::~RequestLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_writer_.notify_one();
  writer_.join();
}

void RequestLog::Add(std::string_view text) {
  std::unique_lock<std::mutex> lock(mu_);
  written_cv_.wait(lock, [&] { return pending_.size() < kMaxPendingBytes || stop_; });
  const bool was_empty = pending_.empty();
  pending_.append(text);
  ++added_;
  const bool full = pending_.size() >= kBatchBytes;
  lock.unlock();
  // One wake-up per batch: the writer only sleeps on an empty buffer or while it gathers.
  if (was_empty || full) wake_writer_.notify_one();
}

void RequestLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = added_;
  if (written_ >= target) return;
  ++flushers_;
  wake_writer_.notify_one();
  written_cv_.wait(lock, [&] { return written_ >= target; });
  --flushers_;
}

void RequestLog::WriterLoop() {
  std::string batch;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_writer_.wait(lock, [&] { return !pending_.empty() || stop_; });
    if (pending_.empty()) break;  // stopping, and everything is written
    // Gather more lines for a while unless someone waits for them.
    wake_writer_.wait_for(lock, batch_delay_,
                          [&] { return stop_ || flushers_ > 0 || pending_.size() >= kBatchBytes; });
    batch.swap(pending_);  // pending_ takes the old batch's (empty) buffer
    const uint64_t upto = added_;
    lock.unlock();
    WriteAll(fd_, batch);
    batch.clear();
    lock.lock();
    written_ = upto;
    written_cv_.notify_all();
  }
}

}  // namespace actorgraph
