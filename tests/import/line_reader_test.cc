#include "tools/import/line_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/server_process.h"
#include "tests/import/test_util.h"

namespace actorgraph::import {
namespace {

using ::actorgraph::testing::TempDir;
using testing::Gzip;
using testing::WriteFile;
using testing::Zip;
using testing::ZipOptions;

// Every line of `reader`, in order.
std::vector<std::string> ReadAll(LineReader& reader) {
  std::vector<std::string> out;
  std::string_view line;
  while (reader.Next(line)) out.emplace_back(line);
  return out;
}

const std::string kText = "first\tline\r\nsecond line\n\nfourth, no newline at the end";
const std::vector<std::string> kLines = {"first\tline", "second line", "",
                                         "fourth, no newline at the end"};

TEST(ImportLineReaderTest, SplitsPlainTextAndDropsCarriageReturns) {
  auto reader = LineReaderForBytes(kText);
  EXPECT_EQ(reader->compression(), Compression::kPlain);
  EXPECT_EQ(ReadAll(*reader), kLines);
  EXPECT_EQ(reader->line_number(), 4);
  EXPECT_TRUE(reader->status().ok());
}

TEST(ImportLineReaderTest, ReportsAnOverlongLineAndGoesOn) {
  std::string text = "short\n" + std::string(LineReader::kMaxLineBytes + 100, 'x') + "\nafter\n";
  auto reader = LineReaderForBytes(text);
  std::string_view line;
  ASSERT_TRUE(reader->Next(line));
  EXPECT_EQ(line, "short");
  EXPECT_FALSE(reader->too_long());
  ASSERT_TRUE(reader->Next(line));
  EXPECT_TRUE(reader->too_long());
  EXPECT_EQ(reader->line_number(), 2);
  ASSERT_TRUE(reader->Next(line));
  EXPECT_FALSE(reader->too_long());
  EXPECT_EQ(line, "after");
  EXPECT_EQ(reader->line_number(), 3);
  EXPECT_FALSE(reader->Next(line));
}

TEST(ImportLineReaderTest, ReadsGzipIncludingConcatenatedMembers) {
  auto reader = LineReaderForBytes(Gzip("a\nb\n") + Gzip("c\n"));
  EXPECT_EQ(reader->compression(), Compression::kGzip);
  EXPECT_EQ(ReadAll(*reader), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(reader->status().ok()) << reader->status();
}

class ImportZipTest : public ::testing::TestWithParam<ZipOptions> {};

TEST_P(ImportZipTest, ReadsTheFirstEntryByContent) {
  auto reader = LineReaderForBytes(Zip({{"20200113.export.CSV", kText}}, GetParam()));
  EXPECT_EQ(reader->compression(), Compression::kZip);
  EXPECT_EQ(ReadAll(*reader), kLines);
  EXPECT_TRUE(reader->status().ok()) << reader->status();
  EXPECT_EQ(reader->warning(), "");
}

TEST_P(ImportZipTest, WarnsThatLaterEntriesAreNotRead) {
  auto reader = LineReaderForBytes(Zip({{"a.CSV", "a\n"}, {"b.CSV", "b\n"}}, GetParam()));
  EXPECT_EQ(ReadAll(*reader), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(reader->status().ok()) << reader->status();
  EXPECT_NE(reader->warning().find("more than one entry"), std::string::npos);
}

TEST_P(ImportZipTest, ATruncatedArchiveIsDataLossAfterTheLinesBeforeIt) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "row " + std::to_string(i) + "\n";
  std::string zip = Zip({{"big.CSV", big}}, GetParam());
  auto reader = LineReaderForBytes(zip.substr(0, zip.size() / 2));
  std::vector<std::string> lines = ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), absl::StatusCode::kDataLoss) << reader->status();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "row 0");
  EXPECT_LT(lines.size(), 20000u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, ImportZipTest,
                         ::testing::Values(ZipOptions{false, false}, ZipOptions{false, true},
                                           ZipOptions{true, false}),
                         [](const ::testing::TestParamInfo<ZipOptions>& info) {
                           return std::string(info.param.stored ? "Stored" : "Deflated") +
                                  (info.param.data_descriptor ? "WithDataDescriptor" : "");
                         });

TEST(ImportLineReaderTest, AZipWhoseDataFailsItsCrcIsDataLoss) {
  std::string zip = Zip({{"a.CSV", "some,data\n"}}, {.stored = true});
  zip[14] ^= 0x5a;  // the CRC-32 in the local header
  auto reader = LineReaderForBytes(zip);
  ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(reader->status().message().find("CRC"), absl::string_view::npos);
}

TEST(ImportLineReaderTest, CorruptGzipIsDataLoss) {
  std::string gz = Gzip(std::string(5000, 'z') + "\n");
  for (size_t i = 12; i < gz.size() - 8; ++i) gz[i] = static_cast<char>(0xff);
  auto reader = LineReaderForBytes(gz);
  ReadAll(*reader);
  EXPECT_EQ(reader->status().code(), absl::StatusCode::kDataLoss);
}

TEST(ImportLineReaderTest, EmptyAndEncryptedZipsAreRefused) {
  EXPECT_EQ(LineReaderForBytes(Zip({}))->status().code(), absl::StatusCode::kFailedPrecondition);
  std::string zip = Zip({{"a.CSV", "x\n"}});
  zip[6] |= 0x01;  // "encrypted" flag
  EXPECT_EQ(LineReaderForBytes(zip)->status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ImportLineReaderTest, OpensFilesAndDetectsZipWhateverTheName) {
  TempDir dir;
  const std::string path = dir.path() + "/20200113.export.CSV";  // a zip without .zip
  WriteFile(path, Zip({{"inner.CSV", "x\ty\n"}}));
  auto reader = LineReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->compression(), Compression::kZip);
  EXPECT_EQ(ReadAll(**reader), (std::vector<std::string>{"x\ty"}));

  EXPECT_EQ(LineReader::Open(dir.path() + "/missing.CSV").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LineReader::Open(dir.path()).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace actorgraph::import
