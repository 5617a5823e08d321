#include "graph/signed_partition.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <thread>
#include <unordered_map>

#include "absl/status/status.h"
#include "graph/errors.h"

namespace actorgraph {
namespace {

bool IsCancelled(const std::function<bool()>& cancelled) { return cancelled && cancelled(); }

absl::Status CancelledError() { return absl::CancelledError("partitioning cancelled"); }

// Floating-point slack for "equal frustration", relative to the weights involved.
double Tolerance(const SignedGraph& g) { return 1e-9 * (1 + g.total_abs_weight()); }

// Renumbers blocs 0..B-1, largest first, ties by their lowest node; returns B.
uint32_t NormalizeBlocs(std::vector<uint32_t>& bloc) {
  const size_t n = bloc.size();
  std::unordered_map<uint32_t, uint32_t> first_seen;
  std::vector<uint32_t> ids, sizes;
  for (size_t v = 0; v < n; ++v) {
    auto [it, inserted] = first_seen.emplace(bloc[v], static_cast<uint32_t>(ids.size()));
    if (inserted) {
      ids.push_back(bloc[v]);
      sizes.push_back(0);
    }
    ++sizes[it->second];
    bloc[v] = it->second;
  }
  std::vector<uint32_t> rank(ids.size());
  std::iota(rank.begin(), rank.end(), 0);
  std::stable_sort(rank.begin(), rank.end(),
                   [&](uint32_t a, uint32_t b) { return sizes[a] > sizes[b]; });
  std::vector<uint32_t> new_id(ids.size());
  for (uint32_t i = 0; i < rank.size(); ++i) new_id[rank[i]] = i;
  for (uint32_t& b : bloc) b = new_id[b];
  return static_cast<uint32_t>(ids.size());
}

// Splits a seed into independent streams (SplitMix64).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// ---- Local search ---------------------------------------------------------------------------

// One level of the multilevel search: a (possibly aggregated) graph in CSR form.
struct Level {
  uint32_t n = 0;
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> adj;
  std::vector<double> w;
};

Level LevelOf(const SignedGraph& g) {
  Level l;
  l.n = g.node_count();
  l.offsets.assign(1, 0);
  for (uint32_t v = 0; v < l.n; ++v) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    l.adj.insert(l.adj.end(), nb.begin(), nb.end());
    l.w.insert(l.w.end(), w.begin(), w.end());
    l.offsets.push_back(l.adj.size());
  }
  return l;
}

// Relocation: a node moves to the bloc it has the largest signed weight to (a new bloc when
// every bloc is net hostile), which is exactly the move that lowers frustration most. Nodes
// are visited from a queue, first all in random order, then only the neighbours of nodes that
// moved (as in Leiden's fast local moving): each move lowers the frustration, so it ends.
// Labels must lie in 0..n-1. Returns false when `stop` says so.
// With `parent`, a node may only join blocs of nodes with the same parent (the refinement
// step, which splits blocs into well-tied parts).
bool MovePhase(const Level& l, std::vector<uint32_t>& label, int max_blocs, std::mt19937_64& rng,
               const std::function<bool()>& stop, const std::vector<uint32_t>* parent = nullptr) {
  const uint32_t n = l.n;
  std::vector<uint32_t> size(n, 0), free_ids, touched, queue(n), bloc_parent;
  for (uint32_t v = 0; v < n; ++v) ++size[label[v]];
  if (parent != nullptr) {
    bloc_parent.assign(n, 0);
    for (uint32_t v = 0; v < n; ++v) bloc_parent[label[v]] = (*parent)[v];
  }
  for (uint32_t b = n; b-- > 0;) {
    if (size[b] == 0) free_ids.push_back(b);
  }
  uint32_t nonempty = n - static_cast<uint32_t>(free_ids.size());
  std::vector<double> acc(n, 0);
  std::vector<uint8_t> marked(n, 0), queued(n, 1);
  std::iota(queue.begin(), queue.end(), 0);
  std::shuffle(queue.begin(), queue.end(), rng);
  // A ring buffer: at most n nodes are queued at once.
  size_t head = 0, count = n;
  for (uint64_t step = 0; count > 0; ++step) {
    if ((step & 4095) == 0 && stop && stop()) return false;
    const uint32_t v = queue[head];
    head = head + 1 == n ? 0 : head + 1;
    --count;
    queued[v] = 0;
    const uint32_t c = label[v];
    touched.clear();
    for (uint64_t e = l.offsets[v]; e < l.offsets[v + 1]; ++e) {
      if (l.adj[e] == v) continue;
      const uint32_t b = label[l.adj[e]];
      if (!marked[b]) {
        marked[b] = 1;
        acc[b] = 0;
        touched.push_back(b);
      }
      acc[b] += l.w[e];
    }
    const double stay = marked[c] ? acc[c] : 0.0;
    const double tol = 1e-12 * (1 + std::abs(stay));
    uint32_t best = c;
    double best_gain = stay;
    for (uint32_t b : touched) {
      if (parent != nullptr && bloc_parent[b] != (*parent)[v]) continue;
      if (b != c && acc[b] > best_gain + tol) {
        best = b;
        best_gain = acc[b];
      }
    }
    if (size[c] > 1 && 0 > best_gain + tol &&
        (max_blocs == 0 || nonempty < static_cast<uint32_t>(max_blocs))) {
      best = free_ids.back();
    }
    for (uint32_t b : touched) marked[b] = 0;
    if (best == c) continue;
    if (size[best] == 0) {
      free_ids.pop_back();  // `best` was the top free id
      ++nonempty;
      if (parent != nullptr) bloc_parent[best] = (*parent)[v];
    }
    ++size[best];
    if (--size[c] == 0) {
      free_ids.push_back(c);
      --nonempty;
    }
    label[v] = best;
    for (uint64_t e = l.offsets[v]; e < l.offsets[v + 1]; ++e) {
      const uint32_t u = l.adj[e];
      if (queued[u] || label[u] == best) continue;
      queued[u] = 1;
      size_t tail = head + count;
      queue[tail >= n ? tail - n : tail] = u;
      ++count;
    }
  }
  return true;
}

// Renumbers labels densely (first appearance) and returns the graph of blocs, whose edge
// weights are the sums between blocs.
Level Aggregate(const Level& l, std::vector<uint32_t>& label) {
  std::vector<uint32_t> id(l.n, UINT32_MAX);
  uint32_t blocs = 0;
  for (uint32_t v = 0; v < l.n; ++v) {
    if (id[label[v]] == UINT32_MAX) id[label[v]] = blocs++;
    label[v] = id[label[v]];
  }
  std::vector<uint32_t> start(blocs + 1, 0), members(l.n);
  for (uint32_t v = 0; v < l.n; ++v) ++start[label[v] + 1];
  for (uint32_t b = 0; b < blocs; ++b) start[b + 1] += start[b];
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (uint32_t v = 0; v < l.n; ++v) members[fill[label[v]]++] = v;

  Level next;
  next.n = blocs;
  next.offsets.assign(1, 0);
  std::vector<double> acc(blocs, 0);
  std::vector<uint8_t> marked(blocs, 0);
  std::vector<uint32_t> touched;
  for (uint32_t a = 0; a < blocs; ++a) {
    touched.clear();
    for (uint32_t i = start[a]; i < start[a + 1]; ++i) {
      const uint32_t v = members[i];
      for (uint64_t e = l.offsets[v]; e < l.offsets[v + 1]; ++e) {
        const uint32_t b = label[l.adj[e]];
        if (b == a) continue;
        if (!marked[b]) {
          marked[b] = 1;
          acc[b] = 0;
          touched.push_back(b);
        }
        acc[b] += l.w[e];
      }
    }
    for (uint32_t b : touched) {
      marked[b] = 0;
      if (acc[b] == 0) continue;
      next.adj.push_back(b);
      next.w.push_back(acc[b]);
    }
    next.offsets.push_back(next.adj.size());
  }
  return next;
}

// Merges blocs until at most `max_blocs` remain, joining the friendliest pairs first.
void ReduceBlocs(const SignedGraph& g, std::vector<uint32_t>& bloc, uint32_t max_blocs) {
  uint32_t count = NormalizeBlocs(bloc);
  if (count <= max_blocs) return;
  std::unordered_map<uint64_t, double> between;
  for (uint32_t v = 0; v < g.node_count(); ++v) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      uint32_t a = bloc[v], b = bloc[nb[i]];
      if (nb[i] > v && a != b) between[(uint64_t{std::min(a, b)} << 32) | std::max(a, b)] += w[i];
    }
  }
  std::vector<std::pair<double, uint64_t>> pairs;
  for (const auto& [key, w] : between) pairs.push_back({w, key});
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::vector<uint32_t> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& [w, key] : pairs) {
    if (count <= max_blocs) break;
    uint32_t a = find(static_cast<uint32_t>(key >> 32)), b = find(static_cast<uint32_t>(key));
    if (a == b) continue;
    parent[std::max(a, b)] = std::min(a, b);
    --count;
  }
  // Blocs with no relation between them: merging any two costs nothing.
  std::vector<uint32_t> roots;
  for (uint32_t x = 0; x < parent.size(); ++x) {
    if (find(x) == x) roots.push_back(x);
  }
  while (count > max_blocs && roots.size() >= 2) {
    parent[roots.back()] = roots[roots.size() - 2];
    roots.pop_back();
    --count;
  }
  for (uint32_t& b : bloc) b = find(b);
}

