#include "tools/import/importer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "graph/actor_graph.h"
#include "graph/relation_jsonl.h"
#include "tests/e2e/server_process.h"
#include "tests/import/test_util.h"

namespace actorgraph::import {
namespace {

using ::actorgraph::testing::TempDir;
using testing::GdeltActor;
using testing::GdeltRow;
using testing::kDataDir;
using testing::kGdeltFixture;
using testing::kIcewsFixture;
using testing::WriteFile;

// What one import of some files gave.
struct ImportRun {
  absl::Status status;
  std::vector<Observation> observations;
  std::vector<std::string> reports;
  ImportStats stats;
  std::vector<Actor> created;

  const Observation* Find(std::string_view id) const {
    for (const Observation& o : observations) {
      if (std::string_view(o.id) == id) return &o;
    }
    return nullptr;
  }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const Observation& o : observations) ids.push_back(std::string(o.id));
    return ids;
  }
};

ImportRun Import(const std::vector<std::string>& paths, ImportOptions options, bool dict = false) {
  ActorMapper actors;
  if (dict) {
    EXPECT_TRUE(actors.LoadDictionary(kDataDir).ok());
  }
  Importer importer(options, &actors);
  ImportRun run;
  for (const std::string& path : paths) {
    run.status = importer.ImportFile(
        path, [&](const Observation& o) { run.observations.push_back(o); },
        [&](const std::string& msg) { run.reports.push_back(msg); });
    if (!run.status.ok()) break;
  }
  run.stats = importer.stats();
  run.created = actors.CreatedActors();
  return run;
}

ImportOptions Gdelt() { return ImportOptions{}; }
ImportOptions Icews() {
  ImportOptions o;
  o.format = Format::kIcews;
  return o;
}

TEST(ImportGdeltTest, ReportsMalformedRowsByLineAndCountsTheRest) {
  ImportRun run = Import({kGdeltFixture}, Gdelt());
  ASSERT_TRUE(run.status.ok()) << run.status;
  const std::string f = kGdeltFixture;
  EXPECT_EQ(run.reports,
            (std::vector<std::string>{
                f + ":11: expected 61 tab-separated columns (a GDELT 2.0 event export), found 30",
                f + ":12: SQLDATE \"20201341\" is not a YYYYMMDD calendar date",
                f + ":13: GoldsteinScale \"strong\" is not a number in [-10, 10]"}));
  EXPECT_EQ(run.stats.files, 1);
  EXPECT_EQ(run.stats.rows, 17);
  EXPECT_EQ(run.stats.written, 10);
  EXPECT_EQ(run.stats.malformed, 3);
  EXPECT_EQ(run.stats.skipped[static_cast<int>(Skip::kNoKind)], 1);
  EXPECT_EQ(run.stats.no_kind_by_root[1], 1);
  EXPECT_EQ(run.stats.skipped[static_cast<int>(Skip::kOneActor)], 1);
  EXPECT_EQ(run.stats.skipped[static_cast<int>(Skip::kGenericActor)], 1);
  EXPECT_EQ(run.stats.skipped[static_cast<int>(Skip::kSelfRelation)], 1);
  EXPECT_EQ(run.observations.size(), 10u);
}

TEST(ImportGdeltTest, MapsActorsKindsWeightsAndEvidence) {
  ImportRun run = Import({kGdeltFixture}, Gdelt());
  const Observation* aid = run.Find("gdelt-700002");
  ASSERT_NE(aid, nullptr);
  EXPECT_EQ(std::string(aid->source), "tur-mil");
  EXPECT_EQ(std::string(aid->source_name), "Military (TUR)");
  EXPECT_EQ(std::string(aid->source_country), "TUR");
  EXPECT_EQ(std::string(aid->target), "lby-gov");
  EXPECT_EQ(aid->kind, RelationKind::kAid);
  EXPECT_EQ(aid->sign, 1);
  EXPECT_DOUBLE_EQ(aid->weight, 7.4);
  EXPECT_EQ(std::string(aid->cameo), "062");
  EXPECT_EQ(FormatDay(aid->date), "2020-01-05");
  EXPECT_DOUBLE_EQ(aid->confidence, ConfidenceFromCounts(3, 8));
  EXPECT_EQ(std::string(aid->evidence.doc), "gdelt-700002");
  EXPECT_EQ(std::string(aid->evidence.url), "https://news.example.org/libya/ankara-sends-advisers");
  EXPECT_EQ(std::string(aid->evidence.sentence),
            "TURKISH ARMY (TURMIL) AID [062] TRIPOLI AUTHORITIES (LBYGOV)");

  const Observation* threat = run.Find("gdelt-700003");
  ASSERT_NE(threat, nullptr);
  EXPECT_EQ(threat->kind, RelationKind::kThreaten);
  EXPECT_EQ(threat->sign, -1);
  EXPECT_DOUBLE_EQ(threat->weight, -7.0);

  const Observation* un = run.Find("gdelt-700006");  // a known group, without a country
  ASSERT_NE(un, nullptr);
  EXPECT_EQ(std::string(un->source), "united-nations");
  EXPECT_EQ(std::string(un->source_country), "");
  EXPECT_EQ(un->kind, RelationKind::kMediate);

  // The made-up actors carry their kind and their role in their state.
  std::map<std::string, Actor> made;
  for (const Actor& a : run.created) made[a.id] = a;
  ASSERT_TRUE(made.count("lby-gov"));
  EXPECT_EQ(made["lby-gov"].kind, ActorKind::kGovernment);
  ASSERT_EQ(made["lby-gov"].roles.size(), 1u);
  EXPECT_EQ(made["lby-gov"].roles[0].target, "lby");
  EXPECT_EQ(made["lby-reb"].kind, ActorKind::kArmedGroup);
  EXPECT_TRUE(made["lby-reb"].roles.empty());
  EXPECT_EQ(made["lby"].kind, ActorKind::kState);
  EXPECT_EQ(made["united-nations"].kind, ActorKind::kIgo);
}

