#include "server/graph_state.h"

#include <unordered_set>

#include "absl/status/status.h"

namespace actorgraph {

absl::StatusOr<std::unique_ptr<GraphState>> GraphState::Open(const std::string& db_path) {
  auto store = Store::Open(db_path);
  if (!store.ok()) return store.status();
  std::unique_ptr<GraphState> state(new GraphState(*std::move(store)));
  if (auto s = state->store_->LoadInto(state->graph_); !s.ok()) return s;
  return state;
}

absl::StatusOr<IngestResult> GraphState::Ingest(std::vector<Observation> batch) {
  std::lock_guard write(write_mu_);
  // Only writers mutate graph_, and we hold write_mu_: reading it here needs no shared lock.
  std::vector<Actor> new_actors;
  std::unordered_set<std::string> seen;
  auto need = [&](const std::string& id, const std::string& name, const std::string& country) {
    if (graph_.FindActor(id) != nullptr || !seen.insert(id).second) return;
    Actor a;
    a.id = id;
    a.kind = ActorKind::kOther;
    a.name = name.empty() ? id : name;
    a.country = country;
    new_actors.push_back(std::move(a));
  };
  for (const Observation& o : batch) {
    need(o.source, o.source_name, o.source_country);
    need(o.target, o.target_name, o.target_country);
  }
  std::vector<bool> inserted;
  if (auto s = store_->Write(new_actors, batch, &inserted); !s.ok()) return s;

  IngestResult result;
  result.actors_created = static_cast<int64_t>(new_actors.size());
  std::unique_lock lock(graph_mu_);
  for (Actor& a : new_actors) graph_.UpsertActor(std::move(a)).IgnoreError();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!inserted[i]) {
      ++result.duplicates;
      continue;
    }
    auto added = graph_.AddObservation(std::move(batch[i]));
    if (added.ok() && *added) {
      ++result.inserted;
    } else {
      ++result.duplicates;  // the same id twice within one batch
    }
  }
  return result;
}

absl::StatusOr<std::pair<int, int>> GraphState::UpsertActors(std::vector<Actor> actors) {
  std::lock_guard write(write_mu_);
  std::vector<bool> unused;
  if (auto s = store_->Write(actors, {}, &unused); !s.ok()) return s;
  std::pair<int, int> counts{0, 0};
  std::unique_lock lock(graph_mu_);
  for (Actor& a : actors) {
    auto created = graph_.UpsertActor(std::move(a));
    if (created.ok() && *created) {
      ++counts.first;
    } else {
      ++counts.second;
    }
  }
  return counts;
}

absl::StatusOr<bool> GraphState::IsEmpty() {
  std::lock_guard write(write_mu_);
  return store_->IsEmpty();
}

}  // namespace actorgraph