// Merges bloc pairs that are not hostile to each other (net weight >= 0 between them) and
// are both hostile to a common bloc: balance says the enemies of one bloc form one camp. Never
// raises the frustration.
void MergeCommonEnemies(const SignedGraph& g, std::vector<uint32_t>& bloc) {
  const uint32_t count = NormalizeBlocs(bloc);
  std::vector<std::unordered_map<uint32_t, double>> adj(count);
  for (uint32_t v = 0; v < g.node_count(); ++v) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      uint32_t a = bloc[v], b = bloc[nb[i]];
      if (a != b) adj[a][b] += w[i];
    }
  }
  std::vector<uint32_t> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  // Folds root `from` into root `into`, keeping every adjacency keyed by roots.
  auto merge = [&](uint32_t from, uint32_t into) {
    if (adj[from].size() > adj[into].size()) std::swap(from, into);
    for (const auto& [k, w] : adj[from]) {
      adj[k].erase(from);
      if (k == into) continue;
      adj[k][into] += w;
      adj[into][k] += w;
    }
    adj[from].clear();
    adj[into].erase(from);
    parent[from] = into;
    return into;
  };
  auto hostility = [&](uint32_t c) {
    double h = 0;
    for (const auto& [k, w] : adj[c]) h += std::min(w, 0.0);
    return h;
  };
  std::vector<uint32_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> host(count);
  for (uint32_t c = 0; c < count; ++c) host[c] = hostility(c);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return host[a] < host[b]; });
  for (uint32_t c0 : order) {
    const uint32_t c = find(c0);
    std::vector<std::pair<double, uint32_t>> enemies;
    for (const auto& [k, w] : adj[c]) {
      if (w < 0) enemies.push_back({w, k});
    }
    if (enemies.size() < 2) continue;
    std::sort(enemies.begin(), enemies.end());
    uint32_t anchor = find(enemies[0].second);
    for (size_t i = 1; i < enemies.size(); ++i) {
      const uint32_t e = find(enemies[i].second);
      if (e == anchor || e == find(c)) continue;
      auto it = adj[anchor].find(e);
      if (it != adj[anchor].end() && it->second < 0) continue;
      anchor = merge(e, anchor);
    }
  }
  for (uint32_t& b : bloc) b = find(b);
}

