// A reader/writer lock that prefers writers. glibc's default rwlock (behind
// std::shared_mutex) prefers readers, so a steady stream of queries can starve ingest
// forever; the stress test showed exactly that. With writer preference a waiting writer
// blocks new readers, so it gets in after the queries already running finish.
// Meets the SharedMutex requirements (std::shared_lock / std::unique_lock work with it).
#ifndef ACTORGRAPH_SERVER_RW_LOCK_H_
#define ACTORGRAPH_SERVER_RW_LOCK_H_

#include <pthread.h>

namespace actorgraph {

class WriterPreferringRwLock {
 public:
  WriterPreferringRwLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~WriterPreferringRwLock() { pthread_rwlock_destroy(&lock_); }
  WriterPreferringRwLock(const WriterPreferringRwLock&) = delete;
  WriterPreferringRwLock& operator=(const WriterPreferringRwLock&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_RW_LOCK_H_
