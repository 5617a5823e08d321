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

// Undirected, deduplicated neighbour rows of a digraph.
struct Rows {
  std::vector<uint64_t> offsets;
  std::vector<uint32_t> adj;
};

Rows UndirectedRows(const WeightedDigraph& g) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t u = 0; u < g.node_count; ++u) {
    for (uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      pairs.push_back({u, g.targets[e]});
      pairs.push_back({g.targets[e], u});
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  Rows r;
  r.offsets.assign(g.node_count + 1, 0);
  for (const auto& [u, v] : pairs) ++r.offsets[u + 1];
  for (uint32_t u = 0; u < g.node_count; ++u) r.offsets[u + 1] += r.offsets[u];
  for (const auto& [u, v] : pairs) r.adj.push_back(v);
  return r;
}

Rows DirectedRows(const WeightedDigraph& g) { return Rows{g.offsets, g.targets}; }

}  // namespace

WeightedDigraph WeightedDigraph::FromEdges(uint32_t node_count, std::vector<Edge> edges) {
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.source != b.source ? a.source < b.source : a.target < b.target;
  });
  WeightedDigraph g;
  g.node_count = node_count;
  g.offsets.assign(static_cast<size_t>(node_count) + 1, 0);
  for (size_t i = 0; i < edges.size();) {
    Edge merged = edges[i];
    size_t j = i + 1;
    for (; j < edges.size() && edges[j].source == merged.source && edges[j].target == merged.target;
         ++j) {
      merged.weight += edges[j].weight;
    }
    if (merged.source != merged.target) {
      g.targets.push_back(merged.target);
      g.weights.push_back(merged.weight);
      ++g.offsets[merged.source + 1];
    }
    i = j;
  }
  for (uint32_t v = 0; v < node_count; ++v) g.offsets[v + 1] += g.offsets[v];
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
  for (uint32_t e = 0; e < graph.edge_count(); ++e) {
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
  const Rows rows = options.directed ? DirectedRows(g) : UndirectedRows(g);
  const std::vector<uint32_t> sources = BetweennessSources(n, options.samples, options.seed);
  const double scale = static_cast<double>(n) / static_cast<double>(sources.size());
  // Sources are dealt to kLanes lanes (source i to lane i % kLanes); each lane sums into its
  // own vector in source order and the lanes are added in lane order, so the floating-point
  // result does not depend on how many threads share the lanes.
  constexpr uint32_t kLanes = 8;
  const uint32_t lanes = std::min<uint32_t>(kLanes, static_cast<uint32_t>(sources.size()));
  uint32_t threads = options.threads > 0 ? static_cast<uint32_t>(options.threads)
                                         : std::thread::hardware_concurrency();
  threads = std::clamp<uint32_t>(threads, 1, lanes);
  std::vector<std::vector<double>> lane_score(lanes, std::vector<double>(n, 0.0));
  std::atomic<bool> stop{false};
  // Undirected: the size of each node's component, to stop a BFS that has found it all.
  std::vector<uint32_t> sizes;
  const std::vector<uint32_t>* component_size = nullptr;
  if (!options.directed) {
    std::vector<uint32_t> comp(n, UINT32_MAX), count;
    std::vector<uint32_t> stack;
    for (uint32_t r = 0; r < n; ++r) {
      if (comp[r] != UINT32_MAX) continue;
      const uint32_t id = static_cast<uint32_t>(count.size());
      count.push_back(0);
      comp[r] = id;
      stack.push_back(r);
      while (!stack.empty()) {
        const uint32_t v = stack.back();
        stack.pop_back();
        ++count[id];
        for (uint64_t e = rows.offsets[v]; e < rows.offsets[v + 1]; ++e) {
          if (comp[rows.adj[e]] == UINT32_MAX) {
            comp[rows.adj[e]] = id;
            stack.push_back(rows.adj[e]);
          }
        }
      }
    }
    sizes.resize(n);
    for (uint32_t v = 0; v < n; ++v) sizes[v] = count[comp[v]];
    component_size = &sizes;
  }
  auto work = [&](uint32_t first_lane, bool polls) {
    // Separate arrays: the BFS tests dist for every adjacency entry, and n int32s stay in
    // cache where an array of structs would not.
    std::vector<int32_t> dist(n, -1);
    std::vector<double> sigma(n, 0);  // shortest paths from the source
    std::vector<double> pull(n, 0);   // (1 + dependency) / sigma, once final
    std::vector<uint32_t> order;
    order.reserve(n);
    for (uint32_t lane = first_lane; lane < lanes; lane += threads) {
      std::vector<double>& out = lane_score[lane];
      for (size_t si = lane; si < sources.size(); si += lanes) {
        if (polls && IsCancelled(options.cancelled)) stop = true;
        if (stop.load(std::memory_order_relaxed)) return;
        const uint32_t s = sources[si];
        order.clear();
        dist[s] = 0;
        sigma[s] = 1;
        order.push_back(s);
        for (size_t head = 0; head < order.size(); ++head) {
          const uint32_t v = order[head];
          // Once the whole component is found, the deepest level has nothing left to do: in
          // a small-world graph that level holds most nodes.
          if (component_size != nullptr && order.size() == (*component_size)[v] &&
              dist[v] == dist[order.back()]) {
            break;
          }
          const int32_t next = dist[v] + 1;
          const double sv = sigma[v];
          for (uint64_t e = rows.offsets[v]; e < rows.offsets[v + 1]; ++e) {
            const uint32_t w = rows.adj[e];
            if (dist[w] < 0) {
              dist[w] = next;
              order.push_back(w);
            }
            if (dist[w] == next) sigma[w] += sv;
          }
        }
        // Dependencies in reverse BFS order, pulled from the successors one hop farther
        // (already final), so only out-rows are needed.
        const int32_t deepest = dist[order.back()];
        for (size_t i = order.size(); i-- > 0;) {
          const uint32_t v = order[i];
          const int32_t next = dist[v] + 1;
          if (dist[v] == deepest) {  // no successors
            pull[v] = 1 / sigma[v];
            continue;
          }
          double sum = 0;
          for (uint64_t e = rows.offsets[v]; e < rows.offsets[v + 1]; ++e) {
            const uint32_t w = rows.adj[e];
            if (dist[w] == next) sum += pull[w];
          }
          const double dependency = sigma[v] * sum;
          if (v != s) out[v] += dependency;
          pull[v] = (1 + dependency) / sigma[v];
        }
        for (uint32_t v : order) {
          dist[v] = -1;
          sigma[v] = 0;
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
  for (const std::vector<double>& lane : lane_score) {
    for (uint32_t v = 0; v < n; ++v) score[v] += lane[v];
  }
  for (double& x : score) x *= scale * (options.directed ? 1.0 : 0.5);
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
