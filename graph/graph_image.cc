#include "graph/graph_image.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "graph/actor_graph_impl.h"
#include "graph/actor_jsonl.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

constexpr uint32_t kMagic = 0x31494741;  // "AGI1" read as little-endian bytes
enum Section : uint8_t {
  kHeader = 1,
  kActors = 2,
  kStrings = 3,
  kEdges = 4,
  kObservations = 5,
  kEnd = 6,
};
constexpr int kStringRefs = 7;      // string fields of an observation, see Refs()
constexpr int kDocRef = 5;          // Refs()[kDocRef] is the document
// The reader's indexes are hash tables and vectors of millions of entries: nearly every
// insert is a cache miss. Its loops work on a chunk's worth of records and prefetch the
// memory of the record kAhead places ahead, so several misses are in flight at once.
constexpr size_t kAhead = 8;

// The repeatable string fields of an observation, in image order.
template <typename O>
auto Refs(O& o) {
  return std::array{&o.source_name,    &o.target_name, &o.source_country, &o.target_country,
                    &o.cameo,          &o.evidence.doc, &o.evidence.url};
}

// ---- encoding --------------------------------------------------------------------------------

class Out {
 public:
  explicit Out(std::string& buf) : buf_(buf) {}
  template <typename T>
  void Fixed(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    buf_.append(b, sizeof(T));
  }
  void Var(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<char>(v));
  }
  void Str(std::string_view s) {
    Var(s.size());
    buf_.append(s.data(), s.size());
  }

 private:
  std::string& buf_;
};

// Collects whole records into chunks of one section and hands each full chunk to the sink.
class ChunkWriter {
 public:
  ChunkWriter(absl::FunctionRef<absl::Status(std::string_view)> sink, size_t chunk_bytes)
      : sink_(sink), chunk_bytes_(chunk_bytes) {}
  // Starts a record of `section`; returns the buffer to append it to.
  std::string& Record(Section section) {
    if (section != section_ || buf_.size() >= chunk_bytes_) Flush();
    if (buf_.empty()) {
      section_ = section;
      Out out(buf_);
      out.Fixed(kMagic);
      out.Fixed(static_cast<uint8_t>(section));
      out.Fixed(uint32_t{0});  // patched by Flush
    }
    ++count_;
    return buf_;
  }
  void Flush() {
    if (buf_.empty() || !status_.ok()) {
      buf_.clear();
      return;
    }
    std::memcpy(buf_.data() + 5, &count_, sizeof count_);
    status_ = sink_(buf_);
    buf_.clear();
    count_ = 0;
  }
  absl::Status End() {
    Record(kEnd);
    count_ = 0;
    Flush();
    return status_;
  }
  const absl::Status& status() const { return status_; }

 private:
  absl::FunctionRef<absl::Status(std::string_view)> sink_;
  size_t chunk_bytes_;
  std::string buf_;
  Section section_ = kHeader;
  uint32_t count_ = 0;
  absl::Status status_;
};

// ---- decoding --------------------------------------------------------------------------------

