// End-to-end checks: the shared reference article (when present), the bundled demo corpus,
// and the command line's handling of bad files and exit codes.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/extract/test_util.h"

namespace actorgraph::extract {
namespace {

namespace fs = std::filesystem;
using testing::BundledDictionary;
using testing::Dump;
using K = RelationKind;

std::vector<Observation> ExtractFolder(const std::string& dir) {
  std::vector<std::string> files;
  std::vector<InputProblem> problems;
  ExpandInputs({dir}, files, problems);
  Extractor ex(BundledDictionary());
  std::vector<Observation> out;
  for (const std::string& f : files) {
    std::vector<Document> docs;
    ReadDocuments(f, {}, docs, problems);
    for (const Document& d : docs) {
      auto obs = ex.Extract(d);
      out.insert(out.end(), obs.begin(), obs.end());
    }
  }
  return out;
}

const Observation* Find(const std::vector<Observation>& obs, const std::string& s,
                        const std::string& t, std::set<K> kinds) {
  for (const Observation& o : obs) {
    if (o.source == s && o.target == t && kinds.count(o.kind)) return &o;
  }
  return nullptr;
}

TEST(SeedArticleTest, YieldsTheReferenceRelations) {
  std::string dir = std::string(ACTORGRAPH_SHARED_DIR) + "/corpus/seed";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no shared corpus at " << dir;
  auto obs = ExtractFolder(dir);
  const Observation* a = Find(obs, "russia", "haftar", {K::kSupport});
  const Observation* b = Find(obs, "turkey", "gna", {K::kAid, K::kSupport});
  const Observation* c = Find(obs, "egypt", "turkey", {K::kCriticize, K::kThreaten});
  ASSERT_NE(a, nullptr) << Dump(obs);
  ASSERT_NE(b, nullptr) << Dump(obs);
  ASSERT_NE(c, nullptr) << Dump(obs);
  for (const Observation* o : {a, b, c}) {
    EXPECT_FALSE(o->evidence.sentence.empty());
    EXPECT_GT(o->sign * Info(o->kind).sign, 0);
  }
  EXPECT_EQ(a->sign, 1);
  EXPECT_EQ(b->sign, 1);
  EXPECT_EQ(c->sign, -1);
}

TEST(DemoCorpusTest, HasTheTwoLibyanBlocsAndTheRejection) {
  auto obs = ExtractFolder(std::string(ACTORGRAPH_SOURCE_DIR) + "/data/demo");
  // Bloc 1: Russia, Haftar/LNA, Egypt, UAE.
  EXPECT_NE(Find(obs, "russia", "lna", {K::kAid, K::kSupport}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "egypt", "haftar", {K::kSupport, K::kAid}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "uae", "lna", {K::kAid, K::kSupport}), nullptr) << Dump(obs);
  // Bloc 2: Turkey, GNA, Sarraj.
  EXPECT_NE(Find(obs, "turkey", "gna", {K::kAid, K::kSupport}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "turkey", "gna", {K::kCooperate}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "erdogan", "sarraj", {K::kMeet}), nullptr) << Dump(obs);
  // Between the blocs.
  EXPECT_NE(Find(obs, "lna", "gna", {K::kFight}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "egypt", "turkey", {K::kCriticize, K::kThreaten}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "haftar", "russia", {K::kReject}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "haftar", "turkey", {K::kReject}), nullptr) << Dump(obs);
  // Other conflicts.
  EXPECT_NE(Find(obs, "azerbaijan", "armenia", {K::kFight}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "turkey", "azerbaijan", {K::kSupport}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "iran", "houthis", {K::kAid}), nullptr) << Dump(obs);
  EXPECT_NE(Find(obs, "saudi-arabia", "houthis", {K::kFight}), nullptr) << Dump(obs);
  // No relation joins the two Libyan blocs positively.
  for (const char* a : {"russia", "egypt", "uae", "lna", "haftar"}) {
    for (const char* b : {"gna", "sarraj"}) {
      const Observation* o = Find(obs, a, b, {K::kSupport, K::kAid, K::kCooperate});
      EXPECT_EQ(o, nullptr) << a << " -> " << b;
    }
  }
}

// Runs the command line; returns its exit status and fills `err` with its stderr.
int RunCli(const std::string& args, std::string& err) {
  fs::path tmp = fs::temp_directory_path() / ("extract_cli_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string err_file = (tmp / "stderr.txt").string();
  std::string cmd = std::string(ACTORGRAPH_EXTRACT_BIN) + " " + args + " >/dev/null 2>" + err_file;
  int rc = std::system(cmd.c_str());
  std::ifstream in(err_file);
  err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("extract_cli_in_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Write("good.txt", "id: good\ndate: 2020-01-14\n---\nRussia backs Haftar.\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  fs::path dir_;
};

TEST_F(CliTest, CleanInputExitsZeroAndWritesTheOutputFile) {
  std::string err;
  fs::path out = dir_ / "out.jsonl";
  EXPECT_EQ(RunCli((dir_ / "good.txt").string() + " -o " + out.string(), err), 0) << err;
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"source\":\"russia\""), std::string::npos) << line;
}

TEST_F(CliTest, BadFilesAreNamedSkippedAndMakeTheExitStatusOne) {
  Write("empty.txt", "");
  Write("binary.txt", std::string("\0\1\2\3binary", 10));
  Write("latin1.txt", "id: l\ndate: 2020-01-01\n---\nCaf\xe9\n");
  std::string err;
  fs::path out = dir_ / "out.jsonl";
  EXPECT_EQ(RunCli(dir_.string() + " " + (dir_ / "missing.txt").string() + " -o " + out.string(), err), 1);
  EXPECT_NE(err.find("empty.txt: is empty"), std::string::npos) << err;
  EXPECT_NE(err.find("binary.txt: looks binary"), std::string::npos) << err;
  EXPECT_NE(err.find("latin1.txt: is not valid UTF-8"), std::string::npos) << err;
  EXPECT_NE(err.find("missing.txt: no such file"), std::string::npos) << err;
  std::ifstream in(out);
  std::string line;
  EXPECT_TRUE(std::getline(in, line)) << "the good file is still extracted";
}

TEST_F(CliTest, UndatedDocumentsAreExtractedWithAWarning) {
  Write("undated.txt", "Russia backs Haftar.\n");
  std::string err;
  fs::path out = dir_ / "out.jsonl";
  EXPECT_EQ(RunCli((dir_ / "undated.txt").string() + " -o " + out.string(), err), 1);
  EXPECT_NE(err.find("undated.txt: warning: document \"undated\" has no date"), std::string::npos)
      << err;
  EXPECT_EQ(RunCli("--default-date 2020-01-01 " + (dir_ / "undated.txt").string() + " -o " +
                       out.string(),
                   err),
            0)
      << err;
}

TEST_F(CliTest, FiftyMegabyteSingleLineIsReadInBoundedSentences) {
  std::string text = "id: long\ndate: 2020-01-01\n---\n";
  const std::string words = "Russia backs Haftar while Turkey supports the GNA and ";
  text.reserve(50u << 20);
  while (text.size() < (50u << 20)) text += words;
  Write("long.txt", text);
  std::string err;
  fs::path out = dir_ / "long.jsonl";
  EXPECT_EQ(RunCli((dir_ / "long.txt").string() + " -o " + out.string(), err), 0) << err;
  std::ifstream in(out);
  std::string line;
  size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_LT(line.size(), 20000u);  // evidence is one bounded sentence, not the whole line
  }
  EXPECT_GT(lines, 0u);
}

TEST_F(CliTest, EvalScoresLikeTheSharedScorer) {
  fs::create_directories(dir_ / "gold");
  Write("gold/actors.jsonl",
        "{\"name\":\"Russia\",\"aliases\":[\"Moscow\"],\"group\":\"Russia\"}\n"
        "{\"name\":\"Vladimir Putin\",\"aliases\":[\"Putin\"],\"group\":\"Russia\"}\n"
        "{\"name\":\"Khalifa Haftar\",\"aliases\":[\"Haftar\"],\"group\":\"Khalifa Haftar\"}\n");
  Write("gold/d1.jsonl",
        "{\"doc\":\"d1\",\"source\":\"Russia\",\"target\":\"Khalifa Haftar\",\"kind\":\"SUPPORT\",\"sign\":1}\n"
        "{\"doc\":\"d1\",\"source\":\"Khalifa Haftar\",\"target\":\"Russia\",\"kind\":\"REJECT\",\"sign\":-1}\n");
  // Putin counts for Russia; the second gold relation is missed; one false positive.
  Write("pred.jsonl",
        "{\"doc\":\"d1\",\"source\":\"putin\",\"source_name\":\"Vladimir Putin\",\"target\":\"haftar\","
        "\"kind\":\"SUPPORT\",\"sign\":1}\n"
        "{\"doc\":\"d1\",\"source\":\"haftar\",\"target\":\"egypt\",\"kind\":\"MEET\",\"sign\":1}\n"
        "{\"doc\":\"other\",\"source\":\"a\",\"target\":\"b\",\"kind\":\"MEET\",\"sign\":1}\n");
  fs::path out = dir_ / "eval.txt";
  std::string cmd = std::string(ACTORGRAPH_EXTRACT_BIN) + " eval --gold " + (dir_ / "gold").string() +
                    " " + (dir_ / "pred.jsonl").string() + " > " + out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(all.find("sign: precision 0.500 recall 0.500 f1 0.500 (tp 1 fp 1 fn 1, 1 docs)"),
            std::string::npos)
      << all;
}

TEST_F(CliTest, ReportUnusedListsEntriesThatNeverFired) {
  std::string err;
  EXPECT_EQ(RunCli("--report-unused " + (dir_ / "good.txt").string(), err), 0) << err;
  EXPECT_NE(err.find("unused actor: houthis"), std::string::npos) << err.substr(0, 2000);
  EXPECT_EQ(err.find("unused actor: russia "), std::string::npos);
  EXPECT_NE(err.find("never fired"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  std::string err;
  EXPECT_EQ(RunCli("", err), 2);
  EXPECT_EQ(RunCli("--jobs zero x.txt", err), 2);
  EXPECT_EQ(RunCli("--dict /nonexistent/dict " + (dir_ / "good.txt").string(), err), 2);
  EXPECT_NE(err.find("dictionary"), std::string::npos) << err;
}

}  // namespace
}  // namespace actorgraph::extract
