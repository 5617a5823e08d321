#include "graph/stance.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "graph/errors.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

// Every observation from a to b (and b to a unless directed), with its contribution; the
// caller applies the filter (a passing observation may still contribute 0).
struct PairObservation {
  const Observation* o;
  double contribution;
};

std::vector<PairObservation> PairObservations(const ActorGraph& graph, const StanceCalculator& calc,
                                              uint32_t a, uint32_t b, bool directed) {
  std::vector<PairObservation> out;
  auto collect = [&](uint32_t s, uint32_t t) {
    auto e = graph.FindEdge(s, t);
    if (!e) return;
    for (const Observation* o : graph.EdgeAt(*e).observations) {
      out.push_back({o, calc.Contribution(*o)});
    }
  };
  collect(a, b);
  if (!directed) collect(b, a);
  return out;
}

}  // namespace

absl::Status ValidateStanceOptions(const StanceOptions& o) {
  if (!(o.half_life_days >= 0) || !std::isfinite(o.half_life_days)) {
    return FieldError("half_life_days", "must be a finite number >= 0");
  }
  if (!(o.structural_weight >= 0) || !std::isfinite(o.structural_weight)) {
    return FieldError("structural_weight", "must be a finite number >= 0");
  }
  if (o.filter.sign < -1 || o.filter.sign > 1) {
    return FieldError("filter.sign", "must be -1, 0 or 1");
  }
  return absl::OkStatus();
}

StanceCalculator::StanceCalculator(const ActorGraph& graph, const StanceOptions& options)
    : graph_(graph), options_(options) {
  as_of_ = options.as_of != kNoDate          ? options.as_of
           : options.filter.until != kNoDate ? options.filter.until
                                             : graph.newest_date();
}

double StanceCalculator::Contribution(const Observation& o) const {
  if (!options_.filter.Matches(o)) return 0;
  double base = Info(o.kind).sign == 0 ? options_.structural_weight : o.weight;
  double c = base * std::clamp(o.confidence, 0.0, 1.0);
  if (options_.half_life_days > 0 && o.date != kNoDate && as_of_ != kNoDate && o.date < as_of_) {
    c *= std::exp2(-(as_of_ - o.date) / options_.half_life_days);
  }
  return c / graph_.ActTargetCount(o);
}

double StanceCalculator::EdgeStance(const ActorGraph::EdgeRef& edge) const {
  double s = 0;
  for (const Observation* o : edge.observations) s += Contribution(*o);
  return s;
}

void StanceTotals::Add(const Observation& o, double contribution) {
  score += contribution;
  if (contribution > 0) positive += contribution;
  if (contribution < 0) negative += contribution;
  ++count;
  const int k = static_cast<int>(o.kind);
  if (k >= 0 && k < kNumRelationKinds) {
    ++kind_count[k];
    kind_weight[k] += contribution;
  }
  if (o.date != kNoDate) {
    if (first_seen == kNoDate || o.date < first_seen) first_seen = o.date;
    if (last_seen == kNoDate || o.date > last_seen) last_seen = o.date;
  }
}

absl::StatusOr<StanceResult> GetStance(const ActorGraph& graph, const StanceQuery& q) {
  if (q.a.empty()) return FieldError("a", "is empty");
  if (q.b.empty()) return FieldError("b", "is empty");
  if (q.a == q.b) return FieldError("b", "equals a");
  if (absl::Status s = ValidateStanceOptions(q.options); !s.ok()) return s;
  if (absl::Status s = CheckRange("max_evidence", q.max_evidence, 1, kMaxStanceEvidence); !s.ok()) {
    return s;
  }
  auto a = graph.IndexOf(q.a);
  if (!a) return ActorNotFound(q.a);
  auto b = graph.IndexOf(q.b);
  if (!b) return ActorNotFound(q.b);
  StanceCalculator calc(graph, q.options);
  StanceResult result;
  result.a = q.a;
  result.b = q.b;
  std::vector<PairObservation> obs;
  for (const PairObservation& p : PairObservations(graph, calc, *a, *b, q.directed)) {
    if (!q.options.filter.Matches(*p.o)) continue;
    result.totals.Add(*p.o, p.contribution);
    obs.push_back(p);
  }
  // Strongest first (ties newest first), then the kept ones shown newest first.
  std::sort(obs.begin(), obs.end(), [](const PairObservation& x, const PairObservation& y) {
    if (std::abs(x.contribution) != std::abs(y.contribution)) {
      return std::abs(x.contribution) > std::abs(y.contribution);
    }
    return NewerFirst(x.o, y.o);
  });
  if (obs.size() > static_cast<size_t>(q.max_evidence)) obs.resize(q.max_evidence);
  for (const PairObservation& p : obs) result.evidence.push_back(p.o);
  std::sort(result.evidence.begin(), result.evidence.end(), NewerFirst);
  return result;
}

