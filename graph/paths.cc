#include "graph/paths.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <vector>

#include "graph/errors.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

// Work cap on partial paths; beyond it the answer is returned as `truncated`.
constexpr size_t kMaxLabels = 2'000'000;
constexpr uint8_t kFar = 0xFF;  // state not within the hop budget of the target
// Per-hop cost in PathCost::kConfidence, so that among equally sure chains the shorter wins.
constexpr double kHopCost = 0.01;

// What the search needs to know about one directed edge under the query.
struct EdgeEval {
  bool usable = false;
  int8_t sign = 0;  // sign of the sum of passing weights
  double cost = 0;
};

// One move of the search: walk `edge` (against its direction when `reversed`) to `to`.
struct Step {
  uint32_t to;
  uint32_t edge;
  bool reversed;
  EdgeEval eval;
};

class PathSearch {
 public:
  PathSearch(const ActorGraph& graph, const PathQuery& q)
      : graph_(graph),
        q_(q),
        parity_(q.path_sign != 0),
        states_per_actor_(parity_ ? 2 : 1),
        bound_radius_(q.cost == PathCost::kHops ? q.max_hops / 2 : q.max_hops - 1) {
    as_of_ = q.as_of != kNoDate          ? q.as_of
             : q.filter.until != kNoDate ? q.filter.until
                                         : graph.newest_date();
  }

  absl::StatusOr<PathResult> Run(uint32_t from, uint32_t to);

 private:
  EdgeEval Eval(uint32_t edge) const;
  // Moves from actor u that a path may take.
  template <class F>
  void ForEachStep(uint32_t u, F&& fn) const;
  // Every usable edge touching x, seen from the other end: a superset of the moves into x,
  // which keeps the reverse bound admissible.
  template <class F>
  void ForEachStepInto(uint32_t x, F&& fn) const;
  void ComputeBounds(uint32_t target_state);
  bool Cancelled() const { return q_.cancelled && q_.cancelled(); }

  const ActorGraph& graph_;
  const PathQuery& q_;
  const bool parity_;
  const uint32_t states_per_actor_;
  Day as_of_ = kNoDate;
  int bound_radius_;                     // how far the reverse search goes
  std::vector<uint8_t> hops_to_target_;  // per state; kFar when beyond bound_radius_
  std::vector<double> cost_to_target_;   // per state, PathCost::kConfidence only
};

EdgeEval PathSearch::Eval(uint32_t edge) const {
  EdgeEval ev;
  double weight = 0, miss = 1;  // miss: noisy-or complement of recency-scaled confidence
  int64_t count = 0;
  for (const Observation* o : graph_.EdgeAt(edge).observations) {
    if (!q_.filter.Matches(*o)) continue;
    ++count;
    weight += o->weight;
    if (q_.cost == PathCost::kConfidence) {
      double c = std::clamp(o->confidence, 0.0, 1.0);
      if (q_.half_life_days > 0 && o->date != kNoDate && as_of_ != kNoDate && o->date < as_of_) {
        c *= std::exp2(-(as_of_ - o->date) / q_.half_life_days);
      }
      miss *= 1 - c;
    }
  }
  ev.sign = weight > 0 ? 1 : weight < 0 ? -1 : 0;
  ev.usable = count > 0 && (!q_.all_positive || ev.sign > 0) && (!parity_ || ev.sign != 0);
  ev.cost = q_.cost == PathCost::kHops ? 1.0 : kHopCost - std::log(std::max(1 - miss, 1e-9));
  return ev;
}

template <class F>
void PathSearch::ForEachStep(uint32_t u, F&& fn) const {
  graph_.ForEachOutEdge(u, [&](uint32_t e) {
    const uint32_t v = graph_.EdgeAt(e).target;
    EdgeEval fwd = Eval(e);
    if (fwd.usable) fn(Step{v, e, false, fwd});
    if (q_.directed) return;
    // Walk a relation in its own direction when one exists; the reverse relation is a move
    // only when the forward one is unusable or, in a sign search, has the other sign.
    if (auto r = graph_.FindEdge(v, u); r && (!fwd.usable || parity_)) {
      EdgeEval back = Eval(*r);
      if (back.usable && (!fwd.usable || back.sign != fwd.sign)) fn(Step{v, *r, true, back});
    }
  });
  if (q_.directed) return;
  graph_.ForEachInEdge(u, [&](uint32_t e) {
    const uint32_t v = graph_.EdgeAt(e).source;
    if (graph_.FindEdge(u, v)) return;  // handled with the forward edge above
    EdgeEval back = Eval(e);
    if (back.usable) fn(Step{v, e, true, back});
  });
}

