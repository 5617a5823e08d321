// Benchmarks of the graph/ queries on a synthetic signed graph of 100 k actors and 1 M
// relations in 10 planted blocs, 10 % of signs flipped (benchmarks/synthetic_graph.h).
//
// Cases:
//   BM_BuildGraph                   ingest of the 1 M relations into an ActorGraph
//   BM_FindAlliances/restarts:N     FindAlliances over the whole graph with N local-search
//                                   starts. Counters: frustration, excess_vs_best_of_10
//                                   (frustration / best of ten restarts - 1), planted (the
//                                   planted partition's frustration), blocs.
//   BM_FindPaths/k:1, /k:5          random actor pairs, undirected, max_hops 4, one query per
//                                   iteration. Counters: p50_ms, p90_ms, p99_ms, mean_ms,
//                                   found (share of pairs with a path).
//   BM_FindPathsHeavyTailed/k:1, /k:5
//                                   the same query on tools/synth's default graph (100 k
//                                   actors, 1 M observations, Zipf activity: a few hubs with
//                                   tens of thousands of neighbours, as in real news), over
//                                   the same 1000 random pairs of actors present in it.
//                                   Counters as BM_FindPaths.
//   BM_PageRank                     RankActors by PageRank (activity graph + iterations)
//   BM_BetweennessSampled/samples:N RankActors by betweenness from N sampled sources (256 is
//                                   RankQuery's default above 5000 actors)
// Run (Release):
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
//         -DACTORGRAPH_BUILD_SERVER=OFF -DACTORGRAPH_BUILD_BENCHMARKS=ON   (one line)
//   cmake --build build-bench --target actorgraph_graph_benchmark
//   build-bench/bin/actorgraph_graph_benchmark [--benchmark_filter=FindPaths]
// Alliance restarts and betweenness sources run on every core: for them the CPU column is
// the whole process's CPU time, and the Time column is wall time.
// Results and the machine they ran on: benchmarks/RESULTS.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "benchmarks/synthetic_graph.h"
#include "graph/alliances.h"
#include "graph/paths.h"
#include "graph/ranking.h"
#include "graph/stance.h"

namespace actorgraph::bench {
namespace {

const SyntheticSpec& Spec() {
  static const SyntheticSpec spec;
  return spec;
}

const ActorGraph& Graph() {
  static const ActorGraph* graph = new ActorGraph(BuildSyntheticGraph(Spec()));
  return *graph;
}

AllianceResult MustFindAlliances(int restarts) {
  AllianceQuery q;
  q.restarts = restarts;
  q.seed = 7;
  auto r = FindAlliances(Graph(), q);
  if (!r.ok()) std::abort();
  return *std::move(r);
}

double BestOfTen() {
  static const double best = MustFindAlliances(10).frustration;
  return best;
}

// Frustration, counted per direction like FindAlliances, of the planted partition.
double PlantedFrustration() {
  static const double planted = [] {
    auto sg = BuildStanceGraph(Graph(), {});
    if (!sg.ok()) std::abort();
    auto planted_bloc = [&](uint32_t node) {
      const std::string& id = Graph().ActorAt(sg->actors[node]).id;  // "a<i>"
      return PlantedBloc(Spec(), static_cast<uint32_t>(std::stoul(id.substr(1))));
    };
    double f = 0;
    for (const auto& d : sg->directed) {
      const bool same = planted_bloc(d.source) == planted_bloc(d.target);
      if ((same && d.stance < 0) || (!same && d.stance > 0)) f += std::abs(d.stance);
    }
    return f;
  }();
  return planted;
}

void BM_BuildGraph(benchmark::State& state) {
  for (auto _ : state) {
    auto g = std::make_unique<ActorGraph>(BuildSyntheticGraph(Spec()));
    state.PauseTiming();  // teardown is not ingest
    state.counters["actors"] = static_cast<double>(g->actor_count());
    state.counters["edges"] = static_cast<double>(g->edge_count());
    g.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_FindAlliances(benchmark::State& state) {
  Graph();
  const double best = BestOfTen();
  AllianceResult r;
  for (auto _ : state) r = MustFindAlliances(static_cast<int>(state.range(0)));
  state.counters["frustration"] = r.frustration;
  state.counters["frustration_index"] = r.frustration_index;
  state.counters["excess_vs_best_of_10"] = r.frustration / best - 1;
  state.counters["planted"] = PlantedFrustration();
  state.counters["blocs"] = static_cast<double>(r.blocs.size());
}
BENCHMARK(BM_FindAlliances)
    ->ArgName("restarts")
    ->Arg(1)
    ->Arg(3)
    ->Arg(10)
    ->MeasureProcessCPUTime()  // restarts run on worker threads
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// One FindPaths per iteration, on the query `make_query` returns (made outside the timed
// part); reports latency percentiles, the mean and the share of queries that found a path.
template <class MakeQuery>
void TimeFindPaths(benchmark::State& state, const ActorGraph& g, MakeQuery make_query) {
  std::vector<double> ms;
  int64_t found = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const PathQuery q = make_query();
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = g.FindPaths(q);
    const auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) std::abort();
    found += !r->paths.empty();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  double total = 0;
  for (double x : ms) total += x;
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1))]; };
  state.counters["p50_ms"] = pct(0.5);
  state.counters["p90_ms"] = pct(0.9);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["mean_ms"] = total / ms.size();
  state.counters["found"] = static_cast<double>(found) / ms.size();
}