// Moves, aggregates blocs into nodes and moves again until nothing merges, starting from
// `label` on level `l` (labels < l.n); leaves the final bloc of each of l's nodes in `label`.
bool Multilevel(const Level& l, std::vector<uint32_t>& label, std::mt19937_64& rng,
                const std::function<bool()>& stop) {
  std::vector<uint32_t> to_top(l.n);  // node of `l` -> node of the current level
  std::iota(to_top.begin(), to_top.end(), 0);
  Level owned;
  const Level* cur = &l;
  std::vector<uint32_t> lab = label;
  for (int depth = 0; depth < 32; ++depth) {
    if (!MovePhase(*cur, lab, 0, rng, stop)) return false;
    Level next = Aggregate(*cur, lab);
    for (uint32_t& t : to_top) t = lab[t];
    if (next.n == cur->n) break;
    owned = std::move(next);
    cur = &owned;
    lab.resize(cur->n);
    std::iota(lab.begin(), lab.end(), 0);
  }
  label = std::move(to_top);
  return true;
}

// One run: multilevel relocation from singletons, then a last relocation pass on the single
// nodes (aggregation can leave some misplaced).
bool LocalSearchRun(const SignedGraph& g, const Level& base, int max_blocs, uint64_t seed,
                    const std::function<bool()>& stop, std::vector<uint32_t>& out) {
  std::mt19937_64 rng(seed);
  const uint32_t n = base.n;
  out.resize(n);
  std::iota(out.begin(), out.end(), 0);
  if (!Multilevel(base, out, rng, stop)) return false;
  if (max_blocs > 0) ReduceBlocs(g, out, static_cast<uint32_t>(max_blocs));
  NormalizeBlocs(out);
  return MovePhase(base, out, max_blocs, rng, stop);
}

