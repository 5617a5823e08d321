#include "server/metrics.h"

#include <map>
#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {

struct Metrics::Impl {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Histogram>* latency = nullptr;
  prometheus::Family<prometheus::Counter>* calls = nullptr;
  prometheus::Gauge* actors = nullptr;
  prometheus::Gauge* observations = nullptr;
  prometheus::Counter* inserted = nullptr;
  prometheus::Counter* duplicates = nullptr;
  std::mutex mu;  // guards the maps of per-method series
  std::map<std::string, prometheus::Histogram*> latency_by_method;
  std::map<std::pair<std::string, int>, prometheus::Counter*> calls_by_code;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& listen) {
  std::unique_ptr<Metrics> m(new Metrics());
  Impl& i = *m->impl_;
  try {
    i.exposer = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  i.latency = &prometheus::BuildHistogram()
                   .Name("actorgraph_rpc_latency_seconds")
                   .Help("Latency of gRPC calls by method")
                   .Register(*i.registry);
  i.calls = &prometheus::BuildCounter()
                 .Name("actorgraph_rpc_total")
                 .Help("gRPC calls by method and status code")
                 .Register(*i.registry);
  auto& size = prometheus::BuildGauge()
                   .Name("actorgraph_graph_size")
                   .Help("Actors and observations held in memory")
                   .Register(*i.registry);
  i.actors = &size.Add({{"what", "actors"}});
  i.observations = &size.Add({{"what", "observations"}});
  auto& ingest = prometheus::BuildCounter()
                     .Name("actorgraph_ingested_total")
                     .Help("Observations offered to ingest, by outcome")
                     .Register(*i.registry);
  i.inserted = &ingest.Add({{"outcome", "inserted"}});
  i.duplicates = &ingest.Add({{"outcome", "duplicate"}});
  i.exposer->RegisterCollectable(i.registry);
  return m;
}

void Metrics::RecordCall(const char* method, int code, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  prometheus::Histogram* h;
  prometheus::Counter* c;
  {
    std::lock_guard lock(impl_->mu);
    auto& hp = impl_->latency_by_method[method];
    if (hp == nullptr) hp = &impl_->latency->Add({{"method", method}}, kBuckets);
    h = hp;
    auto& cp = impl_->calls_by_code[{method, code}];
    if (cp == nullptr) cp = &impl_->calls->Add({{"method", method}, {"code", std::to_string(code)}});
    c = cp;
  }
  h->Observe(seconds);
  c->Increment();
}

void Metrics::SetGraphSize(int64_t actors, int64_t observations) {
  impl_->actors->Set(static_cast<double>(actors));
  impl_->observations->Set(static_cast<double>(observations));
}

void Metrics::AddIngested(int64_t inserted, int64_t duplicates) {
  impl_->inserted->Increment(static_cast<double>(inserted));
  impl_->duplicates->Increment(static_cast<double>(duplicates));
}

int Metrics::port() const {
  auto ports = impl_->exposer->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace actorgraph
