#include "server/graph_state.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "graph/strings.h"

namespace actorgraph {

absl::StatusOr<std::unique_ptr<GraphState>> GraphState::Open(const std::string& db_path,
                                                             const StoreOptions& options) {
  auto store = Store::Open(db_path, options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<GraphState>(new GraphState(*std::move(store), options));
}

absl::Status GraphState::Load() {
  std::lock_guard write(write_mu_);
  DrainApplies();
  ActorGraph fresh;
  load_report_ = LoadReport();
  const auto start = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  // Sentences stay on disk: they are most of an observation's bytes and only responses
  // read them (FillSentences).
  const Store::LoadOptions load{
      .sentences = false, .use_image = options_.use_image, .stats = &load_report_.stats};
  if (auto s = store_->LoadInto(fresh, load); !s.ok()) return s;
  load_report_.load_seconds = seconds_since(start);
  // Nothing else writes yet (write_mu_), so the graph is exactly the store: image it.
  if (!options_.read_only && options_.image_min_rows > 0 &&
      load_report_.stats.rows >= options_.image_min_rows) {
    const auto image_start = std::chrono::steady_clock::now();
    if (auto s = store_->WriteImage(fresh); s.ok()) {
      load_report_.image_written = true;
    } else {
      load_report_.image_write_error = std::string(s.message());
    }
    load_report_.image_write_seconds = seconds_since(image_start);
  }
  auto version = store_->LatestVersion();
  if (!version.ok()) return version.status();
  {
    std::unique_lock lock(graph_mu_);
    graph_ = std::move(fresh);
    graph_writes_.fetch_add(1, std::memory_order_relaxed);
  }
  ready_.store(true, std::memory_order_release);
  Committed(*version);
  return absl::OkStatus();
}

void GraphState::Committed(int64_t version) {
  version_.store(version, std::memory_order_release);
  {
    std::lock_guard lock(version_mu_);
  }
  version_cv_.notify_all();
  if (on_write_) {
    std::shared_lock lock(graph_mu_);
    on_write_(static_cast<int64_t>(graph_.actor_count()),
              static_cast<int64_t>(graph_.observation_count()));
  }
}

void GraphState::DrainApplies() {
  std::unique_lock lock(apply_mu_);
  apply_cv_.wait(lock, [&] { return applied_tickets_ == stored_tickets_; });
}

PreparedBatch GraphState::Prepare(std::vector<Observation> batch,
                                  std::span<const ActorGraph::FieldViews> views) const {
  PreparedBatch p;
  p.hints.resize(batch.size());
  // Outside the lock: the ids' hashes, which the lookups below and the apply reuse.
  std::vector<uint32_t> id_hashes(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) id_hashes[i] = ActorGraph::IdHash(batch[i].id.view());
  // A short shared hold per chunk: a waiting writer (the lock prefers writers) gets in
  // between chunks instead of waiting for the whole batch. Chunks after the first may see
  // later writes; `generation` is the first's, the oldest view (see StoreBatch).
  constexpr size_t kChunk = 256;
  for (size_t first = 0; first < batch.size(); first += kChunk) {
    std::shared_lock lock(graph_mu_);
    if (first == 0) p.generation = graph_writes_.load(std::memory_order_relaxed);
    const size_t end = std::min(batch.size(), first + kChunk);
    graph_.PrepareObservations(std::span(batch).subspan(first, end - first),
                               std::span<const uint32_t>(id_hashes).subspan(first, end - first),
                               std::span(p.hints).subspan(first, end - first),
                               views.empty() ? views : views.subspan(first, end - first));
  }
  p.ids.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!p.ids.insert(batch[i].id).second) p.repeats.push_back(i);
  }
  p.observations = std::move(batch);
  return p;
}

absl::StatusOr<IngestResult> GraphState::Ingest(PreparedBatch batch) {
  auto stored = StoreBatch(std::move(batch));
  if (!stored.ok()) return stored.status();
  return ApplyBatch(*std::move(stored));
}

