#include "graph/ranking.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>

#include "absl/status/status.h"
#include "graph/errors.h"

namespace actorgraph {
namespace {

bool IsCancelled(const std::function<bool()>& cancelled) { return cancelled && cancelled(); }

// Neighbour rows (CSR) of a graph without weights.
struct Rows {
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> adj;

  uint32_t node_count() const { return static_cast<uint32_t>(offsets.size() - 1); }
  uint32_t degree(uint32_t v) const { return static_cast<uint32_t>(offsets[v + 1] - offsets[v]); }
};

// Undirected, deduplicated, sorted neighbour rows of a digraph: a counting sort by row, then a
// sort within each row, which is much cheaper than sorting all 2m (node, neighbour) pairs.
Rows UndirectedRows(const WeightedDigraph& g) {
  const uint32_t n = g.node_count;
  std::vector<uint64_t> start(static_cast<size_t>(n) + 1, 0);
  for (uint32_t u = 0; u < n; ++u) {
    start[u + 1] += g.offsets[u + 1] - g.offsets[u];
    for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) ++start[g.targets[e] + 1];
  }
  for (uint32_t u = 0; u < n; ++u) start[u + 1] += start[u];
  std::vector<uint32_t> both(start.back());
  std::vector<uint64_t> fill(start.begin(), start.end() - 1);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      both[fill[u]++] = g.targets[e];
      both[fill[g.targets[e]]++] = u;
    }
  }
  Rows r;
  r.offsets.assign(static_cast<size_t>(n) + 1, 0);
  r.adj.reserve(both.size());
  for (uint32_t u = 0; u < n; ++u) {
    const auto first = both.begin() + static_cast<ptrdiff_t>(start[u]);
    const auto last = both.begin() + static_cast<ptrdiff_t>(start[u + 1]);
    std::sort(first, last);
    r.adj.insert(r.adj.end(), first, std::unique(first, last));
    r.offsets[u + 1] = r.adj.size();
  }
  return r;
}

Rows DirectedRows(const WeightedDigraph& g) { return Rows{g.offsets, g.targets}; }

// `rows` with the nodes renumbered by descending degree (ties by number) and each row sorted:
// the hubs, which most searches touch, then share a few cache lines of every per-node array.
struct Renumbered {
  Rows rows;
  std::vector<uint32_t> new_of_old;
  std::vector<uint32_t> old_of_new;
};
Renumbered ByDescendingDegree(const Rows& rows) {
  const uint32_t n = rows.node_count();
  Renumbered out;
  out.old_of_new.resize(n);
  std::iota(out.old_of_new.begin(), out.old_of_new.end(), 0);
  std::stable_sort(out.old_of_new.begin(), out.old_of_new.end(),
                   [&](uint32_t a, uint32_t b) { return rows.degree(a) > rows.degree(b); });
  out.new_of_old.resize(n);
  for (uint32_t v = 0; v < n; ++v) out.new_of_old[out.old_of_new[v]] = v;
  out.rows.offsets.assign(static_cast<size_t>(n) + 1, 0);
  out.rows.adj.resize(rows.adj.size());
  uint64_t at = 0;
  for (uint32_t v = 0; v < n; ++v) {
    const uint32_t old = out.old_of_new[v];
    const uint64_t row_start = at;
    for (uint64_t e = rows.offsets[old]; e < rows.offsets[old + 1]; ++e) {
      out.rows.adj[at++] = out.new_of_old[rows.adj[e]];
    }
    std::sort(out.rows.adj.begin() + static_cast<ptrdiff_t>(row_start),
              out.rows.adj.begin() + static_cast<ptrdiff_t>(at));
    out.rows.offsets[v + 1] = at;
  }
  return out;
}

// What the Brandes searches run on. Undirected graphs shed their leaves (degree-1 nodes whose
// neighbour has more): a leaf is never between two others, its search is its neighbour's
// search plus "the neighbour is between the leaf and every other node of the component", and
// as a target it adds exactly 1 to its neighbour's dependency. So the searches run on the
// core rows only, each core node v carrying leaves[v], and a sampled leaf runs (or shares)
// the search of its neighbour, its "anchor".
struct BrandesPlan {
  Rows core;                                  // rows without leaf entries
  std::vector<uint32_t> leaves;               // leaf neighbours per node (0 when directed)
  std::vector<uint32_t> core_component_size;  // empty when directed
  std::vector<uint32_t> component_size;       // with leaves; empty when directed
  struct Search {
    uint32_t anchor;        // the node searched from
    double weight;          // how many sampled sources share this search
    uint32_t leaf_sources;  // how many of them are leaves of the anchor
  };
  std::vector<Search> searches;  // in order of first appearance among the sources
};

