// actorgraph-loadgen: a load generator for a running actorgraph-server, over the async gRPC
// API (one CompletionQueue per client thread, N calls outstanding).
//
// Phases, each optional:
//   1. seed     UpsertActors a0..a<A-1>, then stream a synthetic graph of M observations in
//               over IngestRelations (S parallel client streams, batches of B), and report
//               durable ingest throughput in observations/s (a stream's answer comes only
//               once every batch of it has committed).
//   2. workload closed loop: --concurrency calls outstanding, each completion issues the
//               next; random actors and pairs drawn from the seeded id space. Per RPC:
//               completed calls, errors by status code, calls/s, latency p50/p90/p99/max.
//   3. writer   (with the workload) one more stream of fresh observations at --writer-rate
//               obs/s (0 = as fast as the server takes them), one IngestRelations call per
//               --writer-batches batches; reports the achieved obs/s.
//
// The graph comes from tools/synth (actorgraph_synth) with benchmarks/synthetic_graph.h's
// settings by default (uniform actors, no drift: the graph of benchmarks/RESULTS.md) but with
// evidence sentences and URLs: actor ids "a<i>", actor i in planted bloc i % blocs, positive
// kinds inside a bloc and negative across, flipped with probability --noise. The same flags
// give the same graph, so a seeded server and a later workload agree on the id space.
//
// Run it with benchmarks/run_load.sh (builds, starts a server on a free port, seeds, sweeps),
// or by hand:
//   build/bin/actorgraph-server --no-seed --quiet --db /tmp/lg.db --listen 127.0.0.1:50099 &
//   build/bin/actorgraph-loadgen --server 127.0.0.1:50099 --seed --seed-actors 100000
//       --seed-observations 1000000                                          (one line)
//   build/bin/actorgraph-loadgen --server 127.0.0.1:50099 --actors 100000 --rpc mix
//       --concurrency 16 --duration 10 --warmup 2 --writer-rate 2000 [--json]    (one line)
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "actorgraph/v1/actorgraph.grpc.pb.h"
#include "actorgraph/v1/analytics.grpc.pb.h"
#include "graph/types.h"
#include "server/convert.h"
#include "tools/synth/synth.h"

namespace actorgraph::loadgen {
namespace {

namespace v1 = ::actorgraph::v1;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

constexpr char kUsage[] = R"(usage: actorgraph-loadgen [flags]

Connection:
  --server ADDR              server address (default 127.0.0.1:50051)
  --port-file FILE           read the port from FILE (as written by actorgraph-server
                             --port-file) and connect to 127.0.0.1:PORT
  --token T                  send "authorization: Bearer T" (servers with --token-file)
  --channels C               gRPC channels (separate TCP connections; default 1)
  --threads T                client threads, one CompletionQueue each (default 1)
  --timeout S                per-call deadline in seconds (default 10)
Synthetic graph (the seed, and the id space the workload draws from):
  --actors N                 actor id space a0..a<N-1> (default: --seed-actors, else 100000)
  --blocs N                  planted blocs (default 10)
  --within P                 share of relations inside the source's bloc (default 0.5)
  --noise P                  share of relations with the other sign (default 0.1)
  --drift P                  share of actor pairs that change sign once (default 0)
  --zipf A                   activity exponent; 0 = uniform actors (default 0, as in
                             benchmarks/synthetic_graph.h, so figures compare with
                             benchmarks/RESULTS.md)
  --no-evidence              no sentences and URLs (documents and spans are still set)
  --seed-value S             random seed (default 1)
Seeding:
  --seed                     run the seed phase
  --seed-actors N            actors to upsert first (default 100000; 0 = let ingest create them)
  --seed-observations M      observations to ingest (default 1000000)
  --seed-batch B             relations per IngestRelations message (default 1000)
  --seed-streams S           parallel IngestRelations streams (default 1)
  --seed-first I             index of the first observation (default 0): seed in parts, or
                             ingest a part the server does not hold yet
Workload:
  --rpc NAME                 GetActor|ListRelations|FindPaths|GetNeighborhood|mix, or Health
                             (grpc.health.v1 Check: the cost of an empty call); no --rpc:
                             no workload
  --mix W,W,W,W              mix weights for GetActor,ListRelations,FindPaths,GetNeighborhood
                             (default 50,20,20,10)
  --concurrency N            calls outstanding at any time, over all threads (default 8)
  --duration S               measured seconds (default 10)
  --warmup S                 seconds run but not measured first (default 2)
  --k N                      FindPaths paths per query (default 1)
  --max-hops N               FindPaths max hops (default 0 = server default, 4)
  --radius N                 GetNeighborhood radius (default 1)
  --max-nodes N              GetNeighborhood node cap (default 0 = server default, 100)
  --page-size N              ListRelations page size (default 0 = server default, 100)
Writer (runs alongside the workload):
  --writer                   ingest fresh observations while the readers run
  --writer-rate R            target observations/s (default 0 = as fast as possible);
                             implies --writer
  --writer-batch B           relations per message (default 100)
  --writer-batches K         messages per IngestRelations call (default 1)
Output:
  --json                     print one JSON object (one line) instead of the tables
  --server-pid PID           also report the server's CPU use and thread count over the
                             measured window (read from /proc)
  --label TEXT               copied into the output, to tell runs apart
)";

// ---------------------------------------------------------------------------------------
// Options

// The read RPCs first (the first kNumMixRpcs take part in --rpc mix), then the writer's.
enum class Rpc { kGetActor, kListRelations, kFindPaths, kGetNeighborhood, kHealth, kIngest };
constexpr int kNumMixRpcs = 4;
constexpr int kNumReadRpcs = 5;
constexpr int kNumRpcs = 6;
constexpr const char* kRpcNames[kNumRpcs] = {"GetActor",        "ListRelations", "FindPaths",
                                             "GetNeighborhood", "Health",        "IngestRelations"};

struct Options {
  std::string server = "127.0.0.1:50051";
  std::string token;
  int channels = 1;
  int threads = 1;
  double timeout_s = 10;

