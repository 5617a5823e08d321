#include "graph/graph_image.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
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
constexpr size_t kChunkHeader = 9;  // magic, section, count
constexpr int kStringRefs = 7;      // string fields of an observation, see Refs()

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
  absl::flat_hash_map<const char*, uint32_t> string_ref;
  std::vector<const Text*> strings;
  for (const StoredObservation* s : obs) {
    for (const Text* t : Refs(s->o)) {
      if (t->empty()) continue;
      auto [it, inserted] = string_ref.try_emplace(t->data(), static_cast<uint32_t>(strings.size() + 1));
      if (inserted) strings.push_back(t);
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
  }
  for (size_t i = 0; i < strings.size() && w.status().ok(); ++i) {
    Out(w.Record(kStrings)).Str(strings[i]->view());
  }
  for (size_t e = 0; e < m.edges.size() && w.status().ok(); ++e) {
    Out out(w.Record(kEdges));
    out.Fixed(m.edges[e].source);
    out.Fixed(m.edges[e].target);
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

struct GraphImageReader::State {
  ActorGraph graph;
  ActorGraph::Impl& m = *graph.impl_;
  int64_t chunk = 0;  // chunks added so far, for messages
  Section section = kHeader;
  bool header = false, ended = false;
  absl::Status failed;
  uint64_t want_actors = 0, want_strings = 0, want_edges = 0, want_obs = 0;
  std::vector<Text> strings{Text()};  // ordinal 0 = empty
  // The document entry of each string ordinal used as a document, while by_doc has not
  // rehashed (then looked up again).
  std::vector<DocEntry*> doc_of;
  size_t doc_capacity = 0;

  absl::Status Bad(std::string_view what) const {
    return absl::DataLossError(StrCat("graph image chunk ", chunk, ": ", what));
  }
  absl::Status Header(In& in);
  absl::Status Actor(In& in);
  absl::Status Edge(In& in);
  absl::Status Obs(In& in);
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
                                    : Count{m.observations.size(), want_obs, "observations"};
    if (c.have == c.want) return absl::OkStatus();
    return Bad(StrCat(c.have, " ", c.what, " where the header promised ", c.want));
  }
};

GraphImageReader::GraphImageReader() : state_(std::make_unique<State>()) {}
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
  if (want_actors >= UINT32_MAX || want_edges >= UINT32_MAX || want_strings >= UINT32_MAX ||
      want_obs > (uint64_t{1} << 40) || documents > want_obs) {
    return Bad("implausible counts in the header");
  }
  // Reserve what the header promises, up to a bound: a damaged count must not allocate the
  // machine away (past the bound the containers grow as they fill).
  static constexpr uint64_t kMaxReserve = uint64_t{1} << 26;
  auto bounded = [](uint64_t n) { return static_cast<size_t>(std::min(n, kMaxReserve)); };
  graph.Reserve(bounded(want_actors), bounded(want_obs));
  m.edges.reserve(bounded(want_edges));
  m.edge_index.reserve(bounded(want_edges));
  m.g.m_edges.reserve(bounded(want_edges));
  m.by_doc.reserve(bounded(documents));
  strings.reserve(bounded(want_strings) + 1);
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
  if (!in.ok()) return Bad("truncated actor");
  if (kind > static_cast<uint8_t>(ActorKind::kOther)) return Bad(StrCat("actor ", a.id, ": kind ", kind));
  a.kind = static_cast<ActorKind>(kind);
  if (a.id.empty() || !IsValidActorId(a.id)) return Bad(StrCat("actor id \"", a.id, "\" is not a slug"));
  if (m.actor_index.contains(a.id)) return Bad(StrCat("actor ", a.id, " appears twice"));
  m.AddActor(std::move(a));
  return absl::OkStatus();
}