BrandesPlan PlanSearches(Rows rows, bool directed, const std::vector<uint32_t>& sources) {
  const uint32_t n = rows.node_count();
  BrandesPlan plan;
  std::vector<uint32_t> anchor(n);
  std::iota(anchor.begin(), anchor.end(), 0);
  std::vector<bool> leaf(n, false);
  if (directed) {
    plan.core = std::move(rows);
  } else {
    plan.leaves.assign(n, 0);
    for (uint32_t v = 0; v < n; ++v) {
      if (rows.degree(v) == 1 && rows.degree(rows.adj[rows.offsets[v]]) >= 2) {
        leaf[v] = true;
        anchor[v] = rows.adj[rows.offsets[v]];
        ++plan.leaves[anchor[v]];
      }
    }
    plan.core.offsets.assign(static_cast<size_t>(n) + 1, 0);
    plan.core.adj.reserve(rows.adj.size());
    for (uint32_t v = 0; v < n; ++v) {
      if (!leaf[v]) {
        for (uint64_t e = rows.offsets[v]; e < rows.offsets[v + 1]; ++e) {
          if (!leaf[rows.adj[e]]) plan.core.adj.push_back(rows.adj[e]);
        }
      }
      plan.core.offsets[v + 1] = plan.core.adj.size();
    }
    // Component sizes, with and without leaves (leaves share their anchor's component).
    std::vector<uint32_t> comp(n, UINT32_MAX), count, core_count, stack;
    for (uint32_t r = 0; r < n; ++r) {
      if (comp[r] != UINT32_MAX || leaf[r]) continue;
      const uint32_t id = static_cast<uint32_t>(count.size());
      count.push_back(0);
      core_count.push_back(0);
      comp[r] = id;
      stack.push_back(r);
      while (!stack.empty()) {
        const uint32_t v = stack.back();
        stack.pop_back();
        ++core_count[id];
        count[id] += 1 + plan.leaves[v];
        for (uint64_t e = plan.core.offsets[v]; e < plan.core.offsets[v + 1]; ++e) {
          const uint32_t w = plan.core.adj[e];
          if (comp[w] == UINT32_MAX) {
            comp[w] = id;
            stack.push_back(w);
          }
        }
      }
    }
    plan.component_size.resize(n);
    plan.core_component_size.resize(n);
    for (uint32_t v = 0; v < n; ++v) {
      const uint32_t c = comp[anchor[v]];
      plan.component_size[v] = count[c];
      plan.core_component_size[v] = core_count[c];
    }
  }
  std::vector<int32_t> search_of(n, -1);
  for (uint32_t s : sources) {
    const uint32_t a = anchor[s];
    if (search_of[a] < 0) {
      search_of[a] = static_cast<int32_t>(plan.searches.size());
      plan.searches.push_back({a, 0, 0});
    }
    BrandesPlan::Search& search = plan.searches[search_of[a]];
    search.weight += 1;
    if (leaf[s]) ++search.leaf_sources;
  }
  return plan;
}

}  // namespace

WeightedDigraph WeightedDigraph::FromEdges(uint32_t node_count, std::vector<Edge> edges) {
  // A counting sort by source keeps each row in input order; parallel edges are then summed
  // (in input order) into the first one's slot, found through a per-target mark, so no
  // comparison sort is needed.
  std::vector<uint64_t> start(static_cast<size_t>(node_count) + 1, 0);
  for (const Edge& e : edges) ++start[e.source + 1];
  for (uint32_t v = 0; v < node_count; ++v) start[v + 1] += start[v];
  std::vector<std::pair<uint32_t, double>> by_row(edges.size());
  {
    std::vector<uint64_t> fill(start.begin(), start.end() - 1);
    for (const Edge& e : edges) by_row[fill[e.source]++] = {e.target, e.weight};
  }
  WeightedDigraph g;
  g.node_count = node_count;
  g.offsets.assign(static_cast<size_t>(node_count) + 1, 0);
  g.targets.reserve(edges.size());
  g.weights.reserve(edges.size());
  std::vector<uint32_t> row_of_mark(node_count, UINT32_MAX);  // last row that saw the target
  std::vector<uint64_t> slot(node_count);                     // and its index there
  for (uint32_t u = 0; u < node_count; ++u) {
    for (uint64_t i = start[u]; i < start[u + 1]; ++i) {
      const auto [target, weight] = by_row[i];
      if (target == u) continue;  // self loop
      if (row_of_mark[target] == u) {
        g.weights[slot[target]] += weight;
      } else {
        row_of_mark[target] = u;
        slot[target] = g.targets.size();
        g.targets.push_back(target);
        g.weights.push_back(weight);
      }
    }
    g.offsets[u + 1] = g.targets.size();
  }
  return g;
}