absl::StatusOr<StoredBatch> GraphState::StoreBatch(PreparedBatch prepared) {
  std::lock_guard write(write_mu_);
  std::vector<Observation>& batch = prepared.observations;
  std::vector<ActorGraph::AddHint>& hints = prepared.hints;
  // What Prepare could not see: the batches stored but not applied yet, and the writes
  // applied since. When those were all ingest batches whose Keys are still at hand, their
  // Keys say it all ("unchanged": the prepared hints hold otherwise); else the graph is asked
  // again, under the shared lock, as an applier may be changing it.
  std::vector<std::shared_ptr<const StoredBatch::Keys>> pending;
  bool unchanged = false;
  {
    std::lock_guard lock(unapplied_mu_);
    pending = unapplied_;
    const uint64_t now = graph_writes_.load(std::memory_order_relaxed);
    if (prepared.generation <= now) {
      unchanged = true;
      for (uint64_t g = prepared.generation + 1; g <= now && unchanged; ++g) {
        auto it = std::find_if(applied_.begin(), applied_.end(),
                               [&](const auto& a) { return a.first == g; });
        if (it == applied_.end()) {
          unchanged = false;
        } else {
          pending.push_back(it->second);
        }
      }
    }
  }
  std::shared_lock<WriterPreferringRwLock> graph_lock(graph_mu_, std::defer_lock);
  if (!unchanged) graph_lock.lock();
  // True when a pending batch's `set` (&Keys::ids or &Keys::actors) holds `key`; the key
  // is hashed once for all of them.
  auto pending_has = [&](auto StoredBatch::Keys::*set, std::string_view key) {
    if (pending.empty()) return false;
    const size_t hash = TextHash()(key);
    return std::any_of(pending.begin(), pending.end(), [&](const auto& k) {
      const auto& keys = (*k).*set;
      return keys.find(key, hash) != keys.end();
    });
  };
  auto keys = std::make_shared<StoredBatch::Keys>();
  std::vector<Actor> new_actors;
  // Unknown to Prepare: created since (applied or pending), or by this batch.
  auto need = [&](int32_t hint, const Text& id, const Text& name, const Text& country) {
    if (hint >= 0) return;
    if (!unchanged && graph_.FindActor(id) != nullptr) return;
    if (pending_has(&StoredBatch::Keys::actors, id.view())) return;
    if (!keys->actors.insert(id).second) return;
    Actor a;
    a.id = id.str();
    a.kind = ActorKind::kOther;
    a.name = name.empty() ? id.str() : name.str();
    a.country = country.str();
    new_actors.push_back(std::move(a));
  };
  // Only observations not stored yet go to the store: the graph (with the pending batches)
  // holds every stored id.
  std::vector<bool> skip(batch.size(), false);
  for (size_t i : prepared.repeats) skip[i] = true;
  size_t fresh_count = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Observation& o = batch[i];
    need(hints[i].source, o.source, o.source_name, o.source_country);
    need(hints[i].target, o.target, o.target_name, o.target_country);
    if (!skip[i]) {
      skip[i] = (unchanged ? hints[i].known_id : graph_.FindObservation(o.id) != nullptr) ||
                pending_has(&StoredBatch::Keys::ids, o.id.view());
    }
    fresh_count += !skip[i];
  }
  if (graph_lock.owns_lock()) graph_lock.unlock();
  std::vector<int64_t> rows(batch.size(), 0);
  if (fresh_count == batch.size()) {  // the usual case: no copies
    if (auto s = store_->Write(new_actors, batch, &rows); !s.ok()) return s;
  } else {
    std::vector<Observation> fresh;
    std::vector<size_t> fresh_at;  // index in `batch`
    fresh.reserve(fresh_count);
    fresh_at.reserve(fresh_count);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (skip[i]) continue;
      fresh.push_back(batch[i]);  // shares the strings
      fresh_at.push_back(i);
    }
    std::vector<int64_t> fresh_rows;
    if (auto s = store_->Write(new_actors, fresh, &fresh_rows); !s.ok()) return s;
    for (size_t k = 0; k < fresh_at.size(); ++k) rows[fresh_at[k]] = fresh_rows[k];
  }
  // Sentences stay on disk, like after Load(); freed here, outside the exclusive section.
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].evidence.sentence = Text();
    batch[i].evidence.stored_row = rows[i];
  }
  keys->ids = std::move(prepared.ids);
  StoredBatch out;
  out.observations = std::move(batch);
  out.hints = std::move(hints);
  out.new_actors = std::move(new_actors);
  out.version = store_->committed_version();
  out.ticket = ++stored_tickets_;
  out.keys = keys;
  {
    std::lock_guard lock(unapplied_mu_);
    unapplied_.push_back(std::move(keys));
  }
  return out;
}

