#include "graph/paths.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/errors.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

// Work cap of the best-first engine, in partial paths; beyond it the answer is `truncated`.
constexpr size_t kMaxLabels = 2'000'000;
// Work cap of the breadth-first engine, in moves looked at (about a second of work).
constexpr uint64_t kMaxBreadthFirstWork = 100'000'000;
constexpr uint8_t kFar = 0xFF;  // not reached / not within the hop budget
constexpr uint32_t kNoEdge = std::numeric_limits<uint32_t>::max();
// Per-hop cost in PathCost::kConfidence, so that among equally sure chains the shorter wins.
constexpr double kHopCost = 0.01;

// ---- Per-query scratch ------------------------------------------------------------------------

// A value per slot (actor or search state) that is cleared in O(1): a slot whose epoch is
// not the current one reads as absent.
template <class T>
class EpochArray {
 public:
  // Starts a new generation over at least `n` slots, all absent.
  void Reset(size_t n) {
    if (slots_.size() < n) slots_.resize(n);
    if (++epoch_ == 0) {  // wrapped around: clear for real, once per 2^32 generations
      for (Slot& s : slots_) s.epoch = 0;
      epoch_ = 1;
    }
  }
  // The value at `i`, or nullptr when absent.
  T* Find(size_t i) {
    Slot& s = slots_[i];
    return s.epoch == epoch_ ? &s.value : nullptr;
  }
  // The value at `i`, default-constructed when absent.
  T& operator[](size_t i) {
    Slot& s = slots_[i];
    if (s.epoch != epoch_) {
      s.epoch = epoch_;
      s.value = T{};
    }
    return s.value;
  }

 private:
  struct Slot {
    uint32_t epoch = 0;
    T value{};
  };
  std::vector<Slot> slots_;
  uint32_t epoch_ = 0;
};

// What the search needs to know about one directed edge under the query.
struct EdgeEval {
  bool usable = false;
  int8_t sign = 0;  // sign of the sum of passing weights
  double cost = 0;
};

// The relations between one actor and one neighbour, in each direction that exists and
// passes the query (in a directed search only the direction asked for is filled in).
struct Link {
  uint32_t other = 0;
  uint32_t out_edge = kNoEdge;  // actor -> other
  uint32_t in_edge = kNoEdge;   // other -> actor
  EdgeEval out, in;
};

// One move of a search: walk `edge` (against its direction when `reversed`); `actor` is the
// far end of the move (its head for moves from an actor, its tail for moves into one).
struct Move {
  uint32_t actor;
  uint32_t edge;
  bool reversed;
  const EdgeEval& eval;
};

// Marks of one breadth-first search over actors.
struct SearchMark {
  uint8_t from_source = kFar;  // hops from the search's source
  uint8_t to_target = kFar;    // hops to the search's target
  uint8_t blocked : 1 = 0;     // not to be entered (on the root of a spur search)
  uint8_t banned : 1 = 0;      // the move source -> this actor is not to be taken
  uint8_t met : 1 = 0;         // reached from both sides
  uint8_t on_path : 1 = 0;     // on a shortest path
  uint8_t sorted : 1 = 0;      // its moves on shortest paths are in walk order
};

// Memory reused across queries: sized by the graph, so allocating it per query would cost
// more than a typical query.
struct Scratch {
  EpochArray<uint32_t> link_slot;  // actor -> its link while one actor's links are built
  EpochArray<SearchMark> marks;    // actor -> marks of the current breadth-first search
  EpochArray<uint8_t> hops_to_target;  // state -> lower bound of the best-first engine
  EpochArray<double> cost_to_target;   // state -> lower bound, PathCost::kConfidence
  std::vector<Link> links;             // every actor's links built in this query
  std::vector<uint32_t> edge_ids;      // one actor's edges while its links are built
  std::vector<ActorGraph::EdgeRef> edges;  // the same, resolved
  absl::flat_hash_map<uint64_t, std::pair<uint32_t, uint32_t>> link_ranges;  // -> [begin, end)
};

// Hands out Scratch objects; keeps a few idle ones so that steady load allocates nothing.
class ScratchPool {
 public:
  std::unique_ptr<Scratch> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return std::make_unique<Scratch>();
    std::unique_ptr<Scratch> s = std::move(idle_.back());
    idle_.pop_back();
    return s;
  }
  void Give(std::unique_ptr<Scratch> s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < std::max(2u, std::thread::hardware_concurrency())) {
      idle_.push_back(std::move(s));
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Scratch>> idle_;
};

ScratchPool& Pool() {
  static ScratchPool* pool = new ScratchPool();
  return *pool;
}

// ---- What both engines share: the query, the moves, the work accounting ----------------------

class QueryContext {
 public:
  QueryContext(const ActorGraph& graph, const PathQuery& q, Scratch& scratch)
      : graph_(graph),
        q_(q),
        scratch_(scratch),
        parity_(q.path_sign != 0),
        need_sign_(parity_ || q.all_positive || q.cost == PathCost::kConfidence),
        filter_passes_all_(q.filter.kinds_mask == 0 && q.filter.sign == 0 &&
                           q.filter.since == kNoDate && q.filter.until == kNoDate),
        read_observations_(need_sign_ || !filter_passes_all_) {
    as_of_ = q.as_of != kNoDate          ? q.as_of
             : q.filter.until != kNoDate ? q.filter.until
                                         : graph.newest_date();
    scratch_.links.clear();
    scratch_.link_ranges.clear();
  }