// Rounds of Leiden-style refinement on a partition, while the frustration drops: split every
// bloc into its well-tied parts (relocation of single nodes confined to their bloc), aggregate
// the parts, and let them move on from their current blocs. This finds what moving one node
// at a time cannot: a group that is better off leaving its bloc together.
bool Refine(const SignedGraph& g, const Level& base, uint64_t seed,
            const std::function<bool()>& stop, std::vector<uint32_t>& out) {
  std::mt19937_64 rng(seed);
  const uint32_t n = base.n;
  double f = Frustration(g, out);
  const double tol = Tolerance(g);
  for (int round = 0; round < 4; ++round) {
    NormalizeBlocs(out);
    std::vector<uint32_t> parts(n);
    std::iota(parts.begin(), parts.end(), 0);
    if (!MovePhase(base, parts, 0, rng, stop, &out)) return false;
    Level agg = Aggregate(base, parts);  // renumbers parts densely
    std::vector<uint32_t> lab(agg.n);
    for (uint32_t v = 0; v < n; ++v) lab[parts[v]] = out[v];  // each part starts in its bloc
    if (!Multilevel(agg, lab, rng, stop)) return false;
    std::vector<uint32_t> candidate(n);
    for (uint32_t v = 0; v < n; ++v) candidate[v] = lab[parts[v]];
    NormalizeBlocs(candidate);
    if (!MovePhase(base, candidate, 0, rng, stop)) return false;
    const double fc = Frustration(g, candidate);
    if (!(fc < f - tol)) break;
    out = std::move(candidate);
    f = fc;
  }
  return true;
}

// ---- Branch and bound -----------------------------------------------------------------------

class BranchAndBound {
 public:
  BranchAndBound(const SignedGraph& g, int max_blocs, int64_t budget,
                 const std::function<bool()>& cancelled)
      : n_(g.node_count()),
        max_blocs_(max_blocs > 0 ? static_cast<uint32_t>(max_blocs) : n_),
        budget_(budget),
        cancelled_(cancelled),
        tol_(Tolerance(g)),
        w_(static_cast<size_t>(n_) * n_, 0.0) {
    for (uint32_t v = 0; v < n_; ++v) {
      auto nb = g.neighbors(v);
      auto w = g.weights(v);
      for (size_t i = 0; i < nb.size(); ++i) w_[v * n_ + nb[i]] = w[i];
    }
    ChooseOrder();
  }