class In {
 public:
  explicit In(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}
  bool ok() const { return ok_; }
  bool done() const { return p_ == end_; }
  template <typename T>
  T Fixed() {
    T v{};
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) {
      ok_ = false;
      p_ = end_;
      return v;
    }
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  uint64_t Var() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) break;
      const unsigned char c = static_cast<unsigned char>(*p_++);
      v |= uint64_t{c & 0x7fu} << shift;
      if ((c & 0x80) == 0) return v;
    }
    ok_ = false;
    p_ = end_;
    return 0;
  }
  std::string_view Str() {
    const uint64_t n = Var();
    if (!ok_ || n > static_cast<uint64_t>(end_ - p_)) {
      ok_ = false;
      p_ = end_;
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace

// ---- writer ----------------------------------------------------------------------------------

absl::Status GraphImageWriter::Write(const ActorGraph& graph,
                                     absl::FunctionRef<absl::Status(std::string_view)> sink,
                                     size_t chunk_bytes) {
  const ActorGraph::Impl& m = *graph.impl_;
  // Observations in insertion order: the store's row order when every observation has a row
  // (retracted slots are reused, so the arena's order is not always it), else the arena's.
  std::vector<const StoredObservation*> obs;
  obs.reserve(m.observations.size());
  bool all_rows = true, sorted = true;
  m.arena.ForEach([&](const StoredObservation& s) {
    const int64_t row = s.o.evidence.stored_row;
    all_rows &= row > 0;
    if (!obs.empty() && row < obs.back()->o.evidence.stored_row) sorted = false;
    obs.push_back(&s);
  });
  if (all_rows && !sorted) {
    std::sort(obs.begin(), obs.end(), [](const StoredObservation* a, const StoredObservation* b) {
      return a->o.evidence.stored_row < b->o.evidence.stored_row;
    });
  }
  // Strings by their bytes' address: an interned string is written once.
  // With each, how many observations name it as their document (the reader sizes the
  // document lists once).
  absl::flat_hash_map<const char*, uint32_t> string_ref;
  std::vector<const Text*> strings;
  std::vector<uint32_t> doc_uses;
  for (const StoredObservation* s : obs) {
    const auto fields = Refs(s->o);
    for (size_t i = 0; i < fields.size(); ++i) {
      const Text* t = fields[i];
      if (t->empty()) continue;
      auto [it, inserted] = string_ref.try_emplace(t->data(), static_cast<uint32_t>(strings.size() + 1));
      if (inserted) {
        strings.push_back(t);
        doc_uses.push_back(0);
      }
      if (i == kDocRef) ++doc_uses[it->second - 1];
    }
  }

  ChunkWriter w(sink, chunk_bytes);
  {
    Out out(w.Record(kHeader));
    out.Fixed(uint32_t{kGraphImageFormat});
    out.Fixed(uint64_t{boost::num_vertices(m.g)});
    out.Fixed(uint64_t{strings.size()});
    out.Fixed(uint64_t{m.edges.size()});
    out.Fixed(uint64_t{obs.size()});
    out.Fixed(uint64_t{m.by_doc.size()});
  }
  const uint32_t actors = static_cast<uint32_t>(boost::num_vertices(m.g));
  for (uint32_t v = 0; v < actors && w.status().ok(); ++v) {
    const Actor& a = m.g[v].actor;
    Out out(w.Record(kActors));
    out.Str(a.id);
    out.Fixed(static_cast<uint8_t>(a.kind));
    out.Str(a.name);
    out.Var(a.aliases.size());
    for (const std::string& al : a.aliases) out.Str(al);
    out.Str(a.country);
    out.Var(a.roles.size());
    for (const Role& r : a.roles) {
      out.Str(r.target);
      out.Fixed(static_cast<uint8_t>(r.kind));
      out.Str(r.title);
      out.Fixed(int32_t{r.from});
      out.Fixed(int32_t{r.until});
    }
    out.Fixed(static_cast<uint32_t>(boost::out_degree(v, m.g)));
    out.Fixed(static_cast<uint32_t>(boost::in_degree(v, m.g)));
    out.Fixed(int64_t{m.g[v].observations});
  }
  for (size_t i = 0; i < strings.size() && w.status().ok(); ++i) {
    Out out(w.Record(kStrings));
    out.Str(strings[i]->view());
    out.Fixed(doc_uses[i]);
  }
  for (size_t e = 0; e < m.edges.size() && w.status().ok(); ++e) {
    Out out(w.Record(kEdges));
    out.Fixed(m.edges[e].source);
    out.Fixed(m.edges[e].target);
    out.Fixed(static_cast<uint32_t>(m.edges[e].observations.size()));
  }
  for (size_t i = 0; i < obs.size() && w.status().ok(); ++i) {
    const StoredObservation& s = *obs[i];
    const Observation& o = s.o;
    const uint32_t sv = m.actor_index.find(o.source.view())->second;
    const uint32_t tv = m.actor_index.find(o.target.view())->second;
    Out out(w.Record(kObservations));
    out.Fixed(m.edge_index.find(PairKey(sv, tv))->second);
    for (const Text* t : Refs(o)) out.Fixed(t->empty() ? uint32_t{0} : string_ref.find(t->data())->second);
    out.Fixed(static_cast<uint8_t>(o.kind));
    out.Fixed(static_cast<int8_t>(o.sign));
    out.Fixed(static_cast<uint8_t>(s.shared_act ? 1 : 0));
    out.Fixed(int32_t{o.date});
    out.Fixed(int32_t{o.evidence.begin});
    out.Fixed(int32_t{o.evidence.end});
    out.Fixed(o.weight);
    out.Fixed(o.confidence);
    out.Fixed(int64_t{o.evidence.stored_row});
    out.Str(o.id.view());
    out.Str(o.evidence.sentence.view());
  }
  if (!w.status().ok()) return w.status();
  w.Flush();
  return w.End();
}

// ---- reader ----------------------------------------------------------------------------------

// Runs tasks in order on one thread beside the caller's. The rebuild is split in two halves
// of about equal cost that touch different memory: the caller decodes records into the
// vertices, the edge list and out-lists, the arena and the id index; this thread builds the
// name index, the in-lists and the edge index, and files each observation under its edge
// and document.
class SerialWorker {
 public:
  SerialWorker() : thread_([this] { Run(); }) {}
  ~SerialWorker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Post(std::function<void()> task) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return tasks_.size() < kMaxQueued; });
    tasks_.push_back(std::move(task));
    cv_.notify_all();
  }
  // Waits until every posted task ran.
  void Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return tasks_.empty() && !busy_; });
  }

 private:
  static constexpr size_t kMaxQueued = 16;
  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stop_
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      busy_ = true;
      cv_.notify_all();
      lock.unlock();
      task();
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool busy_ = false, stop_ = false;
  std::thread thread_;
};

