#include "graph/allies.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "absl/status/status.h"
#include "graph/errors.h"

namespace actorgraph {
namespace {

double Strength(double stance) {
  return std::abs(stance) / (std::abs(stance) + kHalfStrengthStance);
}

// The pair stance between u and each of its neighbours, computed from the edges either way.
class PairStances {
 public:
  PairStances(const ActorGraph& graph, const StanceOptions& options)
      : graph_(graph), calc_(graph, options) {}

  // fn(neighbour, pair stance) for every neighbour of u with a nonzero stance.
  template <class F>
  void ForEach(uint32_t u, F&& fn) const {
    graph_.ForEachOutEdge(u, [&](uint32_t e) {
      const uint32_t v = graph_.EdgeAt(e).target;
      double s = calc_.EdgeStance(graph_.EdgeAt(e));
      if (auto r = graph_.FindEdge(v, u)) s += calc_.EdgeStance(graph_.EdgeAt(*r));
      if (s != 0) fn(v, s);
    });
    graph_.ForEachInEdge(u, [&](uint32_t e) {
      const uint32_t v = graph_.EdgeAt(e).source;
      if (graph_.FindEdge(u, v)) return;  // counted with the out-edge
      const double s = calc_.EdgeStance(graph_.EdgeAt(e));
      if (s != 0) fn(v, s);
    });
  }

  // The hop u -> v as a path edge: the direction whose stance has the pair's sign and the
  // largest magnitude.
  PathEdge Hop(uint32_t u, uint32_t v, double pair, const RelationFilter& filter,
               int max_evidence) const {
    auto fwd = graph_.FindEdge(u, v), back = graph_.FindEdge(v, u);
    auto score = [&](std::optional<uint32_t> e) {
      if (!e) return -1.0;
      const double s = calc_.EdgeStance(graph_.EdgeAt(*e));
      return (s > 0) == (pair > 0) && s != 0 ? std::abs(s) : -1.0;
    };
    const bool use_back = score(back) > score(fwd);
    PathEdge edge =
        SummarizeEdge(graph_.EdgeAt(use_back ? *back : *fwd), graph_, filter, max_evidence);
    edge.reversed = use_back;
    return edge;
  }

