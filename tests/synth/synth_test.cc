#include "tools/synth/synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"

namespace actorgraph::synth {
namespace {

SynthSpec SmallSpec() {
  SynthSpec spec;
  spec.actors = 2000;
  spec.observations = 20000;
  spec.blocs = 5;
  return spec;
}

std::vector<Observation> Collect(const SynthSpec& spec) {
  std::vector<Observation> out;
  ObservationStream stream(spec);
  Observation o;
  while (stream.Next(o)) out.push_back(o);
  return out;
}

uint64_t IndexOf(const std::string& id) { return std::stoull(id.substr(1)); }

// Share of all observation endpoints (source or target) held by the busiest 1 % of actors.
double TopPercentShare(const SynthSpec& spec) {
  std::vector<uint64_t> touches(spec.actors, 0);
  for (const Observation& o : Collect(spec)) {
    ++touches[IndexOf(std::string(o.source))];
    ++touches[IndexOf(std::string(o.target))];
  }
  std::sort(touches.rbegin(), touches.rend());
  uint64_t top = 0, all = 0;
  for (size_t i = 0; i < touches.size(); ++i) {
    all += touches[i];
    if (i < touches.size() / 100) top += touches[i];
  }
  return static_cast<double>(top) / static_cast<double>(all);
}

TEST(SynthSpecTest, RejectsOutOfRangeFieldsByName) {
  EXPECT_TRUE(ValidateSpec(SmallSpec()).ok());
  auto message_of = [](void (*edit)(SynthSpec&)) {
    SynthSpec spec = SmallSpec();
    edit(spec);
    return std::string(ValidateSpec(spec).message());
  };
  EXPECT_NE(message_of([](SynthSpec& s) { s.actors = 1; }).find("actors"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.blocs = 1001; }).find("blocs"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.blocs = 0; }).find("blocs"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.years = 0; }).find("years"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.noise = 1.5; }).find("noise"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.drift = -0.1; }).find("drift"), std::string::npos);
  EXPECT_NE(message_of([](SynthSpec& s) { s.zipf = NAN; }).find("zipf"), std::string::npos);
  int calls = 0;
  SynthSpec bad = SmallSpec();
  bad.within = 2;
  EXPECT_EQ(Generate(
                bad, [&](const Actor&) { ++calls; }, [&](Observation&&) { ++calls; })
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 0);
}

TEST(SynthStreamTest, IsDeterministicForASeed) {
  SynthSpec spec = SmallSpec();
  spec.observations = 3000;
  const std::vector<Observation> a = Collect(spec), b = Collect(spec);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(RelationToJsonLine(a[i]), RelationToJsonLine(b[i])) << "observation " << i;
  }
  spec.seed = 2;
  const std::vector<Observation> c = Collect(spec);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i)
    same += RelationToJsonLine(a[i]) == RelationToJsonLine(c[i]);
  EXPECT_LT(same, a.size() / 100);
}

TEST(SynthStreamTest, ProducesExactlyTheRequestedCountAndThenStops) {
  for (uint64_t count : {0, 1, 7, 12345}) {
    SynthSpec spec = SmallSpec();
    spec.observations = count;
    ObservationStream stream(spec);
    Observation o;
    uint64_t n = 0;
    while (stream.Next(o)) ++n;
    EXPECT_EQ(n, count);
    EXPECT_EQ(stream.produced(), count);
    EXPECT_FALSE(stream.Next(o));
  }
  SynthSpec spec = SmallSpec();
  spec.observations = 500;
  uint64_t actors = 0, observations = 0;
  ASSERT_TRUE(Generate(
                  spec, [&](const Actor&) { ++actors; }, [&](Observation&&) { ++observations; })
                  .ok());
  EXPECT_EQ(actors, spec.actors);
  EXPECT_EQ(observations, spec.observations);
}

TEST(SynthStreamTest, ActivityIsHeavyTailed) {
  SynthSpec spec = SmallSpec();
  spec.actors = 10000;
  spec.observations = 100000;
  EXPECT_GE(TopPercentShare(spec), 0.2);
  spec.zipf = 0;  // uniform actors: the top 1 % hold little more than 1 %
  EXPECT_LT(TopPercentShare(spec), 0.03);
}

