// actorgraph_synth: realistic synthetic actor graphs of any size, deterministic for a seed,
// streamed with constant memory (no gRPC, no SQLite, no I/O).
//
// The model: actor i belongs to planted bloc i % blocs. Activity is heavy-tailed: each
// observation picks its source by a Zipf law over actor indices (low indices are the hubs,
// and the first ones are states, like real news), then a target, again Zipf-distributed,
// inside the source's bloc with probability `within` or else in another bloc. Relations inside
// a bloc are positive and across blocs negative; a share `drift` of actor pairs turns to the
// opposite sign from a pair-specific date on, and each observation's sign is then flipped
// with probability `noise`. Kinds, CAMEO codes and weights follow DESIGN.md's table. The
// observations come in documents of 1-7 observations sharing a date, each with a URL, a
// character span and a template sentence of about 80-160 bytes.
//
// Thread-compatible: an ObservationStream is used by one thread at a time; the free
// functions are pure.
#ifndef ACTORGRAPH_TOOLS_SYNTH_SYNTH_H_
#define ACTORGRAPH_TOOLS_SYNTH_SYNTH_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "graph/types.h"

namespace actorgraph::synth {

struct SynthSpec {
  uint64_t actors = 100'000;          // >= 2, < 2^32
  uint64_t observations = 1'000'000;  // exact count produced
  uint32_t blocs = 10;                // 1..actors
  int first_year = 2015;              // observations are dated from 1 January of this year
  int years = 6;                      // ... over this many years (1..200)
  double within = 0.5;                // share of observations whose target is in the source's bloc
  double noise = 0.1;                 // share of observations whose sign is flipped at random
  double drift = 0.05;   // share of actor pairs whose sign flips once, at a date of their own
  double zipf = 1.0;     // activity exponent: actor of rank r is picked ~ 1/(r+1)^zipf; 0 = uniform
  bool evidence = true;  // false: empty sentence and URL (doc and span are still set)
  uint64_t seed = 1;
};

// OK, or InvalidArgument naming the first out-of-range field.
absl::Status ValidateSpec(const SynthSpec& spec);

// "a<i>": the id of actor i (what the benchmarks' SyntheticActorId always was).
std::string ActorId(uint64_t i);
// The planted bloc of actor i.
inline uint32_t BlocOf(const SynthSpec& spec, uint64_t i) {
  return static_cast<uint32_t>(i % spec.blocs);
}

// Actor i (< spec.actors) of a valid spec: kind, name, aliases and country, a pure function of
// (spec.seed, spec.actors, i). The first actors (the hubs) are states.
Actor MakeActor(const SynthSpec& spec, uint64_t i);

// The observations of a spec, one at a time, in O(1) memory.
class ObservationStream {
 public:
  // `spec` must pass ValidateSpec (checked with a crash otherwise: a caller bug).
  explicit ObservationStream(const SynthSpec& spec);

  // Fills every field of `o` with the next observation and returns true; returns false (and
  // leaves `o` alone) once spec.observations have been produced.
  bool Next(Observation& o);
  // How many observations Next has produced so far.
  uint64_t produced() const { return produced_; }

 private:
  struct Rng {
    uint64_t s[4];
    uint64_t Next();
    double Uniform();                // [0, 1)
    uint64_t Below(uint64_t bound);  // [0, bound), bound > 0
  };
  uint64_t PickRank(uint64_t n);  // heavy-tailed in [0, n)
  uint64_t PickActorInBloc(uint32_t bloc);
  void StartDocument();

  SynthSpec spec_;
  Rng rng_;
  uint64_t produced_ = 0;
  Day first_day_ = 0;
  int32_t day_count_ = 1;
  double zipf_lo_ = 0;  // 1 - spec.zipf, the power-law integral's exponent
  // The current document.
  uint64_t doc_number_ = 0;
  int doc_left_ = 0;
  Day doc_day_ = 0;
  int32_t doc_offset_ = 0;
  std::string doc_id_;
  std::string url_;
  std::string sentence_;
};

// Calls on_actor for actors 0..spec.actors-1 in order, then on_observation for each
// observation in stream order. InvalidArgument (from ValidateSpec) before any call.
absl::Status Generate(const SynthSpec& spec, absl::FunctionRef<void(const Actor&)> on_actor,
                      absl::FunctionRef<void(Observation&&)> on_observation);

}  // namespace actorgraph::synth

#endif  // ACTORGRAPH_TOOLS_SYNTH_SYNTH_H_
