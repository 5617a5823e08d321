// Allies and adversaries of an actor: direct ones by stance, and inferred ones through
// structural balance (a friend's friend and an enemy's enemy are friends; a friend's enemy and
// an enemy's friend are enemies), each with the relations that explain it.
//
// Scores lie in (-1, 1): an edge of stance w has strength |w| / (|w| + 3.5) (one SUPPORT's
// worth of stance gives 0.5), a path multiplies its edges' strengths and signs, so inferred
// ties come out weaker than direct ones and fade with length. An inferred entry reports its
// strongest explaining path; an actor with a direct stance is reported as direct only.
// Thread-safe: a pure function over a graph the caller keeps unchanged during the call.
#ifndef ACTORGRAPH_GRAPH_ALLIES_H_
#define ACTORGRAPH_GRAPH_ALLIES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "graph/stance.h"

namespace actorgraph {

inline constexpr int kMaxAlliesLimit = 200;
inline constexpr int kMaxAlliesHops = 4;
inline constexpr int kMaxAlliesEvidence = 20;
// Stance that counts as strength 0.5.
inline constexpr double kHalfStrengthStance = 3.5;

struct AlliesQuery {
  std::string actor;  // id (already resolved)
  StanceOptions stance;
  int limit = 20;         // allies and adversaries each, 1..200
  bool inferred = false;  // also infer through balance
  int max_hops = 2;       // longest explaining path for inferred entries, 2..4
  int max_evidence = 2;   // per explaining edge, 1..20
  std::function<bool()> cancelled;
};

struct Affinity {
  std::string actor;
  double score = 0;     // > 0 ally, < 0 adversary; larger magnitude = stronger
  bool direct = false;  // rests on a direct stance (else inferred through balance)
  // actors: the ego .. this actor; one edge per hop (the direction whose stance agrees with
  // the pair's and is strongest, `reversed` when it points back), with evidence.
  FoundPath explanation;
};

struct AlliesResult {
  std::vector<Affinity> allies;       // strongest first, ties by id
  std::vector<Affinity> adversaries;  // strongest (most negative) first, ties by id
};

// NotFound naming an unknown actor; InvalidArgument naming the field; Cancelled.
absl::StatusOr<AlliesResult> GetAlliesAndAdversaries(const ActorGraph& graph, const AlliesQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ALLIES_H_