struct GraphImageReader::State {
  ~State() {
    if (prefault.joinable()) prefault.join();
  }
  ActorGraph graph;
  uint64_t image_bytes = 0;  // 0 = unknown
  // The arena's chunks for every promised observation, allocated (and so their pages
  // faulted in) on a thread of their own while this one reads actors, strings and edges.
  std::thread prefault;
  std::vector<ObservationArena::Chunk> prefaulted;
  bool adopted = false;
  ActorGraph::Impl& m = *graph.impl_;
  int64_t chunk = 0;  // chunks added so far, for messages
  Section section = kHeader;
  bool header = false, ended = false;
  absl::Status failed;
  uint64_t want_actors = 0, want_strings = 0, want_edges = 0, want_obs = 0;
  std::vector<Text> strings{Text()};  // ordinal 0 = empty
  std::vector<uint32_t> doc_uses{0};  // per string: observations naming it as document
  // Decoded in this chunk and not yet indexed: actors from `named`, observations with their
  // document's string ordinal.
  uint32_t named = 0;
  uint32_t edges_indexed = 0;
  uint64_t decoded = 0;  // observations decoded (the worker may not have indexed them yet)
  struct Placed {
    Observation* o;
    uint32_t doc;   // string ordinal of its document
    uint32_t edge;
  };
  uint64_t promised_touches = 0;  // sum of the actors' observation counts (2 per observation)
  uint64_t touches = 0;           // worker: ends of observations placed
  std::vector<Placed> placed;
  // An observation record as decoded, until BuildObservations (its strings point into the
  // chunk being added).
  struct Decoded {
    uint32_t edge;
    uint32_t refs[kStringRefs];
    uint8_t kind;
    int8_t sign;
    uint8_t flags;
    int32_t date, begin, end;
    double weight, confidence;
    int64_t row;
    std::string_view id, sentence;
  };
  std::vector<Decoded> pending;
  // Worker side: the document entry of each string ordinal (while by_doc has not rehashed),
  // and the first problem it found.
  std::vector<DocEntry*> doc_of;
  size_t doc_rehashes = 0;
  std::mutex worker_mu;
  absl::Status worker_failed;  // guarded by worker_mu
  std::unique_ptr<SerialWorker> worker;  // last: stops before the rest goes

