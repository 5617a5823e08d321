// RequestLog: the server's one-line-per-request log, written by one background thread so a
// request thread only formats its line and copies it into a shared buffer under a short
// lock (no system call, no allocation once the buffers have grown). Thread-safe.
#ifndef ACTORGRAPH_SERVER_REQUEST_LOG_H_
#define ACTORGRAPH_SERVER_REQUEST_LOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace actorgraph {

class RequestLog {
 public:
  // Writes to `fd` (not owned; it must stay open until the destructor returns). The writer
  // gathers lines for up to `batch_delay` before one write().
  explicit RequestLog(int fd, std::chrono::milliseconds batch_delay = std::chrono::milliseconds(5));
  // Writes every line added so far, then stops the writer thread.
  ~RequestLog();

  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  // Queues whole lines (`text` ends with '\n'). Lines are written in the order they were
  // added and never interleave with each other. Blocks only while more than kMaxPendingBytes
  // wait for a writer that cannot keep up (the old unbuffered log blocked on every line).
  void Add(std::string_view text);
  // Returns once every line added before the call has been handed to write().
  void Flush();

  static constexpr size_t kMaxPendingBytes = size_t{4} << 20;

 private:
  void WriterLoop();

  const int fd_;
  const std::chrono::milliseconds batch_delay_;
  std::mutex mu_;
  std::condition_variable wake_writer_;  // lines arrived, a flush or stop was asked for
  std::condition_variable written_cv_;   // a batch was written (Flush, backpressure)
  std::string pending_;                  // guarded by mu_
  uint64_t added_ = 0;                   // lines added; guarded by mu_
  uint64_t written_ = 0;                 // lines written; guarded by mu_
  int flushers_ = 0;                     // threads waiting in Flush; guarded by mu_
  bool stop_ = false;                    // guarded by mu_
  std::thread writer_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_REQUEST_LOG_H_
