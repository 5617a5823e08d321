#include "server/query_pool.h"

#include <pthread.h>

#include <algorithm>

namespace actorgraph {

QueryPoolOptions QueryPool::Resolve(QueryPoolOptions options) {
  if (options.threads <= 0) {
    options.threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  options.max_threads = std::max(options.max_threads, options.threads);
  return options;
}

QueryPool::QueryPool(QueryPoolOptions options) : options_(Resolve(options)) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < options_.threads; ++i) StartWorkerLocked();
  watchdog_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ag-query-watch");
    WatchLoop();
  });
}

QueryPool::~QueryPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  watch_cv_.notify_all();
  watchdog_.join();
  // No thread starts or leaves the list from here on: the watchdog is gone and workers only
  // mark themselves done.
  for (Worker& w : workers_) w.thread.join();
}

void QueryPool::Run(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  work_cv_.notify_one();
}

int QueryPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_;
}

void QueryPool::StartWorkerLocked() {
  ++threads_;
  Worker* w = &workers_.emplace_back();
  w->thread = std::thread([this, w] {
    pthread_setname_np(pthread_self(), "ag-query");
    WorkLoop(w);
  });
}

void QueryPool::WorkLoop(Worker* self) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (stop_) break;
      ++idle_;
      const bool woken =
          work_cv_.wait_for(lock, options_.idle, [&] { return !queue_.empty() || stop_; });
      --idle_;
      if (!woken && threads_ > options_.threads) break;  // an extra thread that is not needed
      continue;
    }
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // its captures die outside the lock
    lock.lock();
    ++completed_;
  }
  --threads_;
  self->done = true;
}

void QueryPool::WatchLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t seen = completed_;
  while (!stop_) {
    watch_cv_.wait_for(lock, options_.stall, [&] { return stop_; });
    if (stop_) break;
    // Reap threads that left (they no longer touch mu_ once done is set).
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
    // Work waits, nothing finished for a whole period and no thread is free: every thread is
    // busy with something long. One more thread, so the queue keeps moving.
    if (!queue_.empty() && completed_ == seen && idle_ == 0 && threads_ < options_.max_threads) {
      StartWorkerLocked();
    }
    seen = completed_;
  }
}

}  // namespace actorgraph
