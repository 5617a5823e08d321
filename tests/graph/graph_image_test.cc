#include "graph/graph_image.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "graph/relation_jsonl.h"
#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using testing::Add;
using testing::D;
using testing::Obs;

// The image's chunks, as a store would keep them.
std::vector<std::string> Image(const ActorGraph& g, size_t chunk_bytes = 4 << 20) {
  std::vector<std::string> chunks;
  absl::Status s = GraphImageWriter::Write(
      g,
      [&](std::string_view c) {
        chunks.emplace_back(c);
        return absl::OkStatus();
      },
      chunk_bytes);
  EXPECT_TRUE(s.ok()) << s;
  return chunks;
}

// With `sized`, the reader is told the image's total size (as the store does).
absl::StatusOr<ActorGraph> Rebuild(const std::vector<std::string>& chunks, bool sized = true) {
  uint64_t bytes = 0;
  for (const std::string& c : chunks) bytes += c.size();
  GraphImageReader reader(sized ? bytes : 0);
  for (const std::string& c : chunks) {
    if (auto s = reader.Add(c); !s.ok()) return s;
  }
  return reader.Finish();
}

std::vector<std::string> EdgeIds(const ActorGraph& g, uint32_t e) {
  std::vector<std::string> ids;
  for (const Observation* o : g.EdgeAt(e).observations) ids.push_back(o->id.str());
  return ids;
}

// Everything a reader of the graph can see is the same in `a` and `b`.
void ExpectSameGraph(const ActorGraph& a, const ActorGraph& b) {
  ASSERT_EQ(a.actor_count(), b.actor_count());
  ASSERT_EQ(a.observation_count(), b.observation_count());
  ASSERT_EQ(a.edge_count(), b.edge_count());
  EXPECT_EQ(a.newest_date(), b.newest_date());
  for (uint32_t v = 0; v < a.actor_count(); ++v) {
    const Actor& x = a.ActorAt(v);
    const Actor& y = b.ActorAt(v);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.aliases, y.aliases);
    EXPECT_EQ(x.country, y.country);
    ASSERT_EQ(x.roles.size(), y.roles.size());
    for (size_t i = 0; i < x.roles.size(); ++i) {
      EXPECT_EQ(x.roles[i].target, y.roles[i].target);
      EXPECT_EQ(x.roles[i].kind, y.roles[i].kind);
      EXPECT_EQ(x.roles[i].title, y.roles[i].title);
      EXPECT_EQ(x.roles[i].from, y.roles[i].from);
      EXPECT_EQ(x.roles[i].until, y.roles[i].until);
    }
    EXPECT_EQ(a.ObservationCount(x.id), b.ObservationCount(y.id)) << x.id;
  }
  for (uint32_t e = 0; e < a.edge_count(); ++e) {
    EXPECT_EQ(a.EdgeAt(e).source, b.EdgeAt(e).source);
    EXPECT_EQ(a.EdgeAt(e).target, b.EdgeAt(e).target);
    EXPECT_EQ(EdgeIds(a, e), EdgeIds(b, e)) << "edge " << e;
  }
  for (const Observation* o : a.Relations({})) {
    const Observation* p = b.FindObservation(o->id);
    ASSERT_NE(p, nullptr) << o->id;
    // The JSON line carries every field (sentence included); the stored row is separate.
    EXPECT_EQ(RelationToJsonLine(*o), RelationToJsonLine(*p));
    EXPECT_EQ(o->evidence.stored_row, p->evidence.stored_row);
    EXPECT_EQ(a.ActTargetCount(*o), b.ActTargetCount(*p)) << o->id;
    RelationQuery by_doc;
    by_doc.doc = o->evidence.doc.str();
    std::vector<std::string> x, y;
    for (const Observation* q : a.Relations(by_doc)) x.push_back(q->id.str());
    for (const Observation* q : b.Relations(by_doc)) y.push_back(q->id.str());
    EXPECT_EQ(x, y);
  }
  std::vector<std::string> ax, bx;
  for (const Actor* x : a.Actors()) ax.push_back(x->id);
  for (const Actor* x : b.Actors()) bx.push_back(x->id);
  EXPECT_EQ(ax, bx);
}