  absl::Status Bad(std::string_view what) const {
    return absl::DataLossError(StrCat("graph image chunk ", chunk, ": ", what));
  }
  absl::Status Header(In& in);
  absl::Status Actor(In& in);
  absl::Status Edge(In& in);
  absl::Status Obs(In& in);
  // Hands what this chunk decoded to the worker.
  void BuildObservations();
  absl::Status PostIndexing();
  void IndexObservations(const std::vector<Placed>& batch);
  void IndexEdges(uint32_t from, uint32_t to);
  absl::Status FinishDocuments();
  // OK when section `s` holds as many records as the header promised.
  absl::Status Complete(Section s) const {
    struct Count {
      uint64_t have, want;
      const char* what;
    };
    const Count c = s == kActors    ? Count{boost::num_vertices(m.g), want_actors, "actors"}
                    : s == kStrings ? Count{strings.size() - 1, want_strings, "strings"}
                    : s == kEdges   ? Count{m.edges.size(), want_edges, "edges"}
                                    : Count{decoded, want_obs, "observations"};
    if (c.have == c.want) return absl::OkStatus();
    return Bad(StrCat(c.have, " ", c.what, " where the header promised ", c.want));
  }
};

GraphImageReader::GraphImageReader(uint64_t image_bytes) : state_(std::make_unique<State>()) {
  state_->image_bytes = image_bytes;
}
GraphImageReader::~GraphImageReader() = default;

absl::Status GraphImageReader::State::Header(In& in) {
  const uint32_t format = in.Fixed<uint32_t>();
  want_actors = in.Fixed<uint64_t>();
  want_strings = in.Fixed<uint64_t>();
  want_edges = in.Fixed<uint64_t>();
  want_obs = in.Fixed<uint64_t>();
  const uint64_t documents = in.Fixed<uint64_t>();
  if (!in.ok()) return Bad("truncated header");
  if (format != kGraphImageFormat) {
    return Bad(StrCat("format ", format, " (this build reads ", kGraphImageFormat, ")"));
  }
  // Bounded so a damaged count cannot allocate the machine away, and so the vertex storage
  // never moves while the worker reads it (more actors than this is refused).
  constexpr uint64_t kMaxCount = uint64_t{1} << 31;
  if (want_actors > kMaxCount || want_edges > kMaxCount || want_strings > kMaxCount ||
      want_obs > kMaxCount || documents > want_obs) {
    return Bad("implausible counts in the header");
  }
  // The smallest records: observation 74 bytes, actor 23, edge 12, string 6.
  if (image_bytes != 0 &&
      74 * want_obs + 23 * want_actors + 12 * want_edges + 6 * want_strings > image_bytes) {
    return Bad(StrCat("the header promises more records than ", image_bytes, " bytes can hold"));
  }
  graph.Reserve(want_actors, want_obs);
  m.edges.reserve(want_edges);
  m.edge_index.reserve(want_edges);
  m.g.m_edges.reserve(want_edges);
  m.by_doc.reserve(documents);
  strings.reserve(want_strings + 1);
  doc_uses.reserve(want_strings + 1);
  worker = std::make_unique<SerialWorker>();
  if (image_bytes != 0 && want_obs > 0) {  // bounded by the image's size (above)
    prefault = std::thread([this, chunks = (want_obs + ObservationArena::kChunk - 1) /
                                           ObservationArena::kChunk] {
      prefaulted.reserve(chunks);
      for (uint64_t i = 0; i < chunks; ++i) prefaulted.push_back(ObservationArena::NewChunk());
    });
  }
  header = true;
  return absl::OkStatus();
}