  const ActorGraph& graph() const { return graph_; }
  const PathQuery& query() const { return q_; }
  Scratch& scratch() { return scratch_; }
  bool parity() const { return parity_; }
  std::string_view Id(uint32_t actor) const { return graph_.ActorAt(actor).id; }

  EdgeEval Eval(const ActorGraph::EdgeRef& edge) const;
  EdgeEval Eval(uint32_t edge) const { return Eval(graph_.EdgeAt(edge)); }

  // Every move of a path out of actor `u`: a relation in its own direction, or undirected a
  // relation against it when the pair has no usable one in this direction, or in a sign
  // search when it has the other sign.
  template <class F>
  void ForEachMoveFrom(uint32_t u, F&& fn) {
    for (const Link& l : Links(u, /*into=*/false)) {
      if (l.out.usable) fn(Move{l.other, l.out_edge, false, l.out});
      if (!q_.directed && l.in.usable && (!l.out.usable || (parity_ && l.in.sign != l.out.sign))) {
        fn(Move{l.other, l.in_edge, true, l.in});
      }
    }
  }
  // Every move into actor `x`, exactly the moves ForEachMoveFrom gives from the other end.
  template <class F>
  void ForEachMoveInto(uint32_t x, F&& fn) {
    for (const Link& l : Links(x, /*into=*/true)) {
      if (l.in.usable) fn(Move{l.other, l.in_edge, false, l.in});
      if (!q_.directed && l.out.usable && (!l.in.usable || (parity_ && l.out.sign != l.in.sign))) {
        fn(Move{l.other, l.out_edge, true, l.out});
      }
    }
  }
  // The move u -> v as ForEachMoveFrom gives it, with a negative sign or not when the search
  // is over signs (`negative` is ignored otherwise): (edge, reversed), or nullopt when
  // there is none. Two edge lookups; no adjacency scan.
  std::optional<std::pair<uint32_t, bool>> FindMove(uint32_t u, uint32_t v, bool negative) const {
    const std::optional<uint32_t> fwd = graph_.FindEdge(u, v);
    const EdgeEval f = fwd ? Eval(*fwd) : EdgeEval{};
    if (f.usable && (!parity_ || (f.sign < 0) == negative)) return std::make_pair(*fwd, false);
    if (q_.directed || (f.usable && !parity_)) return std::nullopt;
    const std::optional<uint32_t> back = graph_.FindEdge(v, u);
    const EdgeEval b = back ? Eval(*back) : EdgeEval{};
    if (!b.usable || (f.usable && b.sign == f.sign)) return std::nullopt;
    if (parity_ && (b.sign < 0) != negative) return std::nullopt;
    return std::make_pair(*back, true);
  }
  // How many links an expansion of `actor` walks: exact once built, else the actor's
  // observation count (an upper bound that costs no adjacency scan).
  uint64_t ExpansionCost(uint32_t actor, bool into) const;

  // Accounts `n` units of work and polls for cancellation now and then. False once the
  // query is cancelled or (for a positive `cap`) its work exceeds `cap`.
  bool Spend(uint64_t n, uint64_t cap = 0) {
    work_ += n;
    if (work_ >= next_poll_) {
      next_poll_ = work_ + 4096;
      if (q_.cancelled && q_.cancelled()) cancelled_ = true;
    }
    if (cap != 0 && work_ > cap) capped_ = true;
    return !cancelled_ && !capped_;
  }
  bool cancelled() const { return cancelled_; }
  bool capped() const { return capped_; }

  // The result's description of walking `edge` (against its direction when `reversed`).
  PathEdge Summarize(uint32_t edge, bool reversed) const {
    PathEdge e = SummarizeEdge(graph_.EdgeAt(edge), graph_, q_.filter, q_.max_evidence);
    e.reversed = reversed;
    return e;
  }

 private:
  // The links of `actor` (moves from it, or `into` it), built on first use: each actor's
  // adjacency is scanned at most once per query, however often it is expanded.
  std::span<const Link> Links(uint32_t actor, bool into);

  const ActorGraph& graph_;
  const PathQuery& q_;
  Scratch& scratch_;
  const bool parity_;
  const bool need_sign_;  // else an edge is usable as soon as one observation passes
  const bool filter_passes_all_;
  const bool read_observations_;  // Eval reads each observation (else only their count)
  Day as_of_ = kNoDate;
  uint64_t work_ = 0;
  uint64_t next_poll_ = 0;
  bool cancelled_ = false;
  bool capped_ = false;
};

