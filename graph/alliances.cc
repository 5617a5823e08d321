#include "graph/alliances.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "absl/status/status.h"
#include "graph/errors.h"
#include "graph/neighborhood.h"
#include "graph/signed_partition.h"
#include "graph/stance.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

absl::Status Validate(const AllianceQuery& q) {
  absl::Status s;
  if (!(s = CheckRange("num_blocs", q.num_blocs, 0, kMaxAllianceBlocs)).ok()) return s;
  if (!(s = CheckRange("restarts", q.restarts, 1, kMaxAllianceRestarts)).ok()) return s;
  if (!(s = CheckRange("max_tensions", q.max_tensions, 1, kMaxAllianceTensions)).ok()) return s;
  if (!(s = CheckRange("max_evidence", q.max_evidence, 1, kMaxAllianceEvidence)).ok()) return s;
  if (!(s = CheckRange("exact_max_actors", q.exact_max_actors, 0, kMaxExactActors)).ok()) return s;
  if (!q.around.empty() && !(s = CheckRange("radius", q.radius, 1, kMaxAllianceRadius)).ok()) {
    return s;
  }
  if (!(q.min_abs_stance >= 0) || !std::isfinite(q.min_abs_stance)) {
    return FieldError("min_abs_stance", "must be a finite number >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint32_t>> Indices(const ActorGraph& graph,
                                              const std::vector<std::string>& ids) {
  std::vector<uint32_t> out;
  for (const std::string& id : ids) {
    auto i = graph.IndexOf(id);
    if (!i) return ActorNotFound(id);
    out.push_back(*i);
  }
  return out;
}

}  // namespace

absl::StatusOr<AllianceResult> FindAlliances(const ActorGraph& graph, const AllianceQuery& q) {
  if (absl::Status s = Validate(q); !s.ok()) return s;
  StanceGraphOptions sgo;
  sgo.stance.filter = q.filter;
  sgo.stance.half_life_days = q.half_life_days;
  sgo.stance.as_of = q.as_of;
  sgo.stance.structural_weight = q.structural_weight;
  sgo.min_abs_stance = q.min_abs_stance;
  sgo.cancelled = q.cancelled;
  if (!q.actors.empty()) {
    auto only = Indices(graph, q.actors);
    if (!only.ok()) return only.status();
    sgo.only = *std::move(only);
  } else if (!q.around.empty()) {
    auto centers = Indices(graph, q.around);
    if (!centers.ok()) return centers.status();
    sgo.only = ActorsWithinRadius(graph, *centers, q.radius, q.filter, graph.actor_count(), nullptr,
                                  nullptr);
  }
  auto built = BuildStanceGraph(graph, sgo);
  if (!built.ok()) return built.status();
  const StanceGraph& sg = *built;
  const SignedGraph& g = sg.graph;

  PartitionOptions po;
  po.max_blocs = q.num_blocs;
  po.seed = q.seed;
  po.restarts = q.restarts;
  po.exact_max_nodes = q.exact_max_actors;
  po.cancelled = q.cancelled;
  auto part = PartitionSignedGraph(g, po);
  if (!part.ok()) return part.status();
  const std::vector<uint32_t>& bloc = part->bloc;

  AllianceResult result;
  result.exact = part->exact;
  result.optimal = part->optimal;
  result.blocs.resize(part->bloc_count);

  // Attachment: signed stance toward each bloc, own against the best other.
  std::unordered_map<uint32_t, double> toward;
  for (uint32_t v = 0; v < g.node_count(); ++v) {
    toward.clear();
    double total = 0;
    auto nb = g.neighbors(v);
    auto w = g.weights(v);
    for (size_t i = 0; i < nb.size(); ++i) {
      toward[bloc[nb[i]]] += w[i];
      total += std::abs(w[i]);
      if (bloc[nb[i]] == bloc[v] && nb[i] > v) {
        (w[i] > 0 ? result.blocs[bloc[v]].internal_positive
                  : result.blocs[bloc[v]].internal_negative) += w[i];
      }
    }
    const double own = toward.count(bloc[v]) ? toward[bloc[v]] : 0.0;
    size_t other_blocs_touched = 0;
    double best_other = -std::numeric_limits<double>::infinity();
    for (const auto& [b, s] : toward) {
      if (b == bloc[v]) continue;
      ++other_blocs_touched;
      best_other = std::max(best_other, s);
    }
    // An untouched other bloc is a stance of 0 toward it.
    if (other_blocs_touched + 1 < part->bloc_count) best_other = std::max(best_other, 0.0);
    if (part->bloc_count <= 1) best_other = 0;
    const double attachment = total > 0 ? (own - best_other) / total : 0.0;
    result.blocs[bloc[v]].members.push_back(
        {graph.ActorAt(sg.actors[v]).id, std::clamp(attachment, -1.0, 1.0)});
  }
  for (Bloc& b : result.blocs) {
    std::sort(b.members.begin(), b.members.end(), [](const BlocMember& x, const BlocMember& y) {
      if (x.attachment != y.attachment) return x.attachment > y.attachment;
      return x.actor < y.actor;
    });
  }
  // Blocs come largest first from the partition; break size ties by member ids.
  std::vector<uint32_t> order(result.blocs.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto first_id = [&](uint32_t b) {
    std::string id;
    for (const BlocMember& m : result.blocs[b].members) {
      if (id.empty() || m.actor < id) id = m.actor;
    }
    return id;
  };
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    if (result.blocs[x].members.size() != result.blocs[y].members.size()) {
      return result.blocs[x].members.size() > result.blocs[y].members.size();
    }
    return first_id(x) < first_id(y);
  });
  std::vector<int> rank(order.size());
  std::vector<Bloc> sorted;
  for (uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = static_cast<int>(i);
    sorted.push_back(std::move(result.blocs[order[i]]));
  }
  result.blocs = std::move(sorted);

  // Frustration and tensions, per direction.
  struct Candidate {
    const StanceGraph::DirectedStance* d;
    bool within;
  };
  std::vector<Candidate> tensions;
  for (const StanceGraph::DirectedStance& d : sg.directed) {
    result.total_abs_stance += std::abs(d.stance);
    const bool within = bloc[d.source] == bloc[d.target];
    if ((within && d.stance < 0) || (!within && d.stance > 0)) {
      result.frustration += std::abs(d.stance);
      tensions.push_back({&d, within});
    }
  }
  result.frustration_index =
      result.total_abs_stance > 0 ? result.frustration / result.total_abs_stance : 0.0;
  auto id_of = [&](uint32_t node) -> const std::string& {
    return graph.ActorAt(sg.actors[node]).id;
  };
  std::sort(tensions.begin(), tensions.end(), [&](const Candidate& x, const Candidate& y) {
    if (std::abs(x.d->stance) != std::abs(y.d->stance)) {
      return std::abs(x.d->stance) > std::abs(y.d->stance);
    }
    if (id_of(x.d->source) != id_of(y.d->source)) return id_of(x.d->source) < id_of(y.d->source);
    return id_of(x.d->target) < id_of(y.d->target);
  });
  if (tensions.size() > static_cast<size_t>(q.max_tensions)) {
    tensions.resize(q.max_tensions);
    result.truncated = true;
  }
  for (const Candidate& c : tensions) {
    TensionEdge t;
    if (c.d->edge == kRoleEdge) {  // a dictionary role: no observations behind it
      t.relation.source = id_of(c.d->source);
      t.relation.target = id_of(c.d->target);
      t.relation.sign = 1;
    } else {
      t.relation = SummarizeEdge(graph.EdgeAt(c.d->edge), graph, q.filter, q.max_evidence);
    }
    t.stance = c.d->stance;
    t.within_bloc = c.within;
    t.source_bloc = rank[bloc[c.d->source]];
    t.target_bloc = rank[bloc[c.d->target]];
    result.tensions.push_back(std::move(t));
  }
  return result;
}

}  // namespace actorgraph
