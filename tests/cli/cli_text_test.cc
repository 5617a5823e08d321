// The CLI's pure parts without a server: the DOT, GraphML and CSV writers on hostile ids and
// names, the text table, bars and sparklines, and the command table's help.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/format_checks.h"
#include "tools/cli/commands.h"
#include "tools/cli/graph_formats.h"
#include "tools/cli/text_table.h"

namespace actorgraph::cli {
namespace {

using ::actorgraph::testing::CsvHasConsistentColumns;
using ::actorgraph::testing::DotIsStructurallyValid;
using ::actorgraph::testing::GraphMlIsWellFormed;
using ::actorgraph::testing::ParseCsv;
using ::actorgraph::testing::Python;
using ::actorgraph::testing::TempDir;

// Ids and names that break naive writers: quotes, backslashes, commas, markup, newlines, UTF-8.
DrawGraph Awkward(bool blocs) {
  DrawGraph g;
  g.name = "a \"quoted\" graph";
  g.has_blocs = blocs;
  g.directed = !blocs;
  g.bloc_labels = {"Bloc 1: \"East\", <Benghazi>", "Bloc 2: Tripoli & co"};
  g.nodes = {{"a\"b", "Name with \"quotes\", commas", "STATE", "LBY", 0, 0.5, -1},
             {"back\\slash\\", "Ends with \\", "PERSON", "", 1, -0.25, -1},
             {"erdogan", "Recep Tayyip Erdoğan <&>", "PERSON", "TUR", 1, 1, -1},
             {"multi", "line\nname", "", "", 0, 0, -1}};
  DrawEdge e1;
  e1.source = "a\"b";
  e1.target = "back\\slash\\";
  e1.kind = "REJECT,AID";
  e1.sign = -1;
  e1.weight = -1;
  e1.count = 3;
  e1.first_seen = "2019-12-11";
  e1.last_seen = "2020-01-14";
  e1.tension = true;
  e1.stance = -2.94;
  DrawEdge e2;
  e2.source = "erdogan";
  e2.target = "multi";
  e2.kind = "MEET";
  e2.sign = 1;
  e2.weight = 1;
  e2.count = 1;
  g.edges = {e1, e2};
  return g;
}

TEST(CsvFieldTest, QuotesOnlyWhenNeededAndDoublesQuotes) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(XmlEscapeTest, EscapesMarkupAndDropsControlCharacters) {
  EXPECT_EQ(XmlEscape("<a href='x'>&\"</a>"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape(std::string("bell\x07tab\t")), "belltab\t");
  EXPECT_EQ(XmlEscape("Erdoğan"), "Erdoğan");
}

TEST(DotQuoteTest, EscapesQuotesBackslashesAndNewlines) {
  EXPECT_EQ(DotQuote("plain"), "\"plain\"");
  EXPECT_EQ(DotQuote("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(DotQuote("ends\\"), "\"ends\\\\\"");
  EXPECT_EQ(DotQuote("two\nlines"), "\"two\\nlines\"");
}

TEST(ShortNumberTest, KeepsSixSignificantDigitsAndNoNegativeZero) {
  EXPECT_EQ(ShortNumber(17.939999999999998), "17.94");
  EXPECT_EQ(ShortNumber(-0.0), "0");
  EXPECT_EQ(ShortNumber(3.5), "3.5");
}

TEST(ToDotTest, DirectedGraphWithAwkwardIdsIsStructurallyValid) {
  const std::string dot = ToDot(Awkward(false));
  size_t nodes = 0, edges = 0;
  EXPECT_TRUE(DotIsStructurallyValid(dot, &nodes, &edges)) << dot;
  EXPECT_EQ(nodes, 4u);
  EXPECT_EQ(edges, 2u);
  EXPECT_EQ(dot.rfind("digraph ", 0), 0u);
  EXPECT_NE(dot.find(" -> "), std::string::npos);
}

TEST(ToDotTest, BlocsBecomeClustersAndTensionsAreDashedRed) {
  const std::string dot = ToDot(Awkward(true));
  EXPECT_TRUE(DotIsStructurallyValid(dot)) << dot;
  EXPECT_EQ(dot.rfind("graph ", 0), 0u);
  EXPECT_NE(dot.find("subgraph \"cluster_bloc_0\""), std::string::npos);
  EXPECT_NE(dot.find("subgraph \"cluster_bloc_1\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"Bloc 1: \\\"East\\\", <Benghazi>\""), std::string::npos) << dot;
  const size_t tension = dot.find("style=dashed");
  ASSERT_NE(tension, std::string::npos);
  const std::string line = dot.substr(dot.rfind('\n', tension) + 1,
                                      dot.find('\n', tension) - dot.rfind('\n', tension) - 1);
  EXPECT_NE(line.find("color=\"#d73027\""), std::string::npos) << line;
  EXPECT_NE(line.find("tension: REJECT/AID x3"), std::string::npos) << line;
}

TEST(ToGraphMlTest, IsWellFormedWithDeclaredKeys) {
  if (Python().empty()) GTEST_SKIP() << "python3 not installed";
  TempDir dir;
  for (bool blocs : {false, true}) {
    const std::string xml = ToGraphMl(Awkward(blocs));
    std::string summary;
    EXPECT_TRUE(GraphMlIsWellFormed(xml, dir, &summary)) << xml;
    EXPECT_EQ(summary, "nodes 4 edges 2\n");
    for (const char* key : {"attr.name=\"name\"", "attr.name=\"kind\"", "attr.name=\"bloc\"",
                            "attr.name=\"sign\"", "attr.name=\"weight\"", "attr.name=\"count\""}) {
      EXPECT_NE(xml.find(key), std::string::npos) << key;
    }
    EXPECT_NE(xml.find(blocs ? "edgedefault=\"undirected\"" : "edgedefault=\"directed\""),
              std::string::npos);
  }
}

TEST(ToCsvTest, EdgesAndNodesHaveOneColumnCountAndRoundTrip) {
  for (bool blocs : {false, true}) {
    const DrawGraph g = Awkward(blocs);
    const std::string edges = ToCsvEdges(g);
    EXPECT_TRUE(CsvHasConsistentColumns(edges, "source")) << edges;
    std::vector<std::vector<std::string>> records;
    ASSERT_TRUE(ParseCsv(edges, &records));
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[1][0], "a\"b");
    EXPECT_EQ(records[1][2], "Name with \"quotes\", commas");
    EXPECT_EQ(records[0].size(), blocs ? 13u : 10u);

    const std::string nodes = ToCsvNodes(g);
    EXPECT_TRUE(CsvHasConsistentColumns(nodes, "id")) << nodes;
    ASSERT_TRUE(ParseCsv(nodes, &records));
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[4][1], "line\nname");
    EXPECT_EQ(records[0].back(), "degree");
  }
}

TEST(TextTableTest, AlignsByCodePointsAndRightAlignsNumbers) {
  TextTable t({"score", "name", "note"}, {true});
  t.AddRow({"+1.00", "Erdoğan", "x"});
  t.AddRow({"-10.50", "Haftar", "a long last column that is not padded"});
  const std::string out = t.Render("");
  EXPECT_EQ(out,
            " score  name     note\n"
            "------  -------  ----\n"
            " +1.00  Erdoğan  x\n"
            "-10.50  Haftar   a long last column that is not padded\n");
  EXPECT_EQ(DisplayWidth("Erdoğan"), 7u);
}

TEST(FixedTest, SignsAndNoNegativeZero) {
  EXPECT_EQ(Fixed(3.5, 2, true), "+3.50");
  EXPECT_EQ(Fixed(-2.94), "-2.94");
  EXPECT_EQ(Fixed(-0.001), "0.00");
  EXPECT_EQ(Fixed(0, 2, true), "0.00");
}

TEST(SignedBarTest, GrowsLeftForHostileAndRightForFriendly) {
  EXPECT_EQ(SignedBar(-4, 8, 4), "  --|    ");
  EXPECT_EQ(SignedBar(8, 8, 4), "    |++++");
  EXPECT_EQ(SignedBar(0.01, 8, 4), "    |+   ");  // small but visible
  EXPECT_EQ(SignedBar(0, 8, 4), "    |    ");
}

TEST(SparklineTest, ScalesBetweenZeroAndExtremesAndMarksEmptyBuckets) {
  EXPECT_EQ(Sparkline({0, 7, -7}), "▅█▁");
  EXPECT_EQ(Sparkline({1, 2}, {false, true}), "█·");
  EXPECT_EQ(Sparkline({}), "");
}

TEST(CommandsTest, EveryCommandHasHelpWithExamplesAndExitCodes) {
  ASSERT_GE(Commands().size(), 17u);
  for (const CommandSpec& c : Commands()) {
    const std::string help = CommandHelp(c);
    EXPECT_NE(help.find("usage: actorgraph " + c.name), std::string::npos) << c.name;
    EXPECT_NE(help.find("Examples:\n  actorgraph "), std::string::npos) << c.name;
    EXPECT_NE(help.find("Exit status:"), std::string::npos) << c.name;
    EXPECT_NE(GeneralHelp().find("  " + c.name + " "), std::string::npos) << c.name;
  }
  EXPECT_EQ(FindCommand("nosuch"), nullptr);
  ASSERT_NE(FindCommand("alliances"), nullptr);
  EXPECT_TRUE(FindCommand("alliances")->filter);
}

}  // namespace
}  // namespace actorgraph::cli