  // Seeds the incumbent with a known partition (e.g. from local search).
  void SetIncumbent(const std::vector<uint32_t>& bloc, double frustration, uint32_t blocs) {
    best_ = bloc;
    best_cost_ = frustration;
    best_blocs_ = blocs;
  }

  // Returns false when cancelled.
  bool Run() {
    sums_.assign(static_cast<size_t>(n_) * n_, 0.0);
    pos_sum_.assign(n_, 0.0);
    assign_.assign(n_, 0);
    Search(0, 0, 0.0);
    return !cancelled_hit_;
  }

  bool complete() const { return !budget_hit_ && !cancelled_hit_; }
  const std::vector<uint32_t>& best() const { return best_; }
  double best_cost() const { return best_cost_; }

 private:
  double W(uint32_t a, uint32_t b) const { return w_[a * n_ + b]; }

  // Most-connected first, then whoever is most tied to those placed: bounds bite early.
  void ChooseOrder() {
    std::vector<double> strength(n_, 0), tie(n_, 0);
    for (uint32_t v = 0; v < n_; ++v) {
      for (uint32_t u = 0; u < n_; ++u) strength[v] += std::abs(W(v, u));
    }
    std::vector<uint8_t> used(n_, 0);
    for (uint32_t k = 0; k < n_; ++k) {
      uint32_t pick = n_;
      for (uint32_t v = 0; v < n_; ++v) {
        if (used[v]) continue;
        if (pick == n_ || tie[v] > tie[pick] ||
            (tie[v] == tie[pick] && strength[v] > strength[pick])) {
          pick = v;
        }
      }
      used[pick] = 1;
      order_.push_back(pick);
      for (uint32_t u = 0; u < n_; ++u) tie[u] += std::abs(W(pick, u));
    }
  }

  // Cheapest placement of the node at position q given the nodes placed so far.
  double MinIncrement(uint32_t q, uint32_t blocs) const {
    const uint32_t v = order_[q];
    double best_sum = blocs < max_blocs_ ? 0.0 : -std::numeric_limits<double>::infinity();
    for (uint32_t b = 0; b < blocs; ++b) best_sum = std::max(best_sum, sums_[v * n_ + b]);
    return pos_sum_[v] - best_sum;
  }

  void Search(uint32_t depth, uint32_t blocs, double cost) {
    if (budget_hit_ || cancelled_hit_) return;
    if (++expanded_ > budget_) {
      budget_hit_ = true;
      return;
    }
    if ((expanded_ & 65535) == 0 && IsCancelled(cancelled_)) {
      cancelled_hit_ = true;
      return;
    }
    if (depth == n_) {
      if (cost < best_cost_ - tol_ || (cost <= best_cost_ + tol_ && blocs < best_blocs_)) {
        best_cost_ = cost;
        best_blocs_ = blocs;
        best_.assign(n_, 0);
        for (uint32_t q = 0; q < n_; ++q) best_[order_[q]] = assign_[q];
      }
      return;
    }
    double bound = cost;
    for (uint32_t q = depth; q < n_; ++q) bound += MinIncrement(q, blocs);
    if (bound > best_cost_ + tol_) return;
    if (bound >= best_cost_ - tol_ && blocs >= best_blocs_) return;

    const uint32_t v = order_[depth];
    std::vector<std::pair<double, uint32_t>> options;  // (increment, bloc)
    for (uint32_t b = 0; b < blocs; ++b) options.push_back({pos_sum_[v] - sums_[v * n_ + b], b});
    if (blocs < max_blocs_) options.push_back({pos_sum_[v], blocs});
    std::stable_sort(options.begin(), options.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [inc, b] : options) {
      Place(depth, v, b, +1);
      Search(depth + 1, std::max(blocs, b + 1), cost + inc);
      Place(depth, v, b, -1);
    }
  }

