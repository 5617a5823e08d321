// The actorgraph-import binary end to end: output that parses, exit codes, zip and stdin
// input, and (when the server is built) its output loaded by the real actorgraph-server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"
#include "tests/e2e/server_process.h"
#include "tests/import/test_util.h"

namespace actorgraph::import {
namespace {

using ::actorgraph::testing::CommandResult;
using ::actorgraph::testing::RunCommand;
using ::actorgraph::testing::TempDir;
using testing::kDataDir;
using testing::kGdeltFixture;
using testing::kIcewsFixture;
using testing::Lines;
using testing::ReadFile;

const std::string kImport = ACTORGRAPH_IMPORT_BIN;

CommandResult Import(const std::string& args, bool merge_stderr = false) {
  return RunCommand(kImport + " " + args, merge_stderr);
}

// Parses every line as a relation; returns how many there were.
size_t ExpectRelations(const std::string& jsonl) {
  size_t n = 0;
  for (const std::string& line : Lines(jsonl)) {
    auto o = ParseRelationLine(line);
    EXPECT_TRUE(o.ok()) << o.status() << "\n" << line;
    ++n;
  }
  return n;
}

TEST(ImportCliTest, GdeltToStdoutParsesAndExitsZeroDespiteBadRows) {
  CommandResult r = Import("gdelt " + kGdeltFixture + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(ExpectRelations(r.output), 10u);
  CommandResult both = Import("gdelt " + kGdeltFixture + " 2>&1 >/dev/null");
  EXPECT_NE(both.output.find(kGdeltFixture + ":11: expected 61"), std::string::npos) << both.output;
  EXPECT_NE(both.output.find(kGdeltFixture + ":12: SQLDATE"), std::string::npos);
  EXPECT_NE(both.output.find("17 rows: 10 relations written, 4 skipped, 3 malformed"),
            std::string::npos)
      << both.output;
}

TEST(ImportCliTest, IcewsWithTheDictionaryWritesRelationsAndActors) {
  TempDir dir;
  const std::string out = dir.path() + "/icews.jsonl", actors = dir.path() + "/actors.jsonl";
  CommandResult r = Import(
      "icews --dict " + kDataDir + " -o " + out + " --actors-out " + actors + " " + kIcewsFixture,
      true);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ExpectRelations(ReadFile(out)), 7u);
  std::vector<std::string> actor_lines = Lines(ReadFile(actors));
  EXPECT_FALSE(actor_lines.empty());
  for (const std::string& line : actor_lines) {
    auto a = ParseActorLine(line);
    ASSERT_TRUE(a.ok()) << a.status() << "\n" << line;
    EXPECT_NE(a->id, "russia") << "dictionary actors are not written again";
  }
  EXPECT_NE(ReadFile(out).find("\"target\":\"haftar\""), std::string::npos);
  // Nothing temporary left behind.
  EXPECT_EQ(RunCommand("ls " + dir.path()).output, "actors.jsonl\nicews.jsonl\n");
}

TEST(ImportCliTest, ZippedAndPipedInputGiveTheSameLines) {
  TempDir dir;
  const std::string plain = Import("gdelt " + kGdeltFixture + " 2>/dev/null").output;
  ASSERT_FALSE(plain.empty());
  // Zipped at test time; named like a plain export, so only the content says zip.
  const std::string zip = dir.path() + "/20200113.export.CSV";
  ASSERT_EQ(RunCommand("/usr/bin/python3 -m zipfile -c " + zip + " " + kGdeltFixture).exit_code, 0);
  CommandResult zipped = Import("gdelt " + zip + " 2>/dev/null");
  EXPECT_EQ(zipped.exit_code, 0);
  EXPECT_EQ(zipped.output, plain);
  CommandResult piped = RunCommand("cat " + zip + " | " + kImport + " gdelt - 2>/dev/null");
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.output, plain);
  CommandResult gz =
      RunCommand("gzip -c " + kGdeltFixture + " | " + kImport + " gdelt - 2>/dev/null");
  EXPECT_EQ(gz.output, plain);
}

TEST(ImportCliTest, ExitCodesSayWhetherEveryFileWasRead) {
  TempDir dir;
  CommandResult missing = Import("gdelt " + dir.path() + "/nope.CSV " + kGdeltFixture, true);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("nope.CSV: No such file"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("10 relations written"), std::string::npos)
      << "the readable file is still imported";

  // A zip cut short: the rows before the cut are written, and the exit status says so.
  const std::string zip = dir.path() + "/cut.zip";
  RunCommand("/usr/bin/python3 -m zipfile -c " + zip + " " + kGdeltFixture);
  RunCommand("truncate -s 900 " + zip);
  CommandResult cut = Import("gdelt " + zip, true);
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_NE(cut.output.find("truncated"), std::string::npos) << cut.output;

  CommandResult stopped = Import("gdelt --max-errors 2 " + kGdeltFixture, true);
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_NE(stopped.output.find(":12: stopped after 2 malformed rows"), std::string::npos)
      << stopped.output;

  EXPECT_EQ(Import("gdelt --no-such-option " + kGdeltFixture + " 2>/dev/null").exit_code, 1);
  EXPECT_EQ(Import("gdelt 2>/dev/null").exit_code, 1);
  EXPECT_EQ(Import("csv " + kGdeltFixture + " 2>/dev/null").exit_code, 1);
  EXPECT_EQ(Import("gdelt --since 2020-13-01 " + kGdeltFixture + " 2>/dev/null").exit_code, 1);
  EXPECT_EQ(
      Import("gdelt --dict " + dir.path() + "/none " + kGdeltFixture + " 2>/dev/null").exit_code,
      1);
  EXPECT_EQ(Import("icews " + kGdeltFixture + " 2>/dev/null").exit_code, 1);
}

TEST(ImportCliTest, EachCommandHasItsHelp) {
  CommandResult gdelt = Import("gdelt --help");
  EXPECT_EQ(gdelt.exit_code, 0);
  EXPECT_NE(gdelt.output.find("GLOBALEVENTID"), std::string::npos);
  EXPECT_NE(gdelt.output.find("--max-errors"), std::string::npos);
  CommandResult icews = Import("icews --help");
  EXPECT_EQ(icews.exit_code, 0);
  EXPECT_NE(icews.output.find("Event ID"), std::string::npos);
  EXPECT_EQ(Import("--help").exit_code, 0);
}

#ifdef ACTORGRAPH_SERVER_BIN
// The real server loads the import's actors and relations with nothing rejected, and a
// second import of the same file adds nothing.
TEST(ImportCliTest, TheServerLoadsTheImportedFiles) {
  TempDir dir;
  const std::string rel = dir.path() + "/gdelt.jsonl", actors = dir.path() + "/actors.jsonl";
  ASSERT_EQ(Import("gdelt --dict " + kDataDir + " -o " + rel + " --actors-out " + actors + " " +
                   kGdeltFixture + " 2>/dev/null")
                .exit_code,
            0);
  const std::string db = dir.path() + "/test.db";
  std::vector<std::string> args = {
      "--db",     db,     "--no-seed", "--actors", kDataDir + "/actors",
      "--actors", actors, "--import",  rel};
  {
    ::actorgraph::testing::ServerProcess server(ACTORGRAPH_SERVER_BIN, args);
    ASSERT_NE(server.port(), 0) << server.log();
    EXPECT_NE(
        server.log().find("imported " + rel + ": 10 new, 0 already present, 0 rejected lines"),
        std::string::npos)
        << server.log();
    EXPECT_EQ(server.Stop(), 0);
  }
  ::actorgraph::testing::ServerProcess again(ACTORGRAPH_SERVER_BIN, args);
  ASSERT_NE(again.port(), 0) << again.log();
  EXPECT_NE(again.log().find("imported " + rel + ": 0 new, 10 already present, 0 rejected lines"),
            std::string::npos)
      << again.log();
}
#endif

}  // namespace
}  // namespace actorgraph::import
