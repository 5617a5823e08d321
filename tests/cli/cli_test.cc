// End to end: the real `actorgraph` CLI against the real server seeded with the bundled demo
// graph (the Libyan war, plus Karabakh and Yemen). Every analytics command answers in text and
// in --json; the drawing formats parse; usage errors exit 2 and server errors exit 1.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/cli/format_checks.h"
#include "tests/e2e/server_process.h"

namespace actorgraph::testing {
namespace {

using nlohmann::json;

const std::string kServer = ACTORGRAPH_SERVER_BIN;
const std::string kCli = ACTORGRAPH_CLI_BIN;

// Canonical protobuf JSON prints int64 as strings and omits default values.
long long Int(const json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const json& v = j.at(key);
  return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<long long>();
}
double Num(const json& j, const char* key) { return j.value(key, 0.0); }
bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(kServer, {"--db", dir_->path() + "/demo.db"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_->port(), 0) << server_->log(); }

  static CommandResult Cli(const std::string& args, bool merge_stderr = false) {
    return RunCommand(kCli + " --server " + server_->address() + " " + args, merge_stderr);
  }
  // Runs `args`; fails the test unless it exits 0 and prints every one of `needles`.
  static std::string Text(const std::string& args, const std::vector<std::string>& needles) {
    CommandResult r = Cli(args, /*merge_stderr=*/true);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    for (const auto& needle : needles) {
      EXPECT_NE(r.output.find(needle), std::string::npos)
          << args << " does not print \"" << needle << "\":\n"
          << r.output;
    }
    return r.output;
  }
  // Runs `args` with --json; fails the test unless it exits 0 with valid JSON.
  static json Json(const std::string& args) {
    CommandResult r = Cli("--json " + args, /*merge_stderr=*/true);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    json j = json::parse(r.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << args << " printed no JSON:\n" << r.output;
    return j.is_discarded() ? json::object() : j;
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};

TempDir* CliTest::dir_ = nullptr;
ServerProcess* CliTest::server_ = nullptr;

// Russia and Haftar in one bloc, Turkey and the GNA in another, and Haftar's rejection of the
// Russian-Turkish ceasefire listed as a tension inside his own camp.
::testing::AssertionResult ShowsTheLibyanCamps(const json& alliances) {
  std::map<std::string, int> bloc;
  for (const auto& b : alliances.value("blocs", json::array())) {
    for (const auto& m : b.value("members", json::array())) {
      bloc[m.value("actor", "")] = b.value("index", 0);
    }
  }
  for (const char* a : {"russia", "haftar", "turkey", "gna"}) {
    if (!bloc.count(a)) return ::testing::AssertionFailure() << a << " is in no bloc";
  }
  if (bloc["russia"] != bloc["haftar"]) {
    return ::testing::AssertionFailure()
           << "russia (bloc " << bloc["russia"] << ") and haftar (bloc " << bloc["haftar"]
           << ") are apart";
  }
  if (bloc["turkey"] != bloc["gna"]) {
    return ::testing::AssertionFailure() << "turkey and gna are apart";
  }
  if (bloc["russia"] == bloc["turkey"]) {
    return ::testing::AssertionFailure() << "russia and turkey share a bloc";
  }
  for (const auto& t : alliances.value("tensions", json::array())) {
    const std::set<std::string> pair = {t.value("source", ""), t.value("target", "")};
    if (pair != std::set<std::string>{"haftar", "russia"} || !t.value("withinBloc", false)) {
      continue;
    }
    for (const auto& r : t.value("evidence", json::array())) {
      if (r.value("kind", "") == "REJECT" && r.value("source", "") == "haftar") {
        return ::testing::AssertionSuccess();
      }
    }
  }
  return ::testing::AssertionFailure()
         << "no within-bloc tension haftar~russia with Haftar's REJECT as evidence";
}

TEST_F(CliTest, AlliancesOnTheWholeDemoGraphShowTheLibyanCamps) {
  json j = Json("alliances");
  EXPECT_TRUE(ShowsTheLibyanCamps(j)) << j.dump(1);
}

TEST_F(CliTest, AlliancesAroundHaftarShowTheLibyanCamps) {
  json j = Json("alliances --around haftar");
  EXPECT_TRUE(ShowsTheLibyanCamps(j)) << j.dump(1);
  EXPECT_GE(Num(j, "frustrationIndex"), 0.0);
  EXPECT_LE(Num(j, "frustrationIndex"), 1.0);
  EXPECT_FALSE(j.value("method", "").empty());
}

TEST_F(CliTest, AlliancesTextNamesEachBlocAndQuotesTheTensionEvidence) {
  Text("alliances --around haftar", {"frustration", "Bloc 1: ", "Bloc 2: ", "attachment",
                                     "Tensions (", "inside bloc", "haftar REJECT russia: \""});
}

TEST_F(CliTest, AlliancesDrawAsDotGraphMlAndCsv) {
  CommandResult dot = Cli("alliances --around haftar --format dot");
  ASSERT_EQ(dot.exit_code, 0) << dot.output;
  size_t nodes = 0, edges = 0;
  EXPECT_TRUE(DotIsStructurallyValid(dot.output, &nodes, &edges)) << dot.output;
  EXPECT_GE(nodes, 4u);
  EXPECT_GE(edges, 3u);
  EXPECT_TRUE(Contains(dot.output, "subgraph \"cluster_bloc_0\"")) << dot.output;
  EXPECT_TRUE(Contains(dot.output, "style=dashed")) << dot.output;  // the tension

  if (!Python().empty()) {
    CommandResult xml = Cli("alliances --around haftar --format graphml");
    ASSERT_EQ(xml.exit_code, 0);
    EXPECT_TRUE(GraphMlIsWellFormed(xml.output, *dir_)) << xml.output;
    EXPECT_TRUE(Contains(xml.output, "<data key=\"e_tension\">true</data>"));
    EXPECT_TRUE(Contains(xml.output, "attr.name=\"bloc\""));
  }

  CommandResult csv = Cli("alliances --around haftar --format csv");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_TRUE(CsvHasConsistentColumns(csv.output, "source")) << csv.output;
  EXPECT_TRUE(Contains(csv.output, "source_bloc,target_bloc"));
  CommandResult members = Cli("alliances --around haftar --format csv-nodes");
  ASSERT_EQ(members.exit_code, 0);
  EXPECT_TRUE(CsvHasConsistentColumns(members.output, "id")) << members.output;
  EXPECT_TRUE(Contains(members.output, "bloc,attachment"));
}

TEST_F(CliTest, AlliesOfTurkeyAreExplainedByTheirPaths) {
  // "turkey -(" opens an explaining path.
  Text("allies turkey", {"Allies of turkey", "Adversaries of turkey", "turkey -("});

  json j = Json("allies turkey");
  EXPECT_EQ(j.value("actor", ""), "turkey");
  bool gna = false, haftar = false;
  for (const auto& a : j.value("allies", json::array())) {
    EXPECT_GT(Num(a, "score"), 0.0);
    const auto& actors = a.at("explanation").at("actors");
    EXPECT_EQ(actors.front(), "turkey");
    EXPECT_EQ(actors.back(), a.value("actor", ""));
    gna = gna || a.value("actor", "") == "gna";
  }
  for (const auto& a : j.value("adversaries", json::array())) {
    EXPECT_LT(Num(a, "score"), 0.0);
    haftar = haftar || a.value("actor", "") == "haftar";
  }
  EXPECT_TRUE(gna) << j.dump(1);
  EXPECT_TRUE(haftar) << j.dump(1);
}

TEST_F(CliTest, InferredAlliesRestOnBalancePaths) {
  json j = Json("allies haftar --inferred --max-hops 2");
  int inferred = 0;
  for (const char* side : {"allies", "adversaries"}) {
    for (const auto& a : j.value(side, json::array())) {
      if (a.value("direct", false)) continue;
      ++inferred;
      EXPECT_GE(a.at("explanation").at("edges").size(), 2u) << a.dump();
    }
  }
  EXPECT_GT(inferred, 0) << j.dump(1);
  Text("allies haftar --inferred --evidence 1", {"inferred"});
}

TEST_F(CliTest, StanceSumsFriendlyAndHostileParts) {
  Text("stance russia haftar", {"russia <-> haftar", "REJECT", "Strongest evidence"});

  json j = Json("stance russia haftar");
  EXPECT_EQ(j.value("a", ""), "russia");
  EXPECT_EQ(j.value("b", ""), "haftar");
  EXPECT_GE(Int(j, "count"), 2);
  EXPECT_NEAR(Num(j, "score"), Num(j, "positive") + Num(j, "negative"), 1e-9);
  std::set<std::string> kinds;
  for (const auto& k : j.value("byKind", json::array())) kinds.insert(k.value("kind", ""));
  EXPECT_TRUE(kinds.count("REJECT")) << j.dump(1);
  EXPECT_FALSE(j.value("evidence", json::array()).empty());

  json directed = Json("stance haftar russia --directed --kinds REJECT");
  EXPECT_LT(Num(directed, "score"), 0.0);
}

TEST_F(CliTest, TimelinePrintsBucketsAndASparkline) {
  const std::string text = Text("timeline turkey haftar", {"per month", "cumulative  ", "|"});
  bool spark = false;
  for (const char* level : {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}) {
    spark = spark || Contains(text, level);
  }
  EXPECT_TRUE(spark) << text;

  json j = Json("timeline turkey haftar --bucket quarter");
  const auto points = j.value("points", json::array());
  ASSERT_FALSE(points.empty()) << j.dump(1);
  double sum = 0;
  for (const auto& p : points) sum += Num(p, "score");
  EXPECT_NEAR(Num(points.back(), "cumulative"), sum, 1e-9);
  EXPECT_LT(sum, 0.0);  // Turkey and Haftar fought
}

TEST_F(CliTest, PathTakesKCostAndPathSign) {
  json negative = Json("path russia gna --k 3 --cost confidence --path-sign negative");
  const auto paths = negative.value("paths", json::array());
  ASSERT_FALSE(paths.empty()) << negative.dump(1);
  for (const auto& p : paths) {
    EXPECT_EQ(p.value("sign", 0), -1) << p.dump();
    EXPECT_GT(Num(p, "cost"), 0.0);
  }
  json positive = Json("path russia gna --k 2 --path-sign positive");
  for (const auto& p : positive.value("paths", json::array())) EXPECT_EQ(p.value("sign", 0), 1);

  Text("path russia gna --k 2 --path-sign negative --cost confidence", {"overall sign -, cost "});
}

TEST_F(CliTest, NeighborsListTheEgoFirstAndDraw) {
  Text("neighbors haftar", {"depth", "relation edge(s)"});

  json j = Json("neighbors haftar --radius 2");
  const auto nodes = j.value("nodes", json::array());
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes.front().value("actor", ""), "haftar");
  std::set<std::string> ids;
  for (const auto& n : nodes) ids.insert(n.value("actor", ""));
  for (const auto& e : j.value("edges", json::array())) {
    EXPECT_TRUE(ids.count(e.value("source", "")) && ids.count(e.value("target", ""))) << e.dump();
  }

  CommandResult dot = Cli("neighbors haftar --radius 2 --format dot");
  ASSERT_EQ(dot.exit_code, 0);
  size_t dot_nodes = 0;
  EXPECT_TRUE(DotIsStructurallyValid(dot.output, &dot_nodes)) << dot.output;
  EXPECT_EQ(dot_nodes, ids.size());
  CommandResult csv = Cli("neighbors haftar --radius 2 --format csv");
  EXPECT_TRUE(CsvHasConsistentColumns(csv.output, "source")) << csv.output;
  if (!Python().empty()) {
    CommandResult xml = Cli("neighbors haftar --radius 2 --format graphml");
    EXPECT_TRUE(GraphMlIsWellFormed(xml.output, *dir_)) << xml.output;
  }
}

TEST_F(CliTest, RankByEveryMeasure) {
  for (const std::string by : {"degree", "pagerank", "betweenness"}) {
    json j = Json("rank --limit 5 --by " + by);
    EXPECT_EQ(j.value("method", "").rfind(by, 0), 0u) << j.dump(1);
    const auto actors = j.value("actors", json::array());
    ASSERT_FALSE(actors.empty());
    EXPECT_LE(actors.size(), 5u);
    for (size_t i = 0; i < actors.size(); ++i) {
      EXPECT_EQ(actors[i].value("rank", 0), static_cast<int>(i) + 1);
      if (i > 0) {
        EXPECT_LE(Num(actors[i], "score"), Num(actors[i - 1], "score"));
      }
    }
    Text("rank --by " + by, {"rank  " + by});
  }
}

TEST_F(CliTest, BalanceCountsTriangles) {
  json j = Json("balance --limit 3");
  EXPECT_GT(Int(j, "balanced") + Int(j, "unbalanced"), 0) << j.dump(1);
  EXPECT_GE(Num(j, "ratio"), 0.0);
  EXPECT_LE(Num(j, "ratio"), 1.0);
  EXPECT_LE(j.value("actors", json::array()).size(), 3u);
  Text("balance", {"Signed triangles: "});
}

TEST_F(CliTest, ExportAggregatesEveryRelation) {
  CommandResult csv = Cli("export");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  ASSERT_TRUE(CsvHasConsistentColumns(csv.output, "source")) << csv.output;
  std::vector<std::vector<std::string>> records;
  ASSERT_TRUE(ParseCsv(csv.output, &records));
  const size_t count_column = 7;  // source,target,source_name,target_name,kind,sign,weight,count
  ASSERT_EQ(records[0][count_column], "count");
  long long observations = 0;
  for (size_t i = 1; i < records.size(); ++i) observations += std::stoll(records[i][count_column]);

  // The JSON export holds the same edges and observations.
  json j = Json("export");
  long long json_observations = 0;
  for (const auto& e : j.value("edges", json::array())) json_observations += Int(e, "count");
  EXPECT_EQ(observations, json_observations);
  EXPECT_EQ(records.size() - 1, j.value("edges", json::array()).size());
  // Haftar's relations, listed directly, are all in the export.
  json haftar = Json("relations haftar --limit 1000");
  long long touching = 0;
  for (size_t i = 1; i < records.size(); ++i) {
    if (records[i][0] == "haftar" || records[i][1] == "haftar") {
      touching += std::stoll(records[i][count_column]);
    }
  }
  EXPECT_EQ(touching, Int(haftar, "totalSize"));

  CommandResult rejects = Cli("export --kinds REJECT");
  ASSERT_TRUE(ParseCsv(rejects.output, &records));
  ASSERT_GT(records.size(), 1u);
  for (size_t i = 1; i < records.size(); ++i) EXPECT_EQ(records[i][4], "REJECT");

  CommandResult nodes = Cli("export --format csv-nodes");
  EXPECT_TRUE(CsvHasConsistentColumns(nodes.output, "id")) << nodes.output;
  CommandResult dot = Cli("export --format dot");
  EXPECT_TRUE(DotIsStructurallyValid(dot.output)) << dot.output;
  if (!Python().empty()) {
    CommandResult xml = Cli("export --format graphml");
    EXPECT_TRUE(GraphMlIsWellFormed(xml.output, *dir_)) << xml.output;
  }
}

TEST_F(CliTest, DotRendersWithGraphvizWhenInstalled) {
  if (RunCommand("command -v dot >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "graphviz (dot) not installed";
  }
  for (const std::string cmd :
       {"alliances --around haftar", "neighbors haftar --radius 2", "export"}) {
    CommandResult r = Cli(cmd + " --format dot | dot -Tsvg >/dev/null", /*merge_stderr=*/true);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
    EXPECT_FALSE(Contains(r.output, "Warning")) << cmd << "\n" << r.output;
  }
}

TEST_F(CliTest, UnknownActorsExitOneWithNotFound) {
  for (const std::string cmd :
       {"actor atlantis", "stance atlantis gna", "timeline gna atlantis", "allies atlantis",
        "neighbors atlantis", "path atlantis gna", "alliances --around atlantis"}) {
    CommandResult r = Cli(cmd, /*merge_stderr=*/true);
    EXPECT_EQ(r.exit_code, 1) << cmd << "\n" << r.output;
    EXPECT_TRUE(Contains(r.output, "NOT_FOUND")) << cmd << "\n" << r.output;
  }
}

TEST_F(CliTest, BadCommandLinesExitTwoWithAMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no command given"},
      {"nosuch", "unknown command \"nosuch\""},
      {"--bogus actor gna", "unknown flag --bogus"},
      {"alliances --bogus", "unknown flag --bogus for alliances"},
      {"alliances --blocs two", "--blocs"},
      {"neighbors haftar --format pdf", "--format must be one of"},
      {"--json neighbors haftar --format dot", "exclude each other"},
      {"rank --by fame", "--by must be one of"},
      {"path russia gna --k many", "--k"},
      {"path russia gna --cost cheap", "--cost must be one of"},
      {"path russia gna --path-sign up", "--path-sign must be one of"},
      {"stance russia", "expected two actors"},
      {"timeline turkey haftar --bucket decade", "--bucket must be one of"},
      {"timeline turkey haftar --since 2020/01/01", "YYYY-MM-DD"},
      {"allies turkey --kinds HUG", "unknown relation kind"},
      {"export --format table", "export writes"},
      {"--timeout 0 actor gna", "--timeout"},
      {"help nosuch", "is not a command"},
      {"stance russia haftar --directed=yes", "unknown flag --directed"},
  };
  for (const auto& [args, message] : cases) {
    CommandResult r = Cli(args, /*merge_stderr=*/true);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_TRUE(Contains(r.output, message)) << args << "\n" << r.output;
  }
}

TEST_F(CliTest, HelpForEveryCommandHasExamplesAndExitCodes) {
  CommandResult general = Cli("--help");
  ASSERT_EQ(general.exit_code, 0);
  EXPECT_TRUE(Contains(general.output, "Exit status:")) << general.output;
  for (const std::string cmd : {"actor", "actors", "resolve", "relations", "path", "stance",
                                "timeline", "allies", "alliances", "neighbors", "rank", "balance",
                                "export", "load", "load-actors", "retract", "watch"}) {
    EXPECT_TRUE(Contains(general.output, "  " + cmd + " ")) << cmd;
    for (const std::string& form : {"help " + cmd, cmd + " --help", cmd + " -h"}) {
      Text(form,
           {"usage: actorgraph " + cmd, "Examples:\n  actorgraph " + cmd, "  2  usage error"});
    }
  }
}

TEST_F(CliTest, GlobalFlagsWorkAfterTheCommandAndFromTheEnvironment) {
  CommandResult after = RunCommand(kCli + " stance russia haftar --json --server " +
                                   server_->address() + " --timeout 10");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_TRUE(Contains(after.output, "\"a\": \"russia\"")) << after.output;
  CommandResult env =
      RunCommand("ACTORGRAPH_SERVER=" + server_->address() + " " + kCli + " rank --limit 1");
  EXPECT_EQ(env.exit_code, 0) << env.output;
}

}  // namespace
}  // namespace actorgraph::testing