template <class F>
void PathSearch::ForEachStepInto(uint32_t x, F&& fn) const {
  graph_.ForEachInEdge(x, [&](uint32_t e) {
    EdgeEval ev = Eval(e);
    if (ev.usable) fn(Step{graph_.EdgeAt(e).source, e, false, ev});
  });
  if (q_.directed) return;
  graph_.ForEachOutEdge(x, [&](uint32_t e) {
    EdgeEval ev = Eval(e);
    if (ev.usable) fn(Step{graph_.EdgeAt(e).target, e, true, ev});
  });
}

// Breadth-first (and, for the confidence cost, Dijkstra) from the target backwards, out to
// bound_radius_ moves. By hops the radius is half the budget: a state not reached is at least
// bound_radius_ + 1 away, still a valid bound, and the forward search covers the other half,
// which keeps both sides small (as in bidirectional search). The confidence cost needs the
// whole budget, max_hops - 1: beyond it a state cannot lie on any answer.
void PathSearch::ComputeBounds(uint32_t target_state) {
  const size_t n = graph_.actor_count() * states_per_actor_;
  hops_to_target_.assign(n, kFar);
  std::vector<uint32_t> frontier = {target_state}, next;
  hops_to_target_[target_state] = 0;
  for (int depth = 1; depth <= bound_radius_ && !frontier.empty(); ++depth) {
    next.clear();
    for (uint32_t x : frontier) {
      const uint32_t parity = x % states_per_actor_;
      ForEachStepInto(x / states_per_actor_, [&](const Step& s) {
        uint32_t p = parity_ ? parity ^ (s.eval.sign < 0 ? 1u : 0u) : 0;
        uint32_t y = s.to * states_per_actor_ + p;
        if (hops_to_target_[y] != kFar) return;
        hops_to_target_[y] = static_cast<uint8_t>(depth);
        next.push_back(y);
      });
    }
    frontier.swap(next);
  }
  if (q_.cost != PathCost::kConfidence) return;
  cost_to_target_.assign(n, std::numeric_limits<double>::infinity());
  using Item = std::pair<double, uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  cost_to_target_[target_state] = 0;
  pq.push({0.0, target_state});
  while (!pq.empty()) {
    // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture
    // bindings in the lambda below.
    const double d = pq.top().first;
    const uint32_t x = pq.top().second;
    pq.pop();
    if (d > cost_to_target_[x]) continue;
    const uint32_t parity = x % states_per_actor_;
    ForEachStepInto(x / states_per_actor_, [&](const Step& s) {
      uint32_t p = parity_ ? parity ^ (s.eval.sign < 0 ? 1u : 0u) : 0;
      uint32_t y = s.to * states_per_actor_ + p;
      if (hops_to_target_[y] == kFar) return;  // outside the budget: never on a path
      double nd = d + s.eval.cost;
      if (nd < cost_to_target_[y]) {
        cost_to_target_[y] = nd;
        pq.push({nd, y});
      }
    });
  }
}