  // Adds (sign +1) or removes (-1) node v in bloc b from the sums of the unplaced nodes.
  void Place(uint32_t depth, uint32_t v, uint32_t b, int sign) {
    assign_[depth] = b;
    for (uint32_t q = depth + 1; q < n_; ++q) {
      const uint32_t u = order_[q];
      const double w = W(u, v);
      if (w == 0) continue;
      sums_[u * n_ + b] += sign * w;
      if (w > 0) pos_sum_[u] += sign * w;
    }
  }

  const uint32_t n_;
  const uint32_t max_blocs_;
  const int64_t budget_;
  const std::function<bool()>& cancelled_;
  const double tol_;
  std::vector<double> w_;         // dense weights
  std::vector<uint32_t> order_;   // placement order
  std::vector<double> sums_;      // [node][bloc]: signed weight to the placed members
  std::vector<double> pos_sum_;   // [node]: positive weight to all placed nodes
  std::vector<uint32_t> assign_;  // [position]: bloc
  std::vector<uint32_t> best_;
  double best_cost_ = std::numeric_limits<double>::infinity();
  uint32_t best_blocs_ = UINT32_MAX;
  int64_t expanded_ = 0;
  bool budget_hit_ = false;
  bool cancelled_hit_ = false;
};

absl::Status Validate(const PartitionOptions& o) {
  if (o.max_blocs < 0) return FieldError("max_blocs", "must be >= 0");
  if (o.restarts < 1) return FieldError("restarts", "must be >= 1");
  if (o.exact_max_nodes < 0) return FieldError("exact_max_nodes", "must be >= 0");
  if (o.exact_budget < 0) return FieldError("exact_budget", "must be >= 0");
  return absl::OkStatus();
}

// The subgraph on `nodes` (global ids), renumbered 0..size-1 in that order.
SignedGraph Subgraph(const SignedGraph& g, const std::vector<uint32_t>& nodes,
                     std::vector<uint32_t>& local_of) {
  std::vector<SignedGraph::Edge> edges;
  for (uint32_t i = 0; i < nodes.size(); ++i) local_of[nodes[i]] = i;
  for (uint32_t v : nodes) {
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] > v) edges.push_back({local_of[v], local_of[nb[i]], w[i]});
    }
  }
  return SignedGraph::FromEdges(static_cast<uint32_t>(nodes.size()), std::move(edges));
}

}  // namespace

absl::StatusOr<Partition> LocalSearchPartition(const SignedGraph& g,
                                               const PartitionOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  const Level base = LevelOf(g);
  const int restarts = options.restarts;
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, restarts);
  // Restarts are independent and each depends only on its own seed, so running them on
  // several threads changes nothing in the answer. Only the calling thread polls
  // `cancelled` (it need not be thread-safe); the others watch `stop`.
  std::vector<std::vector<uint32_t>> blocs(restarts);
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  auto work = [&](bool polls) {
    const std::function<bool()> should_stop = [&] {
      if (polls && IsCancelled(options.cancelled)) stop = true;
      return stop.load();
    };
    for (int r; (r = next++) < restarts && !stop.load();) {
      if (!LocalSearchRun(g, base, options.max_blocs, Mix(options.seed + Mix(r)), should_stop,
                          blocs[r])) {
        stop = true;
      }
    }
  };
  if (IsCancelled(options.cancelled)) return CancelledError();
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(work, false);
  work(true);
  for (std::thread& t : helpers) t.join();
  // The helpers may have run every restart before the caller polled once.
  if (stop.load() || IsCancelled(options.cancelled)) return CancelledError();

  Partition best;
  best.frustration = std::numeric_limits<double>::infinity();
  const double tol = Tolerance(g);
  for (int r = 0; r < restarts; ++r) {
    const uint32_t count = NormalizeBlocs(blocs[r]);
    const double f = Frustration(g, blocs[r]);
    if (f < best.frustration - tol || (f <= best.frustration + tol && count < best.bloc_count)) {
      best.bloc = std::move(blocs[r]);
      best.bloc_count = count;
      best.frustration = f;
    }
  }
  if (g.node_count() == 0) {
    best.frustration = 0;
    return best;
  }
  // Once, on the winner: refinement (its bloc count is free, so not under a bloc limit), and
  // the merge, which never raises the frustration.
  if (options.max_blocs == 0) {
    const std::function<bool()> should_stop = [&] { return IsCancelled(options.cancelled); };
    if (!Refine(g, base, Mix(options.seed ^ 0x5eed), should_stop, best.bloc)) {
      return CancelledError();
    }
  }
  MergeCommonEnemies(g, best.bloc);
  best.bloc_count = NormalizeBlocs(best.bloc);
  best.frustration = Frustration(g, best.bloc);
  return best;
}