 private:
  const ActorGraph& graph_;
  StanceCalculator calc_;
};

// Best and second-best way (through distinct predecessors) to reach one state in one layer.
struct Entry {
  double strength = -1;  // < 0: none
  uint32_t pred_state = 0;
  uint8_t pred_rank = 0;
  double stance = 0;  // of the last hop
};
struct Slot {
  Entry e[2];
};

}  // namespace

absl::StatusOr<AlliesResult> GetAlliesAndAdversaries(const ActorGraph& graph,
                                                     const AlliesQuery& q) {
  if (q.actor.empty()) return FieldError("actor", "is empty");
  absl::Status s;
  if (!(s = CheckRange("limit", q.limit, 1, kMaxAlliesLimit)).ok()) return s;
  if (!(s = CheckRange("max_evidence", q.max_evidence, 1, kMaxAlliesEvidence)).ok()) return s;
  if (q.inferred && !(s = CheckRange("max_hops", q.max_hops, 2, kMaxAlliesHops)).ok()) return s;
  if (!(s = ValidateStanceOptions(q.stance)).ok()) return s;
  auto ego = graph.IndexOf(q.actor);
  if (!ego) return ActorNotFound(q.actor);
  const PairStances stances(graph, q.stance);
  auto is_cancelled = [&] { return q.cancelled && q.cancelled(); };

  AlliesResult result;
  std::unordered_map<uint32_t, double> direct;
  stances.ForEach(*ego, [&](uint32_t v, double w) { direct[v] = w; });
  auto add = [&](Affinity a) {
    (a.score > 0 ? result.allies : result.adversaries).push_back(std::move(a));
  };
  for (const auto& [v, w] : direct) {
    Affinity a;
    a.actor = graph.ActorAt(v).id;
    a.score = (w > 0 ? 1 : -1) * Strength(w);
    a.direct = true;
    a.explanation.actors = {q.actor, a.actor};
    a.explanation.edges.push_back(stances.Hop(*ego, v, w, q.stance.filter, q.max_evidence));
    a.explanation.sign = w > 0 ? 1 : -1;
    a.explanation.cost = 1;
    add(std::move(a));
  }

  if (q.inferred) {
    // Layered search over (actor, parity) states, parity 1 = hostile so far. Keeping two
    // entries per state through distinct predecessors lets a walk avoid stepping straight
    // back; with at most 4 hops and no return to the ego, every kept path is then loopless
    // except ones ending at a direct neighbour, which are reported as direct anyway.
    auto state = [](uint32_t actor, uint32_t parity) { return actor * 2 + parity; };
    std::vector<std::unordered_map<uint32_t, Slot>> layers(q.max_hops + 1);
    layers[0][state(*ego, 0)].e[0] = Entry{1.0, 0, 0, 0};
    for (int l = 1; l <= q.max_hops; ++l) {
      if (is_cancelled()) return absl::CancelledError("allies search cancelled");
      for (const auto& layer_entry : layers[l - 1]) {
        // Named, not a structured binding: clang 14 cannot capture bindings in a lambda.
        const uint32_t st = layer_entry.first;
        const auto& slot = layer_entry.second;
        for (uint8_t rank = 0; rank < 2; ++rank) {
          const Entry& from = slot.e[rank];
          if (from.strength < 0) continue;
          const uint32_t u = st / 2, parity = st % 2;
          const uint32_t back = l >= 2 ? from.pred_state / 2 : UINT32_MAX;
          stances.ForEach(u, [&](uint32_t v, double w) {
            if (v == *ego || v == back) return;
            const uint32_t next = state(v, parity ^ (w < 0 ? 1u : 0u));
            const Entry cand{from.strength * Strength(w), st, rank, w};
            Slot& to = layers[l][next];
            if (cand.strength > to.e[0].strength) {
              if (to.e[0].pred_state / 2 != u) to.e[1] = to.e[0];
              to.e[0] = cand;
            } else if (cand.strength > to.e[1].strength && to.e[0].pred_state / 2 != u) {
              to.e[1] = cand;
            }
          });
        }
      }
    }
    // Strongest friendly and hostile path to each non-direct actor, over all layers.
    struct Best {
      double strength = -1;
      int layer = 0;
    };
    std::unordered_map<uint32_t, Best> best;  // by state
    for (int l = 2; l <= q.max_hops; ++l) {
      for (const auto& [st, slot] : layers[l]) {
        if (direct.count(st / 2) != 0) continue;
        Best& b = best[st];
        if (slot.e[0].strength > b.strength) b = {slot.e[0].strength, l};
      }
    }
    for (const auto& [st, b] : best) {
      const uint32_t v = st / 2, parity = st % 2;
      if (parity == 1 && best.count(state(v, 0)) != 0) continue;  // decided from the other
      const auto friendly = best.find(state(v, 0));
      const auto hostile = best.find(state(v, 1));
      const double f = friendly == best.end() ? -1 : friendly->second.strength;
      const double h = hostile == best.end() ? -1 : hostile->second.strength;
      if (f == h) continue;  // as friendly as hostile: no inference
      const bool ally = f > h;
      const Best& chosen = ally ? friendly->second : hostile->second;
      Affinity a;
      a.actor = graph.ActorAt(v).id;
      a.score = ally ? chosen.strength : -chosen.strength;
      // Walk the entries back to the ego.
      std::vector<std::pair<uint32_t, double>> hops;  // (actor, stance of the hop into it)
      uint32_t cur = state(v, ally ? 0 : 1);
      uint8_t rank = 0;
      for (int l = chosen.layer; l >= 1; --l) {
        const Entry& e = layers[l].at(cur).e[rank];
        hops.push_back({cur / 2, e.stance});
        cur = e.pred_state;
        rank = e.pred_rank;
      }
      std::reverse(hops.begin(), hops.end());
      a.explanation.actors.push_back(q.actor);
      uint32_t prev = *ego;
      for (const auto& [actor, w] : hops) {
        a.explanation.actors.push_back(graph.ActorAt(actor).id);
        a.explanation.edges.push_back(stances.Hop(prev, actor, w, q.stance.filter, q.max_evidence));
        a.explanation.sign *= w > 0 ? 1 : -1;
        prev = actor;
      }
      a.explanation.cost = static_cast<double>(hops.size());
      add(std::move(a));
    }
  }
  auto order = [](std::vector<Affinity>& list, int limit) {
    std::sort(list.begin(), list.end(), [](const Affinity& x, const Affinity& y) {
      if (std::abs(x.score) != std::abs(y.score)) return std::abs(x.score) > std::abs(y.score);
      return x.actor < y.actor;
    });
    if (list.size() > static_cast<size_t>(limit)) list.resize(limit);
  };
  order(result.allies, q.limit);
  order(result.adversaries, q.limit);
  return result;
}

}  // namespace actorgraph
