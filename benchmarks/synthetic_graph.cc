#include "benchmarks/synthetic_graph.h"

#include <cstdio>
#include <cstdlib>
#include <random>

namespace actorgraph::bench {

ActorGraph BuildSyntheticGraph(const SyntheticSpec& spec) {
  static constexpr RelationKind kPositive[] = {RelationKind::kSupport, RelationKind::kAid,
                                               RelationKind::kCooperate, RelationKind::kMeet,
                                               RelationKind::kMediate};
  static constexpr RelationKind kNegative[] = {RelationKind::kCriticize, RelationKind::kReject,
                                               RelationKind::kThreaten, RelationKind::kSanction,
                                               RelationKind::kFight};
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> coin(0, 1);
  std::uniform_int_distribution<uint32_t> actor(0, spec.actors - 1);
  std::uniform_int_distribution<uint32_t> per_bloc(0, spec.actors / spec.blocs - 1);
  std::uniform_int_distribution<uint32_t> other_bloc(1, spec.blocs - 1);
  std::uniform_int_distribution<int> kind(0, 4);
  std::uniform_int_distribution<int> day(0, 6 * 365);
  std::uniform_real_distribution<double> confidence(0.5, 1.0);
  const Day start = DayFromCivil(2015, 1, 1);
  ActorGraph g;
  for (uint32_t i = 0; i < spec.relations; ++i) {
    const uint32_t s = actor(rng);
    const uint32_t b = PlantedBloc(spec, s);
    const bool inside = coin(rng) < spec.within;
    const uint32_t tb = inside ? b : (b + other_bloc(rng)) % spec.blocs;
    const uint32_t t = per_bloc(rng) * spec.blocs + tb;
    if (t == s) continue;
    const bool positive = inside != (coin(rng) < spec.noise);
    Observation o;
    o.source = SyntheticActorId(s);
    o.target = SyntheticActorId(t);
    o.kind = positive ? kPositive[kind(rng)] : kNegative[kind(rng)];
    o.sign = Info(o.kind).sign;
    o.weight = Info(o.kind).default_weight;
    o.confidence = confidence(rng);
    o.date = start + day(rng);
    o.evidence.doc = std::string(1, 'd').append(std::to_string(i / 8));
    o.evidence.begin = static_cast<int32_t>(i % 8) * 100;
    o.evidence.end = o.evidence.begin + 80;
    o.id =
        ObservationId(o.evidence.doc, o.evidence.begin, o.evidence.end, o.source, o.target, o.kind);
    auto added = g.AddObservation(std::move(o));
    if (!added.ok()) {
      std::fprintf(stderr, "synthetic ingest failed: %s\n",
                   std::string(added.status().message()).c_str());
      std::abort();
    }
  }
  return g;
}

}  // namespace actorgraph::bench