TEST(SynthStreamTest, PlantedBlocsAreRecoverableFromTheSigns) {
  SynthSpec spec = SmallSpec();
  spec.drift = 0;
  spec.noise = 0.1;
  int64_t inside = 0, inside_positive = 0, across = 0, across_negative = 0;
  for (const Observation& o : Collect(spec)) {
    ASSERT_EQ(o.sign, Info(o.kind).sign);
    ASSERT_NE(o.source, o.target);
    const bool same = BlocOf(spec, IndexOf(std::string(o.source))) ==
                      BlocOf(spec, IndexOf(std::string(o.target)));
    (same ? inside : across) += 1;
    if (same && o.sign > 0) ++inside_positive;
    if (!same && o.sign < 0) ++across_negative;
  }
  const double n = static_cast<double>(spec.observations);
  EXPECT_NEAR(inside / n, spec.within, 0.02);
  EXPECT_NEAR(static_cast<double>(inside_positive) / inside, 1 - spec.noise, 0.01);
  EXPECT_NEAR(static_cast<double>(across_negative) / across, 1 - spec.noise, 0.01);
}

TEST(SynthStreamTest, DriftingPairsChangeSignOnceAtTheirDate) {
  SynthSpec spec = SmallSpec();
  spec.noise = 0;
  spec.drift = 1;  // every pair drifts
  // Per unordered pair: the last date with the planted sign and the first with the other.
  std::map<std::pair<std::string, std::string>, std::pair<Day, Day>> pairs;
  int64_t flipped = 0;
  for (const Observation& o : Collect(spec)) {
    const std::string s(o.source), t(o.target);
    const bool planted_positive = BlocOf(spec, IndexOf(s)) == BlocOf(spec, IndexOf(t));
    auto [it, added] = pairs.try_emplace(std::minmax(s, t), kNoDate, INT32_MAX);
    if ((o.sign > 0) == planted_positive) {
      it->second.first = std::max(it->second.first, o.date);
    } else {
      it->second.second = std::min(it->second.second, o.date);
      ++flipped;
    }
  }
  for (const auto& [pair, dates] : pairs) {
    EXPECT_LT(dates.first, dates.second) << pair.first << " ~ " << pair.second;
  }
  // Flip dates are uniform over the range, so about half of the observations come after.
  EXPECT_NEAR(static_cast<double>(flipped) / spec.observations, 0.5, 0.05);
  spec.drift = 0;
  for (const Observation& o : Collect(spec)) {
    const bool same = BlocOf(spec, IndexOf(std::string(o.source))) ==
                      BlocOf(spec, IndexOf(std::string(o.target)));
    ASSERT_EQ(o.sign > 0, same);
  }
}

