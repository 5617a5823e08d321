// In-process timings of shortest paths, PageRank and betweenness on one synthetic (or loaded)
// graph, printed as one JSON object with the answers, so benchmarks/compare_igraph.py can run
// python3-igraph and python3-networkx on the very same graph and check that all agree.
//
// Cases (each timed with std::chrono::steady_clock, graph loading apart):
//   load          ingest the generated observations (tools/synth, generated beforehand and
//                 timed apart) into an ActorGraph, or parse and ingest --relations FILE
//   activity      BuildActivityGraph: the weighted digraph RankActors walks (per call)
//   paths         FindPaths k=1 by hops, undirected, max_hops --max-hops, for --pairs random
//                 pairs of actors that have relations; p50/mean per query and the hop counts
//   pagerank      PageRank on the activity graph (damping 0.85, L1 tolerance 1e-10, at most
//                 200 iterations: PageRankOptions' defaults), best of --repeat runs; and
//                 RankActors(kPageRank) end to end (activity graph + PageRank + top 20)
//   reference_bfs not an API: the same pairs by a bidirectional BFS over adjacency lists,
//                 to show what a k=1 hop query could cost (FindPaths also filters, collects
//                 evidence and supports k > 1 and sign constraints)
//   betweenness   Brandes by hops, undirected, from --samples sources sampled with --seed
//                 (0 = exact), on one thread and on --threads threads
// Run (Release build, see graph_benchmark.cc):
//   cmake --build build-bench --target actorgraph_algo_bench actorgraph-synth
//   /usr/bin/python3 benchmarks/compare_igraph.py --bin build-bench/bin
// or alone:
//   build-bench/bin/actorgraph_algo_bench --actors 100000 --observations 1000000 --samples 64
//
// Usage: actorgraph_algo_bench [--actors N --observations M --blocs B --zipf A --seed S ...
//        | --relations FILE.jsonl] [--pairs P] [--max-hops H] [--samples K] [--threads T]
//        [--repeat R] [--out FILE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "graph/paths.h"
#include "graph/ranking.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "tools/synth/synth.h"

namespace actorgraph::bench {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Die(const std::string& why) {
  std::cerr << "actorgraph_algo_bench: " << why << "\n";
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) Die(StrCat(what, ": ", AsStd(v.status().message())));
  return *std::move(v);
}

struct Options {
  synth::SynthSpec spec;
  std::string relations;  // a JSONL file instead of the generator
  int pairs = 1000;
  int max_hops = 4;  // PathQuery's default
  int samples = 0;
  int threads = 2;
  int repeat = 3;
  uint64_t pair_seed = 11;
  std::string out;  // "" = stdout
};

Options ParseFlags(int argc, char** argv) {
  Options o;
  o.spec.evidence = false;  // the algorithms never read the text; keeps the graph small
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Die(flag + " needs a value");
    const std::string v = argv[++i];
    bool ok = true;
    if (flag == "--actors")
      ok = absl::SimpleAtoi(v, &o.spec.actors);
    else if (flag == "--observations")
      ok = absl::SimpleAtoi(v, &o.spec.observations);
    else if (flag == "--blocs")
      ok = absl::SimpleAtoi(v, &o.spec.blocs);
    else if (flag == "--years")
      ok = absl::SimpleAtoi(v, &o.spec.years);
    else if (flag == "--seed")
      ok = absl::SimpleAtoi(v, &o.spec.seed);
    else if (flag == "--within")
      ok = absl::SimpleAtod(v, &o.spec.within);
    else if (flag == "--noise")
      ok = absl::SimpleAtod(v, &o.spec.noise);
    else if (flag == "--drift")
      ok = absl::SimpleAtod(v, &o.spec.drift);
    else if (flag == "--zipf")
      ok = absl::SimpleAtod(v, &o.spec.zipf);
    else if (flag == "--relations")
      o.relations = v;
    else if (flag == "--pairs")
      ok = absl::SimpleAtoi(v, &o.pairs);
    else if (flag == "--pair-seed")
      ok = absl::SimpleAtoi(v, &o.pair_seed);
    else if (flag == "--max-hops")
      ok = absl::SimpleAtoi(v, &o.max_hops);
    else if (flag == "--samples")
      ok = absl::SimpleAtoi(v, &o.samples);
    else if (flag == "--threads")
      ok = absl::SimpleAtoi(v, &o.threads);
    else if (flag == "--repeat")
      ok = absl::SimpleAtoi(v, &o.repeat);
    else if (flag == "--out")
      o.out = v;
    else
      Die("unknown flag " + flag);
    if (!ok) Die(flag + ": not a number: " + v);
  }
  return o;
}

// The spec's observations, held in memory so that ingest can be timed alone.
std::vector<Observation> Generate(const synth::SynthSpec& spec, json& out) {
  if (absl::Status s = synth::ValidateSpec(spec); !s.ok()) Die(std::string(AsStd(s.message())));
  const auto t0 = Clock::now();
  std::vector<Observation> all;
  all.reserve(spec.observations);
  synth::ObservationStream stream(spec);
  Observation o;
  while (stream.Next(o)) all.push_back(std::move(o));
  out["generate_seconds"] = Seconds(t0);
  return all;
}