absl::StatusOr<Partition> ExactPartition(const SignedGraph& g, const PartitionOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  Partition result;
  if (g.node_count() == 0) {
    result.optimal = result.exact = true;
    return result;
  }
  // A good incumbent makes the bound prune from the start.
  PartitionOptions quick = options;
  quick.restarts = std::min(options.restarts, 3);
  quick.threads = 1;  // a thread per tiny component would cost more than it saves
  auto start = LocalSearchPartition(g, quick);
  if (!start.ok()) return start.status();
  BranchAndBound bnb(g, options.max_blocs, options.exact_budget, options.cancelled);
  bnb.SetIncumbent(start->bloc, start->frustration, start->bloc_count);
  if (!bnb.Run()) return CancelledError();
  result.bloc = bnb.best();
  result.bloc_count = NormalizeBlocs(result.bloc);
  result.frustration = Frustration(g, result.bloc);
  result.exact = true;
  result.optimal = bnb.complete();
  return result;
}

absl::StatusOr<Partition> PartitionSignedGraph(const SignedGraph& g,
                                               const PartitionOptions& options) {
  if (absl::Status s = Validate(options); !s.ok()) return s;
  const uint32_t n = g.node_count();
  const uint32_t exact_max = static_cast<uint32_t>(options.exact_max_nodes);
  // A bloc limit couples the components, so they are solved together.
  if (options.max_blocs > 0) {
    if (n <= exact_max) return ExactPartition(g, options);
    return LocalSearchPartition(g, options);
  }
  uint32_t components = 0;
  const std::vector<uint32_t> comp = ConnectedComponents(g, &components);
  std::vector<std::vector<uint32_t>> members(components);
  for (uint32_t v = 0; v < n; ++v) members[comp[v]].push_back(v);

  Partition result;
  result.bloc.assign(n, 0);
  result.optimal = result.exact = true;
  uint32_t next_bloc = 0;
  std::vector<uint32_t> local_of(n, 0), large;
  for (const std::vector<uint32_t>& nodes : members) {
    if (nodes.size() == 1) {
      result.bloc[nodes[0]] = next_bloc++;
      continue;
    }
    if (nodes.size() > exact_max) {
      large.insert(large.end(), nodes.begin(), nodes.end());
      continue;
    }
    SignedGraph sub = Subgraph(g, nodes, local_of);
    auto part = ExactPartition(sub, options);
    if (!part.ok()) return part.status();
    result.optimal = result.optimal && part->optimal;
    for (uint32_t i = 0; i < nodes.size(); ++i) result.bloc[nodes[i]] = next_bloc + part->bloc[i];
    next_bloc += part->bloc_count;
  }
  if (!large.empty()) {
    std::sort(large.begin(), large.end());
    SignedGraph sub = Subgraph(g, large, local_of);
    auto part = LocalSearchPartition(sub, options);
    if (!part.ok()) return part.status();
    result.optimal = result.exact = false;
    for (uint32_t i = 0; i < large.size(); ++i) result.bloc[large[i]] = next_bloc + part->bloc[i];
    next_bloc += part->bloc_count;
  }
  result.bloc_count = NormalizeBlocs(result.bloc);
  result.frustration = Frustration(g, result.bloc);
  return result;
}

}  // namespace actorgraph