absl::StatusOr<PathResult> PathSearch::Run(uint32_t from, uint32_t to) {
  const uint32_t want_parity = q_.path_sign < 0 ? 1 : 0;
  const uint32_t target_state = to * states_per_actor_ + want_parity;
  ComputeBounds(target_state);
  if (Cancelled()) return absl::CancelledError("FindPaths cancelled");

  struct Label {
    uint32_t state;
    int32_t parent;
    uint32_t edge;
    bool reversed;
    int8_t sign;
    uint8_t hops;
    double cost;
  };
  struct Entry {
    double f;
    uint8_t hops;
    uint32_t label;
  };
  // Lowest bound first; on ties the longer partial path (nearer completion), then FIFO.
  auto later = [](const Entry& a, const Entry& b) {
    if (a.f != b.f) return a.f > b.f;
    if (a.hops != b.hops) return a.hops < b.hops;
    return a.label > b.label;
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> open(later);
  std::vector<Label> labels;
  std::vector<uint32_t> done;                           // labels of complete paths, cheapest first
  const size_t wanted = static_cast<size_t>(q_.k) + 1;  // one more tells `truncated`
  bool capped = false;

  labels.push_back(Label{from * states_per_actor_, -1, 0, false, 1, 0, 0.0});
  open.push(Entry{0.0, 0, 0});
  auto on_path = [&](int32_t label, uint32_t actor) {
    for (; label >= 0; label = labels[label].parent) {
      if (labels[label].state / states_per_actor_ == actor) return true;
    }
    return false;
  };
  size_t pops = 0;
  while (!open.empty() && done.size() < wanted) {
    if ((++pops & 255) == 0 && Cancelled()) return absl::CancelledError("FindPaths cancelled");
    const uint32_t li = open.top().label;
    open.pop();
    const Label cur = labels[li];
    if (cur.state == target_state) {
      done.push_back(li);
      continue;
    }
    if (cur.hops >= q_.max_hops) continue;
    const uint32_t parity = cur.state % states_per_actor_;
    ForEachStep(cur.state / states_per_actor_, [&](const Step& s) {
      if (capped) return;
      uint32_t p = parity_ ? parity ^ (s.eval.sign < 0 ? 1u : 0u) : 0;
      uint32_t ns = s.to * states_per_actor_ + p;
      uint8_t h = hops_to_target_[ns];
      if (h == kFar) {
        if (bound_radius_ >= q_.max_hops - 1) return;  // beyond the budget
        h = static_cast<uint8_t>(bound_radius_ + 1);
      }
      if (cur.hops + 1 + h > q_.max_hops) return;
      if (s.to == to && ns != target_state) return;  // passing through the target is a loop
      if (on_path(static_cast<int32_t>(li), s.to)) return;
      double g = cur.cost + s.eval.cost;
      double f = g + (q_.cost == PathCost::kConfidence ? cost_to_target_[ns] : h);
      if (labels.size() >= kMaxLabels) {
        capped = true;
        return;
      }
      labels.push_back(Label{ns, static_cast<int32_t>(li), s.edge, s.reversed, s.eval.sign,
                             static_cast<uint8_t>(cur.hops + 1), g});
      open.push(
          Entry{f, static_cast<uint8_t>(cur.hops + 1), static_cast<uint32_t>(labels.size() - 1)});
    });
    if (capped) break;
  }

  PathResult result;
  result.truncated = done.size() > static_cast<size_t>(q_.k) || capped;
  if (done.size() > static_cast<size_t>(q_.k)) done.resize(q_.k);
  for (uint32_t li : done) {
    FoundPath path;
    path.cost = labels[li].cost;
    std::vector<uint32_t> chain;
    for (int32_t l = static_cast<int32_t>(li); l >= 0; l = labels[l].parent) chain.push_back(l);
    std::reverse(chain.begin(), chain.end());
    for (size_t i = 0; i < chain.size(); ++i) {
      const Label& l = labels[chain[i]];
      path.actors.push_back(graph_.ActorAt(l.state / states_per_actor_).id);
      if (i == 0) continue;
      PathEdge edge = SummarizeEdge(graph_.EdgeAt(l.edge), graph_, q_.filter, q_.max_evidence);
      edge.reversed = l.reversed;
      path.sign *= edge.sign;
      path.edges.push_back(std::move(edge));
    }
    result.paths.push_back(std::move(path));
  }
  // Completed paths already come out cheapest first; fewer hops first among equal costs.
  std::stable_sort(result.paths.begin(), result.paths.end(),
                   [](const FoundPath& a, const FoundPath& b) {
                     if (a.cost != b.cost) return a.cost < b.cost;
                     return a.edges.size() < b.edges.size();
                   });
  return result;
}

}  // namespace

absl::Status ValidatePathQuery(const PathQuery& q) {
  if (q.from.empty()) return FieldError("from", "is empty");
  if (q.to.empty()) return FieldError("to", "is empty");
  if (q.from == q.to) return FieldError("to", "equals from");
  absl::Status s;
  if (!(s = CheckRange("max_hops", q.max_hops, 1, kMaxPathHops)).ok()) return s;
  if (!(s = CheckRange("k", q.k, 1, kMaxPathsK)).ok()) return s;
  if (!(s = CheckRange("max_evidence", q.max_evidence, 1, kMaxPathEvidence)).ok()) return s;
  if (q.path_sign < -1 || q.path_sign > 1) return FieldError("path_sign", "must be -1, 0 or 1");
  if (q.filter.sign < -1 || q.filter.sign > 1) {
    return FieldError("filter.sign", "must be -1, 0 or 1");
  }
  if (!(q.half_life_days >= 0) || !std::isfinite(q.half_life_days)) {
    return FieldError("half_life_days", "must be a finite number >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<PathResult> FindPathsIn(const ActorGraph& graph, const PathQuery& q) {
  if (absl::Status s = ValidatePathQuery(q); !s.ok()) return s;
  auto from = graph.IndexOf(q.from);
  if (!from) return ActorNotFound(q.from);
  auto to = graph.IndexOf(q.to);
  if (!to) return ActorNotFound(q.to);
  PathSearch search(graph, q);
  return search.Run(*from, *to);
}

}  // namespace actorgraph