absl::Status GraphImageReader::State::Actor(In& in) {
  actorgraph::Actor a;
  a.id = std::string(in.Str());
  const uint8_t kind = in.Fixed<uint8_t>();
  a.name = std::string(in.Str());
  uint64_t n = in.Var();
  for (uint64_t i = 0; in.ok() && i < n; ++i) a.aliases.emplace_back(in.Str());
  a.country = std::string(in.Str());
  n = in.Var();
  for (uint64_t i = 0; in.ok() && i < n; ++i) {
    Role r;
    r.target = std::string(in.Str());
    const uint8_t rk = in.Fixed<uint8_t>();
    r.title = std::string(in.Str());
    r.from = in.Fixed<int32_t>();
    r.until = in.Fixed<int32_t>();
    if (rk >= kNumRelationKinds) return Bad(StrCat("actor ", a.id, ": role kind ", rk));
    r.kind = static_cast<RelationKind>(rk);
    a.roles.push_back(std::move(r));
  }
  const uint32_t out_degree = in.Fixed<uint32_t>(), in_degree = in.Fixed<uint32_t>();
  const int64_t observations = in.Fixed<int64_t>();
  if (!in.ok()) return Bad("truncated actor");
  if (observations < 0 || static_cast<uint64_t>(observations) > want_obs) {
    return Bad(StrCat("actor ", a.id, ": ", observations, " observations"));
  }
  if (kind > static_cast<uint8_t>(ActorKind::kOther)) return Bad(StrCat("actor ", a.id, ": kind ", kind));
  a.kind = static_cast<ActorKind>(kind);
  if (a.id.empty() || !IsValidActorId(a.id)) return Bad(StrCat("actor id \"", a.id, "\" is not a slug"));
  if (m.actor_index.contains(a.id)) return Bad(StrCat("actor ", a.id, " appears twice"));
  const uint32_t v = m.AddActor(std::move(a), /*index_names=*/false);
  // Its observation count as written (IndexObservations checks the sum).
  m.g[v].observations = observations;
  promised_touches += static_cast<uint64_t>(observations);
  // Adjacency lists sized once (a damaged degree only costs a wrong reservation).
  if (out_degree <= want_edges) m.g.out_edge_list(v).reserve(out_degree);
  if (in_degree <= want_edges) in_edge_list(m.g, v).reserve(in_degree);
  return absl::OkStatus();
}

absl::Status GraphImageReader::State::Edge(In& in) {
  const uint32_t s = in.Fixed<uint32_t>(), t = in.Fixed<uint32_t>();
  const uint32_t count = in.Fixed<uint32_t>();
  if (!in.ok()) return Bad("truncated edge");
  const uint32_t actors = static_cast<uint32_t>(boost::num_vertices(m.g));
  if (s >= actors || t >= actors || s == t) return Bad(StrCat("edge ", s, " -> ", t, " is not between two actors"));
  const uint32_t e = static_cast<uint32_t>(m.edges.size());
  EdgeData d;
  d.source = s;
  d.target = t;
  if (count > 1 && count <= want_obs) d.observations.reserve(count);
  m.edges.push_back(std::move(d));
  // boost::add_edge's work, split: the edge and its out-list entry here, its in-list entry
  // and the pair index on the worker (IndexEdges). The edge storage was reserved for every
  // promised edge, so its iterators hold while the worker uses them.
  using EdgeValue = decltype(m.g.m_edges)::value_type;
  m.g.m_edges.push_back(EdgeValue(s, t, RelEdge{e}));
  return absl::OkStatus();  // the out-list entry: PostIndexing
}

// On the worker: the in-list entries and the (source, target) index of edges [from, to).
void GraphImageReader::State::IndexEdges(uint32_t from, uint32_t to) {
  using StoredEdge = std::remove_reference_t<decltype(m.g.out_edge_list(0))>::value_type;
  for (uint32_t e = from; e < to; ++e) {
    if (e + kAhead < to) {
      const EdgeData& ahead = m.edges[e + kAhead];
      m.edge_index.prefetch(PairKey(ahead.source, ahead.target));
      auto& list = in_edge_list(m.g, ahead.target);
      __builtin_prefetch(&list);
      __builtin_prefetch(list.data() + list.size(), 1);
    }
    const EdgeData& d = m.edges[e];
    if (!m.edge_index.emplace(PairKey(d.source, d.target), e).second) {
      std::lock_guard lock(worker_mu);
      if (worker_failed.ok()) {
        worker_failed = absl::DataLossError(
            StrCat("graph image: edge ", d.source, " -> ", d.target, " appears twice"));
      }
      continue;
    }
    in_edge_list(m.g, d.target).push_back(StoredEdge(d.source, m.g.m_edges.begin() + e, &m.g.m_edges));
  }
}