  int64_t actors = -1;  // -1: from seed_actors
  int blocs = 10;
  double within = 0.5;
  double noise = 0.1;
  double drift = 0;
  double zipf = 0;
  bool evidence = true;
  uint64_t seed_value = 1;

  bool seed = false;
  int64_t seed_actors = 100'000;
  int64_t seed_observations = 1'000'000;
  int seed_batch = 1000;
  int seed_streams = 1;
  int64_t seed_first = 0;

  std::string rpc;  // empty: no workload
  double mix[kNumMixRpcs] = {50, 20, 20, 10};
  int concurrency = 8;
  double duration_s = 10;
  double warmup_s = 2;
  int k = 1;
  int max_hops = 0;
  int radius = 1;
  int max_nodes = 0;
  int page_size = 0;

  bool writer = false;
  double writer_rate = 0;
  int writer_batch = 100;
  int writer_batches = 1;

  bool json = false;
  int server_pid = 0;
  std::string label;
};

int UsageError(const std::string& msg) {
  std::cerr << "actorgraph-loadgen: " << msg << "\n\n" << kUsage;
  return 2;
}

template <typename T>
bool ParseNumber(const std::string& text, T lo, T hi, T* out) {
  std::istringstream in(text);
  T v;
  if (!(in >> v) || !in.eof() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ReadPortFile(const std::string& path, std::string* server) {
  std::ifstream in(path);
  int port = 0;
  if (!(in >> port) || port <= 0 || port > 65535) return false;
  *server = "127.0.0.1:" + std::to_string(port);
  return true;
}

synth::SynthSpec GraphSpec(const Options& o);

// Returns -1 to go on, else the exit code (0 for --help).
int ParseFlags(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string v;
    auto value = [&]() {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    auto integer = [&](auto lo, auto hi, auto* out) {
      return value() && ParseNumber<std::remove_pointer_t<decltype(out)>>(v, lo, hi, out);
    };
    auto real = [&](double lo, double hi, double* out) {
      return value() && ParseNumber<double>(v, lo, hi, out);
    };
    bool ok = true;
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--server") {
      ok = value();
      o.server = v;
    } else if (a == "--port-file") {
      ok = value() && ReadPortFile(v, &o.server);
    } else if (a == "--token") {
      ok = value();
      o.token = v;
    } else if (a == "--channels") {
      ok = integer(1, 1024, &o.channels);
    } else if (a == "--threads") {
      ok = integer(1, 256, &o.threads);
    } else if (a == "--timeout") {
      ok = real(0.001, 3600, &o.timeout_s);
    } else if (a == "--actors") {
      ok = integer(int64_t{2}, int64_t{1} << 40, &o.actors);
    } else if (a == "--blocs") {
      ok = integer(2, 1 << 20, &o.blocs);
    } else if (a == "--within") {
      ok = real(0, 1, &o.within);
    } else if (a == "--noise") {
      ok = real(0, 1, &o.noise);
    } else if (a == "--drift") {
      ok = real(0, 1, &o.drift);
    } else if (a == "--zipf") {
      ok = real(0, 10, &o.zipf);
    } else if (a == "--no-evidence") {
      o.evidence = false;
    } else if (a == "--seed-value") {
      ok = integer(uint64_t{0}, UINT64_MAX, &o.seed_value);
    } else if (a == "--seed") {
      o.seed = true;
    } else if (a == "--seed-actors") {
      ok = integer(int64_t{0}, int64_t{1} << 40, &o.seed_actors);
    } else if (a == "--seed-observations") {
      ok = integer(int64_t{0}, int64_t{1} << 40, &o.seed_observations);
    } else if (a == "--seed-batch") {
      ok = integer(1, 1'000'000, &o.seed_batch);
    } else if (a == "--seed-streams") {
      ok = integer(1, 256, &o.seed_streams);
    } else if (a == "--seed-first") {
      ok = integer(int64_t{0}, int64_t{1} << 40, &o.seed_first);
    } else if (a == "--rpc") {
      ok = value();
      o.rpc = v;
    } else if (a == "--mix") {
      ok = value();
      std::istringstream in(v);
      std::string part;
      int n = 0;
      while (ok && std::getline(in, part, ',')) {
        ok = n < kNumMixRpcs && ParseNumber<double>(part, 0, 1e9, &o.mix[n++]);
      }
      ok = ok && n == kNumMixRpcs && o.mix[0] + o.mix[1] + o.mix[2] + o.mix[3] > 0;
    } else if (a == "--concurrency") {
      ok = integer(1, 100'000, &o.concurrency);
    } else if (a == "--duration") {
      ok = real(0, 86400, &o.duration_s);
    } else if (a == "--warmup") {
      ok = real(0, 86400, &o.warmup_s);
    } else if (a == "--k") {
      ok = integer(1, 20, &o.k);
    } else if (a == "--max-hops") {
      ok = integer(0, 8, &o.max_hops);
    } else if (a == "--radius") {
      ok = integer(1, 4, &o.radius);
    } else if (a == "--max-nodes") {
      ok = integer(0, 1'000'000, &o.max_nodes);
    } else if (a == "--page-size") {
      ok = integer(0, 100'000, &o.page_size);
    } else if (a == "--writer") {
      o.writer = true;
    } else if (a == "--writer-rate") {
      ok = real(0, 1e9, &o.writer_rate);
      o.writer = true;
    } else if (a == "--writer-batch") {
      ok = integer(1, 1'000'000, &o.writer_batch);
    } else if (a == "--writer-batches") {
      ok = integer(1, 1'000'000, &o.writer_batches);
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--server-pid") {
      ok = integer(1, 1 << 30, &o.server_pid);
    } else if (a == "--label") {
      ok = value();
      o.label = v;
    } else {
      return UsageError("unknown argument \"" + a + "\"");
    }
    if (!ok) return UsageError(a + " needs a valid value");
  }
  if (o.actors < 0) o.actors = o.seed_actors > 1 ? o.seed_actors : 100'000;
  if (o.seed && o.seed_actors > o.actors)
    return UsageError("--seed-actors must not exceed --actors");
  if (auto s = synth::ValidateSpec(GraphSpec(o)); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  if (!o.rpc.empty() && o.rpc != "mix" &&
      std::find(kRpcNames, kRpcNames + kNumReadRpcs, o.rpc) == kRpcNames + kNumReadRpcs) {
    return UsageError("--rpc: unknown RPC \"" + o.rpc + "\"");
  }
  if (o.writer && o.rpc.empty())
    return UsageError("--writer runs alongside a workload: give --rpc");
  if (o.concurrency < o.threads) return UsageError("--concurrency must be at least --threads");
  return -1;
}

// ---------------------------------------------------------------------------------------
// Randomness and the synthetic graph

// SplitMix64: small, fast, and good enough to draw actors and coins.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

using synth::ActorId;

// The synthetic graph the flags describe (seed_first + seed_observations observations).
synth::SynthSpec GraphSpec(const Options& o) {
  synth::SynthSpec spec;
  spec.actors = static_cast<uint64_t>(o.actors);
  spec.observations = static_cast<uint64_t>(o.seed_first + o.seed_observations);
  spec.blocs = static_cast<uint32_t>(o.blocs);
  spec.within = o.within;
  spec.noise = o.noise;
  spec.drift = o.drift;
  spec.zipf = o.zipf;
  spec.evidence = o.evidence;
  spec.seed = o.seed_value;
  return spec;
}

// The observations of a synthetic graph as wire relations, in stream order. With a
// `doc_prefix`, documents are renamed and ids left to the server, so that they are new to a
// server seeded from the same spec. Thread-compatible.
class RelationSource {
 public:
  RelationSource(const synth::SynthSpec& spec, std::string doc_prefix)
      : stream_(spec), prefix_(std::move(doc_prefix)) {}

  // Fills `r` with the next relation; false once the spec's observations are all out.
  bool Next(v1::Relation* r) {
    if (!stream_.Next(o_)) return false;
    if (!prefix_.empty()) o_.evidence.doc = prefix_ + std::string(o_.evidence.doc);
    ToProto(o_, r);
    if (!prefix_.empty()) r->clear_id();
    return true;
  }

 private:
  synth::ObservationStream stream_;
  std::string prefix_;
  Observation o_;
};

// ---------------------------------------------------------------------------------------
// Statistics

// Latencies and status codes of one RPC. Not thread-safe: one per client thread, merged.
struct RpcStats {
  std::vector<int64_t> latencies_ns;  // successful and failed calls alike
  std::map<int, int64_t> codes;       // gRPC status code -> calls
  int64_t ok = 0;
  int64_t observations = 0;  // IngestRelations only: observations newly stored

  void Record(const grpc::Status& s, Clock::duration latency) {
    latencies_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
    ++codes[s.error_code()];
    if (s.ok()) ++ok;
  }
  void Merge(const RpcStats& o) {
    latencies_ns.insert(latencies_ns.end(), o.latencies_ns.begin(), o.latencies_ns.end());
    for (const auto& [code, n] : o.codes) codes[code] += n;
    ok += o.ok;
    observations += o.observations;
  }
  int64_t calls() const { return static_cast<int64_t>(latencies_ns.size()); }
};

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));  // same numbering
}

// What a process got from the CPUs, from /proc: CPU time (user + system, all threads, also
// those that ended) and, per live thread, the time it was runnable but waited for a CPU (the
// schedstat run-queue delay): on a shared machine the latter is what other processes took
// from it. Thread count at the time of the sample.
struct Usage {
  double cpu_s = NAN;
  std::map<std::string, double> wait_s;  // thread id -> run-queue delay so far
  int threads = -1;
};

// Run-queue delay between two samples, over the threads alive at `to` (a thread that ended
// in between is not counted: an underestimate, never negative).
double WaitBetween(const Usage& from, const Usage& to) {
  double sum = 0;
  for (const auto& [tid, wait] : to.wait_s) {
    auto it = from.wait_s.find(tid);
    sum += wait - (it == from.wait_s.end() ? 0 : it->second);
  }
  return sum;
}

// `pid` 0 = this process.
Usage SampleUsage(int pid) {
  Usage u;
  const std::string dir = pid > 0 ? "/proc/" + std::to_string(pid) : "/proc/self";
  std::ifstream stat(dir + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return u;
  // Fields after the command name (which may hold spaces) start after the last ')'; utime,
  // stime and num_threads are fields 14, 15 and 20.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int f = 3; f <= 20 && rest >> field; ++f) {
    if (f == 14 || f == 15) ticks += std::stod(field);
    if (f == 20) u.threads = std::stoi(field);
  }
  u.cpu_s = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(dir + "/task", ec)) {
    std::ifstream sched(task.path() / "schedstat");
    double run = 0, wait = 0;
    if (sched >> run >> wait) u.wait_s[task.path().filename().string()] = wait * 1e-9;
  }
  return u;
}

// Usage of this process and of the server (when its pid is known) over a window, in cores
// (seconds per second of the window).
class UsageMeter {
 public:
  explicit UsageMeter(int server_pid)
      : server_pid_(server_pid),
        self0_(SampleUsage(0)),
        server0_(server_pid > 0 ? SampleUsage(server_pid) : Usage()) {}

