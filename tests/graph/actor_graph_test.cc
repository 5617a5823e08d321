#include "graph/actor_graph.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/graph/test_graph.h"

namespace actorgraph {
namespace {

using ::actorgraph::testing::Add;
using ::actorgraph::testing::Build;
using ::actorgraph::testing::D;
using ::actorgraph::testing::LibyaGraph;
using ::actorgraph::testing::Obs;

std::vector<std::string> Ids(const std::vector<const Observation*>& obs) {
  std::vector<std::string> out;
  for (const Observation* o : obs)
    out.push_back(o->source.str() + ">" + o->target.str() + "@" + FormatDay(o->date));
  return out;
}

TEST(ActorGraphTest, AddObservationIsIdempotent) {
  ActorGraph g;
  Observation o = Obs("russia", "haftar", RelationKind::kSupport);
  auto first = g.AddObservation(o);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto again = g.AddObservation(o);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(g.observation_count(), 1u);
  EXPECT_EQ(g.ObservationCount("russia"), 1);
  EXPECT_NE(g.FindObservation(o.id), nullptr);
}

// The id index keeps each observation's hash beside it and grows from those: ids stay found
// across many growths, after retraction frees slots, and in the slots reused after it.
TEST(ActorGraphTest, IdsStayFoundAsTheIndexGrowsAndSlotsAreReused) {
  ActorGraph g;
  constexpr int kDocs = 3000, kPerDoc = 4;
  auto obs = [](int d, int k) {
    return Obs("a" + std::to_string(k), "b" + std::to_string(d % 7), RelationKind::kMeet,
               "2020-01-13", "doc" + std::to_string(d), k);
  };
  for (int d = 0; d < kDocs; ++d) {
    for (int k = 0; k < kPerDoc; ++k) Add(g, obs(d, k));
  }
  ASSERT_EQ(g.observation_count(), size_t{kDocs * kPerDoc});
  for (int d = 0; d < kDocs; ++d) {
    for (int k = 0; k < kPerDoc; ++k) {
      auto again = g.AddObservation(obs(d, k));
      ASSERT_TRUE(again.ok());
      ASSERT_FALSE(*again) << "doc " << d << " span " << k << " was taken for new";
    }
  }
  for (int d = 0; d < kDocs; d += 2) ASSERT_EQ(g.RetractDocument("doc" + std::to_string(d)), kPerDoc);
  for (int d = 0; d < kDocs; ++d) {
    const Observation o = obs(d, 1);
    EXPECT_EQ(g.FindObservation(o.id) != nullptr, d % 2 == 1) << "doc " << d;
  }
  // Re-adding a retracted document fills freed slots; its ids are new again, then known.
  for (int d = 0; d < kDocs; d += 2) {
    for (int k = 0; k < kPerDoc; ++k) {
      auto added = g.AddObservation(obs(d, k));
      ASSERT_TRUE(added.ok());
      ASSERT_TRUE(*added) << "doc " << d;
      auto again = g.AddObservation(obs(d, k));
      ASSERT_TRUE(again.ok());
      ASSERT_FALSE(*again) << "doc " << d;
    }
  }
  EXPECT_EQ(g.observation_count(), size_t{kDocs * kPerDoc});
}

TEST(ActorGraphTest, PrepareFindsWhatAddWouldLookUpAndShares) {
  ActorGraph g;
  auto make_first = [] {
    Observation o = Obs("russia", "haftar", RelationKind::kSupport, "2020-01-02", "doc1", 0);
    o.source_name = "Russia";
    o.evidence.url = "https://example.org/1";
    return o;
  };
  const Observation first = make_first();
  Add(g, make_first());  // strings nobody else holds: the graph pools them
  const Observation* stored = g.FindObservation(first.id);
  ASSERT_NE(stored, nullptr);

  // Same actors, names, document and URL, another span: every repeated string is the graph's.
  Observation o = Obs("russia", "haftar", RelationKind::kSupport, "2020-01-02", "doc1", 40);
  o.source_name = "Russia";
  o.evidence.url = "https://example.org/1";
  ActorGraph::AddHint hint = g.PrepareObservation(o);
  EXPECT_EQ(hint.source, static_cast<int32_t>(*g.IndexOf("russia")));
  EXPECT_EQ(hint.target, static_cast<int32_t>(*g.IndexOf("haftar")));
  EXPECT_FALSE(hint.known_id);
  EXPECT_TRUE(o.source.SharesBytesWith(stored->source));
  EXPECT_TRUE(o.source_name.SharesBytesWith(stored->source_name));
  EXPECT_TRUE(o.evidence.doc.SharesBytesWith(stored->evidence.doc));  // the document's key
  EXPECT_FALSE(o.evidence.url.SharesBytesWith(stored->evidence.url));   // URLs are not pooled
  EXPECT_EQ(g.observation_count(), 1u);  // looking up changed nothing
  EXPECT_EQ(hint.id_hash, ActorGraph::IdHash(o.id.view()));
  EXPECT_EQ(g.PrepareObservation(o, hint.id_hash).id_hash, hint.id_hash);  // given, kept

  g.PrefetchAdd(o, hint);  // a hint to the CPU only
  EXPECT_EQ(g.observation_count(), 1u);
  auto added = g.AddObservation(o, hint);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_TRUE(*added);
  // ... but the add shares the previous observation's URL, equal bytes.
  EXPECT_TRUE(g.FindObservation(o.id)->evidence.url.SharesBytesWith(stored->evidence.url));
  EXPECT_EQ(g.ObservationCount("russia"), 2);
  EXPECT_EQ(g.ObservationCount("haftar"), 2);
  EXPECT_EQ(g.Relations(RelationQuery{.actor = "russia", .other = "haftar"}).size(), 2u);

  // A self-relation between known actors is refused with the hint as without it.
  Observation self = Obs("russia", "russia", RelationKind::kMeet, "2020-01-03", "doc9");
  ActorGraph::AddHint self_hint = g.PrepareObservation(self);
  ASSERT_GE(self_hint.source, 0);
  EXPECT_EQ(g.AddObservation(self, self_hint).status().code(), absl::StatusCode::kInvalidArgument);

  // A known id; an unknown actor, created by the add as without a hint.
  Observation again = first;
  EXPECT_TRUE(g.PrepareObservation(again).known_id);
  Observation fresh = Obs("russia", "wagner", RelationKind::kSupport, "2020-01-03", "doc2");
  ActorGraph::AddHint fresh_hint = g.PrepareObservation(fresh);
  EXPECT_EQ(fresh_hint.target, -1);
  ASSERT_TRUE(g.AddObservation(fresh, fresh_hint).ok());
  ASSERT_NE(g.FindActor("wagner"), nullptr);
  EXPECT_EQ(g.ObservationCount("wagner"), 1);
  EXPECT_EQ(g.ObservationCount("russia"), 3);

  // A name and country an actor had before come from the actor, not the pool lookup; a new
  // spelling is looked up (and then remembered).
  Observation named = Obs("russia", "haftar", RelationKind::kMeet, "2020-01-04", "doc3");
  named.source_name = "Russia";
  named.source_country = "RUS";
  ASSERT_TRUE(g.AddObservation(named).ok());
  const Observation* named_stored = g.FindObservation(named.id);
  ASSERT_NE(named_stored, nullptr);
  Observation later = Obs("russia", "haftar", RelationKind::kMeet, "2020-01-05", "doc4");
  later.source_name = "Russia";
  later.source_country = "RUS";
  later.target_name = "Khalifa Haftar";
  g.PrepareObservation(later);
  EXPECT_TRUE(later.source_name.SharesBytesWith(named_stored->source_name));
  EXPECT_TRUE(later.source_country.SharesBytesWith(named_stored->source_country));
  EXPECT_EQ(later.target_name.use_count(), 1u);  // new to the graph: its own copy
  ASSERT_TRUE(g.AddObservation(later).ok());
  Observation third = Obs("russia", "haftar", RelationKind::kMeet, "2020-01-06", "doc5");
  third.target_name = "Khalifa Haftar";
  g.PrepareObservation(third);
  EXPECT_TRUE(third.target_name.SharesBytesWith(g.FindObservation(later.id)->target_name));
}

// The staged batch form finds and shares exactly what one PrepareObservation per
// observation does, for batches shorter and longer than its stages' distances.
TEST(ActorGraphTest, PrepareObservationsMatchesOneAtATime) {
  ActorGraph g;
  const std::vector<std::string> actors = {"russia", "haftar", "gna", "turkey", "egypt", "uae"};
  auto stored = [&](size_t k) {
    Observation o = Obs(actors[k % 6], actors[(k + 1) % 6], RelationKind::kMeet, "2020-01-02",
                        "doc" + std::to_string(k % 3), static_cast<int>(k) * 20);
    o.source_country = "C" + std::to_string(k % 6);
    return o;
  };
  for (size_t k = 0; k < 12; ++k) Add(g, stored(k));
  auto make = [&](size_t n) {
    std::vector<Observation> batch;
    for (size_t k = 0; k < n; ++k) {
      // Known and unknown actors, stored and new ids, known and new documents.
      const std::string source = k % 4 == 3 ? "newcomer" + std::to_string(k) : actors[k % 6];
      Observation o = Obs(source, actors[(k + 2) % 6], RelationKind::kMeet, "2020-01-02",
                          "doc" + std::to_string(k % 5), static_cast<int>(k % 7) * 20);
      o.source_country = "C" + std::to_string(k % 6);
      batch.push_back(k % 5 == 0 ? stored(k % 12) : o);
    }
    return batch;
  };
  for (size_t n : {0, 3, 9, 40}) {
    std::vector<Observation> one = make(n), staged = make(n);
    std::vector<ActorGraph::AddHint> hints(n);
    std::vector<uint32_t> hashes(n);
    for (size_t i = 0; i < n; ++i) hashes[i] = ActorGraph::IdHash(staged[i].id.view());
    g.PrepareObservations(staged, hashes, hints);
    size_t known = 0, shared = 0;
    for (size_t i = 0; i < n; ++i) {
      const ActorGraph::AddHint hint = g.PrepareObservation(one[i]);
      EXPECT_EQ(hints[i].source, hint.source) << n << " " << i;
      EXPECT_EQ(hints[i].target, hint.target) << n << " " << i;
      EXPECT_EQ(hints[i].id_hash, hint.id_hash) << n << " " << i;
      EXPECT_EQ(hints[i].known_id, hint.known_id) << n << " " << i;
      known += hint.known_id;
      for (auto f : {&Observation::source, &Observation::target, &Observation::source_name,
                     &Observation::target_name, &Observation::source_country, &Observation::cameo}) {
        // Both the graph's copy, or both their own.
        EXPECT_EQ((one[i].*f).SharesBytesWith(staged[i].*f), (one[i].*f).use_count() > 1)
            << n << " " << i << " " << (one[i].*f);
        shared += (one[i].*f).SharesBytesWith(staged[i].*f);
      }
      EXPECT_EQ(one[i].evidence.doc.SharesBytesWith(staged[i].evidence.doc),
                one[i].evidence.doc.use_count() > 1);
    }
    if (n == 40) {  // the batch exercised both outcomes
      EXPECT_GT(known, 0u);
      EXPECT_LT(known, n);
      EXPECT_GT(shared, 0u);
    }
  }
}

// With FieldViews, the fields left empty are filled from the views: the graph's copies where
// it has them, else copies of the views' bytes; the result is what the fields would hold.
TEST(ActorGraphTest, PrepareObservationsFillsFieldsFromViews) {
  ActorGraph g;
  auto make_first = [] {
    Observation o = Obs("russia", "haftar", RelationKind::kMeet, "2020-01-02", "doc1");
    o.source_name = "Russia";
    o.source_country = "RUS";
    return o;
  };
  const Observation first = make_first();
  Add(g, make_first());  // strings nobody else holds: the graph pools them
  // Bytes that live elsewhere, as in a request message.
  const std::string source = "russia", target = "wagner", source_name = "Russia",
                    target_name = "Wagner Group", country = "RUS",
                    cameo(Info(RelationKind::kMeet).cameo_root);
  Observation o = Obs("russia", "wagner", RelationKind::kMeet, "2020-01-03", "doc2");
  for (Text* t : {&o.source, &o.target, &o.source_name, &o.target_name, &o.source_country,
                  &o.target_country, &o.cameo}) {
    *t = Text();
  }
  std::vector<Observation> batch = {o};
  const std::vector<ActorGraph::FieldViews> views = {{.source = source,
                                                       .target = target,
                                                       .source_name = source_name,
                                                       .target_name = target_name,
                                                       .source_country = country,
                                                       .cameo = cameo}};
  std::vector<ActorGraph::AddHint> hints(1);
  const std::vector<uint32_t> hashes = {ActorGraph::IdHash(o.id.view())};
  g.PrepareObservations(batch, hashes, hints, views);
  const Observation& p = batch[0];
  const Observation* stored = g.FindObservation(first.id);
  EXPECT_GE(hints[0].source, 0);
  EXPECT_EQ(hints[0].target, -1);                          // a new actor
  EXPECT_TRUE(p.source.SharesBytesWith(stored->source));   // the actor's id
  EXPECT_TRUE(p.source_name.SharesBytesWith(stored->source_name));  // its seen name
  EXPECT_TRUE(p.source_country.SharesBytesWith(stored->source_country));
  EXPECT_TRUE(p.cameo.SharesBytesWith(stored->cameo));     // pooled
  EXPECT_EQ(p.target, "wagner");                           // copies of the views' bytes
  EXPECT_EQ(p.target_name, "Wagner Group");
  EXPECT_NE(p.target.data(), target.data());
  EXPECT_TRUE(p.target_country.empty());                   // an empty view: left as it was
  ASSERT_TRUE(g.AddObservation(batch[0], hints[0]).ok());
  EXPECT_EQ(g.FindActor("wagner")->name, "Wagner Group");
}

TEST(ActorGraphTest, AddObservationRejectsBadFields) {
  ActorGraph g;
  Observation o = Obs("a", "b", RelationKind::kMeet);
  o.id = Text();
  EXPECT_EQ(g.AddObservation(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Obs("a", "a", RelationKind::kMeet);
  EXPECT_EQ(g.AddObservation(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Obs("", "b", RelationKind::kMeet);
  EXPECT_EQ(g.AddObservation(o).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(g.actor_count(), 0u);
}

TEST(ActorGraphTest, CreatesUnknownActorsFromTheObservation) {
  ActorGraph g;
  Observation o = Obs("russia", "khalifa-haftar", RelationKind::kSupport);
  o.target_name = "Khalifa Haftar";
  o.target_country = "LBY";
  Add(g, o);
  const Actor* a = g.FindActor("khalifa-haftar");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, ActorKind::kOther);
  EXPECT_EQ(a->name, "Khalifa Haftar");
  EXPECT_EQ(a->country, "LBY");
  EXPECT_EQ(g.actor_count(), 2u);
}

TEST(ActorGraphTest, UpsertReplacesAndKeepsObservations) {
  ActorGraph g = Build({
      {"turkey", "gna", RelationKind::kAid, "2020-01-13", "doc"},
  });
  Actor t;
  t.id = "turkey";
  t.kind = ActorKind::kState;
  t.name = "Turkey";
  t.aliases = {"T\xC3\xBCrkiye", "Ankara"};
  auto created = g.UpsertActor(t);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(*created);
  EXPECT_EQ(g.FindActor("turkey")->kind, ActorKind::kState);
  EXPECT_EQ(g.ObservationCount("turkey"), 1);
  EXPECT_EQ(g.Resolve("ankara"), "turkey");
  t.aliases = {"Anatolia"};
  ASSERT_TRUE(g.UpsertActor(t).ok());
  EXPECT_FALSE(g.Resolve("ankara").has_value());  // the old alias is gone
  EXPECT_EQ(g.Resolve("Anatolia"), "turkey");
  Actor bad;
  bad.id = "Not A Slug";
  EXPECT_EQ(g.UpsertActor(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FoldNameTest, FoldsCaseDiacriticsPunctuationAndArticle) {
  EXPECT_EQ(FoldName("Erdo\xC4\x9F"
                     "an"),
            "erdogan");
  EXPECT_EQ(FoldName("Re\xC3\xA7"
                     "ep Tayyip  ERDO\xC4\x9E"
                     "AN"),
            "recep tayyip erdogan");
  EXPECT_EQ(FoldName("The Government of National Accord"), "government of national accord");
  EXPECT_EQ(FoldName("  Fa\xC3\xA7"
                     "ade, \xC3\xA9t\xC3\xA9 & S\xC3\xB6z\xC3\xBC!  "),
            "facade ete sozu");
  EXPECT_EQ(FoldName("\xC5\x9E"
                     "am \xC3\xA1 l'\xC3\xBC"),
            "sam a l u");
  EXPECT_EQ(FoldName("Stra\xC3\x9F"
                     "e"),
            "strasse");
  EXPECT_EQ(FoldName("e\xCC\x81t\xC3\xA9"), "ete");  // decomposed accent
  EXPECT_EQ(FoldName("U.S.-backed"), "u s backed");
  EXPECT_EQ(FoldName("theocracy"), "theocracy");
  EXPECT_EQ(FoldName("\xE2\x80\x9CQuoted\xE2\x80\x9D"), "quoted");
  EXPECT_EQ(FoldName(""), "");
}

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Actor e;
    e.id = "erdogan";
    e.kind = ActorKind::kPerson;
    e.name =
        "Recep Tayyip Erdo\xC4\x9F"
        "an";
    e.aliases = {
        "Erdo\xC4\x9F"
        "an",
        "Turkish President"};
    ASSERT_TRUE(g_.UpsertActor(e).ok());
    Actor gna;
    gna.id = "gna";
    gna.name = "Government of National Accord";
    gna.aliases = {"Tripoli government"};
    ASSERT_TRUE(g_.UpsertActor(gna).ok());
    Actor t;
    t.id = "turkey";
    t.name = "Turkey";
    t.aliases = {"Turkish President"};  // deliberately ambiguous with erdogan
    ASSERT_TRUE(g_.UpsertActor(t).ok());
    Add(g_, Obs("turkey", "gna", RelationKind::kAid, "2020-01-01", "d", 1));
    Add(g_, Obs("turkey", "gna", RelationKind::kMeet, "2020-01-02", "d", 2));
    Add(g_, Obs("erdogan", "gna", RelationKind::kMeet, "2020-01-02", "d", 3));
  }
  ActorGraph g_;
};

TEST_F(ResolveTest, MatchesIdsNamesAndAliasesIgnoringDiacritics) {
  EXPECT_EQ(g_.Resolve("erdogan"), "erdogan");
  EXPECT_EQ(g_.Resolve("ERDOGAN"), "erdogan");
  EXPECT_EQ(g_.Resolve("Erdo\xC4\x9F"
                       "an"),
            "erdogan");
  EXPECT_EQ(g_.Resolve("recep tayyip erdogan"), "erdogan");
  EXPECT_EQ(g_.Resolve("the Government of National Accord"), "gna");
  EXPECT_EQ(g_.Resolve("tripoli government"), "gna");
  EXPECT_FALSE(g_.Resolve("Haftar").has_value());
  EXPECT_FALSE(g_.Resolve("").has_value());
}

TEST_F(ResolveTest, AmbiguousAliasPicksTheBusiestActor) {
  EXPECT_EQ(g_.Resolve("turkish president"), "turkey");  // 2 observations against 1
}

TEST_F(ResolveTest, CandidatesRankExactThenPrefixThenSubstring) {
  auto c = g_.ResolveCandidates("Erdo", 10);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].actor->id, "erdogan");
  EXPECT_DOUBLE_EQ(c[0].score, 0.8);
  c = g_.ResolveCandidates("turkish president", 10);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_DOUBLE_EQ(c[0].score, 1.0);
  EXPECT_EQ(c[0].actor->id, "turkey");  // busier first among equal scores
  c = g_.ResolveCandidates("national", 10);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].actor->id, "gna");
  EXPECT_DOUBLE_EQ(c[0].score, 0.5);
  EXPECT_EQ(c[0].matched, "Government of National Accord");
  c = g_.ResolveCandidates("r", 1);
  EXPECT_EQ(c.size(), 1u);
}

TEST(RelationsTest, NewestFirstUndatedLastTiesById) {
  ActorGraph g = Build({
      {"a", "b", RelationKind::kMeet},
      {"a", "b", RelationKind::kAid, "2020-03-01"},
      {"c", "a", RelationKind::kFight, ""},
      {"b", "a", RelationKind::kCriticize, "2020-02-01"},
      {"c", "b", RelationKind::kMeet, "2020-02-01"},
  });
  RelationQuery q;
  q.actor = "a";
  auto r = g.Relations(q);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"a>b@2020-03-01", "b>a@2020-02-01", "a>b@2020-01-01",
                                              "c>a@"}));
  q.actor.clear();
  r = g.Relations(q);
  ASSERT_EQ(r.size(), 5u);
  ASSERT_EQ(r[1]->date, r[2]->date);
  EXPECT_LT(r[1]->id, r[2]->id);
  EXPECT_EQ(r.back()->date, kNoDate);
}