absl::Status GraphImageReader::State::Obs(In& in) {
  const uint32_t e = in.Fixed<uint32_t>();
  uint32_t refs[kStringRefs];
  for (uint32_t& r : refs) r = in.Fixed<uint32_t>();
  const uint8_t kind = in.Fixed<uint8_t>();
  const int8_t sign = in.Fixed<int8_t>();
  const uint8_t flags = in.Fixed<uint8_t>();
  const int32_t date = in.Fixed<int32_t>();
  const int32_t begin = in.Fixed<int32_t>();
  const int32_t end = in.Fixed<int32_t>();
  const double weight = in.Fixed<double>();
  const double confidence = in.Fixed<double>();
  const int64_t row = in.Fixed<int64_t>();
  const std::string_view id = in.Str();
  const std::string_view sentence = in.Str();
  if (!in.ok()) return Bad("truncated observation");
  if (e >= m.edges.size()) return Bad(StrCat("observation ", id, ": edge ", e, " does not exist"));
  for (uint32_t r : refs) {
    if (r >= strings.size()) return Bad(StrCat("observation ", id, ": string ", r, " does not exist"));
  }
  if (kind == 0 || kind >= kNumRelationKinds) return Bad(StrCat("observation ", id, ": kind ", kind));
  if (id.empty()) return Bad("an observation without an id");

  pending.push_back({e, {}, kind, sign, flags, date, begin, end, weight, confidence, row, id, sentence});
  std::copy(std::begin(refs), std::end(refs), pending.back().refs);
  ++decoded;
  return absl::OkStatus();
}

// Turns the chunk's decoded records into observations. Their names are strings of a million
// actors, in no order: the strings and their bytes are prefetched ahead (see kAhead).
void GraphImageReader::State::BuildObservations() {
  const size_t n = pending.size();
  if (n > 0 && !adopted) {
    if (prefault.joinable()) prefault.join();
    m.arena.Adopt(std::move(prefaulted));
    adopted = true;
  }
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 * kAhead < n) {
      for (uint32_t r : pending[i + 2 * kAhead].refs) __builtin_prefetch(&strings[r]);
    }
    if (i + kAhead < n) {
      for (uint32_t r : pending[i + kAhead].refs) {
        if (r != 0) __builtin_prefetch(strings[r].data() - 8, 1);  // its count, bumped below
      }
    }
    const Decoded& d = pending[i];
    StoredObservation* slot = m.arena.Allocate();
    Observation& o = slot->o;
    o.id = Text(d.id);
    // source and target come from the edge, on the worker (IndexObservations), which also
    // files the observation under its edge and document; this thread fills the arena and
    // the id index.
    auto fields = Refs(o);
    for (int k = 0; k < kStringRefs; ++k) {
      if (d.refs[k] != 0) *fields[k] = strings[d.refs[k]];
    }
    o.kind = static_cast<RelationKind>(d.kind);
    o.sign = d.sign;
    o.weight = d.weight;
    o.confidence = d.confidence;
    o.date = d.date;
    o.evidence.begin = d.begin;
    o.evidence.end = d.end;
    o.evidence.stored_row = d.row;
    if (!d.sentence.empty()) o.evidence.sentence = Text(d.sentence);
    slot->shared_act = (d.flags & 1) != 0;
    slot->id_hash = IdHash32(o.id.view());
    if (d.date != kNoDate && (m.newest == kNoDate || d.date > m.newest)) m.newest = d.date;
    placed.push_back({&o, d.refs[kDocRef], d.edge});
  }
  pending.clear();
}