IngestResult GraphState::ApplyBatch(StoredBatch batch) {
  {
    std::unique_lock lock(apply_mu_);
    apply_cv_.wait(lock, [&] { return applied_tickets_ == batch.ticket - 1; });
  }
  IngestResult result;
  result.actors_created = static_cast<int64_t>(batch.new_actors.size());
  {
    std::unique_lock lock(graph_mu_);
    for (Actor& a : batch.new_actors) graph_.UpsertActor(std::move(a)).IgnoreError();
    // What an add writes is scattered over large tables: start loading it a few ahead.
    constexpr size_t kAhead = 6;
    const size_t n = batch.observations.size();
    for (size_t i = 0; i < std::min(n, kAhead); ++i) {
      graph_.PrefetchAdd(batch.observations[i], batch.hints[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) graph_.PrefetchAdd(batch.observations[i + kAhead], batch.hints[i + kAhead]);
      if (batch.observations[i].evidence.stored_row == 0) {
        ++result.duplicates;
        continue;
      }
      auto added = graph_.AddObservation(std::move(batch.observations[i]), batch.hints[i]);
      if (added.ok() && *added) {
        ++result.inserted;
      } else {
        ++result.duplicates;
      }
    }
    // With the generation, under unapplied_mu_: StoreBatch sees both move at once.
    std::lock_guard keys_lock(unapplied_mu_);
    const uint64_t generation = graph_writes_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::erase(unapplied_, batch.keys);
    constexpr size_t kKeep = 8;  // a batch prepared this many applies ago still gets by
    if (applied_.size() == kKeep) applied_.erase(applied_.begin());
    applied_.emplace_back(generation, std::move(batch.keys));
  }
  Committed(batch.version);
  {
    std::lock_guard lock(apply_mu_);
    applied_tickets_ = batch.ticket;
  }
  apply_cv_.notify_all();
  return result;
}

absl::StatusOr<std::pair<int, int>> GraphState::UpsertActors(std::vector<Actor> actors) {
  std::lock_guard write(write_mu_);
  DrainApplies();
  std::vector<int64_t> unused;
  if (auto s = store_->Write(actors, {}, &unused); !s.ok()) return s;
  std::pair<int, int> counts{0, 0};
  {
    std::unique_lock lock(graph_mu_);
    graph_writes_.fetch_add(1, std::memory_order_relaxed);
    for (Actor& a : actors) {
      auto created = graph_.UpsertActor(std::move(a));
      if (created.ok() && *created) {
        ++counts.first;
      } else {
        ++counts.second;
      }
    }
  }
  Committed(store_->committed_version());
  return counts;
}

absl::StatusOr<int64_t> GraphState::RetractDocument(const std::string& doc) {
  std::lock_guard write(write_mu_);
  DrainApplies();
  // The graph holds exactly what is stored now (write_mu_, drained), so its rows of `doc`
  // are the store's; a row it does not know (0) makes the store look the document up.
  std::optional<std::vector<int64_t>> rows(std::in_place);
  {
    std::shared_lock lock(graph_mu_);
    for (const Observation* o : graph_.DocumentObservations(doc)) {
      if (o->evidence.stored_row == 0) {
        rows.reset();
        break;
      }
      rows->push_back(o->evidence.stored_row);
    }
  }
  auto ids = store_->RetractDocument(doc, std::move(rows));
  if (!ids.ok()) return ids.status();
  int64_t removed;
  {
    std::unique_lock lock(graph_mu_);
    removed = graph_.RetractDocument(doc);
    graph_writes_.fetch_add(1, std::memory_order_relaxed);
  }
  Committed(store_->committed_version());
  return removed;
}

absl::StatusOr<std::vector<std::string>> GraphState::ReadSentences(
    const std::vector<int64_t>& rows) {
  return store_->ReadSentences(rows);
}

absl::StatusOr<std::vector<Change>> GraphState::ChangesAfter(int64_t after, int max) {
  return store_->ReadChanges(after, max);
}

int64_t GraphState::WaitForVersion(int64_t after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(version_mu_);
  version_cv_.wait_for(lock, timeout, [&] { return version() > after || shutdown_.load(); });
  return version();
}

void GraphState::Shutdown() {
  shutdown_.store(true);
  {
    std::lock_guard lock(version_mu_);
  }
  version_cv_.notify_all();
}

absl::StatusOr<bool> GraphState::IsEmpty() {
  std::lock_guard write(write_mu_);
  return store_->IsEmpty();
}

IngestStream::IngestStream(GraphState& state, std::function<void(const IngestResult&)> on_batch)
    : state_(state), on_batch_(std::move(on_batch)) {}

IngestStream::~IngestStream() { Abandon(); }

absl::Status IngestStream::Push(std::vector<Observation> batch,
                                std::span<const ActorGraph::FieldViews> views) {
  PreparedBatch prepared = state_.Prepare(std::move(batch), views);
  std::unique_lock lock(mu_);
  if (stop_) return absl::FailedPreconditionError("the ingest stream was abandoned");
  if (!committer_.joinable()) {
    committer_ = std::thread([this] { Run(); });
    applier_ = std::thread([this] { Apply(); });
  }
  cv_.wait(lock, [&] { return !has_waiting_ || !failure_.ok(); });
  if (!failure_.ok()) {
    // Like Finish: the batches stored before the failure are applied (and counted) first.
    cv_.wait(lock, [&] { return !busy_ && !stored_ && !applying_; });
    return failure_;
  }
  waiting_ = std::move(prepared);
  has_waiting_ = true;
  ++pushed_;
  cv_.notify_all();
  return absl::OkStatus();
}

absl::Status IngestStream::Finish() {
  std::unique_lock lock(mu_);
  // Nothing stored is left unapplied: a batch is `busy_` until it is handed to the applier.
  auto settled = [&] { return !busy_ && !stored_ && !applying_; };
  cv_.wait(lock, [&] { return (!has_waiting_ && settled()) || !failure_.ok() || stop_; });
  if (stop_ && failure_.ok()) return absl::FailedPreconditionError("the ingest stream was abandoned");
  if (!failure_.ok()) {
    // A failed batch stops the committer before it takes the next one; wait until the
    // batches stored before it are applied.
    cv_.wait(lock, settled);
  }
  return failure_;
}

void IngestStream::Abandon() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    has_waiting_ = false;
    waiting_ = PreparedBatch();
  }
  cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  if (applier_.joinable()) applier_.join();  // applies what was stored, then returns
}