EdgeEval QueryContext::Eval(const ActorGraph::EdgeRef& edge) const {
  EdgeEval ev;
  const auto observations = edge.observations;
  if (!read_observations_) {
    ev.usable = !observations.empty();
    ev.cost = 1.0;
    return ev;
  }
  double weight = 0, miss = 1;  // miss: noisy-or complement of recency-scaled confidence
  int64_t count = 0;
  for (const Observation* o : observations) {
    if (!q_.filter.Matches(*o)) continue;
    ++count;
    if (!need_sign_) break;
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

std::span<const Link> QueryContext::Links(uint32_t actor, bool into) {
  // Undirected, one list serves both directions; directed, moves from an actor need its
  // out-edges and moves into it its in-edges.
  const uint64_t key = q_.directed ? uint64_t{actor} * 2 + into : actor;
  std::vector<Link>& links = scratch_.links;
  auto [it, inserted] = scratch_.link_ranges.try_emplace(key);
  if (!inserted) {
    return std::span<const Link>(links.data() + it->second.first,
                                 it->second.second - it->second.first);
  }
  const uint32_t begin = static_cast<uint32_t>(links.size());
  // In passes, so that the cache misses of different edges overlap: edge ids, then each
  // edge's far end and evaluation, then (undirected) pairing both directions of a neighbour.
  std::vector<uint32_t>& ids = scratch_.edge_ids;
  ids.clear();
  if (!q_.directed || !into) graph_.ForEachOutEdge(actor, [&](uint32_t e) { ids.push_back(e); });
  const size_t out_count = ids.size();
  if (!q_.directed || into) graph_.ForEachInEdge(actor, [&](uint32_t e) { ids.push_back(e); });
  std::vector<ActorGraph::EdgeRef>& edges = scratch_.edges;
  edges.clear();
  for (uint32_t e : ids) edges.push_back(graph_.EdgeAt(e));
  links.resize(begin + ids.size());
  // Evaluating an edge reads its observations; fetch those of an edge a few ahead meanwhile.
  constexpr size_t kAhead = 8;
  auto prefetch = [&](size_t i) {
    if (!read_observations_ || i >= edges.size()) return;
    for (const Observation* o : edges[i].observations) __builtin_prefetch(o);
  };
  for (size_t i = 0; i < kAhead; ++i) prefetch(i);
  for (size_t i = 0; i < ids.size(); ++i) {
    prefetch(i + kAhead);
    const ActorGraph::EdgeRef& edge = edges[i];
    Link& l = links[begin + i];
    l = Link{};
    if (i < out_count) {
      l.other = edge.target;
      l.out_edge = ids[i];
      l.out = Eval(edge);
    } else {
      l.other = edge.source;
      l.in_edge = ids[i];
      l.in = Eval(edge);
    }
  }
  if (!q_.directed && out_count > 0 && out_count < ids.size()) {
    EpochArray<uint32_t>& slot = scratch_.link_slot;
    slot.Reset(graph_.actor_count());
    for (size_t i = 0; i < out_count; ++i) slot[links[begin + i].other] = static_cast<uint32_t>(i);
    for (size_t i = out_count; i < ids.size(); ++i) {
      Link& in = links[begin + i];
      if (const uint32_t* s = slot.Find(in.other)) {
        Link& out = links[begin + *s];
        out.in_edge = in.in_edge;
        out.in = in.in;
        in = Link{};  // dropped below
      }
    }
  }
  // A neighbour with no usable relation is no move in either direction.
  auto end = std::remove_if(links.begin() + begin, links.end(),
                            [](const Link& l) { return !l.out.usable && !l.in.usable; });
  links.erase(end, links.end());
  Spend(links.size() - begin);
  it->second = {begin, static_cast<uint32_t>(links.size())};
  return std::span<const Link>(links.data() + begin, links.size() - begin);
}

uint64_t QueryContext::ExpansionCost(uint32_t actor, bool into) const {
  const uint64_t key = q_.directed ? uint64_t{actor} * 2 + into : actor;
  auto it = scratch_.link_ranges.find(key);
  // Walking built links is a few times cheaper than building them.
  if (it != scratch_.link_ranges.end()) return (it->second.second - it->second.first) / 4;
  return static_cast<uint64_t>(graph_.ObservationCount(Id(actor)));
}

// ---- Breadth-first engine: PathCost::kHops ------------------------------------------------
//
// A breadth-first search over states (actors, or actor x sign parity in a sign search) finds
// shortest walks. Without a path sign a shortest walk never repeats an actor, so it is a
// shortest loopless path. With one it may (out on a relation of one sign, back on the other):
// every walk found is checked, and a walk that repeats an actor hands the query over to the
// best-first engine. Each search runs from both ends at once, growing the side whose next
// level is cheaper and first trying the moves between the two frontiers, so a hub's
// neighbourhood is scanned only when a path needs it. When k + 1 of the first search's
// shortest walks are loopless they are the answer; otherwise the k shortest come from
// Yen's algorithm (with Lawler's rule: a path spurs only from where it left its parent)
// over the same search. Every search returns the smallest of its shortest walks by actor ids, which
// makes Yen's output exactly "fewer hops first, then by actor ids"; two paths through the
// same actors in a sign search (over relations of different signs) are ordered by the
// parity of their states, even first.

class BreadthFirstEngine {
 public:
  explicit BreadthFirstEngine(QueryContext& ctx)
      : ctx_(ctx), q_(ctx.query()), states_per_actor_(ctx.parity() ? 2 : 1) {}

  // The answer; nullopt when a search found a walk that repeats an actor, which only the
  // best-first engine can answer exactly.
  absl::StatusOr<std::optional<PathResult>> Run(uint32_t from, uint32_t to);

 private:
  using States = std::vector<uint32_t>;  // a walk, as the states it visits
  // The first shortest walks of a search in walk order (see Less), at least one.
  using Shortest = std::vector<States>;
  struct Path {
    States states;
    size_t deviation = 0;  // where it left the path it was spurred from
  };
  struct DagEdge {
    uint32_t from, to;  // a move from -> to on some shortest walk of a search's levels
  };
  struct Side {
    std::vector<uint32_t> frontier, next;
    std::vector<DagEdge> dag;
    uint8_t depth = 0;
  };

  uint32_t ActorOf(uint32_t state) const { return state / states_per_actor_; }
  // The state a move `m` leads to from (or into) `state`: its parity turns on a negative sign.
  uint32_t StateAfter(uint32_t state, const Move& m) const {
    const uint32_t parity = states_per_actor_ == 2 ? (state & 1) ^ (m.eval.sign < 0 ? 1u : 0u) : 0;
    return m.actor * states_per_actor_ + parity;
  }
  // The move between two consecutive states of a walk (see QueryContext::FindMove).
  std::optional<std::pair<uint32_t, bool>> MoveBetween(uint32_t from, uint32_t to) const {
    return ctx_.FindMove(ActorOf(from), ActorOf(to), ((from ^ to) & 1) != 0);
  }

  // The `want` first shortest walks src -> dst of at most `limit` hops (fewer when there
  // are fewer) entering no state of the `blocked` actors and not moving src -> a `banned`
  // state, in walk order; nullopt when there is none (or when the query stopped). With
  // `any`, only whether one exists: a found one is returned as no walk, as soon as the
  // sides meet.
  std::optional<Shortest> FindShortest(uint32_t src, uint32_t dst, int limit,
                                       std::span<const uint32_t> blocked,
                                       std::span<const uint32_t> banned, size_t want = 1,
                                       bool any = false);
  // Appends to `out` the walks src -> dst through the moves of shortest_dag_ (sorted by
  // their first state) in walk order, until `out` holds `want`.
  void EnumerateShortest(uint32_t src, uint32_t dst, size_t want, Shortest& out);
  // Whether state a comes before state b at the same position of two walks.
  bool Before(uint32_t a, uint32_t b) const {
    const std::string_view ia = ctx_.Id(ActorOf(a)), ib = ctx_.Id(ActorOf(b));
    return ia != ib ? ia < ib : a < b;
  }
  // Grows one side of the current search by one level, collecting states reached from both
  // (with `any`, stopping at the first).
  void Expand(Side& side, bool forward, uint32_t src, bool any);
  // Looks for moves from the forward frontier straight into the backward one, pair by pair:
  // when they exist they are exactly the moves the next forward level would find into
  // states the backward side reached, without scanning any adjacency. Returns whether any
  // was found (then recorded like that level's; with `any`, stops at the first).
  bool Bridge(uint32_t src, bool any);
  uint64_t LevelCost(const Side& side, bool forward) const;
  // Adds the spurs of `p` to the candidates and returns whether it added any. With
  // `exists_only`, only tells whether `p` has a spur at all, adding nothing. Sets
  // repeats_actor_ (and stops) when a spur walk repeats an actor.
  bool AddSpurs(const Path& p, const std::vector<Path>& found, bool exists_only);
  // The most hops a new candidate may have and still be among the k + 1 first paths, given
  // `found` paths and the candidates so far.
  int MaxUsefulHops(size_t found) const;
  bool Loopless(const States& walk) const;
  bool Less(const States& a, const States& b) const;
  FoundPath Describe(const States& walk) const;

  QueryContext& ctx_;
  const PathQuery& q_;
  const uint32_t states_per_actor_;
  uint32_t target_ = 0;  // state
  bool repeats_actor_ = false;
  Side fwd_, bwd_;
  std::vector<uint32_t> met_;
  std::vector<DagEdge> shortest_dag_;
  std::vector<Path> candidates_;
};

uint64_t BreadthFirstEngine::LevelCost(const Side& side, bool forward) const {
  // Sampled over the first states of the frontier: exact enough to steer, cheap to compute.
  constexpr size_t kSample = 32;
  const size_t n = std::min(side.frontier.size(), kSample);
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += 1 + ctx_.ExpansionCost(ActorOf(side.frontier[i]), !forward);
  return n == 0 ? 0 : sum * side.frontier.size() / n;
}

void BreadthFirstEngine::Expand(Side& side, bool forward, uint32_t src, bool any) {
  EpochArray<SearchMark>& marks = ctx_.scratch().marks;
  const uint8_t depth = static_cast<uint8_t>(side.depth + 1);
  side.next.clear();
  for (uint32_t x : side.frontier) {
    uint64_t moves = 0;
    auto visit = [&](const Move& m) {
      ++moves;
      const uint32_t ys = StateAfter(x, m);
      SearchMark& y = marks[ys];
      if (y.blocked) return;
      // The banned moves all leave src: forward from src, or backward into a banned state.
      if (forward ? (x == src && y.banned) : (ys == src && marks[x].banned)) return;
      uint8_t& d = forward ? y.from_source : y.to_target;
      if (d == kFar) {
        d = depth;
        side.next.push_back(ys);
      } else if (d != depth) {
        return;
      }
      side.dag.push_back(forward ? DagEdge{x, ys} : DagEdge{ys, x});
      if ((forward ? y.to_target : y.from_source) != kFar && !y.met) {
        y.met = 1;
        met_.push_back(ys);
      }
    };
    if (forward) {
      ctx_.ForEachMoveFrom(ActorOf(x), visit);
    } else {
      ctx_.ForEachMoveInto(ActorOf(x), visit);
    }
    if (!ctx_.Spend(moves, kMaxBreadthFirstWork) || (any && !met_.empty())) return;
  }
  side.frontier.swap(side.next);
  side.depth = depth;
}

bool BreadthFirstEngine::Bridge(uint32_t src, bool any) {
  EpochArray<SearchMark>& marks = ctx_.scratch().marks;
  const uint8_t depth = static_cast<uint8_t>(fwd_.depth + 1);
  for (uint32_t x : fwd_.frontier) {
    for (uint32_t y : bwd_.frontier) {
      SearchMark& my = marks[y];
      if ((x == src && my.banned) || !MoveBetween(x, y)) continue;
      my.from_source = depth;  // no forward level reached it yet, or the sides had met
      fwd_.dag.push_back(DagEdge{x, y});
      if (!my.met) {
        my.met = 1;
        met_.push_back(y);
      }
      if (any) return true;
    }
    if (!ctx_.Spend(bwd_.frontier.size(), kMaxBreadthFirstWork)) return false;
  }
  return !met_.empty();
}

std::optional<BreadthFirstEngine::Shortest> BreadthFirstEngine::FindShortest(
    uint32_t src, uint32_t dst, int limit, std::span<const uint32_t> blocked,
    std::span<const uint32_t> banned, size_t want, bool any) {
  EpochArray<SearchMark>& marks = ctx_.scratch().marks;
  marks.Reset(ctx_.graph().actor_count() * states_per_actor_);
  for (uint32_t a : blocked) {
    for (uint32_t p = 0; p < states_per_actor_; ++p) marks[a * states_per_actor_ + p].blocked = 1;
  }
  if (states_per_actor_ == 2) {  // a loopless walk never returns to its ends
    marks[src ^ 1].blocked = 1;
    marks[dst ^ 1].blocked = 1;
  }
  for (uint32_t b : banned) marks[b].banned = 1;
  marks[src].from_source = 0;
  marks[dst].to_target = 0;
  for (Side* s : {&fwd_, &bwd_}) {
    s->frontier.clear();
    s->dag.clear();
    s->depth = 0;
  }
  fwd_.frontier.push_back(src);
  bwd_.frontier.push_back(dst);
  met_.clear();
  while (met_.empty()) {
    if (!ctx_.Spend(1, kMaxBreadthFirstWork)) return std::nullopt;
    if (fwd_.frontier.empty() || bwd_.frontier.empty()) return std::nullopt;
    if (fwd_.depth + bwd_.depth + 1 > limit) return std::nullopt;
    const uint64_t fwd_cost = LevelCost(fwd_, true), bwd_cost = LevelCost(bwd_, false);
    // Two edge lookups per pair against a few cache misses per scanned link.
    const uint64_t pairs = uint64_t{fwd_.frontier.size()} * bwd_.frontier.size();
    if (2 * pairs < std::min(fwd_cost, bwd_cost) && Bridge(src, any)) break;
    if (ctx_.cancelled() || ctx_.capped()) return std::nullopt;
    const bool forward = fwd_cost <= bwd_cost;
    Expand(forward ? fwd_ : bwd_, forward, src, any);
    if (ctx_.cancelled() || ctx_.capped()) return std::nullopt;
  }
  if (any) return Shortest{};

  // The first level where the sides meet holds every shortest walk's crossing state; mark
  // the states of the shortest walks back to src and on to dst through the levels' moves.
  int length = std::numeric_limits<int>::max();
  for (uint32_t z : met_) length = std::min(length, marks[z].from_source + marks[z].to_target);
  auto mark = [&](uint32_t v) { marks[v].on_path = 1; };
  for (uint32_t z : met_) {
    if (marks[z].from_source + marks[z].to_target == length) mark(z);
  }
  for (auto e = fwd_.dag.rbegin(); e != fwd_.dag.rend(); ++e) {
    if (marks[e->to].on_path) mark(e->from);
  }
  for (auto e = bwd_.dag.rbegin(); e != bwd_.dag.rend(); ++e) {
    if (marks[e->from].on_path) mark(e->to);
  }
  std::vector<DagEdge>& dag = shortest_dag_;  // the moves of all shortest walks
  dag.clear();
  for (const DagEdge& e : fwd_.dag) {
    if (marks[e.to].on_path) dag.push_back(e);
  }
  for (const DagEdge& e : bwd_.dag) {
    if (marks[e.from].on_path) dag.push_back(e);
  }
  std::sort(dag.begin(), dag.end(), [](const DagEdge& a, const DagEdge& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  // A move can be recorded by both sides.
  dag.erase(std::unique(dag.begin(), dag.end(),
                        [](const DagEdge& a, const DagEdge& b) {
                          return a.from == b.from && a.to == b.to;
                        }),
            dag.end());
  Shortest out;
  EnumerateShortest(src, dst, want, out);
  if (out.empty()) return std::nullopt;  // cannot happen: the sides met
  return out;
}

void BreadthFirstEngine::EnumerateShortest(uint32_t src, uint32_t dst, size_t want,
                                           Shortest& out) {
  // Depth first, each state's moves in walk order: the walks come out in walk order. Every
  // state of the DAG lies on a walk to dst, so each move tried yields at least one walk,
  // and no state needs more than its `want` first moves sorted.
  EpochArray<SearchMark>& marks = ctx_.scratch().marks;
  std::vector<DagEdge>& dag = shortest_dag_;
  States walk = {src};
  std::function<void()> descend = [&] {
    const uint32_t cur = walk.back();
    if (cur == dst) {
      out.push_back(walk);
      return;
    }
    auto first = std::lower_bound(dag.begin(), dag.end(), cur,
                                  [](const DagEdge& e, uint32_t v) { return e.from < v; });
    auto last = first;
    while (last != dag.end() && last->from == cur) ++last;
    const size_t n = std::min<size_t>(want, last - first);
    if (!marks[cur].sorted) {
      std::partial_sort(first, first + n, last,
                        [&](const DagEdge& a, const DagEdge& b) { return Before(a.to, b.to); });
      marks[cur].sorted = 1;
    }
    for (auto e = first; e != first + n && out.size() < want; ++e) {
      walk.push_back(e->to);
      descend();
      walk.pop_back();
    }
  };
  descend();
}

bool BreadthFirstEngine::Loopless(const States& walk) const {
  for (size_t i = 0; i < walk.size(); ++i) {
    for (size_t j = i + 1; j < walk.size(); ++j) {
      if (ActorOf(walk[i]) == ActorOf(walk[j])) return false;
    }
  }
  return true;
}

bool BreadthFirstEngine::Less(const States& a, const States& b) const {
  if (a.size() != b.size()) return a.size() < b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return Before(a[i], b[i]);
  }
  return false;
}

int BreadthFirstEngine::MaxUsefulHops(size_t found) const {
  const size_t need = static_cast<size_t>(q_.k) + 1 - found;
  if (candidates_.size() < need) return q_.max_hops;
  std::vector<size_t> hops;
  for (const Path& c : candidates_) hops.push_back(c.states.size() - 1);
  std::nth_element(hops.begin(), hops.begin() + (need - 1), hops.end());
  return static_cast<int>(hops[need - 1]);  // a tie in hops may still win on actor ids
}

bool BreadthFirstEngine::AddSpurs(const Path& p, const std::vector<Path>& found,
                                  bool exists_only) {
  bool added = false;
  std::vector<uint32_t> blocked, banned;
  for (size_t i = p.deviation; i + 1 < p.states.size(); ++i) {
    const std::span<const uint32_t> root(p.states.data(), i);  // before the spur state
    blocked.clear();
    for (uint32_t s : root) blocked.push_back(ActorOf(s));
    banned.clear();
    for (const Path& f : found) {
      if (f.states.size() > i + 1 && std::equal(root.begin(), root.end(), f.states.begin()) &&
          f.states[i] == p.states[i]) {
        banned.push_back(f.states[i + 1]);
      }
    }
    const int limit = MaxUsefulHops(found.size()) - static_cast<int>(i);
    if (limit < 1) break;  // later spurs are longer still
    // In a sign search a walk found must be looked at: it may repeat an actor.
    const bool any = exists_only && states_per_actor_ == 1;
    auto spur = FindShortest(p.states[i], target_, limit, blocked, banned, /*want=*/1, any);
    if (!spur) {
      if (ctx_.cancelled() || ctx_.capped()) return added;
      continue;
    }
    if (any) return true;  // its spur is not needed, only that it exists
    Path c;
    c.states.assign(root.begin(), root.end());
    c.states.insert(c.states.end(), spur->front().begin(), spur->front().end());
    c.deviation = i;
    if (!Loopless(c.states)) {
      repeats_actor_ = true;
      return added;
    }
    if (exists_only) return true;
    if (std::none_of(candidates_.begin(), candidates_.end(),
                     [&](const Path& x) { return x.states == c.states; })) {
      candidates_.push_back(std::move(c));
      added = true;
    }
  }
  return added;
}

FoundPath BreadthFirstEngine::Describe(const States& walk) const {
  FoundPath path;
  path.cost = static_cast<double>(walk.size() - 1);
  for (size_t i = 0; i < walk.size(); ++i) {
    path.actors.push_back(ctx_.graph().ActorAt(ActorOf(walk[i])).id);
    if (i == 0) continue;
    const auto move = MoveBetween(walk[i - 1], walk[i]);  // exists: the search took it
    PathEdge edge = ctx_.Summarize(move->first, move->second);
    path.sign *= edge.sign;
    path.edges.push_back(std::move(edge));
  }
  return path;
}

absl::StatusOr<std::optional<PathResult>> BreadthFirstEngine::Run(uint32_t from, uint32_t to) {
  const uint32_t source = from * states_per_actor_;  // an empty path is positive
  target_ = to * states_per_actor_ + (q_.path_sign < 0 ? 1 : 0);
  std::vector<Path> found;
  bool more = false;  // a path beyond the k-th exists
  // The first search's walks often answer the whole query: when k + 1 of its shortest
  // walks are loopless, they are the k + 1 first paths.
  const size_t wanted = static_cast<size_t>(q_.k) + 1;
  if (auto first = FindShortest(source, target_, q_.max_hops, {}, {}, wanted)) {
    if (!Loopless(first->front())) return std::nullopt;
    if (first->size() == wanted &&
        std::all_of(first->begin(), first->end(), [&](const States& w) { return Loopless(w); })) {
      PathResult result;
      result.truncated = true;
      for (size_t i = 0; i + 1 < wanted; ++i) result.paths.push_back(Describe((*first)[i]));
      return result;
    }
    found.push_back(Path{std::move(first->front()), 0});
  }
  while (!found.empty() && !more && !ctx_.cancelled() && !ctx_.capped()) {
    if (found.size() == static_cast<size_t>(q_.k)) {
      more = !candidates_.empty() || AddSpurs(found.back(), found, /*exists_only=*/true);
      break;
    }
    AddSpurs(found.back(), found, /*exists_only=*/false);
    if (repeats_actor_ || candidates_.empty()) break;
    auto best = std::min_element(candidates_.begin(), candidates_.end(),
                                 [&](const Path& a, const Path& b) { return Less(a.states, b.states); });
    found.push_back(std::move(*best));
    candidates_.erase(best);
  }
  if (ctx_.cancelled()) return absl::CancelledError("FindPaths cancelled");
  if (repeats_actor_) return std::nullopt;
  PathResult result;
  result.truncated = more || ctx_.capped();
  for (const Path& p : found) result.paths.push_back(Describe(p.states));
  return result;
}

// ---- Best-first engine: path sign constraints and the confidence cost -----------------------
//
// An exact best-first enumeration of simple paths (A* over partial paths). A reverse search
// from the target over actor x sign-parity states gives a lower bound on the remaining cost
// and hops; partial paths are expanded cheapest bound first, so complete paths come out in
// cost order. This stays exact under the parity constraint, where a shortest walk over
// states may revisit an actor.

class BestFirstEngine {
 public:
  explicit BestFirstEngine(QueryContext& ctx)
      : ctx_(ctx),
        q_(ctx.query()),
        states_per_actor_(ctx.parity() ? 2 : 1),
        bound_radius_(q_.cost == PathCost::kHops ? q_.max_hops / 2 : q_.max_hops - 1) {}

  absl::StatusOr<PathResult> Run(uint32_t from, uint32_t to);

 private:
  uint32_t StateAfter(uint32_t parity, const Move& m) const {
    const uint32_t p = ctx_.parity() ? parity ^ (m.eval.sign < 0 ? 1u : 0u) : 0;
    return m.actor * states_per_actor_ + p;
  }
  uint8_t HopsToTarget(uint32_t state) {
    const uint8_t* h = ctx_.scratch().hops_to_target.Find(state);
    return h == nullptr ? kFar : *h;
  }
  double CostToTarget(uint32_t state) {
    const double* c = ctx_.scratch().cost_to_target.Find(state);
    return c == nullptr ? std::numeric_limits<double>::infinity() : *c;
  }
  void ComputeBounds(uint32_t target_state);

  QueryContext& ctx_;
  const PathQuery& q_;
  const uint32_t states_per_actor_;
  // How far the reverse search goes: by hops half the budget (a state not reached is at
  // least bound_radius_ + 1 away, still a valid bound, and the forward search covers the
  // other half); the confidence cost needs the whole budget, beyond which a state cannot
  // lie on any answer.
  const int bound_radius_;
};

// Breadth-first (and, for the confidence cost, Dijkstra) from the target backwards over the
// exact moves into each state, out to bound_radius_ moves.
void BestFirstEngine::ComputeBounds(uint32_t target_state) {
  const size_t n = ctx_.graph().actor_count() * states_per_actor_;
  EpochArray<uint8_t>& hops = ctx_.scratch().hops_to_target;
  hops.Reset(n);
  std::vector<uint32_t> frontier = {target_state}, next;
  hops[target_state] = 0;
  for (int depth = 1; depth <= bound_radius_ && !frontier.empty(); ++depth) {
    next.clear();
    for (uint32_t x : frontier) {
      const uint32_t parity = x % states_per_actor_;
      uint64_t moves = 0;
      ctx_.ForEachMoveInto(x / states_per_actor_, [&](const Move& m) {
        ++moves;
        const uint32_t y = StateAfter(parity, m);
        if (hops.Find(y) != nullptr) return;
        hops[y] = static_cast<uint8_t>(depth);
        next.push_back(y);
      });
      if (!ctx_.Spend(moves)) return;
    }
    frontier.swap(next);
  }
  if (q_.cost != PathCost::kConfidence) return;
  EpochArray<double>& cost = ctx_.scratch().cost_to_target;
  cost.Reset(n);
  using Item = std::pair<double, uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
  cost[target_state] = 0;
  pq.push({0.0, target_state});
  while (!pq.empty()) {
    const double d = pq.top().first;
    const uint32_t x = pq.top().second;
    pq.pop();
    if (d > CostToTarget(x)) continue;
    const uint32_t parity = x % states_per_actor_;
    uint64_t moves = 0;
    ctx_.ForEachMoveInto(x / states_per_actor_, [&](const Move& m) {
      ++moves;
      const uint32_t y = StateAfter(parity, m);
      if (HopsToTarget(y) == kFar) return;  // outside the budget: never on a path
      const double nd = d + m.eval.cost;
      if (nd < CostToTarget(y)) {
        cost[y] = nd;
        pq.push({nd, y});
      }
    });
    if (!ctx_.Spend(moves)) return;
  }
}

absl::StatusOr<PathResult> BestFirstEngine::Run(uint32_t from, uint32_t to) {
  const uint32_t want_parity = q_.path_sign < 0 ? 1 : 0;
  const uint32_t target_state = to * states_per_actor_ + want_parity;
  ComputeBounds(target_state);
  if (ctx_.cancelled()) return absl::CancelledError("FindPaths cancelled");

  struct Label {
    uint32_t state;
    int32_t parent;
    uint32_t edge;
    bool reversed;
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

  labels.push_back(Label{from * states_per_actor_, -1, 0, false, 0, 0.0});
  open.push(Entry{0.0, 0, 0});
  auto on_path = [&](int32_t label, uint32_t actor) {
    for (; label >= 0; label = labels[label].parent) {
      if (labels[label].state / states_per_actor_ == actor) return true;
    }
    return false;
  };
  const bool by_confidence = q_.cost == PathCost::kConfidence;
  while (!open.empty() && done.size() < wanted) {
    if (!ctx_.Spend(1)) return absl::CancelledError("FindPaths cancelled");
    const uint32_t li = open.top().label;
    open.pop();
    const Label cur = labels[li];
    if (cur.state == target_state) {
      done.push_back(li);
      continue;
    }
    if (cur.hops >= q_.max_hops) continue;
    const uint32_t parity = cur.state % states_per_actor_;
    uint64_t moves = 0;
    ctx_.ForEachMoveFrom(cur.state / states_per_actor_, [&](const Move& m) {
      ++moves;
      if (capped) return;
      const uint32_t ns = StateAfter(parity, m);
      uint8_t h = HopsToTarget(ns);
      if (h == kFar) {
        if (bound_radius_ >= q_.max_hops - 1) return;  // beyond the budget
        h = static_cast<uint8_t>(bound_radius_ + 1);
      }
      if (cur.hops + 1 + h > q_.max_hops) return;
      if (m.actor == to && ns != target_state) return;  // passing through the target is a loop
      if (on_path(static_cast<int32_t>(li), m.actor)) return;
      const double g = cur.cost + m.eval.cost;
      const double f = g + (by_confidence ? CostToTarget(ns) : h);
      if (labels.size() >= kMaxLabels) {
        capped = true;
        return;
      }
      labels.push_back(Label{ns, static_cast<int32_t>(li), m.edge, m.reversed,
                             static_cast<uint8_t>(cur.hops + 1), g});
      open.push(
          Entry{f, static_cast<uint8_t>(cur.hops + 1), static_cast<uint32_t>(labels.size() - 1)});
    });
    if (!ctx_.Spend(moves)) return absl::CancelledError("FindPaths cancelled");
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
      path.actors.push_back(ctx_.graph().ActorAt(l.state / states_per_actor_).id);
      if (i == 0) continue;
      PathEdge edge = ctx_.Summarize(l.edge, l.reversed);
      path.sign *= edge.sign;
      path.edges.push_back(std::move(edge));
    }
    result.paths.push_back(std::move(path));
  }
  // Completed paths already come out cheapest first; fewer hops, then actor ids, among
  // equal costs.
  std::stable_sort(result.paths.begin(), result.paths.end(),
                   [](const FoundPath& a, const FoundPath& b) {
                     if (a.cost != b.cost) return a.cost < b.cost;
                     if (a.edges.size() != b.edges.size()) return a.edges.size() < b.edges.size();
                     return a.actors < b.actors;
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
  std::unique_ptr<Scratch> scratch = Pool().Take();
  auto run = [&]() -> absl::StatusOr<PathResult> {
    QueryContext ctx(graph, q, *scratch);
    if (q.cost == PathCost::kHops) {
      absl::StatusOr<std::optional<PathResult>> fast = BreadthFirstEngine(ctx).Run(*from, *to);
      if (!fast.ok()) return fast.status();
      if (fast->has_value()) return **std::move(fast);
    }
    return BestFirstEngine(ctx).Run(*from, *to);
  };
  absl::StatusOr<PathResult> result = run();
  Pool().Give(std::move(scratch));
  return result;
}

}  // namespace actorgraph
