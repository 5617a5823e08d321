// Stance: the signed, weighted, optionally recency-decayed sum of the relations between two
// actors over a window (DESIGN.md), its timeline, and the stance graph of all actor pairs
// that the alliance, ally and balance queries read.
//
// One observation contributes  weight x confidence x decay / act_targets:
//  - decay = 0.5^(age / half_life_days), age counted back from as_of (no decay when 0);
//  - act_targets = ActorGraph::ActTargetCount: one act aimed at several actors in the same
//    sentence ("rejected the ceasefire Russia and Turkey proposed") shares its weight, so a
//    joint rebuff does not outweigh each addressee's own, standing relation;
//  - LEADS and MEMBER_OF (sign 0) count as `structural_weight`: a leader sides with what he
//    leads.
// Thread-safe: pure functions over a graph the caller keeps unchanged during the call.
#ifndef ACTORGRAPH_GRAPH_STANCE_H_
#define ACTORGRAPH_GRAPH_STANCE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/actor_graph.h"
#include "graph/signed_graph.h"
#include "graph/types.h"

namespace actorgraph {

inline constexpr int kMaxStanceEvidence = 50;
inline constexpr int kMaxTimelinePoints = 1000;

// How observations turn into stance.
struct StanceOptions {
  RelationFilter filter;
  double half_life_days = 0;       // 0 = no decay; must be >= 0
  Day as_of = kNoDate;             // decay reference; kNoDate = filter.until, else newest
  double structural_weight = 3.5;  // contribution of LEADS / MEMBER_OF (>= 0)
};

// OK, or InvalidArgument naming the bad field (half_life_days, structural_weight,
// filter.sign).
absl::Status ValidateStanceOptions(const StanceOptions& o);

// Computes contributions for one graph and one set of options. Thread-safe once built (const
// methods only); the graph must outlive it and stay unchanged.
class StanceCalculator {
 public:
  StanceCalculator(const ActorGraph& graph, const StanceOptions& options);
  // The contribution of `o` (0 when it does not pass the filter).
  double Contribution(const Observation& o) const;
  // Sum of contributions over one directed edge.
  double EdgeStance(const ActorGraph::EdgeRef& edge) const;
  Day as_of() const { return as_of_; }

 private:
  const ActorGraph& graph_;
  StanceOptions options_;
  Day as_of_;
};

// Totals of the contributions of a set of observations.
struct StanceTotals {
  double score = 0;     // sum: > 0 friendly, < 0 hostile
  double positive = 0;  // sum of the positive contributions
  double negative = 0;  // sum of the negative contributions (<= 0)
  int64_t count = 0;
  std::array<int64_t, kNumRelationKinds> kind_count{};
  std::array<double, kNumRelationKinds> kind_weight{};
  Day first_seen = kNoDate;
  Day last_seen = kNoDate;

  void Add(const Observation& o, double contribution);
};

struct StanceQuery {
  std::string a;  // actor ids (already resolved)
  std::string b;
  StanceOptions options;
  bool directed = false;  // only a -> b; false = both directions
  int max_evidence = 5;   // 1..50
};

struct StanceResult {
  std::string a;
  std::string b;
  StanceTotals totals;
  // The strongest observations (largest |contribution|), presented newest first.
  std::vector<const Observation*> evidence;
};

// The stance between q.a and q.b. NotFound naming an unknown actor; InvalidArgument naming
// the field for bad options or limits.
absl::StatusOr<StanceResult> GetStance(const ActorGraph& graph, const StanceQuery& q);

// Width of a timeline bucket. Values match proto actorgraph.v1.Bucket.
enum class TimeBucket : int { kMonth = 0, kWeek = 1, kQuarter = 2, kYear = 3, kDay = 4 };

// First day of the bucket containing `day` (weeks start on Monday), and of the next bucket.
Day BucketStart(Day day, TimeBucket bucket);
Day NextBucketStart(Day start, TimeBucket bucket);

struct TimelineQuery {
  std::string a;
  std::string b;
  // Contributions are not decayed in a timeline: each bucket shows what happened in it.
  RelationFilter filter;
  double structural_weight = 3.5;
  bool directed = false;
  TimeBucket bucket = TimeBucket::kMonth;
  int max_points = kMaxTimelinePoints;  // 1..1000
};

struct TimelinePoint {
  Day start = kNoDate;  // first and last day of the bucket
  Day end = kNoDate;
  double score = 0;
  double positive = 0;
  double negative = 0;
  int64_t count = 0;
  double cumulative = 0;  // running sum of score up to and including this bucket
};

// Consecutive buckets from the window's start (or the pair's first dated observation) to its
// end (or the last one), empty buckets included, oldest first. Undated observations are left
// out. InvalidArgument naming "bucket" when more than max_points buckets would be needed.
absl::StatusOr<std::vector<TimelinePoint>> GetTimeline(const ActorGraph& graph,
                                                       const TimelineQuery& q);

// The undirected stance graph: node i is actor `actors[i]` (an ActorGraph index); the weight
// of i-j is the stance summed over both directions. `directed` keeps each direction's own
// stance, for reporting the relations that go against a partition. The dictionary's dated
// roles (Actor::roles, LEADS or MEMBER_OF, holding at some time in the window) between two
// actors that both have relations in the window count like a LEADS observation: a president
// or a minister speaks for his state, a commander for his force.
inline constexpr uint32_t kRoleEdge = UINT32_MAX;  // DirectedStance::edge of a role
struct StanceGraph {
  struct DirectedStance {
    uint32_t edge = 0;    // ActorGraph edge id, or kRoleEdge for a dictionary role
    uint32_t source = 0;  // node ids
    uint32_t target = 0;
    double stance = 0;
  };
  std::vector<uint32_t> actors;
  SignedGraph graph;
  std::vector<DirectedStance> directed;
};

struct StanceGraphOptions {
  StanceOptions stance;
  // Restrict to these ActorGraph indices; empty = every actor with a nonzero stance.
  std::vector<uint32_t> only;
  double min_abs_stance = 0;  // pairs with |stance| below this are left out
  std::function<bool()> cancelled;
};

// Builds the stance graph. InvalidArgument for bad options; Cancelled when asked.
absl::StatusOr<StanceGraph> BuildStanceGraph(const ActorGraph& graph,
                                             const StanceGraphOptions& options);

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_STANCE_H_