TEST(ImportGdeltTest, TheDictionaryJoinsStatesAndNamesToTheBundledGraph) {
  ImportRun run = Import({kGdeltFixture}, Gdelt(), /*dict=*/true);
  EXPECT_EQ(std::string(run.Find("gdelt-700001")->source), "russia");
  EXPECT_EQ(std::string(run.Find("gdelt-700001")->target), "libya-reb");
  EXPECT_EQ(std::string(run.Find("gdelt-700001")->target_name), "Rebels (Libya)");
  EXPECT_EQ(std::string(run.Find("gdelt-700006")->source), "un");
  EXPECT_EQ(std::string(run.Find("gdelt-700017")->source), "romania");  // legacy code ROM
  for (const Actor& a : run.created) {
    EXPECT_NE(a.id, "russia") << "dictionary actors are not made up again";
  }
}

TEST(ImportGdeltTest, ReimportingGivesTheSameIdsAndDistinctEventsStayDistinct) {
  ImportRun first = Import({kGdeltFixture}, Gdelt());
  ImportRun second = Import({kGdeltFixture}, Gdelt(), /*dict=*/true);
  EXPECT_EQ(first.Ids(), second.Ids());  // ids come from the event, not from the mapping
  // Two events alike in every way but their GLOBALEVENTID stay two observations.
  TempDir dir;
  const GdeltActor rus{"RUS", "RUSSIA", "RUS", "", ""}, tur{"TUR", "TURKEY", "TUR", "", ""};
  WriteFile(dir.path() + "/twins.CSV", GdeltRow("1", "20200113", rus, tur, "042") + "\n" +
                                           GdeltRow("2", "20200113", rus, tur, "042") + "\n");
  ImportRun twins = Import({dir.path() + "/twins.CSV"}, Gdelt());
  ASSERT_EQ(twins.observations.size(), 2u);
  EXPECT_NE(std::string(twins.observations[0].id), std::string(twins.observations[1].id));
  ActorGraph graph;
  for (const Observation& o : twins.observations) EXPECT_TRUE(*graph.AddObservation(o));
  for (const Observation& o : twins.observations) EXPECT_FALSE(*graph.AddObservation(o));
  EXPECT_EQ(graph.observation_count(), 2u);
}

struct SignCase {
  const char* code;
  const char* goldstein;
  RelationKind kind;
  double weight;
};

void PrintTo(const SignCase& c, std::ostream* os) { *os << c.code << " " << c.goldstein; }

class ImportGdeltSignTest : public ::testing::TestWithParam<SignCase> {};

// The kind decides the sign; the Goldstein score only the size (0: the kind's default).
TEST_P(ImportGdeltSignTest, KindAndSignFollowTheEventCode) {
  const SignCase& c = GetParam();
  TempDir dir;
  WriteFile(dir.path() + "/row.CSV",
            GdeltRow("9", "20200101", {"EGY", "EGYPT", "EGY", "", ""},
                     {"TURGOV", "ANKARA", "TUR", "", "GOV"}, c.code, c.goldstein) +
                "\n");
  ImportRun run = Import({dir.path() + "/row.CSV"}, Gdelt());
  ASSERT_EQ(run.observations.size(), 1u) << c.code;
  const Observation& o = run.observations[0];
  EXPECT_EQ(o.kind, c.kind) << c.code;
  EXPECT_EQ(o.sign, Info(c.kind).sign) << c.code;
  EXPECT_DOUBLE_EQ(o.weight, c.weight) << c.code;
  // And the line it becomes is one the graph accepts.
  EXPECT_TRUE(ParseRelationLine(RelationToJsonLine(o)).ok()) << c.code;
}