absl::Status GraphImageReader::State::Edge(In& in) {
  const uint32_t s = in.Fixed<uint32_t>(), t = in.Fixed<uint32_t>();
  if (!in.ok()) return Bad("truncated edge");
  const uint32_t actors = static_cast<uint32_t>(boost::num_vertices(m.g));
  if (s >= actors || t >= actors || s == t) return Bad(StrCat("edge ", s, " -> ", t, " is not between two actors"));
  const uint32_t e = static_cast<uint32_t>(m.edges.size());
  if (!m.edge_index.emplace(PairKey(s, t), e).second) return Bad(StrCat("edge ", s, " -> ", t, " appears twice"));
  EdgeData d;
  d.source = s;
  d.target = t;
  m.edges.push_back(std::move(d));
  boost::add_edge(s, t, RelEdge{e}, m.g);
  return absl::OkStatus();
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

  StoredObservation* slot = m.arena.Allocate();
  Observation& o = slot->o;
  EdgeData& edge = m.edges[e];
  o.id = Text(id);
  o.source = m.g[edge.source].id;
  o.target = m.g[edge.target].id;
  auto fields = Refs(o);
  for (int i = 0; i < kStringRefs; ++i) {
    if (refs[i] != 0) *fields[i] = strings[refs[i]];
  }
  o.kind = static_cast<RelationKind>(kind);
  o.sign = sign;
  o.weight = weight;
  o.confidence = confidence;
  o.date = date;
  o.evidence.begin = begin;
  o.evidence.end = end;
  o.evidence.stored_row = row;
  if (!sentence.empty()) o.evidence.sentence = Text(sentence);
  slot->shared_act = (flags & 1) != 0;
  const Observation* p = &o;
  if (!m.observations.insert(p).second) {
    m.arena.Release(slot);
    return Bad(StrCat("observation ", id, " appears twice"));
  }
  edge.observations.push_back(p);
  ++m.g[edge.source].observations;
  ++m.g[edge.target].observations;
  if (date != kNoDate && (m.newest == kNoDate || date > m.newest)) m.newest = date;

  // Its document: by the document's string ordinal, so the map is hashed once per document.
  const uint32_t doc = refs[5];
  if (m.by_doc.capacity() != doc_capacity) {
    std::fill(doc_of.begin(), doc_of.end(), nullptr);
    doc_capacity = m.by_doc.capacity();
  }
  if (doc_of.size() <= doc) doc_of.resize(std::max<size_t>(doc + 1, strings.size()), nullptr);
  DocEntry*& entry = doc_of[doc];
  if (entry == nullptr) {
    entry = &m.by_doc[o.evidence.doc];
    if (m.by_doc.capacity() != doc_capacity) {  // that insert rehashed: older pointers moved
      std::fill(doc_of.begin(), doc_of.end(), nullptr);
      doc_capacity = m.by_doc.capacity();
      doc_of[doc] = &m.by_doc[o.evidence.doc];
    }
  }
  doc_of[doc]->observations.push_back(p);
  return absl::OkStatus();
}

// Large documents keep an index of their acts (as AddToDocument builds it past kSmallDoc).
absl::Status GraphImageReader::State::FinishDocuments() {
  for (auto& [doc, d] : m.by_doc) {
    if (d.observations.size() <= kSmallDoc) continue;
    d.acts = std::make_unique<absl::flat_hash_map<uint64_t, DocEntry::Act>>();
    for (const Observation* q : d.observations) {
      if (uint64_t k = ActKey(*q)) {
        DocEntry::Act& a = (*d.acts)[k];
        if (a.count++ == 0) a.first = q;
      }
    }
  }
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
        if (std::string_view v = in.Str(); !in.ok() || v.empty()) {
          s = st.Bad("truncated or empty string");
        } else {
          st.strings.emplace_back(v);
        }
        break;
      case kEdges:
        if (st.m.edges.size() >= st.want_edges) return fail(st.Bad("more edges than promised"));
        s = st.Edge(in);
        break;
      case kObservations:
        if (st.m.observations.size() >= st.want_obs) return fail(st.Bad("more observations than promised"));
        s = st.Obs(in);
        break;
      case kEnd:
        s = st.Bad("the end chunk holds records");
        break;
    }
    if (!s.ok()) return fail(s);
  }
  if (!in.done()) return fail(st.Bad("bytes after the last record"));
  if (section == kEnd) {
    if (auto s = st.FinishDocuments(); !s.ok()) return fail(s);
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