ActorGraph Ingest(std::vector<Observation> all, json& out) {
  const auto t0 = Clock::now();
  ActorGraph g;
  for (Observation& o : all) {
    auto added = g.AddObservation(std::move(o));
    if (!added.ok()) Die(StrCat("ingest: ", AsStd(added.status().message())));
  }
  out["load_seconds"] = Seconds(t0);
  return g;
}

// Parses and ingests a relations JSONL file (load_seconds covers both).
ActorGraph LoadRelations(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot open " + path);
  ActorGraph g;
  int64_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    auto added = g.AddObservation(Must(ParseRelationLine(line), "parse"));
    if (!added.ok()) Die(StrCat(path, ":", line_number, ": ", AsStd(added.status().message())));
  }
  return g;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// Scores keyed by actor id, for the comparison.
json ByActor(const ActorGraph& graph, const ActivityGraph& activity,
             const std::vector<double>& scores) {
  json out = json::object();
  for (size_t v = 0; v < scores.size(); ++v) out[graph.ActorAt(activity.actors[v]).id] = scores[v];
  return out;
}

json TimePaths(const ActorGraph& graph, const ActivityGraph& activity, const Options& o) {
  std::mt19937_64 rng(o.pair_seed);
  std::uniform_int_distribution<size_t> node(0, activity.actors.size() - 1);
  json pairs = json::array(), hops = json::array();
  std::vector<double> ms;
  double total = 0;
  for (int i = 0; i < o.pairs; ++i) {
    PathQuery q;
    q.from = graph.ActorAt(activity.actors[node(rng)]).id;
    do {
      q.to = graph.ActorAt(activity.actors[node(rng)]).id;
    } while (q.to == q.from);
    q.max_hops = o.max_hops;
    const auto t0 = Clock::now();
    const PathResult r = Must(graph.FindPaths(q), "FindPaths");
    const double s = Seconds(t0);
    total += s;
    ms.push_back(s * 1e3);
    pairs.push_back({q.from, q.to});
    hops.push_back(r.paths.empty() ? -1 : static_cast<int>(r.paths[0].edges.size()));
  }
  return {{"pairs", pairs},
          {"hops", hops},
          {"max_hops", o.max_hops},
          {"seconds", total},
          {"p50_ms", Percentile(ms, 0.5)},
          {"p90_ms", Percentile(ms, 0.9)},
          {"mean_ms", total * 1e3 / std::max(o.pairs, 1)}};
}

// Reference only, not an actorgraph API: hop distance by a bidirectional BFS over plain
// adjacency lists (no filters, no evidence, no k > 1, no sign constraints), to show what a
// k=1 hop query can cost on this graph. -1 when farther than max_hops.
class BidirectionalBfs {
 public:
  explicit BidirectionalBfs(const WeightedDigraph& g)
      : adj_(g.node_count), side_(g.node_count, 0), depth_(g.node_count, 0) {
    for (uint32_t u = 0; u < g.node_count; ++u) {
      for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
        adj_[u].push_back(g.targets[e]);
        adj_[g.targets[e]].push_back(u);
      }
    }
  }

  int Distance(uint32_t from, uint32_t to, int max_hops) {
    std::vector<uint32_t> frontier[2] = {{from}, {to}}, touched = {from, to};
    side_[from] = 1;
    side_[to] = 2;
    depth_[from] = depth_[to] = 0;
    int result = -1, levels[2] = {0, 0};
    while (result < 0 && levels[0] + levels[1] < max_hops && !frontier[0].empty() &&
           !frontier[1].empty()) {
      // Grow the side whose frontier has fewer edges to scan.
      size_t work[2] = {0, 0};
      for (int k = 0; k < 2; ++k) {
        for (uint32_t v : frontier[k]) work[k] += adj_[v].size();
      }
      const int k = work[0] <= work[1] ? 0 : 1;
      const uint8_t mine = static_cast<uint8_t>(k + 1), theirs = static_cast<uint8_t>(2 - k);
      std::vector<uint32_t> next;
      ++levels[k];
      for (uint32_t v : frontier[k]) {
        for (uint32_t w : adj_[v]) {
          if (side_[w] == theirs) {  // v (depth levels[k] - 1) meets w across one edge
            const int length = levels[k] + depth_[w];
            result = result < 0 ? length : std::min(result, length);
          } else if (side_[w] == 0) {
            side_[w] = mine;
            depth_[w] = levels[k];
            next.push_back(w);
            touched.push_back(w);
          }
        }
      }
      frontier[k].swap(next);
    }
    for (uint32_t v : touched) side_[v] = 0;
    return result >= 0 && result <= max_hops ? result : -1;
  }

 private:
  std::vector<std::vector<uint32_t>> adj_;
  std::vector<uint8_t> side_;  // 0 unseen, 1 reached from `from`, 2 from `to`
  std::vector<int> depth_;     // hops from its side's root
};