INSTANTIATE_TEST_SUITE_P(Codes, ImportGdeltSignTest,
                         ::testing::Values(SignCase{"051", "3.4", RelationKind::kSupport, 3.4},
                                           SignCase{"043", "2.8", RelationKind::kMeet, 2.8},
                                           SignCase{"046", "7.0", RelationKind::kMediate, 7.0},
                                           SignCase{"057", "8.0", RelationKind::kCooperate, 8.0},
                                           SignCase{"0622", "7.4", RelationKind::kAid, 7.4},
                                           SignCase{"112", "-2.0", RelationKind::kCriticize, -2.0},
                                           SignCase{"112", "2.0", RelationKind::kCriticize, -2.0},
                                           SignCase{"128", "-4.0", RelationKind::kReject, -4.0},
                                           SignCase{"150", "-7.2", RelationKind::kThreaten, -7.2},
                                           SignCase{"163", "-8.0", RelationKind::kSanction, -8.0},
                                           SignCase{"193", "-10", RelationKind::kFight, -10.0},
                                           SignCase{"036", "0", RelationKind::kSupport, 3.5},
                                           SignCase{"190", "", RelationKind::kFight, -10.0}),
                         [](const ::testing::TestParamInfo<SignCase>& info) {
                           return "Case" + std::to_string(info.index) + "Code" + info.param.code;
                         });

TEST(ImportGdeltTest, BadBytesAndBadFieldsAreReportedWithTheirLineNumbers) {
  TempDir dir;
  const GdeltActor rus{"RUS", "RUSSIA", "RUS", "", ""}, tur{"TUR", "TURKEY", "TUR", "", ""};
  std::string good = GdeltRow("1", "20200113", rus, tur, "042");
  std::string bad_utf8 =
      GdeltRow("2", "20200113", {"RUS", "MOSC\xC3(W", "RUS", "", ""}, tur, "042");
  std::string nul = good;
  nul[3] = '\0';
  std::string garbage = "\x89PNG\r\n\x1a\n\x01\x02";
  std::string bad_country = GdeltRow("5", "20200113", {"RU", "RUSSIA", "RU", "", ""}, tur, "042");
  std::string bad_code = GdeltRow("6", "20200113", rus, tur, "ABC");
  std::string bad_count = GdeltRow("7", "20200113", rus, tur, "042", "1.0", "many");
  WriteFile(dir.path() + "/mixed.CSV", good + "\n" + bad_utf8 + "\n" + nul + "\n" + garbage + "\n" +
                                           bad_country + "\n" + bad_code + "\n" + bad_count + "\n" +
                                           good + "\n");
  ImportRun run = Import({dir.path() + "/mixed.CSV"}, Gdelt());
  ASSERT_TRUE(run.status.ok()) << run.status;
  std::vector<std::string> where;
  for (const std::string& r : run.reports) {
    where.push_back(r.substr(dir.path().size() + 11));  // after "/mixed.CSV:"
  }
  const std::string columns =
      "expected 61 tab-separated columns (a GDELT 2.0 event export), found 1";
  EXPECT_EQ(where, (std::vector<std::string>{
                       "2: invalid UTF-8",
                       "3: binary data (a NUL byte) in the row",
                       "4: invalid UTF-8",  // the PNG signature's first line
                       "5: " + columns,     // and its next two
                       "6: " + columns,
                       "7: Actor1CountryCode \"RU\" is not a 3-letter code",
                       "8: EventCode \"ABC\" is not a CAMEO event code",
                       "9: NumMentions \"many\" is not a count",
                   }));
  EXPECT_EQ(run.stats.written, 2);  // lines 1 and 10, the same event twice
  EXPECT_EQ(run.stats.malformed, 8);
}

TEST(ImportGdeltTest, MaxErrorsStopsTheRun) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "not\ta\tgdelt\trow\n";
  WriteFile(dir.path() + "/bad.CSV", text);
  ImportOptions options;
  options.max_errors = 3;
  ImportRun run = Import({dir.path() + "/bad.CSV"}, options);
  EXPECT_EQ(run.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(run.status.message().find("bad.CSV:3: stopped after 3 malformed rows"),
            absl::string_view::npos)
      << run.status;
  EXPECT_EQ(run.reports.size(), 3u);
  EXPECT_EQ(run.stats.files, 0);
}

