#include "graph/neighborhood.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "absl/status/status.h"
#include "graph/errors.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

int64_t PassingCount(const ActorGraph& graph, uint32_t edge, const RelationFilter& filter) {
  int64_t n = 0;
  for (const Observation* o : graph.EdgeAt(edge).observations) n += filter.Matches(*o);
  return n;
}

}  // namespace

std::vector<uint32_t> ActorsWithinRadius(const ActorGraph& graph, std::span<const uint32_t> centers,
                                         int radius, const RelationFilter& filter, size_t max_nodes,
                                         bool* truncated, std::vector<int>* depth) {
  std::vector<uint32_t> kept;
  std::unordered_set<uint32_t> seen;
  if (truncated != nullptr) *truncated = false;
  if (depth != nullptr) depth->clear();
  for (uint32_t c : centers) {
    if (kept.size() >= max_nodes) {
      if (truncated != nullptr) *truncated = true;
      break;
    }
    if (seen.insert(c).second) {
      kept.push_back(c);
      if (depth != nullptr) depth->push_back(0);
    }
  }
  size_t ring_begin = 0;
  for (int d = 1; d <= radius && ring_begin < kept.size(); ++d) {
    const size_t ring_end = kept.size();
    std::unordered_map<uint32_t, int64_t> tally;  // candidate -> passing observations
    for (size_t i = ring_begin; i < ring_end; ++i) {
      auto visit = [&](uint32_t edge, uint32_t other) {
        if (seen.count(other) != 0) return;
        if (int64_t n = PassingCount(graph, edge, filter); n > 0) tally[other] += n;
      };
      graph.ForEachOutEdge(kept[i], [&](uint32_t e) { visit(e, graph.EdgeAt(e).target); });
      graph.ForEachInEdge(kept[i], [&](uint32_t e) { visit(e, graph.EdgeAt(e).source); });
    }
    std::vector<std::pair<int64_t, uint32_t>> ring;
    for (const auto& [a, n] : tally) ring.push_back({n, a});
    std::sort(ring.begin(), ring.end(), [&](const auto& x, const auto& y) {
      if (x.first != y.first) return x.first > y.first;
      return graph.ActorAt(x.second).id < graph.ActorAt(y.second).id;
    });
    for (const auto& [n, a] : ring) {
      if (kept.size() >= max_nodes) {
        if (truncated != nullptr) *truncated = true;
        break;
      }
      seen.insert(a);
      kept.push_back(a);
      if (depth != nullptr) depth->push_back(d);
    }
    ring_begin = ring_end;
  }
  return kept;
}

absl::StatusOr<NeighborhoodResult> GetNeighborhood(const ActorGraph& graph,
                                                   const NeighborhoodQuery& q) {
  if (q.actor.empty()) return FieldError("actor", "is empty");
  if (q.radius < 1 || q.radius > kMaxNeighborhoodRadius) {
    return FieldError("radius", StrCat("must lie in [1, ", kMaxNeighborhoodRadius, "]"));
  }
  if (q.max_nodes < 1 || q.max_nodes > kMaxNeighborhoodNodes) {
    return FieldError("max_nodes", StrCat("must lie in [1, ", kMaxNeighborhoodNodes, "]"));
  }
  if (q.max_evidence < 1 || q.max_evidence > kMaxNeighborhoodEvidence) {
    return FieldError("max_evidence", StrCat("must lie in [1, ", kMaxNeighborhoodEvidence, "]"));
  }
  auto ego = graph.IndexOf(q.actor);
  if (!ego) return ActorNotFound(q.actor);
  NeighborhoodResult result;
  std::vector<int> depth;
  const uint32_t centers[] = {*ego};
  std::vector<uint32_t> kept = ActorsWithinRadius(graph, centers, q.radius, q.filter, q.max_nodes,
                                                  &result.truncated, &depth);
  std::unordered_map<uint32_t, size_t> slot;
  for (size_t i = 0; i < kept.size(); ++i) slot[kept[i]] = i;
  std::vector<std::unordered_set<uint32_t>> neighbours(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    graph.ForEachOutEdge(kept[i], [&](uint32_t e) {
      const ActorGraph::EdgeRef ref = graph.EdgeAt(e);
      auto it = slot.find(ref.target);
      if (it == slot.end()) return;
      PathEdge edge = SummarizeEdge(ref, graph, q.filter, q.max_evidence);
      if (edge.count == 0) return;
      neighbours[i].insert(ref.target);
      neighbours[it->second].insert(ref.source);
      result.edges.push_back(std::move(edge));
    });
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    result.nodes.push_back(
        {graph.ActorAt(kept[i]).id, depth[i], static_cast<int>(neighbours[i].size())});
  }
  return result;
}

}  // namespace actorgraph