TEST(SynthStreamTest, EveryLineParsesBackWithItsEvidence) {
  SynthSpec spec = SmallSpec();
  spec.first_year = 2018;
  spec.years = 3;
  const Day first = DayFromCivil(2018, 1, 1), last = DayFromCivil(2020, 12, 31);
  Day seen_first = INT32_MAX, seen_last = INT32_MIN;
  size_t total_bytes = 0, in_range = 0;
  std::set<std::string> ids, kinds, cameos;
  for (const Observation& o : Collect(spec)) {
    const std::string line = RelationToJsonLine(o);
    auto parsed = ParseRelationLine(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << line;
    EXPECT_EQ(RelationToJsonLine(*parsed), line);
    ASSERT_TRUE(ids.insert(std::string(o.id)).second) << "duplicate id " << line;
    kinds.insert(std::string(RelationKindName(o.kind)));
    cameos.insert(std::string(o.cameo));
    seen_first = std::min(seen_first, o.date);
    seen_last = std::max(seen_last, o.date);
    const std::string sentence(o.evidence.sentence);
    EXPECT_EQ(o.evidence.end - o.evidence.begin, static_cast<int32_t>(sentence.size()));
    EXPECT_NE(sentence.find(std::string(o.source_name)), std::string::npos) << sentence;
    EXPECT_NE(sentence.find(std::string(o.target_name)), std::string::npos) << sentence;
    EXPECT_NE(sentence.find(FormatDay(o.date).substr(0, 4)), std::string::npos) << sentence;
    total_bytes += sentence.size();
    in_range += sentence.size() >= 60 && sentence.size() <= 200;
  }
  EXPECT_GE(seen_first, first);
  EXPECT_LE(seen_last, last);
  EXPECT_LT(seen_first, first + 30);  // the whole range is used
  EXPECT_GT(seen_last, last - 30);
  EXPECT_EQ(kinds.size(), 10u);  // every signed kind of DESIGN.md
  EXPECT_GE(cameos.size(), 30u);
  const double mean = static_cast<double>(total_bytes) / spec.observations;
  EXPECT_GE(mean, 80);
  EXPECT_LE(mean, 160);
  EXPECT_GE(static_cast<double>(in_range) / spec.observations, 0.95);
}

TEST(SynthStreamTest, KindsCarryCameoCodesOfTheirRoots) {
  // DESIGN.md's table: the CAMEO roots each kind covers.
  const std::map<RelationKind, std::set<std::string>> roots = {
      {RelationKind::kSupport, {"05", "03"}},   {RelationKind::kAid, {"07", "06"}},
      {RelationKind::kCooperate, {"06", "05"}}, {RelationKind::kMeet, {"04"}},
      {RelationKind::kMediate, {"04"}},         {RelationKind::kCriticize, {"11"}},
      {RelationKind::kReject, {"12"}},          {RelationKind::kThreaten, {"13", "15"}},
      {RelationKind::kSanction, {"16", "17"}},  {RelationKind::kFight, {"18", "19", "20"}}};
  for (const Observation& o : Collect(SmallSpec())) {
    const std::string cameo(o.cameo);
    ASSERT_EQ(cameo.size(), 3u);
    EXPECT_TRUE(roots.at(o.kind).count(cameo.substr(0, 2))) << cameo;
    EXPECT_GT(o.weight * o.sign, 0);
    EXPECT_LE(std::abs(o.weight), 10);
    EXPECT_GE(o.confidence, 0.5);
    EXPECT_LE(o.confidence, 1.0);
  }
}

TEST(SynthStreamTest, DocumentsHoldSeveralObservationsOfOneDate) {
  SynthSpec spec = SmallSpec();
  std::map<std::string, std::vector<Observation>> docs;
  for (Observation& o : Collect(spec)) docs[std::string(o.evidence.doc)].push_back(std::move(o));
  const double per_doc = static_cast<double>(spec.observations) / docs.size();
  EXPECT_GT(per_doc, 3);
  EXPECT_LT(per_doc, 5);
  for (const auto& [doc, obs] : docs) {
    for (size_t i = 0; i < obs.size(); ++i) {
      EXPECT_EQ(obs[i].date, obs[0].date);
      EXPECT_EQ(obs[i].evidence.url, obs[0].evidence.url);
      if (i > 0) {
        EXPECT_GT(obs[i].evidence.begin, obs[i - 1].evidence.end);  // in order
      }
    }
    const std::string url(obs[0].evidence.url);
    EXPECT_NE(url.find(doc), std::string::npos);
    std::string date = FormatDay(obs[0].date);
    std::replace(date.begin(), date.end(), '-', '/');
    EXPECT_NE(url.find(date), std::string::npos) << url;
  }
}

TEST(SynthStreamTest, NoEvidenceKeepsIdsAndSpans) {
  SynthSpec spec = SmallSpec();
  spec.observations = 2000;
  const std::vector<Observation> full = Collect(spec);
  spec.evidence = false;
  const std::vector<Observation> bare = Collect(spec);
  ASSERT_EQ(full.size(), bare.size());
  for (size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(full[i].id, bare[i].id);
    EXPECT_EQ(full[i].evidence.end, bare[i].evidence.end);
    EXPECT_TRUE(bare[i].evidence.sentence.empty());
    EXPECT_TRUE(bare[i].evidence.url.empty());
    EXPECT_FALSE(full[i].evidence.sentence.empty());
  }
}

TEST(SynthActorTest, HubsAreStatesWithDistinctCountryCodes) {
  SynthSpec spec = SmallSpec();
  spec.actors = 100000;
  std::set<std::string> codes;
  std::map<ActorKind, int> kinds;
  for (uint64_t i = 0; i < 2000; ++i) {
    const Actor a = MakeActor(spec, i);
    EXPECT_EQ(a.id, ActorId(i));
    EXPECT_TRUE(IsValidActorId(a.id));
    EXPECT_FALSE(a.name.empty());
    ++kinds[a.kind];
    if (i < 250) {
      EXPECT_EQ(a.kind, ActorKind::kState) << i;
      ASSERT_EQ(a.country.size(), 3u);
      EXPECT_TRUE(codes.insert(a.country).second) << a.country;
      EXPECT_EQ(a.aliases.size(), 1u);
    } else {
      EXPECT_NE(a.kind, ActorKind::kState) << i;
      if (!a.country.empty()) {
        EXPECT_TRUE(codes.count(a.country)) << a.country;
      }
    }
    auto parsed = ParseActorLine(ActorToJsonLine(a));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->name, a.name);
    EXPECT_EQ(ActorToJsonLine(MakeActor(spec, i)), ActorToJsonLine(a));  // deterministic
  }
  for (ActorKind k : {ActorKind::kPerson, ActorKind::kGovernment, ActorKind::kArmedGroup,
                      ActorKind::kParty, ActorKind::kIgo, ActorKind::kNgo, ActorKind::kOther}) {
    EXPECT_GT(kinds[k], 10) << ActorKindName(k);
  }
}