  // Fills `out` with {loadgen,server}_{cpu,cpu_wait}_cores and server_threads over the
  // `seconds` since construction.
  void Report(double seconds, Json& out) const {
    const Usage self1 = SampleUsage(0);
    out["loadgen_cpu_cores"] = (self1.cpu_s - self0_.cpu_s) / seconds;
    out["loadgen_cpu_wait_cores"] = WaitBetween(self0_, self1) / seconds;
    if (server_pid_ <= 0) return;
    const Usage server1 = SampleUsage(server_pid_);
    out["server_cpu_cores"] = (server1.cpu_s - server0_.cpu_s) / seconds;
    out["server_cpu_wait_cores"] = WaitBetween(server0_, server1) / seconds;
    out["server_threads"] = server1.threads;
  }

 private:
  int server_pid_;
  Usage self0_, server0_;
};

// One line for the tables: "CPU: loadgen 0.40 cores (+0.10 waiting), server ...".
std::string UsageLine(const Json& j) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "CPU: loadgen %.2f cores (waited %.2f)",
                        j.value("loadgen_cpu_cores", NAN), j.value("loadgen_cpu_wait_cores", NAN));
  if (j.contains("server_cpu_cores") && n > 0 && n < static_cast<int>(sizeof buf)) {
    std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n),
                  ", server %.2f cores (waited %.2f; %d threads)", j.value("server_cpu_cores", NAN),
                  j.value("server_cpu_wait_cores", NAN), j.value("server_threads", -1));
  }
  return std::string(buf) + "  [waited = runnable, but another process had the CPU]";
}