TEST(ImportGdeltTest, DateWindowConfidenceAndExtendedKindsFilter) {
  ImportOptions options;
  options.since = *ParseDay("2020-01-13");
  options.until = *ParseDay("2020-01-16");
  ImportRun window = Import({kGdeltFixture}, options);
  for (const Observation& o : window.observations) {
    EXPECT_GE(o.date, options.since);
    EXPECT_LE(o.date, options.until);
  }
  EXPECT_EQ(window.observations.size(), 4u);
  EXPECT_EQ(window.stats.skipped[static_cast<int>(Skip::kOutsideDates)], 6);

  ImportOptions confident;
  confident.min_confidence = 0.8;
  ImportRun sure = Import({kGdeltFixture}, confident);
  for (const Observation& o : sure.observations) EXPECT_GE(o.confidence, 0.8);
  EXPECT_EQ(sure.observations.size(), 3u);

  TempDir dir;
  WriteFile(dir.path() + "/protest.CSV",
            GdeltRow("1", "20200113", {"LBYCVL", "PROTESTERS", "LBY", "", "CVL"},
                     {"LBYGOV", "TRIPOLI", "LBY", "", "GOV"}, "141", "-6.5") +
                "\n");
  EXPECT_TRUE(Import({dir.path() + "/protest.CSV"}, Gdelt()).observations.empty());
  ImportOptions extended;
  extended.extended_kinds = true;
  ImportRun protest = Import({dir.path() + "/protest.CSV"}, extended);
  ASSERT_EQ(protest.observations.size(), 1u);
  EXPECT_EQ(protest.observations[0].kind, RelationKind::kCriticize);
  EXPECT_EQ(std::string(protest.observations[0].cameo), "141");
}