TEST(RelationsTest, FiltersByPairKindSignWindowAndDocument) {
  ActorGraph g = testing::LibyaGraph();
  RelationQuery q;
  q.actor = "haftar";
  q.other = "russia";
  EXPECT_EQ(g.Relations(q).size(), 2u);  // both directions
  q.filter.sign = -1;
  ASSERT_EQ(g.Relations(q).size(), 1u);
  EXPECT_EQ(g.Relations(q)[0]->kind, RelationKind::kReject);
  q = {};
  q.actor = "turkey";
  q.filter.AddKind(RelationKind::kAid);
  q.filter.AddKind(RelationKind::kThreaten);
  EXPECT_EQ(g.Relations(q).size(), 2u);
  q = {};
  q.filter.since = D("2020-01-10");
  q.filter.until = D("2020-01-13");
  EXPECT_EQ(g.Relations(q).size(), 3u);  // fight 10th, two on the 13th
  q = {};
  q.doc = "cairo";
  EXPECT_EQ(g.Relations(q).size(), 2u);
  q.actor = "russia";
  EXPECT_TRUE(g.Relations(q).empty());
  q = {};
  q.actor = "nobody";
  EXPECT_TRUE(g.Relations(q).empty());
}

TEST(RelationFilterTest, UndatedMatchesOnlyAnUnboundedWindow) {
  Observation o = Obs("a", "b", RelationKind::kMeet, "");
  RelationFilter f;
  EXPECT_TRUE(f.Matches(o));
  f.since = D("2020-01-01");
  EXPECT_FALSE(f.Matches(o));
  o.date = D("2020-01-01");
  EXPECT_TRUE(f.Matches(o));
  f.until = D("2019-12-31");
  EXPECT_FALSE(f.Matches(o));
}

