#include "server/jsonl_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/e2e/server_process.h"

namespace actorgraph {
namespace {

TEST(JsonlFileTest, ReportsBadLinesWithNumbersAndKeepsTheRest) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/r.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF{\"source\":\"a\",\"target\":\"b\",\"kind\":\"MEET\"}\r\n"
        << "\n"
        << "{\"source\":\"a\",\"target\":\"b\",\"kind\":\"MEET\",\"name\":\"\xff\"}\n"
        << std::string(2 << 20, 'x') << "\n"
        << "{\"source\":\"a\",\"target\":\"c\",\"kind\":\"FIGHT\"}";
  }
  std::vector<std::string> errors;
  std::vector<Observation> got;
  JsonlReadStats stats;
  absl::Status s = ReadRelationsFile(
      path, 1,
      [&](std::vector<Observation>& batch) {
        got.insert(got.end(), batch.begin(), batch.end());
        return absl::OkStatus();
      },
      [&](const std::string& e) { errors.push_back(e); }, &stats);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].target, "c");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("r.jsonl:3: not JSON"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("r.jsonl:4: line is longer than"), std::string::npos) << errors[1];
  EXPECT_EQ(stats.lines, 4);
  EXPECT_EQ(stats.rejected, 2);
}

TEST(JsonlFileTest, MissingFileIsNotFound) {
  JsonlReadStats stats;
  absl::Status s = ReadRelationsFile(
      "/nonexistent/x.jsonl", 10, [](std::vector<Observation>&) { return absl::OkStatus(); },
      [](const std::string&) {}, &stats);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

TEST(JsonlFileTest, BinaryFileLinesAreRejectedNotFatal) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/bin.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>((i * 7919) & 0xff));
  }
  JsonlReadStats stats;
  int errors = 0;
  absl::Status s = ReadRelationsFile(
      path, 10, [](std::vector<Observation>&) { return absl::OkStatus(); },
      [&](const std::string&) { ++errors; }, &stats);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(stats.valid, 0);
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace actorgraph