Day BucketStart(Day day, TimeBucket bucket) {
  int y;
  unsigned m, d;
  switch (bucket) {
    case TimeBucket::kDay:
      return day;
    case TimeBucket::kWeek: {
      // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
      const int weekday = ((day + 3) % 7 + 7) % 7;
      return day - weekday;
    }
    case TimeBucket::kMonth:
      CivilFromDay(day, y, m, d);
      return DayFromCivil(y, m, 1);
    case TimeBucket::kQuarter:
      CivilFromDay(day, y, m, d);
      return DayFromCivil(y, (m - 1) / 3 * 3 + 1, 1);
    case TimeBucket::kYear:
      CivilFromDay(day, y, m, d);
      return DayFromCivil(y, 1, 1);
  }
  return day;
}

Day NextBucketStart(Day start, TimeBucket bucket) {
  int y;
  unsigned m, d;
  switch (bucket) {
    case TimeBucket::kDay:
      return start + 1;
    case TimeBucket::kWeek:
      return start + 7;
    case TimeBucket::kMonth:
      CivilFromDay(start, y, m, d);
      return m == 12 ? DayFromCivil(y + 1, 1, 1) : DayFromCivil(y, m + 1, 1);
    case TimeBucket::kQuarter:
      CivilFromDay(start, y, m, d);
      return m >= 10 ? DayFromCivil(y + 1, 1, 1) : DayFromCivil(y, m + 3, 1);
    case TimeBucket::kYear:
      CivilFromDay(start, y, m, d);
      return DayFromCivil(y + 1, 1, 1);
  }
  return start + 1;
}

absl::StatusOr<std::vector<TimelinePoint>> GetTimeline(const ActorGraph& graph,
                                                       const TimelineQuery& q) {
  if (q.a.empty()) return FieldError("a", "is empty");
  if (q.b.empty()) return FieldError("b", "is empty");
  if (q.a == q.b) return FieldError("b", "equals a");
  const int bucket = static_cast<int>(q.bucket);
  if (bucket < 0 || bucket > 4) return FieldError("bucket", "is not a known bucket width");
  if (absl::Status s = CheckRange("max_points", q.max_points, 1, kMaxTimelinePoints); !s.ok()) {
    return s;
  }
  StanceOptions options;
  options.filter = q.filter;
  options.structural_weight = q.structural_weight;
  if (absl::Status s = ValidateStanceOptions(options); !s.ok()) return s;
  if (q.filter.since != kNoDate && q.filter.until != kNoDate && q.filter.since > q.filter.until) {
    return FieldError("filter.until", "is before filter.since");
  }
  auto a = graph.IndexOf(q.a);
  if (!a) return ActorNotFound(q.a);
  auto b = graph.IndexOf(q.b);
  if (!b) return ActorNotFound(q.b);
  StanceCalculator calc(graph, options);
  std::vector<PairObservation> obs;
  Day first = kNoDate, last = kNoDate;
  for (const PairObservation& p : PairObservations(graph, calc, *a, *b, q.directed)) {
    if (p.o->date == kNoDate || !q.filter.Matches(*p.o)) continue;
    obs.push_back(p);
    if (first == kNoDate || p.o->date < first) first = p.o->date;
    if (last == kNoDate || p.o->date > last) last = p.o->date;
  }
  if (q.filter.since != kNoDate) first = q.filter.since;
  if (q.filter.until != kNoDate) last = q.filter.until;
  std::vector<TimelinePoint> points;
  if (first == kNoDate || last == kNoDate) return points;
  std::vector<Day> starts;
  for (Day s = BucketStart(first, q.bucket); s <= last; s = NextBucketStart(s, q.bucket)) {
    if (static_cast<int>(starts.size()) == q.max_points) {
      return FieldError("bucket", StrCat("the window needs more than ", q.max_points,
                                         " buckets; choose a wider bucket or a narrower window"));
    }
    starts.push_back(s);
  }
  for (Day s : starts) {
    TimelinePoint p;
    p.start = s;
    p.end = NextBucketStart(s, q.bucket) - 1;
    points.push_back(p);
  }
  for (const PairObservation& p : obs) {
    auto it = std::upper_bound(starts.begin(), starts.end(), p.o->date);
    TimelinePoint& pt = points[(it - starts.begin()) - 1];
    pt.score += p.contribution;
    if (p.contribution > 0) pt.positive += p.contribution;
    if (p.contribution < 0) pt.negative += p.contribution;
    ++pt.count;
  }
  double running = 0;
  for (TimelinePoint& p : points) {
    running += p.score;
    p.cumulative = running;
  }
  return points;
}