TEST(ActorGraphTest, RetractDocumentRemovesItsObservationsOnly) {
  ActorGraph g = LibyaGraph();
  const size_t before = g.observation_count();
  EXPECT_EQ(g.RetractDocument("moscow"), 5);
  EXPECT_EQ(g.observation_count(), before - 5);
  EXPECT_EQ(g.RetractDocument("moscow"), 0);
  EXPECT_EQ(g.RetractDocument("never-seen"), 0);
  EXPECT_EQ(g.ObservationCount("russia"), 0);
  EXPECT_NE(g.FindActor("russia"), nullptr);  // actors outlive their observations
  RelationQuery q;
  q.actor = "turkey";
  EXPECT_EQ(g.Relations(q).size(), 2u);  // Egypt's, from cairo
  // The path Russia - Haftar is gone with the document.
  PathQuery pq;
  pq.from = "russia";
  pq.to = "haftar";
  auto r = g.FindPaths(pq);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->paths.empty());
  // Re-ingesting the document restores it.
  Add(g, Obs("russia", "haftar", RelationKind::kSupport, "2020-01-13", "moscow", 100));
  EXPECT_EQ(g.FindPaths(pq)->paths.size(), 1u);
}

TEST(ActorGraphTest, ActorsAreListedInIdOrder) {
  ActorGraph g = LibyaGraph();
  std::vector<std::string> ids;
  for (const Actor* a : g.Actors()) ids.push_back(a->id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"egypt", "gna", "haftar", "russia", "sarraj", "turkey"}));
}

