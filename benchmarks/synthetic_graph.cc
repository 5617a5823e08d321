#include "benchmarks/synthetic_graph.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "graph/strings.h"

namespace actorgraph::bench {

synth::SynthSpec ToSynthSpec(const SyntheticSpec& spec) {
  synth::SynthSpec s;
  s.actors = spec.actors;
  s.observations = spec.relations;
  s.blocs = spec.blocs;
  s.within = spec.within;
  s.noise = spec.noise;
  s.drift = 0;
  s.zipf = spec.zipf;
  s.evidence = false;
  s.seed = spec.seed;
  return s;
}

ActorGraph BuildSyntheticGraph(const SyntheticSpec& spec) {
  return BuildSyntheticGraph(ToSynthSpec(spec));
}

ActorGraph BuildSyntheticGraph(const synth::SynthSpec& spec) {
  if (absl::Status s = synth::ValidateSpec(spec); !s.ok()) {
    std::fprintf(stderr, "synthetic spec: %s\n", std::string(AsStd(s.message())).c_str());
    std::abort();
  }
  ActorGraph g;
  synth::ObservationStream stream(spec);
  Observation o;
  while (stream.Next(o)) {
    auto added = g.AddObservation(std::move(o));
    if (!added.ok()) {
      std::fprintf(stderr, "synthetic ingest failed: %s\n",
                   std::string(AsStd(added.status().message())).c_str());
      std::abort();
    }
  }
  return g;
}

}  // namespace actorgraph::bench
