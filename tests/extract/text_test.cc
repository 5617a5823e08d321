#include "tools/extract/text.h"

#include <gtest/gtest.h>

namespace actorgraph::extract {
namespace {

std::vector<std::string> Sentences(std::string_view text) {
  std::vector<std::string> out;
  for (const SentenceSpan& s : SplitSentences(text)) {
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  }
  return out;
}

std::vector<std::string> Folded(std::string_view text) {
  Tokens t;
  Tokenize(text, 0, static_cast<uint32_t>(text.size()), t);
  std::vector<std::string> out;
  for (const Token& tok : t.tokens) out.emplace_back(t.FoldedText(tok));
  return out;
}

TEST(FoldTest, RemovesDiacriticsAndCase) {
  EXPECT_EQ(Fold("Erdoğan"), "erdogan");
  EXPECT_EQ(Fold("Salamé"), "salame");
  EXPECT_EQ(Fold("Çavuşoğlu"), "cavusoglu");
  EXPECT_EQ(Fold("Türkiye’s"), "turkiye's");
}

TEST(FoldTest, CopiesInvalidBytesThrough) {
  std::string bad = "a\xff" "b";
  EXPECT_EQ(Fold(bad), bad);
}

TEST(SplitSentencesTest, SplitsAtTerminatorsButNotAbbreviations) {
  auto s = Sentences("Mr. Smith met the envoy in the U.S. on Monday. He left. Gen. Lee stayed!");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "Mr. Smith met the envoy in the U.S. on Monday.");
  EXPECT_EQ(s[1], "He left.");
  EXPECT_EQ(s[2], "Gen. Lee stayed!");
}

TEST(SplitSentencesTest, SplitsAfterNoBreakSpaceAndAtBlankLines) {
  auto s = Sentences("The talks ended.\xC2\xA0 A deal followed\n\nNew paragraph here");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1], "A deal followed");
}

TEST(SplitSentencesTest, JoinsHardWrappedLines) {
  auto s = Sentences("The minister said the army\nwould stay in the north.");
  ASSERT_EQ(s.size(), 1u);
}

TEST(SplitSentencesTest, CutsOverlongSentences) {
  std::string text(10000, 'x');
  for (size_t i = 50; i < text.size(); i += 50) text[i] = ' ';
  auto spans = SplitSentences(text, 4000);
  EXPECT_GE(spans.size(), 3u);
  for (const SentenceSpan& sp : spans) EXPECT_LE(sp.end - sp.begin, 4000u);
}

TEST(TokenizeTest, SplitsHyphensPossessivesAndContractions) {
  EXPECT_EQ(Folded("the UN-backed government's forces don't"),
            (std::vector<std::string>{"the", "un", "backed", "government", "'s", "forces", "do",
                                      "n't"}));
}

TEST(TokenizeTest, FoldsDottedAcronymsAndMarksCase) {
  Tokens t;
  std::string text = "U.S. troops";
  Tokenize(text, 0, static_cast<uint32_t>(text.size()), t);
  ASSERT_EQ(t.tokens.size(), 2u);
  EXPECT_EQ(t.FoldedText(t.tokens[0]), "us");
  EXPECT_TRUE(t.tokens[0].flags & kAllCaps);
  EXPECT_FALSE(t.tokens[1].flags & kCap);
}

TEST(TokenizeTest, MarksHyphenJoinedParts) {
  Tokens t;
  std::string text = "Russian-backed forces";
  Tokenize(text, 0, static_cast<uint32_t>(text.size()), t);
  ASSERT_EQ(t.tokens.size(), 3u);
  EXPECT_TRUE(t.tokens[1].flags & kJoinedPrev);
  EXPECT_FALSE(t.tokens[2].flags & kJoinedPrev);
}

TEST(CodePointCounterTest, CountsCodePoints) {
  std::string text = "Erdoğan met";
  CodePointCounter c(text);
  EXPECT_EQ(c.At(static_cast<uint32_t>(text.size())), 11);
}

}  // namespace
}  // namespace actorgraph::extract
