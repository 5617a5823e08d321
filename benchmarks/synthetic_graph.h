// A synthetic signed actor graph with planted blocs, for benchmarks: actors are split into
// `blocs` equal blocs; each relation picks a uniform source, a target inside its bloc with
// probability `within`, and a kind of the sign its position implies (positive inside,
// negative across), flipped with probability `noise`. Deterministic for a seed.
#ifndef ACTORGRAPH_BENCHMARKS_SYNTHETIC_GRAPH_H_
#define ACTORGRAPH_BENCHMARKS_SYNTHETIC_GRAPH_H_

#include <cstdint>
#include <string>

#include "graph/actor_graph.h"

namespace actorgraph::bench {

struct SyntheticSpec {
  uint32_t actors = 100'000;
  uint32_t relations = 1'000'000;
  uint32_t blocs = 10;
  double within = 0.5;  // share of relations inside the source's bloc
  double noise = 0.1;   // share of relations with the "wrong" sign
  uint64_t seed = 1;
};

// Actor ids are "a<i>"; actor i belongs to bloc i % blocs.
// (Appending rather than `"a" + std::to_string(i)`, which trips GCC 12's -Wrestrict.)
inline std::string SyntheticActorId(uint32_t i) {
  return std::string(1, 'a').append(std::to_string(i));
}
inline uint32_t PlantedBloc(const SyntheticSpec& spec, uint32_t i) { return i % spec.blocs; }

// Builds the graph (aborts on an ingest error, which would be a bug).
ActorGraph BuildSyntheticGraph(const SyntheticSpec& spec);

}  // namespace actorgraph::bench

#endif  // ACTORGRAPH_BENCHMARKS_SYNTHETIC_GRAPH_H_