void BM_FindPaths(benchmark::State& state) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint32_t> actor(0, Spec().actors - 1);
  TimeFindPaths(state, Graph(), [&] {
    PathQuery q;
    q.from = SyntheticActorId(actor(rng));
    do {
      q.to = SyntheticActorId(actor(rng));
    } while (q.to == q.from);
    q.k = static_cast<int>(state.range(0));
    return q;
  });
}
BENCHMARK(BM_FindPaths)
    ->ArgName("k")
    ->Arg(1)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(500);

// tools/synth's defaults: heavy-tailed activity, drift, evidence text.
const ActorGraph& HeavyTailedGraph() {
  static const ActorGraph* graph = new ActorGraph(BuildSyntheticGraph(synth::SynthSpec{}));
  return *graph;
}

void BM_FindPathsHeavyTailed(benchmark::State& state) {
  const ActorGraph& g = HeavyTailedGraph();
  // Not every synthetic actor takes part in an observation: draw pairs among those present.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint32_t> actor(0, static_cast<uint32_t>(g.actor_count() - 1));
  constexpr int kPairs = 1000;
  std::vector<PathQuery> queries(kPairs);
  for (PathQuery& q : queries) {
    const uint32_t from = actor(rng);
    uint32_t to;
    do {
      to = actor(rng);
    } while (to == from);
    q.from = g.ActorAt(from).id;
    q.to = g.ActorAt(to).id;
    q.k = static_cast<int>(state.range(0));
  }
  size_t next = 0;
  TimeFindPaths(state, g, [&] { return queries[next++ % queries.size()]; });
}
BENCHMARK(BM_FindPathsHeavyTailed)
    ->ArgName("k")
    ->Arg(1)
    ->Arg(5)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1000);

void BM_PageRank(benchmark::State& state) {
  const ActorGraph& g = Graph();
  RankQuery q;
  q.by = RankMeasure::kPageRank;
  for (auto _ : state) {
    auto r = RankActors(g, q);
    if (!r.ok()) std::abort();
    benchmark::DoNotOptimize(r->actors.data());
  }
}
BENCHMARK(BM_PageRank)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BetweennessSampled(benchmark::State& state) {
  const ActorGraph& g = Graph();
  RankQuery q;
  q.by = RankMeasure::kBetweenness;
  q.samples = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto r = RankActors(g, q);
    if (!r.ok() || r->method != "betweenness-sampled") std::abort();
    benchmark::DoNotOptimize(r->actors.data());
  }
}
BENCHMARK(BM_BetweennessSampled)
    ->ArgName("samples")
    ->Arg(64)
    ->Arg(256)
    ->MeasureProcessCPUTime()  // sources are shared among worker threads
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace actorgraph::bench

BENCHMARK_MAIN();