ActivityGraph BuildActivityGraph(const ActorGraph& graph, const RelationFilter& filter) {
  ActivityGraph out;
  std::vector<uint32_t> node_of(graph.actor_count(), UINT32_MAX);
  auto node = [&](uint32_t a) {
    if (node_of[a] == UINT32_MAX) {
      node_of[a] = static_cast<uint32_t>(out.actors.size());
      out.actors.push_back(a);
    }
    return node_of[a];
  };
  std::vector<WeightedDigraph::Edge> edges;
  edges.reserve(graph.edge_count());
  // Observations live apart from their edges: prefetching those of an edge a few edges
  // ahead overlaps the cache misses that dominate this loop.
  constexpr uint32_t kAhead = 8;
  const uint32_t edge_count = static_cast<uint32_t>(graph.edge_count());
  for (uint32_t e = 0; e < edge_count; ++e) {
    if (e + kAhead < edge_count) {
      for (const Observation* o : graph.EdgeAt(e + kAhead).observations) __builtin_prefetch(o);
    }
    const ActorGraph::EdgeRef ref = graph.EdgeAt(e);
    bool passing = false;
    double w = 0;
    for (const Observation* o : ref.observations) {
      if (!filter.Matches(*o)) continue;
      passing = true;
      w += std::abs(o->weight) * std::clamp(o->confidence, 0.0, 1.0);
    }
    if (passing) edges.push_back({node(ref.source), node(ref.target), w});
  }
  out.graph =
      WeightedDigraph::FromEdges(static_cast<uint32_t>(out.actors.size()), std::move(edges));
  return out;
}

std::vector<double> DegreeCentrality(const WeightedDigraph& g) {
  Rows rows = UndirectedRows(g);
  std::vector<double> out(g.node_count);
  for (uint32_t v = 0; v < g.node_count; ++v) {
    out[v] = static_cast<double>(rows.offsets[v + 1] - rows.offsets[v]);
  }
  return out;
}

absl::StatusOr<std::vector<double>> PageRank(const WeightedDigraph& g,
                                             const PageRankOptions& options) {
  if (!(options.damping > 0 && options.damping < 1)) {
    return FieldError("damping", "must lie in (0, 1)");
  }
  const uint32_t n = g.node_count;
  if (n == 0) return std::vector<double>();
  std::vector<double> out_weight(n, 0);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) out_weight[u] += g.weights[e];
  }
  const double d = options.damping;
  std::vector<double> x(n, 1.0 / n), next(n);
  for (int it = 0; it < options.max_iterations; ++it) {
    if (IsCancelled(options.cancelled)) return absl::CancelledError("PageRank cancelled");
    // Rank held by nodes with no outgoing weight jumps uniformly, like the teleport.
    double dangling = 0;
    for (uint32_t u = 0; u < n; ++u) {
      if (out_weight[u] <= 0) dangling += x[u];
    }
    std::fill(next.begin(), next.end(), ((1 - d) + d * dangling) / n);
    for (uint32_t u = 0; u < n; ++u) {
      if (out_weight[u] <= 0) continue;
      const double share = d * x[u] / out_weight[u];
      for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
        next[g.targets[e]] += share * g.weights[e];
      }
    }
    double change = 0, total = 0;
    for (uint32_t v = 0; v < n; ++v) {
      change += std::abs(next[v] - x[v]);
      total += next[v];
    }
    for (uint32_t v = 0; v < n; ++v) x[v] = next[v] / total;  // guard against drift
    if (change < options.tolerance) break;
  }
  return x;
}

