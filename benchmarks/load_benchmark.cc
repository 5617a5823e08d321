// The store-to-memory benchmark: how long the server takes to load a large SQLite store, how
// much memory the loaded graph holds, and how fast queries are on it. Not a Google Benchmark:
// one load is one measurement, and its peak RSS must be the process's own.
//
//   # (each command on one line)
//   # 1. write a synthetic store (actors, then observations in transactions of --batch)
//   build/bin/actorgraph_load_benchmark fill --db /tmp/g.db --actors 1000000
//       --observations 20000000 [--seed 1] [--batch 50000] [--no-evidence]
//   # 2. load it as the server does (GraphState::Open + Load), then time queries; from the
//   #    store's graph image when it has one, unless --no-image
//   build/bin/actorgraph_load_benchmark load --db /tmp/g.db [--queries 1000] [--json] [--no-image]
//   # 3. load every row and store a fresh graph image, as the server does after a slow load
//   build/bin/actorgraph_load_benchmark image --db /tmp/g.db
//   # 4. grow an empty graph in memory, batch by batch, as the server's applier does
//   build/bin/actorgraph_load_benchmark grow --actors 1000000 --observations 15000000
//       [--batch 10000] [--json]
//
// `fill` reports the store's write rate (observations/s through Store::Write, the ceiling of
// gRPC ingest). `load` reports load seconds, peak and final RSS, bytes per observation and
// per edge (RSS growth over the process's baseline), and p50/p99 latencies of FindPaths
// (k=1, hops, undirected, 4 hops), Relations(actor) and a 1-hop neighbourhood over random
// actors. `grow` reports how long the server's applier would hold the graph's exclusive lock
// (readers wait that long): the longest batch of --batch AddObservation calls and the longest
// single call, with where they happened. Indexes grow by rehashing, so the worst batch is the
// one that crosses a capacity.
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "graph/actor_graph.h"
#include "graph/neighborhood.h"
#include "graph/strings.h"
#include "server/graph_state.h"
#include "server/store.h"
#include "tools/synth/synth.h"

namespace actorgraph {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A /proc/self/status field in kB ("VmRSS", "VmHWM").
int64_t ProcStatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = StrCat(field, ":");
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
  }
  return -1;
}

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "actorgraph_load_benchmark: %s\n"
               "usage: actorgraph_load_benchmark fill --db FILE --actors N --observations M "
               "[--seed S] [--batch B] [--no-evidence]\n"
               "       actorgraph_load_benchmark load --db FILE [--queries Q] [--json] [--no-image]\n"
               "       actorgraph_load_benchmark image --db FILE\n"
               "       actorgraph_load_benchmark grow --actors N --observations M [--seed S] "
               "[--batch B] [--json]\n",
               why);
  std::exit(2);
}

struct Args {
  std::string mode, db;
  synth::SynthSpec spec;
  size_t batch = 50'000;
  int queries = 1000;
  bool json = false;
  bool use_image = true;
};

Args Parse(int argc, char** argv) {
  Args a;
  if (argc < 2) Usage("no mode");
  a.mode = argv[1];
  if (a.mode != "fill" && a.mode != "load" && a.mode != "image" && a.mode != "grow") {
    Usage(StrCat("mode must be fill, load, image or grow, not \"", a.mode, "\"").c_str());
  }
  for (int i = 2; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(StrCat(f, " needs a value").c_str());
      return argv[++i];
    };
    // A whole non-negative number, or usage naming the flag.
    auto number = [&]() -> uint64_t {
      const std::string v = value();
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size()) {
        Usage(StrCat(f, " needs a non-negative whole number, not \"", v, "\"").c_str());
      }
      return n;
    };
    if (f == "--db") {
      a.db = value();
    } else if (f == "--actors") {
      a.spec.actors = number();
    } else if (f == "--observations") {
      a.spec.observations = number();
    } else if (f == "--seed") {
      a.spec.seed = number();
    } else if (f == "--batch") {
      a.batch = number();
    } else if (f == "--queries") {
      a.queries = static_cast<int>(std::min<uint64_t>(number(), 1'000'000'000));
    } else if (f == "--no-evidence") {
      a.spec.evidence = false;
    } else if (f == "--json") {
      a.json = true;
    } else if (f == "--no-image") {
      a.use_image = false;
    } else {
      Usage(StrCat("unknown flag ", f).c_str());
    }
  }
  if (a.db.empty() && a.mode != "grow") Usage("--db is required");
  if (a.batch == 0) Usage("--batch must be positive");
  return a;
}