// A graph with what an image must carry: a dictionary actor with aliases and roles, actors
// created by observations, undated observations, one act reported with several targets, a
// document past the size where acts get an index, rows, and a retraction that left a slot
// to be reused.
ActorGraph RichGraph() {
  ActorGraph g;
  Actor erdogan;
  erdogan.id = "erdogan";
  erdogan.kind = ActorKind::kPerson;
  erdogan.name = "Recep Tayyip Erdoğan";
  erdogan.aliases = {"Erdogan", "Turkish president"};
  erdogan.country = "TUR";
  Role president;
  president.target = "turkey";
  president.title = "President";
  president.from = D("2014-08-28");
  erdogan.roles.push_back(president);
  EXPECT_TRUE(g.UpsertActor(erdogan).ok());
  int64_t row = 0;
  auto add = [&](Observation o) {
    o.evidence.stored_row = ++row;
    Add(g, std::move(o));
  };
  add(Obs("turkey", "gna", RelationKind::kSupport, "2020-01-02", "a1", 0));
  add(Obs("russia", "gna", RelationKind::kCriticize, "", "a1", 40));
  // One act, three targets: same document, span, source and kind.
  for (const char* t : {"russia", "egypt", "uae"}) {
    add(Obs("gna", t, RelationKind::kReject, "2020-02-01", "a2", 7));
  }
  add(Obs("erdogan", "haftar", RelationKind::kThreaten, "2020-03-05", "a3", 0));
  add(Obs("gone-a", "gone-b", RelationKind::kMeet, "2020-01-01", "retracted", 0));
  // A large document: 70 observations, the first 10 sharing one act.
  for (int i = 0; i < 70; ++i) {
    std::string t = "actor-" + std::to_string(i);
    add(Obs("lna", t, RelationKind::kFight, "2021-06-01", "big", i < 10 ? 5 : 100 + i));
  }
  EXPECT_EQ(g.RetractDocument("retracted"), 1);
  add(Obs("turkey", "gna", RelationKind::kAid, "2022-01-01", "a4", 3));  // reuses the slot
  Observation plain = Obs("egypt", "turkey", RelationKind::kMeet, "2022-05-05", "a5", 1);
  plain.source_country = "EGY";
  plain.target_country = "TUR";
  plain.evidence.url = "https://example.org/a5";
  plain.evidence.begin = -1;
  plain.evidence.end = -1;
  add(plain);
  return g;
}

TEST(GraphImageTest, RoundTripKeepsEverythingReadersSee) {
  ActorGraph g = RichGraph();
  auto rebuilt = Rebuild(Image(g));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ExpectSameGraph(g, *rebuilt);
  // Spot checks with known answers.
  const Observation* reject = nullptr;
  RelationQuery of_gna;
  of_gna.actor = "gna";
  for (const Observation* o : rebuilt->Relations(of_gna)) {
    if (o->kind == RelationKind::kReject) reject = o;
  }
  ASSERT_NE(reject, nullptr);
  EXPECT_EQ(rebuilt->ActTargetCount(*reject), 3);
  EXPECT_EQ(rebuilt->Resolve("Turkish President"), "erdogan");
  EXPECT_EQ(rebuilt->FindActor("gone-a")->id, "gone-a");  // actors outlive retractions
  EXPECT_EQ(rebuilt->ObservationCount("gone-a"), 0);
}

TEST(GraphImageTest, WithoutItsSizeTheSameGraph) {
  ActorGraph g = RichGraph();
  auto rebuilt = Rebuild(Image(g), /*sized=*/false);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ExpectSameGraph(g, *rebuilt);
}

// A header promising more than the image's bytes could hold is refused before anything is
// reserved for it.
TEST(GraphImageTest, AHeaderPromisingTooMuchIsRefused) {
  std::vector<std::string> chunks = Image(RichGraph());
  GraphImageReader reader(/*image_bytes=*/200);
  absl::Status s = reader.Add(chunks[0]);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(std::string(s.message()).find("more records than 200 bytes"), std::string::npos) << s;
}

TEST(GraphImageTest, SmallChunksGiveTheSameGraph) {
  ActorGraph g = RichGraph();
  std::vector<std::string> chunks = Image(g, /*chunk_bytes=*/64);
  EXPECT_GT(chunks.size(), 50u);
  auto rebuilt = Rebuild(chunks);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ExpectSameGraph(g, *rebuilt);
}

