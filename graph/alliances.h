// FindAlliances: blocs of actors by structural balance over the stance graph of a window,
// with each member's attachment, the frustration, and the tension edges (hostile inside a
// bloc, friendly across blocs) with the observations behind them.
//
// The partition minimises the frustration of the pair stance (graph/signed_partition.h).
// Frustration and tensions are then reported per direction: Haftar's rejection of Russia's
// ceasefire is a tension inside the bloc that Russia's backing of Haftar puts them in.
// Minimising over pair sums or over directions gives the same partition (they differ by a
// constant per mixed pair), so the reported optimum is the optimum of either.
// Thread-safe: a pure function over a graph the caller keeps unchanged during the call.
#ifndef ACTORGRAPH_GRAPH_ALLIANCES_H_
#define ACTORGRAPH_GRAPH_ALLIANCES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"

namespace actorgraph {

inline constexpr int kMaxAllianceBlocs = 16;
inline constexpr int kMaxAllianceRestarts = 100;
inline constexpr int kMaxAllianceTensions = 1000;
inline constexpr int kMaxAllianceEvidence = 20;
inline constexpr int kMaxAllianceRadius = 4;
inline constexpr int kMaxExactActors = 25;

struct AllianceQuery {
  RelationFilter filter;
  std::vector<std::string> actors;  // restrict to these ids; empty = every actor (or `around`)
  std::vector<std::string> around;  // else restrict to the radius-hop neighbourhood of these
  int radius = 2;                   // 1..4, for `around`
  int num_blocs = 0;                // 0 = automatic; else at most this many (1..16)
  uint64_t seed = 1;
  int restarts = 10;                // local search starts, 1..100
  int max_tensions = 50;            // 1..1000
  int max_evidence = 3;             // per tension edge, 1..20
  double half_life_days = 0;        // stance recency decay; 0 = none
  Day as_of = kNoDate;              // decay reference; kNoDate = filter.until, else newest
  double min_abs_stance = 0;        // ignore pairs with |stance| below this
  double structural_weight = 3.5;   // stance of LEADS / MEMBER_OF
  int exact_max_actors = 20;        // components up to this size are solved exactly (0..25)
  std::function<bool()> cancelled;  // polled; true stops with Cancelled
};

struct BlocMember {
  std::string actor;
  // (stance toward own bloc - best stance toward another bloc) / total |stance|, in [-1, 1].
  double attachment = 0;
};

struct Bloc {
  std::vector<BlocMember> members;  // firmest first, ties by id
  double internal_positive = 0;     // pair stance inside the bloc: positive sum
  double internal_negative = 0;     // and negative sum (<= 0)
};

struct TensionEdge {
  PathEdge relation;         // one direction's passing observations, evidence newest first
  double stance = 0;         // that direction's stance
  bool within_bloc = false;  // hostile inside a bloc (else friendly across blocs)
  int source_bloc = 0;
  int target_bloc = 0;
};

struct AllianceResult {
  std::vector<Bloc> blocs;       // largest first, ties by first member id
  double frustration = 0;        // sum of |stance| over every tension edge (each direction)
  double frustration_index = 0;  // frustration / total |stance|, in [0, 1]
  double total_abs_stance = 0;
  std::vector<TensionEdge> tensions;  // largest |stance| first
  bool truncated = false;             // max_tensions cut the tension list
  bool exact = false;                 // solved by branch and bound
  bool optimal = false;               // proven optimal
};

// Blocs of the actors selected by `q`. NotFound naming an unknown actor; InvalidArgument
// naming the field for a bad limit; Cancelled when q.cancelled says so.
absl::StatusOr<AllianceResult> FindAlliances(const ActorGraph& graph, const AllianceQuery& q);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_ALLIANCES_H_