absl::Status GraphImageReader::State::PostIndexing() {
  const uint32_t actors = static_cast<uint32_t>(boost::num_vertices(m.g));
  if (named < actors) {
    worker->Post([this, from = named, to = actors] {
      for (uint32_t v = from; v < to; ++v) m.IndexNames(v);
    });
    named = actors;
  }
  const uint32_t edges = static_cast<uint32_t>(m.edges.size());
  if (edges_indexed < edges) {
    using StoredEdge = std::remove_reference_t<decltype(m.g.out_edge_list(0))>::value_type;
    for (uint32_t e = edges_indexed; e < edges; ++e) {
      if (e + kAhead < edges) {
        auto& ahead = m.g.out_edge_list(m.edges[e + kAhead].source);
        __builtin_prefetch(&ahead);
        __builtin_prefetch(ahead.data() + ahead.size(), 1);
      }
      const EdgeData& d = m.edges[e];
      m.g.out_edge_list(d.source).push_back(StoredEdge(d.target, m.g.m_edges.begin() + e, &m.g.m_edges));
    }
    worker->Post([this, from = edges_indexed, to = edges] { IndexEdges(from, to); });
    edges_indexed = edges;
  }
  if (!placed.empty()) {
    for (size_t i = 0; i < placed.size(); ++i) {
      if (i + kAhead < placed.size()) m.observations.prefetch(placed[i + kAhead].o);
      if (!m.observations.insert(placed[i].o).second) {
        return Bad(StrCat("observation ", placed[i].o->id, " appears twice"));
      }
    }
    worker->Post([this, batch = std::move(placed)] { IndexObservations(batch); });
    placed.clear();
  }
  return absl::OkStatus();
}

// On the worker: each observation's actors, its edge's list and its document's.
void GraphImageReader::State::IndexObservations(const std::vector<Placed>& batch) {
  if (doc_of.size() < strings.size()) doc_of.resize(strings.size(), nullptr);
  const size_t n = batch.size();
  for (size_t i = 0; i < n; ++i) {
    // Stages: the edge 3·kAhead ahead, its actors and list 2·kAhead ahead, the actors' id
    // bytes (whose count the copies below bump) kAhead ahead.
    if (i + 3 * kAhead < n) __builtin_prefetch(&m.edges[batch[i + 3 * kAhead].edge]);
    if (i + 2 * kAhead < n) {
      const EdgeData& d = m.edges[batch[i + 2 * kAhead].edge];
      __builtin_prefetch(&m.g[d.source]);
      __builtin_prefetch(&m.g[d.target]);
      __builtin_prefetch(d.observations.data() + d.observations.size(), 1);
    }
    if (i + kAhead < n) {
      const EdgeData& d = m.edges[batch[i + kAhead].edge];
      __builtin_prefetch(m.g[d.source].id.data() - 8, 1);
      __builtin_prefetch(m.g[d.target].id.data() - 8, 1);
    }
    const Placed& p = batch[i];
    EdgeData& edge = m.edges[p.edge];
    p.o->source = m.g[edge.source].id;
    p.o->target = m.g[edge.target].id;
    edge.observations.push_back(p.o);
    touches += 2;
    if (m.by_doc.rehashes() != doc_rehashes) {  // rehashed: older entries moved
      std::fill(doc_of.begin(), doc_of.end(), nullptr);
      doc_rehashes = m.by_doc.rehashes();
    }
    DocEntry* entry = doc_of[p.doc];
    if (entry == nullptr) {
      entry = &m.by_doc[p.o->evidence.doc];
      entry->observations.reserve(doc_uses[p.doc]);
      if (m.by_doc.rehashes() != doc_rehashes) {
        std::fill(doc_of.begin(), doc_of.end(), nullptr);
        doc_rehashes = m.by_doc.rehashes();
      }
      doc_of[p.doc] = entry;
    }
    entry->observations.push_back(p.o);
  }
}

// Large documents keep an index of their acts (as AddToDocument builds it past kSmallDoc).
absl::Status GraphImageReader::State::FinishDocuments() {
  m.by_doc.ForEach([](auto& entry) {
    DocEntry& d = entry.second;
    if (d.observations.size() <= kSmallDoc) return;
    d.acts = std::make_unique<absl::flat_hash_map<uint64_t, DocEntry::Act>>();
    for (const Observation* q : d.observations) {
      if (uint64_t k = ActKey(*q)) {
        DocEntry::Act& a = (*d.acts)[k];
        if (a.count++ == 0) a.first = q;
      }
    }
  });
  return absl::OkStatus();
}