int Fill(const Args& args) {
  if (auto s = synth::ValidateSpec(args.spec); !s.ok()) Usage(std::string(s.message()).c_str());
  auto store = Store::Open(args.db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  std::vector<Actor> actors;
  std::vector<Observation> batch;
  std::vector<int64_t> rows;
  double write_seconds = 0;
  int64_t written = 0;
  auto flush_actors = [&] {
    auto start = Clock::now();
    if (auto s = (*store)->Write(actors, {}, &rows); !s.ok()) {
      std::fprintf(stderr, "writing actors: %s\n", std::string(s.message()).c_str());
      std::exit(1);
    }
    write_seconds += Seconds(start);
    actors.clear();
  };
  auto flush = [&] {
    auto start = Clock::now();
    if (auto s = (*store)->Write({}, batch, &rows); !s.ok()) {
      std::fprintf(stderr, "writing observations: %s\n", std::string(s.message()).c_str());
      std::exit(1);
    }
    write_seconds += Seconds(start);
    written += static_cast<int64_t>(std::count_if(rows.begin(), rows.end(), [](int64_t r) { return r > 0; }));
    batch.clear();
    if (written % 1'000'000 < static_cast<int64_t>(args.batch)) {
      std::fprintf(stderr, "fill: %lld observations stored\n", static_cast<long long>(written));
    }
  };
  auto start = Clock::now();
  auto status = synth::Generate(
      args.spec,
      [&](const Actor& a) {
        actors.push_back(a);
        if (actors.size() == args.batch) flush_actors();
      },
      [&](Observation&& o) {
        if (!actors.empty()) flush_actors();
        batch.push_back(std::move(o));
        if (batch.size() == args.batch) flush();
      });
  if (!actors.empty()) flush_actors();
  if (!batch.empty()) flush();
  if (!status.ok()) Usage(std::string(status.message()).c_str());
  const double total = Seconds(start);
  std::printf(
      "fill: %llu actors, %lld observations in %.1f s (%.1f s in Store::Write: %.0f "
      "observations/s through the store)\n",
      static_cast<unsigned long long>(args.spec.actors), static_cast<long long>(written), total,
      write_seconds, written / std::max(write_seconds, 1e-9));
  return 0;
}

struct Latency {
  std::vector<double> ms;
  double Quantile(double q) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  }
};

// GraphState::Open + Load as the server does; nullptr (after saying why) on failure.
std::unique_ptr<GraphState> OpenAndLoad(const std::string& db, const StoreOptions& options) {
  auto state = GraphState::Open(db, options);
  if (!state.ok()) {
    std::fprintf(stderr, "%s\n", std::string(state.status().message()).c_str());
    return nullptr;
  }
  if (auto s = (*state)->Load(); !s.ok()) {
    std::fprintf(stderr, "load: %s\n", std::string(s.message()).c_str());
    return nullptr;
  }
  return *std::move(state);
}