// ---------------------------------------------------------------------------------------
// Connections

struct Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ActorGraph::Stub> graph;
  std::unique_ptr<v1::Analytics::Stub> analytics;
  std::unique_ptr<grpc::GenericStub> generic;
};

std::vector<Connection> Connect(const Options& o, int count) {
  std::vector<Connection> out;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without a local pool, channels with equal arguments share one subchannel (one TCP
    // connection), which would defeat --channels.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(-1);
    Connection c;
    c.channel = grpc::CreateCustomChannel(o.server, grpc::InsecureChannelCredentials(), args);
    c.graph = v1::ActorGraph::NewStub(c.channel);
    c.analytics = v1::Analytics::NewStub(c.channel);
    c.generic = std::make_unique<grpc::GenericStub>(c.channel);
    out.push_back(std::move(c));
  }
  return out;
}

bool WaitConnected(const std::vector<Connection>& conns, double seconds) {
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  for (const Connection& c : conns) {
    if (!c.channel->WaitForConnected(deadline)) return false;
  }
  return true;
}

// Adds the token (if any) and a deadline of `timeout_s` to a call's context.
void SetUpContext(const Options& o, grpc::ClientContext* ctx, double timeout_s) {
  if (!o.token.empty()) ctx->AddMetadata("authorization", "Bearer " + o.token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000)));
}

// ---------------------------------------------------------------------------------------
// Ingest: one client stream per thread, driven through its own CompletionQueue.

struct IngestOutcome {
  grpc::Status status;
  v1::IngestRelationsResponse response;
  Clock::time_point last_write;  // when the last message was handed to the stream
};