IngestResult IngestStream::totals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

int64_t IngestStream::committed_batches() const {
  std::lock_guard lock(mu_);
  return committed_;
}

void IngestStream::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || has_waiting_; });
    if (stop_) break;
    PreparedBatch batch = std::move(waiting_);
    waiting_ = PreparedBatch();
    has_waiting_ = false;
    busy_ = true;
    const int64_t number = stored_count_;
    cv_.notify_all();  // Push may queue the next batch while this one is stored
    lock.unlock();
    auto stored = state_.StoreBatch(std::move(batch));
    lock.lock();
    if (!stored.ok()) {
      busy_ = false;
      failure_ = absl::Status(stored.status().code(),
                              StrCat("batch ", number, ": ", stored.status().message()));
      has_waiting_ = false;  // nothing after a failed batch is stored
      waiting_ = PreparedBatch();
      cv_.notify_all();
      break;
    }
    ++stored_count_;
    // One stored batch waits for the applier at most. Even when abandoned, a stored batch
    // goes to the applier: the graph must catch up with the store.
    cv_.wait(lock, [&] { return !stored_; });
    stored_ = *std::move(stored);
    busy_ = false;
    cv_.notify_all();
  }
  committer_done_ = true;
  cv_.notify_all();
}

void IngestStream::Apply() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stored_ || committer_done_; });
    if (!stored_) return;  // the committer is done and everything is applied
    StoredBatch batch = *std::move(stored_);
    stored_.reset();
    applying_ = true;
    cv_.notify_all();  // the committer may hand over the next batch
    lock.unlock();
    const IngestResult result = state_.ApplyBatch(std::move(batch));
    if (on_batch_) on_batch_(result);
    lock.lock();
    applying_ = false;
    ++committed_;
    totals_.inserted += result.inserted;
    totals_.duplicates += result.duplicates;
    totals_.actors_created += result.actors_created;
    cv_.notify_all();
  }
}

}  // namespace actorgraph