TEST(ActorGraphTest, IsMovable) {
  ActorGraph g = LibyaGraph();
  ActorGraph h = std::move(g);
  EXPECT_EQ(h.actor_count(), 6u);
}

// Acts are found by a scan in small documents and by an index past 64 observations; both
// must count the targets of one act alike, and retraction must forget them.
class ActTargetCountTest : public ::testing::TestWithParam<int> {};

TEST_P(ActTargetCountTest, CountsTheTargetsOfOneActInSmallAndLargeDocuments) {
  const int filler = GetParam();
  ActorGraph g;
  for (int i = 0; i < filler; ++i) {
    Add(g, Obs("x" + std::to_string(i), "y", RelationKind::kMeet, "2020-01-01", "doc", 1000 + 20 * i));
  }
  Observation a = Obs("haftar", "russia", RelationKind::kReject, "2020-01-14", "doc", 40);
  Observation b = Obs("haftar", "turkey", RelationKind::kReject, "2020-01-14", "doc", 40);
  Observation c = Obs("haftar", "un", RelationKind::kReject, "2020-01-14", "doc", 40);
  Observation other_span = Obs("haftar", "egypt", RelationKind::kReject, "2020-01-14", "doc", 60);
  Add(g, a);
  EXPECT_EQ(g.ActTargetCount(*g.FindObservation(a.id)), 1);
  Add(g, b);
  Add(g, c);
  Add(g, other_span);
  for (const Observation* o : {&a, &b, &c}) {
    EXPECT_EQ(g.ActTargetCount(*g.FindObservation(o->id)), 3) << o->target;
  }
  EXPECT_EQ(g.ActTargetCount(*g.FindObservation(other_span.id)), 1);
  EXPECT_EQ(g.RetractDocument("doc"), filler + 4);
  EXPECT_EQ(g.observation_count(), 0u);
  Add(g, a);
  EXPECT_EQ(g.ActTargetCount(*g.FindObservation(a.id)), 1);
}

INSTANTIATE_TEST_SUITE_P(SmallAndLarge, ActTargetCountTest, ::testing::Values(0, 10, 70, 200));

TEST(ActorGraphTest, RetractedSlotsAreReusedAndOtherDocumentsKept) {
  ActorGraph g;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      Add(g, Obs("a" + std::to_string(i), "b", RelationKind::kSupport, "2020-02-01", "d1", i * 20));
    }
    EXPECT_EQ(g.RetractDocument("d1"), 50);
  }
  Add(g, Obs("keep", "b", RelationKind::kFight, "2019-05-05", "d2"));
  EXPECT_EQ(g.observation_count(), 1u);
  EXPECT_EQ(g.newest_date(), *ParseDay("2019-05-05"));
  auto rel = g.Relations(RelationQuery{});
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(rel[0]->source, "keep");
  EXPECT_EQ(rel[0]->evidence.sentence, "keep FIGHT b");
}

}  // namespace
}  // namespace actorgraph
