// Writes a synthetic planted-bloc stance graph for the peer comparison and partitions it
// with our solver, so benchmarks/compare_peers.py can run signed Leiden and spinglass on the
// very same graph.
//
// Case: one run of PartitionSignedGraph (1 and 10 restarts) on the stance graph of
// SyntheticSpec{actors, relations}; prints one JSON object per run.
// Run (Release build, see graph_benchmark.cc):
//   cmake --build build-bench --target actorgraph_alliance_peers
//   /usr/bin/python3 benchmarks/compare_peers.py build-bench/bin/actorgraph_alliance_peers
// Usage: actorgraph_alliance_peers ACTORS RELATIONS EDGES_OUT
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "benchmarks/synthetic_graph.h"
#include "graph/signed_partition.h"
#include "graph/stance.h"

int main(int argc, char** argv) {
  using namespace actorgraph;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s ACTORS RELATIONS EDGES_OUT\n", argv[0]);
    return 2;
  }
  bench::SyntheticSpec spec;
  spec.actors = static_cast<uint32_t>(std::stoul(argv[1]));
  spec.relations = static_cast<uint32_t>(std::stoul(argv[2]));
  const ActorGraph graph = bench::BuildSyntheticGraph(spec);
  auto sg = BuildStanceGraph(graph, {});
  if (!sg.ok()) return 1;
  const SignedGraph& g = sg->graph;
  std::FILE* out = std::fopen(argv[3], "w");
  if (out == nullptr) return 1;
  for (uint32_t u = 0; u < g.node_count(); ++u) {
    auto nb = g.neighbors(u);
    auto w = g.weights(u);
    for (size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] > u) std::fprintf(out, "%u %u %.6f\n", u, nb[i], w[i]);
    }
  }
  std::fclose(out);
  for (int restarts : {1, 10}) {
    PartitionOptions o;
    o.restarts = restarts;
    o.seed = 7;
    const auto t0 = std::chrono::steady_clock::now();
    auto p = PartitionSignedGraph(g, o);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!p.ok()) return 1;
    std::printf(
        "{\"method\": \"actorgraph (%d restarts)\", \"nodes\": %u, \"edges\": %zu, "
        "\"frustration\": %.3f, \"blocs\": %u, \"seconds\": %.3f}\n",
        restarts, g.node_count(), g.edge_count(), p->frustration, p->bloc_count, seconds);
  }
  return 0;
}