int Load(const Args& args) {
  const int64_t baseline_kb = ProcStatusKb("VmRSS");
  auto start = Clock::now();
  auto state = OpenAndLoad(args.db, {.read_only = true, .use_image = args.use_image});
  if (state == nullptr) return 1;
  const double load_seconds = Seconds(start);
  const GraphState::LoadReport& report = state->load_report();
  const int64_t rss_kb = ProcStatusKb("VmRSS");
  const int64_t peak_kb = ProcStatusKb("VmHWM");
  size_t actors = 0, observations = 0, edges = 0;
  Latency paths, relations, neighbours;
  state->Read([&](const ActorGraph& g) {
    actors = g.actor_count();
    observations = g.observation_count();
    edges = g.edge_count();
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(actors - 1));
    for (int i = 0; i < args.queries && actors > 1; ++i) {
      PathQuery q;
      q.from = g.ActorAt(pick(rng)).id;
      q.to = g.ActorAt(pick(rng)).id;
      if (q.from == q.to) continue;
      auto t = Clock::now();
      auto r = g.FindPaths(q);
      paths.ms.push_back(Seconds(t) * 1000);
      if (!r.ok()) std::fprintf(stderr, "FindPaths: %s\n", std::string(r.status().message()).c_str());

      RelationQuery rq;
      rq.actor = q.from;
      t = Clock::now();
      auto rel = g.Relations(rq);
      relations.ms.push_back(Seconds(t) * 1000);

      NeighborhoodQuery nq;
      nq.actor = q.to;
      t = Clock::now();
      auto n = GetNeighborhood(g, nq);
      neighbours.ms.push_back(Seconds(t) * 1000);
      if (!n.ok()) std::fprintf(stderr, "Neighborhood: %s\n", std::string(n.status().message()).c_str());
    }
    return 0;
  });
  const double grown = static_cast<double>(rss_kb - baseline_kb) * 1024;
  if (args.json) {
    std::printf(
        "{\"actors\":%zu,\"observations\":%zu,\"edges\":%zu,\"load_seconds\":%.2f,"
        "\"peak_rss_mib\":%.0f,\"rss_mib\":%.0f,\"bytes_per_observation\":%.0f,"
        "\"bytes_per_edge\":%.0f,\"findpaths_p50_ms\":%.3f,\"findpaths_p99_ms\":%.3f,"
        "\"relations_p50_ms\":%.3f,\"relations_p99_ms\":%.3f,\"neighborhood_p50_ms\":%.3f,"
        "\"neighborhood_p99_ms\":%.3f,\"from_image\":%s,\"rows\":%lld}\n",
        actors, observations, edges, load_seconds, peak_kb / 1024.0, rss_kb / 1024.0,
        grown / std::max<size_t>(observations, 1), grown / std::max<size_t>(edges, 1),
        paths.Quantile(0.5), paths.Quantile(0.99), relations.Quantile(0.5),
        relations.Quantile(0.99), neighbours.Quantile(0.5), neighbours.Quantile(0.99),
        report.stats.from_image ? "true" : "false", static_cast<long long>(report.stats.rows));
  } else {
    std::printf(
        "load: %zu actors, %zu observations, %zu edges in %.2f s; peak RSS %.0f MiB, RSS %.0f "
        "MiB (%.0f bytes/observation, %.0f bytes/edge over the %.0f MiB baseline)\n"
        "FindPaths k=1 p50 %.3f ms p99 %.3f ms; Relations(actor) p50 %.3f ms p99 %.3f ms; "
        "Neighborhood depth 1 p50 %.3f ms p99 %.3f ms\n"
        "from the graph image: %s; observation rows read: %lld\n",
        actors, observations, edges, load_seconds, peak_kb / 1024.0, rss_kb / 1024.0,
        grown / std::max<size_t>(observations, 1), grown / std::max<size_t>(edges, 1),
        baseline_kb / 1024.0, paths.Quantile(0.5), paths.Quantile(0.99),
        relations.Quantile(0.5), relations.Quantile(0.99), neighbours.Quantile(0.5),
        neighbours.Quantile(0.99), report.stats.from_image ? "yes" : "no",
        static_cast<long long>(report.stats.rows));
  }
  if (!report.stats.image_problem.empty()) {
    std::fprintf(stderr, "the graph image was not used: %s\n", report.stats.image_problem.c_str());
  }
  // Freeing tens of millions of objects takes seconds and is not part of a load: skip it, so
  // the process's CPU time (time -v) is the load's and the queries'.
  std::fflush(nullptr);
  std::_Exit(0);
}