TEST(SynthActorTest, ObservationNamesAndCountriesAreTheActors) {
  SynthSpec spec = SmallSpec();
  spec.observations = 3000;
  for (const Observation& o : Collect(spec)) {
    const Actor s = MakeActor(spec, IndexOf(std::string(o.source)));
    EXPECT_EQ(std::string(o.source_name), s.name);
    EXPECT_EQ(std::string(o.source_country), s.country);
    const Actor t = MakeActor(spec, IndexOf(std::string(o.target)));
    EXPECT_EQ(std::string(o.target_name), t.name);
    EXPECT_EQ(std::string(o.target_country), t.country);
  }
}

// ---- actorgraph-synth end to end ---------------------------------------------------------

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int RunSynth(const std::string& args) {
  const std::string command = std::string(ACTORGRAPH_SYNTH_BIN) + " " + args + " 2>/dev/null";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SynthCliTest, WritesRelationsActorsAndAggregatedEdges) {
  const std::string dir = ::testing::TempDir();
  const std::string rel = dir + "/synth_rel.jsonl", act = dir + "/synth_act.jsonl",
                    edges = dir + "/synth_edges.tsv";
  ASSERT_EQ(RunSynth("--actors 300 --observations 4000 --blocs 3 --years 2 --seed 9 -o " + rel +
                     " --actors-out " + act + " --edges-out " + edges),
            0);
  const std::vector<std::string> rel_lines = ReadLines(rel);
  ASSERT_EQ(rel_lines.size(), 4000u);
  SynthSpec spec;
  spec.actors = 300;
  spec.observations = 4000;
  spec.blocs = 3;
  spec.years = 2;
  spec.seed = 9;
  const std::vector<Observation> expected = Collect(spec);
  std::map<std::pair<std::string, std::string>, std::pair<double, double>> sums;
  for (size_t i = 0; i < rel_lines.size(); ++i) {
    ASSERT_EQ(rel_lines[i], RelationToJsonLine(expected[i]));
    auto o = ParseRelationLine(rel_lines[i]);
    ASSERT_TRUE(o.ok()) << o.status();
    auto& [activity, stance] = sums[{std::string(o->source), std::string(o->target)}];
    activity += std::abs(o->weight) * o->confidence;
    stance += o->weight;
  }
  const std::vector<std::string> actor_lines = ReadLines(act);
  ASSERT_EQ(actor_lines.size(), 300u);
  for (const std::string& line : actor_lines) EXPECT_TRUE(ParseActorLine(line).ok()) << line;

  const std::vector<std::string> edge_lines = ReadLines(edges);
  ASSERT_EQ(edge_lines.size(), sums.size());
  for (const std::string& line : edge_lines) {
    std::istringstream in(line);
    std::string s, t;
    int sign = 0;
    double weight = 0;
    ASSERT_TRUE(in >> s >> t >> sign >> weight) << line;
    const auto& [activity, stance] = sums.at({s, t});
    EXPECT_NEAR(weight, activity, 1e-9 * activity);
    EXPECT_EQ(sign, (stance > 0) - (stance < 0));
  }
}

TEST(SynthCliTest, WritesToStdoutAndRejectsBadFlagsAndOutputs) {
  const std::string out = ::testing::TempDir() + "/synth_stdout.jsonl";
  ASSERT_EQ(RunSynth("--actors 50 --observations 10 --no-evidence > " + out), 0);
  const std::vector<std::string> lines = ReadLines(out);
  ASSERT_EQ(lines.size(), 10u);
  for (const std::string& line : lines) {
    auto o = ParseRelationLine(line);
    ASSERT_TRUE(o.ok());
    EXPECT_TRUE(o->evidence.sentence.empty());
  }
  EXPECT_EQ(RunSynth("--actors 1 -o " + out), 2);
  EXPECT_EQ(RunSynth("--noise lots -o " + out), 2);
  EXPECT_EQ(RunSynth("--bogus 1"), 2);
  EXPECT_EQ(RunSynth("--actors 100 --observations 1 -o /nonexistent-dir/x.jsonl"), 1);
}

}  // namespace
}  // namespace actorgraph::synth