// Streams `batches` (produced by next(), which returns false when done) as one
// IngestRelations call and waits for the server's answer. The CompletionQueue API allows one
// outstanding write per stream: each write waits for the previous one to be taken by the
// transport, and HTTP/2 flow control keeps the stream from running ahead of the server.
template <typename NextBatch>
IngestOutcome StreamBatches(const Options& o, v1::ActorGraph::Stub* stub, double timeout_s,
                            NextBatch next) {
  IngestOutcome out;
  grpc::ClientContext ctx;
  SetUpContext(o, &ctx, timeout_s);
  grpc::CompletionQueue cq;
  auto stream = stub->PrepareAsyncIngestRelations(&ctx, &out.response, &cq);
  void* tag;
  bool ok = false;
  auto wait = [&]() { return cq.Next(&tag, &ok) && ok; };
  stream->StartCall(reinterpret_cast<void*>(1));
  bool open = wait();
  const v1::IngestRelationsRequest* batch = nullptr;
  while (open && (batch = next()) != nullptr) {
    out.last_write = Clock::now();
    stream->Write(*batch, reinterpret_cast<void*>(2));
    open = wait();
  }
  if (open) {
    stream->WritesDone(reinterpret_cast<void*>(3));
    wait();
  }
  stream->Finish(&out.status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return out;
}

struct SeedResult {
  int64_t actors_upserted = 0;
  double actors_seconds = 0;
  double generate_seconds = 0;
  double ingest_seconds = 0;
  int64_t observations_sent = 0;
  int64_t inserted = 0, duplicates = 0, actors_created = 0, batches = 0;
  Json usage = Json::object();  // UsageMeter::Report over the ingest
  std::vector<std::string> errors;
};

SeedResult Seed(const Options& o, std::vector<Connection>& conns) {
  const synth::SynthSpec spec = GraphSpec(o);
  SeedResult r;
  // Actors first, in messages of 10 000 (the server's default --max-batch).
  auto t0 = Clock::now();
  for (int64_t first = 0; first < o.seed_actors; first += 10'000) {
    v1::UpsertActorsRequest req;
    for (int64_t i = first; i < std::min(o.seed_actors, first + 10'000); ++i) {
      ToProto(synth::MakeActor(spec, static_cast<uint64_t>(i)), 0, req.add_actors());
    }
    grpc::ClientContext ctx;
    SetUpContext(o, &ctx, o.timeout_s * 10);
    v1::UpsertActorsResponse resp;
    grpc::Status s = conns[0].graph->UpsertActors(&ctx, req, &resp);
    if (!s.ok()) {
      r.errors.push_back("UpsertActors: " + CodeName(s.error_code()) + ": " + s.error_message());
      return r;
    }
    r.actors_upserted += resp.created() + resp.updated();
  }
  r.actors_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  // Generate every batch before the clock starts, so the figure is the server's (and the
  // wire's) speed, not the generator's. Stream s sends batches s, s+S, s+2S, ...
  t0 = Clock::now();
  const int64_t n_batches = (o.seed_observations + o.seed_batch - 1) / o.seed_batch;
  std::vector<v1::IngestRelationsRequest> batches(static_cast<size_t>(n_batches));
  {
    RelationSource source(spec, "");
    v1::Relation skipped;
    for (int64_t i = 0; i < o.seed_first; ++i) source.Next(&skipped);
    for (int64_t i = 0; i < o.seed_observations; ++i) {
      source.Next(batches[static_cast<size_t>(i / o.seed_batch)].add_relations());
    }
  }
  r.generate_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.observations_sent = o.seed_observations;

  const UsageMeter meter(o.server_pid);
  t0 = Clock::now();
  std::vector<IngestOutcome> outcomes(static_cast<size_t>(o.seed_streams));
  std::vector<std::thread> streams;
  for (int s = 0; s < o.seed_streams; ++s) {
    streams.emplace_back([&, s] {
      int64_t b = s;
      outcomes[static_cast<size_t>(s)] =
          StreamBatches(o, conns[static_cast<size_t>(s) % conns.size()].graph.get(), 3600,
                        [&]() -> const v1::IngestRelationsRequest* {
                          if (b >= n_batches) return nullptr;
                          const v1::IngestRelationsRequest* next = &batches[static_cast<size_t>(b)];
                          b += o.seed_streams;
                          return next;
                        });
    });
  }
  for (auto& t : streams) t.join();
  r.ingest_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  meter.Report(r.ingest_seconds, r.usage);
  for (const IngestOutcome& out : outcomes) {
    if (!out.status.ok()) {
      r.errors.push_back("IngestRelations: " + CodeName(out.status.error_code()) + ": " +
                         out.status.error_message());
    }
    r.inserted += out.response.inserted();
    r.duplicates += out.response.duplicates();
    r.actors_created += out.response.actors_created();
    r.batches += out.response.batches();
  }
  return r;
}

// The writer: fresh observations (documents "w<run>-d<n>") paced to --writer-rate, in calls
// of --writer-batches messages, until `stop`. Records one IngestRelations sample per call
// started in the measured window; its latency runs from the last message's write to the
// server's answer (the commit of that message), so pacing waits are not counted.
struct WriterResult {
  RpcStats stats;
  int64_t sent = 0;
  double seconds = 0;
};

WriterResult RunWriter(const Options& o, v1::ActorGraph::Stub* stub, Clock::time_point measure_from,
                       const std::atomic<bool>& stop) {
  WriterResult w;
  synth::SynthSpec spec = GraphSpec(o);
  spec.observations = uint64_t{1} << 50;  // endless, in effect
  spec.seed = o.seed_value + 1'000'003;   // other pairs than the seed's
  RelationSource source(
      spec, "w" + std::to_string(getpid()) + "-" +
                std::to_string(std::chrono::system_clock::now().time_since_epoch().count() %
                               1'000'000'007) +
                "-");
  const auto start = Clock::now();
  uint64_t next_index = 0;
  v1::IngestRelationsRequest batch;
  while (!stop.load()) {
    int in_call = 0;
    const auto call_start = Clock::now();
    IngestOutcome out =
        StreamBatches(o, stub, o.timeout_s * 10, [&]() -> const v1::IngestRelationsRequest* {
          if (in_call == o.writer_batches || stop.load()) return nullptr;
          if (o.writer_rate > 0) {  // batch n is due at start + n * batch / rate
            const auto due =
                start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                            static_cast<double>(next_index) / o.writer_rate));
            std::this_thread::sleep_until(due);
            if (stop.load()) return nullptr;
          }
          batch.Clear();
          for (int i = 0; i < o.writer_batch; ++i, ++next_index) source.Next(batch.add_relations());
          ++in_call;
          return &batch;
        });
    const auto now = Clock::now();
    if (call_start >= measure_from && in_call > 0) {
      w.stats.Record(out.status, now - out.last_write);
      w.stats.observations += out.response.inserted();
    }
    w.sent = static_cast<int64_t>(next_index);
    if (!out.status.ok() && out.status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  w.seconds = std::chrono::duration<double>(Clock::now() - measure_from).count();
  return w;
}

// ---------------------------------------------------------------------------------------
// Read workload: unary calls over CompletionQueues.

class Call {
 public:
  virtual ~Call() = default;
  Rpc rpc;
  Clock::time_point start;
  grpc::ClientContext ctx;
  grpc::Status status;
};

template <typename Stub, typename Req, typename Resp>
class TypedCall : public Call {
 public:
  using PrepareFn = std::unique_ptr<grpc::ClientAsyncResponseReader<Resp>> (Stub::*)(
      grpc::ClientContext*, const Req&, grpc::CompletionQueue*);
  Req req;
  void Start(Stub* stub, PrepareFn prepare, grpc::CompletionQueue* cq) {
    reader_ = (stub->*prepare)(&ctx, req, cq);
    reader_->StartCall();
    reader_->Finish(&resp_, &status, this);
  }

 private:
  Resp resp_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Resp>> reader_;
};

// grpc.health.v1.Health/Check through the generic stub: a request for the server's overall
// status is an empty message, so no health stubs are needed. The server implements it with
// gRPC's callback API and no work, which makes it the floor of what one unary call costs.
class HealthCall : public Call {
 public:
  void Start(grpc::GenericStub* stub, grpc::CompletionQueue* cq) {
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);  // a default ByteBuffer is not a valid message
    reader_ = stub->PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, cq);
    reader_->StartCall();
    reader_->Finish(&resp_, &status, this);
  }

 private:
  grpc::ByteBuffer resp_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> reader_;
};

// One client thread: keeps `outstanding` calls in flight on its CompletionQueue until
// `end`, recording those that complete inside [measure_from, end).
class ReadClient {
 public:
  ReadClient(const Options& o, std::vector<Connection>& conns, int index, int outstanding)
      : o_(o),
        conns_(conns),
        rng_(o.seed_value * 7919 + static_cast<uint64_t>(index) + 1),
        next_conn_(static_cast<size_t>(index)),
        outstanding_(outstanding) {
    double total = 0;
    for (int r = 0; r < kNumReadRpcs; ++r) {
      const bool on = o.rpc == "mix" ? r < kNumMixRpcs && o.mix[r] > 0 : o.rpc == kRpcNames[r];
      total += on ? (o.rpc == "mix" ? o.mix[r] : 1) : 0;
      cumulative_[r] = total;
    }
    for (double& c : cumulative_) c /= total;
  }

  void Run(Clock::time_point measure_from, Clock::time_point end) {
    for (int i = 0; i < outstanding_; ++i) Issue();
    int in_flight = outstanding_;
    void* tag;
    bool ok;
    while (in_flight > 0 && cq_.Next(&tag, &ok)) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      const auto now = Clock::now();
      if (now >= measure_from && now < end) {
        stats_[static_cast<int>(call->rpc)].Record(call->status, now - call->start);
      }
      if (now < end) {
        Issue();
      } else {
        --in_flight;
      }
    }
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) delete static_cast<Call*>(tag);
  }

  const RpcStats& stats(int rpc) const { return stats_[rpc]; }

 private:
  std::string RandomActor() { return ActorId(rng_.Below(static_cast<uint64_t>(o_.actors))); }

  void Issue() {
    const double u = rng_.Unit();
    int r = 0;
    while (r < kNumReadRpcs - 1 && u >= cumulative_[r]) ++r;
    Connection& c = conns_[next_conn_++ % conns_.size()];
    Call* call = nullptr;
    switch (static_cast<Rpc>(r)) {
      case Rpc::kGetActor: {
        auto* t = new TypedCall<v1::ActorGraph::Stub, v1::GetActorRequest, v1::Actor>;
        t->req.set_actor(RandomActor());
        call = Begin(t, c.graph.get(), &v1::ActorGraph::Stub::PrepareAsyncGetActor);
        break;
      }
      case Rpc::kListRelations: {
        auto* t = new TypedCall<v1::ActorGraph::Stub, v1::ListRelationsRequest,
                                v1::ListRelationsResponse>;
        t->req.set_actor(RandomActor());
        t->req.set_page_size(o_.page_size);
        call = Begin(t, c.graph.get(), &v1::ActorGraph::Stub::PrepareAsyncListRelations);
        break;
      }
      case Rpc::kFindPaths: {
        auto* t = new TypedCall<v1::ActorGraph::Stub, v1::FindPathsRequest, v1::FindPathsResponse>;
        t->req.set_from(RandomActor());
        do {
          t->req.set_to(RandomActor());
        } while (t->req.to() == t->req.from());
        t->req.set_k(o_.k);
        t->req.set_max_hops(o_.max_hops);
        call = Begin(t, c.graph.get(), &v1::ActorGraph::Stub::PrepareAsyncFindPaths);
        break;
      }
      case Rpc::kHealth: {
        auto* t = new HealthCall;
        SetUpContext(o_, &t->ctx, o_.timeout_s);
        t->start = Clock::now();
        t->Start(c.generic.get(), &cq_);
        call = t;
        break;
      }
      default: {  // Rpc::kGetNeighborhood
        auto* t = new TypedCall<v1::Analytics::Stub, v1::GetNeighborhoodRequest,
                                v1::GetNeighborhoodResponse>;
        t->req.set_actor(RandomActor());
        t->req.set_radius(o_.radius);
        t->req.set_max_nodes(o_.max_nodes);
        call = Begin(t, c.analytics.get(), &v1::Analytics::Stub::PrepareAsyncGetNeighborhood);
        break;
      }
    }
    call->rpc = static_cast<Rpc>(r);
  }

  template <typename Stub, typename Req, typename Resp>
  Call* Begin(TypedCall<Stub, Req, Resp>* t, Stub* stub,
              typename TypedCall<Stub, Req, Resp>::PrepareFn prepare) {
    SetUpContext(o_, &t->ctx, o_.timeout_s);
    t->start = Clock::now();
    t->Start(stub, prepare, &cq_);
    return t;
  }

  const Options& o_;
  std::vector<Connection>& conns_;
  Rng rng_;
  size_t next_conn_;
  int outstanding_;
  double cumulative_[kNumReadRpcs];
  grpc::CompletionQueue cq_;
  RpcStats stats_[kNumRpcs];
};