std::vector<uint32_t> BetweennessSources(uint32_t n, int samples, uint64_t seed) {
  std::vector<uint32_t> sources(n);
  std::iota(sources.begin(), sources.end(), 0);
  if (samples > 0 && static_cast<uint32_t>(samples) < n) {
    std::mt19937_64 rng(seed);
    // Partial Fisher-Yates: the first `samples` entries are a uniform sample.
    for (int i = 0; i < samples; ++i) {
      std::uniform_int_distribution<uint32_t> pick(i, n - 1);
      std::swap(sources[i], sources[pick(rng)]);
    }
    sources.resize(samples);
  }
  return sources;
}

absl::StatusOr<std::vector<double>> Betweenness(const WeightedDigraph& g,
                                                const BetweennessOptions& options) {
  const uint32_t n = g.node_count;
  if (absl::Status s = CheckRange("samples", options.samples, 0, kMaxBetweennessSamples); !s.ok()) {
    return s;
  }
  std::vector<double> score(n, 0);
  if (n == 0) return score;
  std::vector<uint32_t> sources = BetweennessSources(n, options.samples, options.seed);
  const double scale = static_cast<double>(n) / static_cast<double>(sources.size());
  Renumbered net = ByDescendingDegree(options.directed ? DirectedRows(g) : UndirectedRows(g));
  for (uint32_t& s : sources) s = net.new_of_old[s];
  const BrandesPlan plan = PlanSearches(std::move(net.rows), options.directed, sources);
  const Rows& rows = plan.core;
  const bool pruned = !options.directed;
  // Searches are dealt to kLanes lanes (search i to lane i % kLanes); each lane sums into its
  // own vector in search order and the lanes are added in lane order, so the floating-point
  // result does not depend on how many threads share the lanes.
  constexpr uint32_t kLanes = 8;
  const uint32_t lanes = std::min<uint32_t>(kLanes, static_cast<uint32_t>(plan.searches.size()));
  uint32_t threads = options.threads > 0 ? static_cast<uint32_t>(options.threads)
                                         : std::thread::hardware_concurrency();
  threads = std::clamp<uint32_t>(threads, 1, lanes);
  std::vector<std::vector<double>> lane_score(lanes, std::vector<double>(n, 0.0));
  std::atomic<bool> stop{false};
  auto work = [&](uint32_t first_lane, bool polls) {
    // Separate arrays: the BFS tests dist for every adjacency entry, and n int32s stay in
    // cache where an array of structs would not.
    std::vector<int32_t> dist(n, -1);
    std::vector<double> sigma(n, 0);  // shortest paths from the source
    std::vector<double> pull(n, 0);   // (1 + dependency) / sigma, once final
    std::vector<uint32_t> order(n);   // BFS order; [0, found) is filled
    // The successors of order[i] (one level deeper) are succ[succ_start[i] .. [i + 1]),
    // recorded on the way down so the way up reads only them, in sequence, instead of
    // testing every neighbour's distance again.
    // An undirected edge is a successor link in one direction at most.
    std::vector<uint32_t> succ(options.directed ? rows.adj.size() : rows.adj.size() / 2 + 1);
    std::vector<uint64_t> succ_start(static_cast<size_t>(n) + 1);
    for (uint32_t lane = first_lane; lane < lanes; lane += threads) {
      std::vector<double>& out = lane_score[lane];
      for (size_t si = lane; si < plan.searches.size(); si += lanes) {
        if (polls && IsCancelled(options.cancelled)) stop = true;
        if (stop.load(std::memory_order_relaxed)) return;
        const BrandesPlan::Search& search = plan.searches[si];
        const uint32_t s = search.anchor;
        // Once the whole component is found, the deepest level has nothing left to do: in a
        // small-world graph that level holds most nodes.
        const uint32_t component = pruned ? plan.core_component_size[s] : n + 1;
        size_t found = 0, scanned = 0;
        uint64_t succ_count = 0;
        dist[s] = 0;
        sigma[s] = 1;
        order[found++] = s;
        for (; scanned < found; ++scanned) {
          const uint32_t v = order[scanned];
          if (found == component && dist[v] == dist[order[found - 1]]) break;
          const int32_t next = dist[v] + 1;
          const double sv = sigma[v];
          succ_start[scanned] = succ_count;
          for (uint64_t e = rows.offsets[v]; e < rows.offsets[v + 1]; ++e) {
            const uint32_t w = rows.adj[e];
            if (dist[w] < 0) {
              dist[w] = next;
              order[found++] = w;
            }
            if (dist[w] == next) {
              sigma[w] += sv;
              succ[succ_count++] = w;
            }
          }
        }
        succ_start[scanned] = succ_count;
        // Dependencies in reverse BFS order, pulled from the successors (already final). A
        // node's leaves are successors whose pull is 1 / sigma of the node: together they
        // add leaves[v] to its dependency. Nodes never scanned have no successors.
        for (size_t i = found; i-- > 0;) {
          const uint32_t v = order[i];
          double dependency = pruned ? plan.leaves[v] : 0;
          if (i < scanned) {
            double sum = 0;
            for (uint64_t k = succ_start[i]; k < succ_start[i + 1]; ++k) sum += pull[succ[k]];
            dependency += sigma[v] * sum;
          }
          if (v != s) out[v] += search.weight * dependency;
          pull[v] = (1 + dependency) / sigma[v];
        }
        // A sampled leaf's anchor lies between it and every other node of the component.
        if (search.leaf_sources > 0) {
          out[s] += static_cast<double>(search.leaf_sources) * (plan.component_size[s] - 2);
        }
        for (size_t i = 0; i < found; ++i) {
          dist[order[i]] = -1;
          sigma[order[i]] = 0;
        }
      }
    }
  };
  std::vector<std::thread> helpers;
  for (uint32_t t = 1; t < threads; ++t) helpers.emplace_back(work, t, false);
  work(0, true);
  for (std::thread& t : helpers) t.join();
  if (stop.load() || IsCancelled(options.cancelled)) {
    return absl::CancelledError("betweenness cancelled");
  }
  const double factor = scale * (options.directed ? 1.0 : 0.5);
  for (uint32_t v = 0; v < n; ++v) {
    double sum = 0;
    for (const std::vector<double>& lane : lane_score) sum += lane[v];
    score[net.old_of_new[v]] = sum * factor;
  }
  return score;
}