TEST(ImportGdeltTest, AnIcewsFileIsRecognisedAndRefused) {
  ImportRun run = Import({kIcewsFixture}, Gdelt());
  EXPECT_EQ(run.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(run.status.message().find("actorgraph-import icews"), absl::string_view::npos);
}

TEST(ImportGdeltTest, ConfidenceGrowsWithSourcesAndMentions) {
  EXPECT_DOUBLE_EQ(ConfidenceFromCounts(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(ConfidenceFromCounts(0, 0), 0.5);
  double last = 0;
  for (int s = 1; s < 50; ++s) {
    EXPECT_GT(ConfidenceFromCounts(s, s), last);
    EXPECT_GE(ConfidenceFromCounts(s, s * 3), ConfidenceFromCounts(s, s));
    last = ConfidenceFromCounts(s, s);
  }
  EXPECT_LT(ConfidenceFromCounts(1000000, 1000000), 1.0 + 1e-12);
}

TEST(ImportIcewsTest, ReadsTheFixtureByHeaderNames) {
  ImportRun run = Import({kIcewsFixture}, Icews(), /*dict=*/true);
  ASSERT_TRUE(run.status.ok()) << run.status;
  const std::string f = kIcewsFixture;
  EXPECT_EQ(run.reports,
            (std::vector<std::string>{
                f + ":8: Event Date \"2020-02-30\" is not a YYYY-MM-DD calendar date",
                f + ":9: expected 20 tab-separated columns (as the header has), found 12"}));
  EXPECT_EQ(run.stats.rows, 11);
  EXPECT_EQ(run.stats.written, 7);
  EXPECT_EQ(run.stats.no_kind_by_root[1], 1);
  EXPECT_EQ(run.stats.no_kind_by_root[14], 1);

  const Observation* endorse = run.Find("icews-26000001-2020-01-08");
  ASSERT_NE(endorse, nullptr);
  EXPECT_EQ(std::string(endorse->source), "russia");
  EXPECT_EQ(std::string(endorse->source_country), "RUS");
  EXPECT_EQ(std::string(endorse->target), "haftar");  // a dictionary person, by name
  EXPECT_EQ(endorse->kind, RelationKind::kSupport);
  EXPECT_DOUBLE_EQ(endorse->weight, 3.4);
  EXPECT_DOUBLE_EQ(endorse->confidence, 0.5);
  EXPECT_EQ(std::string(endorse->evidence.doc), "icews-story-51000001");
  EXPECT_EQ(std::string(endorse->evidence.sentence),
            "Russia Praise or endorse [051] Khalifa Haftar");

  // Sector agents share ids with GDELT's state organs.
  const Observation* aid = run.Find("icews-26000002-2020-01-05");
  ASSERT_NE(aid, nullptr);
  EXPECT_EQ(std::string(aid->source), "turkey-mil");
  EXPECT_EQ(std::string(aid->target), "libya-gov");
  // The same Event ID on two dates: two events.
  EXPECT_NE(run.Find("icews-26000003-2020-01-20"), nullptr);
  EXPECT_NE(run.Find("icews-26000003-2020-01-21"), nullptr);
  // "42" lost its leading zero on the way.
  ASSERT_NE(run.Find("icews-26000005-2020-01-13"), nullptr);
  EXPECT_EQ(std::string(run.Find("icews-26000005-2020-01-13")->cameo), "042");
  EXPECT_EQ(run.Find("icews-26000005-2020-01-13")->kind, RelationKind::kMeet);
  EXPECT_EQ(std::string(run.Find("icews-26000010-2020-01-16")->source), "libya-reb");

  std::map<std::string, Actor> made;
  for (const Actor& a : run.created) made[a.id] = a;
  ASSERT_TRUE(made.count("ayla-demir"));
  EXPECT_EQ(made["ayla-demir"].country, "TUR");
  ASSERT_EQ(made["ayla-demir"].roles.size(), 1u);
  EXPECT_EQ(made["ayla-demir"].roles[0].target, "turkey");
  EXPECT_EQ(made["nordic-relief-council"].kind, ActorKind::kNgo);
}

TEST(ImportIcewsTest, ColumnOrderDoesNotMatter) {
  // The fixture with its columns reversed, header included.
  TempDir dir;
  std::string reversed;
  for (const std::string& line : testing::Lines(testing::ReadFile(kIcewsFixture))) {
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    std::reverse(cols.begin(), cols.end());
    for (size_t i = 0; i < cols.size(); ++i) reversed += (i ? "\t" : "") + cols[i];
    reversed += "\n";
  }
  WriteFile(dir.path() + "/reversed.tab", reversed);
  ImportRun original = Import({kIcewsFixture}, Icews());
  ImportRun shuffled = Import({dir.path() + "/reversed.tab"}, Icews());
  ASSERT_TRUE(shuffled.status.ok()) << shuffled.status;
  ASSERT_EQ(original.observations.size(), shuffled.observations.size());
  for (size_t i = 0; i < original.observations.size(); ++i) {
    EXPECT_EQ(RelationToJsonLine(original.observations[i]),
              RelationToJsonLine(shuffled.observations[i]));
  }
}

TEST(ImportIcewsTest, AHeaderWithoutARequiredColumnRefusesTheFile) {
  TempDir dir;
  WriteFile(dir.path() + "/no-cameo.tab",
            "Event ID\tEvent Date\tSource Name\tTarget Name\n1\t2020-01-01\tA\tB\n");
  ImportRun run = Import({dir.path() + "/no-cameo.tab"}, Icews());
  EXPECT_EQ(run.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(run.status.message().find("no-cameo.tab:1: not an ICEWS event file"),
            absl::string_view::npos)
      << run.status;
  EXPECT_NE(run.status.message().find("\"cameo code\""), absl::string_view::npos);
}

// Every observation of both fixtures goes into the real graph through its own JSONL codec.
TEST(ImportGraphTest, EveryImportedLineLoadsIntoTheActorGraph) {
  for (bool dict : {false, true}) {
    ImportRun gdelt = Import({kGdeltFixture}, Gdelt(), dict);
    ImportRun icews = Import({kIcewsFixture}, Icews(), dict);
    ActorGraph graph;
    for (const ImportRun* run : {&gdelt, &icews}) {
      for (const Actor& a : run->created) ASSERT_TRUE(graph.UpsertActor(a).ok()) << a.id;
      for (const Observation& o : run->observations) {
        std::string line;
        AppendRelationJson(o, line);
        auto parsed = ParseRelationLine(line);
        ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << line;
        EXPECT_EQ(std::string(parsed->id), std::string(o.id));
        EXPECT_EQ(std::string(parsed->source), std::string(o.source));
        EXPECT_EQ(std::string(parsed->target), std::string(o.target));
        EXPECT_EQ(parsed->kind, o.kind);
        EXPECT_EQ(parsed->date, o.date);
        auto added = graph.AddObservation(*std::move(parsed));
        ASSERT_TRUE(added.ok()) << added.status();
        EXPECT_TRUE(*added) << o.id;
      }
    }
    EXPECT_EQ(graph.observation_count(), 17u);
    const Actor* gov = graph.FindActor(dict ? "libya-gov" : "lby-gov");
    ASSERT_NE(gov, nullptr);
    EXPECT_EQ(gov->kind, ActorKind::kGovernment);
  }
}

}  // namespace
}  // namespace actorgraph::import