// Loads every row (as a server without an image does) and stores a fresh graph image.
int Image(const Args& args) {
  auto state = OpenAndLoad(args.db, {.image_min_rows = 1, .use_image = false});
  if (state == nullptr) return 1;
  const GraphState::LoadReport& r = state->load_report();
  if (!r.image_written) {
    std::fprintf(stderr, "image: %s\n", r.image_write_error.c_str());
    return 1;
  }
  std::printf("image: loaded %lld rows in %.2f s, wrote the graph image in %.2f s; peak RSS %.0f MiB\n",
              static_cast<long long>(r.stats.rows), r.load_seconds, r.image_write_seconds,
              ProcStatusKb("VmHWM") / 1024.0);
  return 0;
}

// Adds synthetic observations to an empty graph in batches, timing each batch and each call.
int Grow(const Args& args) {
  if (auto s = synth::ValidateSpec(args.spec); !s.ok()) Usage(std::string(s.message()).c_str());
  ActorGraph graph;
  std::vector<Observation> batch;
  batch.reserve(args.batch);
  double add_seconds = 0, worst_batch = 0, worst_add = 0;
  size_t worst_batch_at = 0, worst_add_at = 0, added = 0;
  auto apply = [&] {
    const auto batch_start = Clock::now();
    for (Observation& o : batch) {
      const auto t = Clock::now();
      auto r = graph.AddObservation(std::move(o));
      const double s = Seconds(t);
      if (!r.ok()) {
        std::fprintf(stderr, "grow: %s\n", std::string(r.status().message()).c_str());
        std::exit(1);
      }
      added += *r;
      if (s > worst_add) {
        worst_add = s;
        worst_add_at = added;
      }
    }
    const double s = Seconds(batch_start);
    add_seconds += s;
    if (s > worst_batch) {
      worst_batch = s;
      worst_batch_at = added;
    }
    batch.clear();
  };
  auto status = synth::Generate(
      args.spec,
      [&](const Actor& a) {
        if (auto r = graph.UpsertActor(a); !r.ok()) Usage(std::string(r.status().message()).c_str());
      },
      [&](Observation&& o) {
        batch.push_back(std::move(o));
        if (batch.size() == args.batch) apply();
      });
  if (!batch.empty()) apply();
  if (!status.ok()) Usage(std::string(status.message()).c_str());
  if (args.json) {
    std::printf(
        "{\"observations\":%zu,\"batch\":%zu,\"add_seconds\":%.2f,\"observations_per_s\":%.0f,"
        "\"longest_batch_ms\":%.1f,\"longest_batch_at\":%zu,\"longest_add_ms\":%.1f,"
        "\"longest_add_at\":%zu}\n",
        added, args.batch, add_seconds, added / std::max(add_seconds, 1e-9), worst_batch * 1e3,
        worst_batch_at, worst_add * 1e3, worst_add_at);
  } else {
    std::printf(
        "grow: %zu observations in batches of %zu: %.2f s adding (%.0f observations/s); longest "
        "batch %.1f ms (ending at observation %zu), longest single add %.1f ms (at %zu)\n",
        added, args.batch, add_seconds, added / std::max(add_seconds, 1e-9), worst_batch * 1e3,
        worst_batch_at, worst_add * 1e3, worst_add_at);
  }
  std::fflush(nullptr);
  std::_Exit(0);  // as in Load: freeing the graph is not part of the measurement
}

}  // namespace
}  // namespace actorgraph

int main(int argc, char** argv) {
  auto args = actorgraph::Parse(argc, argv);
  if (args.mode == "fill") return actorgraph::Fill(args);
  if (args.mode == "load") return actorgraph::Load(args);
  if (args.mode == "image") return actorgraph::Image(args);
  return actorgraph::Grow(args);  // Parse accepted no other mode
}