absl::StatusOr<RankResult> RankActors(const ActorGraph& graph, const RankQuery& q) {
  absl::Status s;
  if (!(s = CheckRange("limit", q.limit, 1, kMaxRankLimit)).ok()) return s;
  if (!(s = CheckRange("samples", q.samples, 0, kMaxBetweennessSamples)).ok()) return s;
  const int by = static_cast<int>(q.by);
  if (by < 0 || by > 2) return FieldError("by", "is not a known measure");
  const ActivityGraph activity = BuildActivityGraph(graph, q.filter);
  RankResult result;
  absl::StatusOr<std::vector<double>> scores;
  switch (q.by) {
    case RankMeasure::kDegree:
      result.method = "degree";
      scores = DegreeCentrality(activity.graph);
      break;
    case RankMeasure::kPageRank: {
      result.method = "pagerank";
      PageRankOptions o;
      o.damping = q.damping;
      o.cancelled = q.cancelled;
      scores = PageRank(activity.graph, o);
      break;
    }
    case RankMeasure::kBetweenness: {
      BetweennessOptions o;
      o.samples = q.samples;
      if (o.samples == 0 && activity.actors.size() > static_cast<size_t>(q.exact_max_actors)) {
        o.samples = 256;
      }
      const bool sampled = o.samples > 0 && static_cast<size_t>(o.samples) < activity.actors.size();
      result.method = sampled ? "betweenness-sampled" : "betweenness-exact";
      o.seed = q.seed;
      o.cancelled = q.cancelled;
      scores = Betweenness(activity.graph, o);
      break;
    }
  }
  if (!scores.ok()) return scores.status();
  std::vector<uint32_t> order(activity.actors.size());
  std::iota(order.begin(), order.end(), 0);
  auto id = [&](uint32_t node) -> const std::string& {
    return graph.ActorAt(activity.actors[node]).id;
  };
  auto higher = [&](uint32_t a, uint32_t b) {
    if ((*scores)[a] != (*scores)[b]) return (*scores)[a] > (*scores)[b];
    return id(a) < id(b);
  };
  const size_t keep = std::min(order.size(), static_cast<size_t>(q.limit));
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), higher);
  for (size_t i = 0; i < keep; ++i) {
    result.actors.push_back({id(order[i]), (*scores)[order[i]], static_cast<int>(i) + 1});
  }
  return result;
}

}  // namespace actorgraph