TEST(GraphImageTest, EdgeListsFollowRowOrderWhenSlotsWereReused) {
  ActorGraph g;
  auto add = [&](const std::string& doc, int64_t row) {
    Observation o = Obs("a", "b", RelationKind::kMeet, "2020-01-01", doc, 0);
    o.evidence.stored_row = row;
    Add(g, std::move(o));
  };
  add("d1", 1);
  add("d2", 2);
  add("d3", 3);
  ASSERT_EQ(g.RetractDocument("d1"), 1);
  add("d4", 4);  // lands in d1's slot, before d2 in the arena
  auto rebuilt = Rebuild(Image(g));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  std::vector<int64_t> rows;
  for (const Observation* o : rebuilt->EdgeAt(0).observations) rows.push_back(o->evidence.stored_row);
  EXPECT_EQ(rows, (std::vector<int64_t>{2, 3, 4}));
}

TEST(GraphImageTest, RebuiltGraphStaysWritable) {
  auto rebuilt = Rebuild(Image(RichGraph()));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ActorGraph& g = *rebuilt;
  const size_t before = g.observation_count();
  // A known id is a duplicate; a new one is added to the existing edge and document.
  EXPECT_FALSE(*g.AddObservation(Obs("turkey", "gna", RelationKind::kSupport, "2020-01-02", "a1", 0)));
  Add(g, Obs("turkey", "gna", RelationKind::kSupport, "2023-01-02", "a1", 90));
  EXPECT_EQ(g.observation_count(), before + 1);
  RelationQuery pair;
  pair.actor = "turkey";
  pair.other = "gna";
  EXPECT_EQ(g.Relations(pair).size(), 3u);
  EXPECT_EQ(g.RetractDocument("a1"), 3);
  EXPECT_EQ(g.RetractDocument("big"), 70);
  EXPECT_EQ(g.observation_count(), before + 1 - 3 - 70);
  EXPECT_EQ(g.newest_date(), D("2022-05-05"));
}

TEST(GraphImageTest, EmptyGraphRoundTrips) {
  ActorGraph empty;
  auto rebuilt = Rebuild(Image(empty));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->actor_count(), 0u);
  EXPECT_EQ(rebuilt->observation_count(), 0u);
  EXPECT_EQ(rebuilt->newest_date(), kNoDate);
}

// Damaged images are DataLoss naming the chunk; nothing is half-built silently.
TEST(GraphImageTest, DamageIsDataLossNamingTheChunk) {
  std::vector<std::string> chunks = Image(RichGraph(), /*chunk_bytes=*/256);
  ASSERT_GT(chunks.size(), 6u);
  auto expect_loss = [](const std::vector<std::string>& c, std::string_view words) {
    auto r = Rebuild(c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
    EXPECT_NE(std::string(r.status().message()).find(words), std::string::npos) << r.status();
  };
  {  // no end chunk
    std::vector<std::string> c(chunks.begin(), chunks.end() - 1);
    expect_loss(c, "without its end chunk");
  }
  {  // a chunk cut short
    std::vector<std::string> c = chunks;
    c[3].resize(c[3].size() - 3);
    expect_loss(c, "chunk 4");
  }
  {  // a lost chunk in the middle: counts no longer add up, or a reference dangles
    std::vector<std::string> c = chunks;
    c.erase(c.begin() + 2);
    expect_loss(c, "graph image chunk");
  }
  {  // not an image at all
    expect_loss({std::string("hello, world")}, "not a graph image chunk");
  }
  {  // chunks out of order
    std::vector<std::string> c = chunks;
    std::swap(c[1], c[c.size() - 2]);
    expect_loss(c, "graph image chunk");
  }
  {  // an observation naming a string that does not exist
    std::vector<std::string> c = chunks;
    std::string& last = c[c.size() - 2];  // observations
    // The first record's first string ordinal sits after the chunk header and the edge id.
    uint32_t bad = 0xffffff;
    std::memcpy(last.data() + 9 + 4, &bad, 4);
    expect_loss(c, "does not exist");
  }
}

}  // namespace
}  // namespace actorgraph
