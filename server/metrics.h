// Prometheus metrics on a separate loopback HTTP port (Debian's prometheus-cpp): per-RPC
// latency histograms and counts by code, graph size, ingest counts. prometheus-cpp headers
// stay in metrics.cc. Thread-safe.
#ifndef ACTORGRAPH_SERVER_METRICS_H_
#define ACTORGRAPH_SERVER_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace actorgraph {

class Metrics {
 public:
  // Serves /metrics on `listen` ("127.0.0.1:9464"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& listen);
  ~Metrics();

  void RecordCall(const char* method, int code, double seconds);
  void SetGraphSize(int64_t actors, int64_t observations);
  void AddIngested(int64_t inserted, int64_t duplicates);
  // The bound port.
  int port() const;

 private:
  Metrics();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_METRICS_H_