absl::Status GraphImageReader::Add(std::string_view chunk) {
  State& st = *state_;
  if (!st.failed.ok()) return st.failed;
  ++st.chunk;
  auto fail = [&](absl::Status s) {
    st.failed = s;
    return s;
  };
  if (st.ended) return fail(st.Bad("data after the end of the image"));
  In in(chunk);
  const uint32_t magic = in.Fixed<uint32_t>();
  const uint8_t section = in.Fixed<uint8_t>();
  const uint32_t count = in.Fixed<uint32_t>();
  if (!in.ok() || magic != kMagic) return fail(st.Bad("not a graph image chunk"));
  if (section < kHeader || section > kEnd) return fail(st.Bad(StrCat("unknown section ", section)));
  if (section < st.section || (section != kHeader && !st.header) ||
      (section == kHeader && st.header)) {
    return fail(st.Bad(StrCat("section ", section, " out of order")));
  }
  // Every data section before this one (including the one in progress) must be complete;
  // a section with nothing promised may be absent.
  for (int sec = std::max<int>(st.section, kActors); sec < section && sec <= kObservations; ++sec) {
    if (auto s = st.Complete(static_cast<Section>(sec)); !s.ok()) return fail(s);
  }
  st.section = static_cast<Section>(section);
  for (uint32_t i = 0; i < count; ++i) {
    absl::Status s;
    switch (section) {
      case kHeader:
        if (count != 1) return fail(st.Bad("a header chunk must hold one record"));
        s = st.Header(in);
        break;
      case kActors:
        if (boost::num_vertices(st.m.g) >= st.want_actors) return fail(st.Bad("more actors than promised"));
        s = st.Actor(in);
        break;
      case kStrings:
        if (st.strings.size() > st.want_strings) return fail(st.Bad("more strings than promised"));
        if (std::string_view v = in.Str(); v.empty()) {
          s = st.Bad("truncated or empty string");
        } else {
          const uint32_t uses = in.Fixed<uint32_t>();
          if (!in.ok()) {
            s = st.Bad("truncated string");
          } else {
            st.strings.emplace_back(v);
            st.doc_uses.push_back(uses <= st.want_obs ? uses : 0);
          }
        }
        break;
      case kEdges:
        if (st.m.edges.size() >= st.want_edges) return fail(st.Bad("more edges than promised"));
        s = st.Edge(in);
        break;
      case kObservations:
        if (st.decoded >= st.want_obs) return fail(st.Bad("more observations than promised"));
        s = st.Obs(in);
        break;
      case kEnd:
        s = st.Bad("the end chunk holds records");
        break;
    }
    if (!s.ok()) return fail(s);
  }
  if (!in.done()) return fail(st.Bad("bytes after the last record"));
  st.BuildObservations();
  if (auto s = st.PostIndexing(); !s.ok()) return fail(s);
  if (section == kEnd) {
    st.worker->Drain();
    {
      std::lock_guard lock(st.worker_mu);
      if (!st.worker_failed.ok()) return fail(st.worker_failed);
    }
    if (auto s = st.Complete(kObservations); !s.ok()) return fail(s);
    if (st.touches != st.promised_touches) {
      return fail(st.Bad(StrCat("the actors' observation counts add up to ", st.promised_touches,
                                " ends, the observations have ", st.touches)));
    }
    if (auto s = st.FinishDocuments(); !s.ok()) return fail(s);
    st.worker.reset();
    st.ended = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<ActorGraph> GraphImageReader::Finish() {
  State& st = *state_;
  if (!st.failed.ok()) return st.failed;
  if (!st.ended) return absl::DataLossError(StrCat("graph image ends after chunk ", st.chunk, " without its end chunk"));
  return std::move(st.graph);
}

}  // namespace actorgraph