json TimeReferenceBfs(const ActorGraph& graph, const ActivityGraph& activity, const json& pairs,
                      int max_hops) {
  std::vector<uint32_t> node_of(graph.actor_count(), UINT32_MAX);
  for (uint32_t v = 0; v < activity.actors.size(); ++v) node_of[activity.actors[v]] = v;
  BidirectionalBfs bfs(activity.graph);
  json hops = json::array();
  std::vector<double> ms;
  double total = 0;
  for (const json& pair : pairs) {
    const uint32_t a = node_of[*graph.IndexOf(pair[0].get<std::string>())];
    const uint32_t b = node_of[*graph.IndexOf(pair[1].get<std::string>())];
    const auto t0 = Clock::now();
    hops.push_back(bfs.Distance(a, b, max_hops));
    const double s = Seconds(t0);
    total += s;
    ms.push_back(s * 1e3);
  }
  return {{"hops", hops}, {"seconds", total}, {"p50_ms", Percentile(ms, 0.5)}};
}

json TimePageRank(const ActorGraph& graph, const ActivityGraph& activity, const Options& o) {
  double best = 1e300, best_rank = 1e300;
  std::vector<double> scores;
  for (int r = 0; r < o.repeat; ++r) {
    auto t0 = Clock::now();
    scores = Must(PageRank(activity.graph, PageRankOptions()), "PageRank");
    best = std::min(best, Seconds(t0));
    RankQuery q;
    q.by = RankMeasure::kPageRank;
    t0 = Clock::now();
    Must(RankActors(graph, q), "RankActors");
    best_rank = std::min(best_rank, Seconds(t0));
  }
  const PageRankOptions defaults;
  return {{"seconds", best},
          {"rank_actors_seconds", best_rank},
          {"damping", defaults.damping},
          {"tolerance", defaults.tolerance},
          {"max_iterations", defaults.max_iterations},
          {"values", ByActor(graph, activity, scores)}};
}

json TimeBetweenness(const ActorGraph& graph, const ActivityGraph& activity, const Options& o) {
  const uint32_t n = activity.graph.node_count;
  BetweennessOptions b;
  b.samples = o.samples;
  b.seed = 1;
  json sources = json::array();
  for (uint32_t s : BetweennessSources(n, b.samples, b.seed)) {
    sources.push_back(graph.ActorAt(activity.actors[s]).id);
  }
  b.threads = 1;
  auto t0 = Clock::now();
  const std::vector<double> one = Must(Betweenness(activity.graph, b), "Betweenness");
  const double one_thread = Seconds(t0);
  b.threads = o.threads;
  t0 = Clock::now();
  const std::vector<double> many = Must(Betweenness(activity.graph, b), "Betweenness");
  const double threaded = Seconds(t0);
  if (many != one) Die("betweenness differs between 1 and several threads");
  return {{"samples", o.samples},
          {"sources", sources},
          // Betweenness scales a sampled sum by n / samples (and halves undirected sums).
          {"scale", o.samples > 0 && static_cast<uint32_t>(o.samples) < n
                        ? static_cast<double>(n) / o.samples
                        : 1.0},
          {"seconds_1_thread", one_thread},
          {"threads", o.threads},
          {"seconds_threads", threaded},
          {"values", ByActor(graph, activity, one)}};
}

int Main(int argc, char** argv) {
  const Options o = ParseFlags(argc, argv);
  json out;
  auto t0 = Clock::now();
  const ActorGraph graph =
      o.relations.empty() ? Ingest(Generate(o.spec, out), out) : LoadRelations(o.relations);
  if (!o.relations.empty()) out["load_seconds"] = Seconds(t0);
  t0 = Clock::now();
  const ActivityGraph activity = BuildActivityGraph(graph, RelationFilter());
  out["activity_seconds"] = Seconds(t0);
  out["graph"] = {{"actors", graph.actor_count()},
                  {"observations", graph.observation_count()},
                  {"nodes", activity.graph.node_count},
                  {"directed_edges", activity.graph.targets.size()}};
  if (activity.actors.size() < 2) Die("the graph has fewer than two connected actors");
  out["paths"] = TimePaths(graph, activity, o);
  out["reference_bfs"] = TimeReferenceBfs(graph, activity, out["paths"]["pairs"], o.max_hops);
  out["pagerank"] = TimePageRank(graph, activity, o);
  out["betweenness"] = TimeBetweenness(graph, activity, o);
  const std::string text = out.dump();
  if (o.out.empty()) {
    std::cout << text << "\n";
  } else {
    std::ofstream f(o.out);
    f << text << "\n";
    if (!f) Die("cannot write " + o.out);
  }
  return 0;
}

}  // namespace
}  // namespace actorgraph::bench

int main(int argc, char** argv) { return actorgraph::bench::Main(argc, argv); }
