#include "tools/extract/document.h"

#include <gtest/gtest.h>

namespace actorgraph::extract {
namespace {

struct Parsed {
  std::vector<Document> docs;
  std::vector<InputProblem> problems;
};

Parsed Parse(std::string_view path, std::string_view content, ReadOptions options = {}) {
  Parsed p;
  ParseContent(path, content, options, p.docs, p.problems);
  return p;
}

TEST(DocumentTest, ReadsHeaderTextFiles) {
  auto p = Parse("a.txt",
                 "id: brief-1\ntitle: A title\ndate: 2020-01-14\nsource: https://example.org/x\n"
                 "---\nBody text here.\n");
  ASSERT_EQ(p.docs.size(), 1u);
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.docs[0].id, "brief-1");
  EXPECT_EQ(p.docs[0].url, "https://example.org/x");
  EXPECT_EQ(FormatDay(p.docs[0].date), "2020-01-14");
  EXPECT_EQ(p.docs[0].text, "Body text here.\n");
}

TEST(DocumentTest, FileWithoutHeaderIsAllTextAndUndated) {
  auto p = Parse("dir/plain-note.txt", "Just some words.\n");
  ASSERT_EQ(p.docs.size(), 1u);
  EXPECT_EQ(p.docs[0].id, "plain-note");
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_FALSE(p.problems[0].skipped);
  EXPECT_NE(p.problems[0].message.find("no date"), std::string::npos);
}

TEST(DocumentTest, DefaultDateSilencesTheWarning) {
  ReadOptions o;
  o.default_date = *ParseDay("2000-01-01");
  auto p = Parse("x.txt", "Words.", o);
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(FormatDay(p.docs[0].date), "2000-01-01");
}

TEST(DocumentTest, ReadsJsonlAndReportsBadLines) {
  auto p = Parse("docs.jsonl",
                 "{\"id\":\"a\",\"date\":\"2020-01-01\",\"text\":\"One.\"}\n"
                 "not json\n"
                 "{\"id\":\"b\",\"text\":\"\"}\n"
                 "{\"text\":\"no id\"}\n"
                 "{\"id\":\"c\",\"date\":\"2020-02-30\",\"text\":\"Bad date.\"}\n");
  ASSERT_EQ(p.docs.size(), 2u);
  EXPECT_EQ(p.docs[0].id, "a");
  EXPECT_EQ(p.docs[1].id, "c");
  ASSERT_EQ(p.problems.size(), 4u);
  EXPECT_EQ(p.problems[0].where, "docs.jsonl:2");
  EXPECT_TRUE(p.problems[0].skipped);
  EXPECT_FALSE(p.problems[3].skipped);  // unreadable date: a warning
}

TEST(DocumentTest, RejectsEmptyBinaryAndNonUtf8Files) {
  auto empty = Parse("e.txt", "  \n");
  EXPECT_TRUE(empty.docs.empty());
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_NE(empty.problems[0].message.find("empty"), std::string::npos);

  auto binary = Parse("b.txt", std::string("\x7f" "ELF\0\0\0", 7));
  EXPECT_TRUE(binary.docs.empty());
  ASSERT_EQ(binary.problems.size(), 1u);
  EXPECT_NE(binary.problems[0].message.find("binary"), std::string::npos);

  auto latin1 = Parse("l.txt", "id: x\ndate: 2020-01-01\n---\nCaf\xe9 au lait\n");
  EXPECT_TRUE(latin1.docs.empty());
  ASSERT_EQ(latin1.problems.size(), 1u);
  EXPECT_NE(latin1.problems[0].message.find("UTF-8"), std::string::npos);
  EXPECT_NE(latin1.problems[0].message.find("line 4"), std::string::npos);
}

TEST(DocumentTest, MissingInputsAreReported) {
  std::vector<std::string> files;
  std::vector<InputProblem> problems;
  ExpandInputs({"/nonexistent/dir/for/test"}, files, problems);
  EXPECT_TRUE(files.empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].skipped);
}

}  // namespace
}  // namespace actorgraph::extract