// ---------------------------------------------------------------------------------------
// Reports

struct Percentiles {
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

Percentiles Summarize(std::vector<int64_t>& ns) {
  Percentiles p;
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    const size_t i = std::min(ns.size() - 1, static_cast<size_t>(std::ceil(q * ns.size())) - 1);
    return static_cast<double>(ns[i]) / 1e6;
  };
  p.p50_ms = at(0.50);
  p.p90_ms = at(0.90);
  p.p99_ms = at(0.99);
  p.max_ms = static_cast<double>(ns.back()) / 1e6;
  double sum = 0;
  for (int64_t v : ns) sum += static_cast<double>(v);
  p.mean_ms = sum / static_cast<double>(ns.size()) / 1e6;
  return p;
}

std::string ErrorSummary(const RpcStats& s) {
  std::string out;
  for (const auto& [code, n] : s.codes) {
    if (code == 0) continue;
    if (!out.empty()) out += ",";
    out += CodeName(code) + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

Json SeedJson(const Options& o, const SeedResult& r) {
  Json j;
  j["actors_upserted"] = r.actors_upserted;
  j["actors_seconds"] = r.actors_seconds;
  j["observations_sent"] = r.observations_sent;
  j["batch"] = o.seed_batch;
  j["streams"] = o.seed_streams;
  j["generate_seconds"] = r.generate_seconds;
  j["ingest_seconds"] = r.ingest_seconds;
  j["inserted"] = r.inserted;
  j["duplicates"] = r.duplicates;
  j["actors_created"] = r.actors_created;
  j["batches"] = r.batches;
  j["observations_per_s"] = static_cast<double>(r.inserted + r.duplicates) / r.ingest_seconds;
  j.update(r.usage);
  j["errors"] = r.errors;
  return j;
}

void PrintSeed(const Options& o, const SeedResult& r) {
  std::printf("seed: %lld actors upserted in %.2f s\n", static_cast<long long>(r.actors_upserted),
              r.actors_seconds);
  std::printf(
      "seed: %lld observations (batch %d, %d stream%s) in %.2f s: %.0f obs/s durable "
      "(%lld new, %lld already stored, %lld batches; generated beforehand in %.2f s)\n",
      static_cast<long long>(r.observations_sent), o.seed_batch, o.seed_streams,
      o.seed_streams == 1 ? "" : "s", r.ingest_seconds,
      static_cast<double>(r.inserted + r.duplicates) / r.ingest_seconds,
      static_cast<long long>(r.inserted), static_cast<long long>(r.duplicates),
      static_cast<long long>(r.batches), r.generate_seconds);
  std::printf("seed: %s\n", UsageLine(r.usage).c_str());
  for (const std::string& e : r.errors) std::printf("seed: error: %s\n", e.c_str());
}

int Run(int argc, char** argv) {
  Options o;
  if (int rc = ParseFlags(argc, argv, o); rc >= 0) return rc;
  const int n_conns = std::max(o.channels, o.seed ? std::min(o.seed_streams, 64) : 1);
  std::vector<Connection> conns = Connect(o, n_conns);
  if (!WaitConnected(conns, 30)) {
    std::cerr << "actorgraph-loadgen: cannot connect to " << o.server << "\n";
    return 1;
  }
  Json out;
  out["label"] = o.label;
  out["server"] = o.server;
  bool failed = false;
  if (o.seed) {
    SeedResult r = Seed(o, conns);
    failed = failed || !r.errors.empty();
    if (o.json) {
      out["seed"] = SeedJson(o, r);
    } else {
      PrintSeed(o, r);
    }
  }
  if (o.rpc.empty() || o.duration_s <= 0) {
    if (o.json) std::cout << out.dump() << std::endl;
    return failed ? 1 : 0;
  }

  // Workload: readers on --threads CompletionQueues, the writer on its own thread.
  conns.resize(static_cast<size_t>(o.channels));
  std::vector<std::unique_ptr<ReadClient>> clients;
  for (int t = 0; t < o.threads; ++t) {
    const int share = o.concurrency / o.threads + (t < o.concurrency % o.threads ? 1 : 0);
    clients.push_back(std::make_unique<ReadClient>(o, conns, t, share));
  }
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(o.warmup_s));
  const auto end = measure_from + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.duration_s));
  std::atomic<bool> stop_writer{false};
  std::optional<WriterResult> writer;
  std::thread writer_thread;
  std::vector<Connection> writer_conn;
  if (o.writer) {
    writer_conn = Connect(o, 1);
    writer_thread = std::thread(
        [&] { writer = RunWriter(o, writer_conn[0].graph.get(), measure_from, stop_writer); });
  }
  std::vector<std::thread> threads;
  for (auto& c : clients) threads.emplace_back([&, c = c.get()] { c->Run(measure_from, end); });
  std::this_thread::sleep_until(measure_from);
  const UsageMeter meter(o.server_pid);
  std::this_thread::sleep_until(end);
  const double seconds = std::chrono::duration<double>(Clock::now() - measure_from).count();
  Json usage = Json::object();
  meter.Report(seconds, usage);
  stop_writer.store(true);
  for (auto& t : threads) t.join();
  if (writer_thread.joinable()) writer_thread.join();

  RpcStats merged[kNumRpcs];
  for (auto& c : clients) {
    for (int r = 0; r < kNumRpcs; ++r) merged[r].Merge(c->stats(r));
  }
  if (writer) merged[static_cast<int>(Rpc::kIngest)].Merge(writer->stats);

  Json rows = Json::array();
  if (!o.json) {
    std::printf(
        "%s%s%s%d calls outstanding on %d thread(s) / %d channel(s), %.1f s measured "
        "after %.1f s warmup\n",
        o.label.c_str(), o.label.empty() ? "" : ": ", o.rpc == "mix" ? "mix, " : "", o.concurrency,
        o.threads, o.channels, o.duration_s, o.warmup_s);
    std::printf("%-16s %9s %9s %10s %8s %8s %8s %8s  %s\n", "rpc", "calls", "ok", "calls/s",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
  }
  for (int r = 0; r < kNumRpcs; ++r) {
    RpcStats& s = merged[r];
    if (s.calls() == 0) continue;
    const Percentiles p = Summarize(s.latencies_ns);
    const double rate = static_cast<double>(s.calls()) / seconds;
    Json row;
    row["rpc"] = kRpcNames[r];
    row["calls"] = s.calls();
    row["ok"] = s.ok;
    row["calls_per_s"] = rate;
    row["ok_per_s"] = static_cast<double>(s.ok) / seconds;
    row["p50_ms"] = p.p50_ms;
    row["p90_ms"] = p.p90_ms;
    row["p99_ms"] = p.p99_ms;
    row["max_ms"] = p.max_ms;
    row["mean_ms"] = p.mean_ms;
    Json errors = Json::object();
    for (const auto& [code, n] : s.codes) {
      if (code != 0) errors[CodeName(code)] = n;
    }
    row["errors"] = errors;
    rows.push_back(row);
    if (!o.json) {
      std::printf("%-16s %9lld %9lld %10.0f %8.3f %8.3f %8.3f %8.3f  %s\n", kRpcNames[r],
                  static_cast<long long>(s.calls()), static_cast<long long>(s.ok), rate, p.p50_ms,
                  p.p90_ms, p.p99_ms, p.max_ms, ErrorSummary(s).c_str());
    }
  }
  out["workload"] = {{"rpc", o.rpc},
                     {"concurrency", o.concurrency},
                     {"threads", o.threads},
                     {"channels", o.channels},
                     {"warmup_s", o.warmup_s},
                     {"duration_s", seconds},
                     {"rows", rows}};
  out["workload"].update(usage);
  if (writer) {
    const RpcStats& ws = merged[static_cast<int>(Rpc::kIngest)];
    out["writer"] = {{"target_obs_per_s", o.writer_rate},
                     {"batch", o.writer_batch},
                     {"batches_per_call", o.writer_batches},
                     {"observations_stored", ws.observations},
                     {"obs_per_s", static_cast<double>(ws.observations) / seconds}};
  }
  if (o.json) {
    std::cout << out.dump() << std::endl;
  } else {
    std::printf("%s\n", UsageLine(usage).c_str());
    if (writer) {
      const RpcStats& ws = merged[static_cast<int>(Rpc::kIngest)];
      std::printf(
          "writer: %lld observations stored in calls started in the window: %.0f obs/s "
          "(target %s)\n",
          static_cast<long long>(ws.observations), static_cast<double>(ws.observations) / seconds,
          o.writer_rate > 0 ? std::to_string(static_cast<int64_t>(o.writer_rate)).c_str()
                            : "as fast as possible");
    }
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace actorgraph::loadgen

int main(int argc, char** argv) { return actorgraph::loadgen::Run(argc, argv); }