absl::StatusOr<StanceGraph> BuildStanceGraph(const ActorGraph& graph,
                                             const StanceGraphOptions& options) {
  if (absl::Status s = ValidateStanceOptions(options.stance); !s.ok()) return s;
  if (!(options.min_abs_stance >= 0)) return FieldError("min_abs_stance", "must be >= 0");
  const uint32_t n = static_cast<uint32_t>(graph.actor_count());
  constexpr uint32_t kOut = UINT32_MAX;
  std::vector<uint32_t> node_of(n, kOut);
  StanceGraph sg;
  for (uint32_t a : options.only) {
    if (a < n) node_of[a] = 0;  // admitted; nodes are numbered once the pairs are known
  }
  StanceCalculator calc(graph, options.stance);
  // Directed stance of every edge whose ends are both admitted, numbered lazily.
  std::vector<StanceGraph::DirectedStance> directed;
  auto admitted = [&](uint32_t a) { return options.only.empty() || node_of[a] != kOut; };
  const uint32_t edges = static_cast<uint32_t>(graph.edge_count());
  for (uint32_t e = 0; e < edges; ++e) {
    if ((e & 65535) == 0 && options.cancelled && options.cancelled()) {
      return absl::CancelledError("stance graph cancelled");
    }
    ActorGraph::EdgeRef ref = graph.EdgeAt(e);
    if (!admitted(ref.source) || !admitted(ref.target)) continue;
    const double s = calc.EdgeStance(ref);
    if (s == 0) continue;
    directed.push_back({e, ref.source, ref.target, s});
  }
  if (options.stance.structural_weight > 0) {
    // Roles only tie actors that are in the window's relations: the dictionary is not news.
    std::vector<uint8_t> active(n, 0);
    for (const auto& d : directed) active[d.source] = active[d.target] = 1;
    const RelationFilter& f = options.stance.filter;
    for (uint32_t a = 0; a < n; ++a) {
      if (!active[a]) continue;
      std::vector<uint32_t> seen;  // one affinity per pair, however many roles
      for (const Role& role : graph.ActorAt(a).roles) {
        const bool in_window =
            (role.until == kNoDate || f.since == kNoDate || role.until >= f.since) &&
            (role.from == kNoDate || f.until == kNoDate || role.from <= f.until);
        auto t = graph.IndexOf(role.target);
        if (!in_window || !t || *t == a || !active[*t]) continue;
        if (std::find(seen.begin(), seen.end(), *t) != seen.end()) continue;
        seen.push_back(*t);
        directed.push_back({kRoleEdge, a, *t, options.stance.structural_weight});
      }
    }
  }
  // Pair sums, both directions together.
  std::vector<SignedGraph::Edge> pairs;
  pairs.reserve(directed.size());
  for (const auto& d : directed) pairs.push_back({d.source, d.target, d.stance});
  SignedGraph by_actor = SignedGraph::FromEdges(n, std::move(pairs));
  const bool filter_pairs = options.min_abs_stance > 0;
  auto kept = [&](double pair) { return std::abs(pair) >= options.min_abs_stance; };
  std::fill(node_of.begin(), node_of.end(), kOut);
  for (uint32_t a = 0; a < n; ++a) {
    auto w = by_actor.weights(a);
    if (std::any_of(w.begin(), w.end(), kept)) {
      node_of[a] = static_cast<uint32_t>(sg.actors.size());
      sg.actors.push_back(a);
    }
  }
  if (!filter_pairs && sg.actors.size() == n) {
    sg.graph = std::move(by_actor);  // every actor is a node: ids coincide
  } else {
    std::vector<SignedGraph::Edge> edges;
    for (uint32_t a = 0; a < n; ++a) {
      auto nb = by_actor.neighbors(a);
      auto w = by_actor.weights(a);
      for (size_t i = 0; i < nb.size(); ++i) {
        if (nb[i] > a && kept(w[i])) edges.push_back({node_of[a], node_of[nb[i]], w[i]});
      }
    }
    sg.graph = SignedGraph::FromEdges(static_cast<uint32_t>(sg.actors.size()), std::move(edges));
  }
  for (const auto& d : directed) {
    const uint32_t s = node_of[d.source], t = node_of[d.target];
    if (s == kOut || t == kOut) continue;
    if (filter_pairs && sg.graph.weight(s, t) == 0) continue;  // pair below min_abs_stance
    sg.directed.push_back({d.edge, s, t, d.stance});
  }
  return sg;
}

}  // namespace actorgraph
