// Text primitives of the extractor: UTF-8 folding (case and diacritics), sentence splitting
// with spans, and tokenisation into folded word tokens. Pure functions; thread-safe.
#ifndef ACTORGRAPH_TOOLS_EXTRACT_TEXT_H_
#define ACTORGRAPH_TOOLS_EXTRACT_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace actorgraph::extract {

// Appends the folded form of `text` to `out`: ASCII lower case, Latin diacritics removed
// ("Erdoğan" -> "erdogan", "Salamé" -> "salame"), typographic quotes and dashes mapped to
// ASCII. Other code points are copied unchanged. Invalid UTF-8 bytes are copied as is.
void AppendFolded(std::string_view text, std::string& out);
std::string Fold(std::string_view text);

// A sentence as a byte range [begin, end) of the document text.
struct SentenceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Splits `text` into sentences: at . ! ? followed by space and a capital, quote or digit
// (not after known abbreviations, initials or inside "U.S."), at blank lines, and at single
// line breaks that do not look like hard-wrapped prose. Leading/trailing spaces are trimmed;
// empty sentences are dropped. Sentences longer than `max_bytes` are cut at a space.
std::vector<SentenceSpan> SplitSentences(std::string_view text, size_t max_bytes = 4000);

// Token flags.
enum TokenFlag : uint16_t {
  kCap = 1 << 0,         // first letter upper case ("Turkey", "UN")
  kAllCaps = 1 << 1,     // two or more letters, all upper case ("UN", "U.S.")
  kJoinedPrev = 1 << 2,  // glued to the previous token by a hyphen ("UN-backed": "backed")
  kPunct = 1 << 3,       // a punctuation token
  kWord = 1 << 4,        // contains a letter
};

// A token: byte range in the document and its folded text (a view into Tokens::folded).
struct Token {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t fold_begin = 0;  // offset of the folded text in Tokens::folded
  uint16_t fold_len = 0;
  uint16_t flags = 0;
  int32_t vocab = -1;  // id in the dictionary vocabulary, -1 if unknown (set by the caller)
};

struct Tokens {
  std::string folded;  // concatenated folded token texts
  std::vector<Token> tokens;
  std::string_view FoldedText(const Token& t) const {
    return std::string_view(folded).substr(t.fold_begin, t.fold_len);
  }
  void Clear() {
    folded.clear();
    tokens.clear();
  }
};

// Tokenises text[begin, end) (offsets are kept relative to `text`) and appends to `out`.
// Words split at hyphens (the part after a hyphen gets kJoinedPrev), possessive "'s" and
// "n't" become their own tokens, dotted acronyms fold without dots ("U.S." -> "us", with
// kAllCaps), each punctuation mark is a token.
void Tokenize(std::string_view text, uint32_t begin, uint32_t end, Tokens& out);

// Counts code points in text[0, byte_offset) incrementally: keeps a cursor so a monotone
// sequence of queries over one document costs O(document).
class CodePointCounter {
 public:
  explicit CodePointCounter(std::string_view text) : text_(text) {}
  int32_t At(uint32_t byte_offset);

 private:
  std::string_view text_;
  uint32_t byte_ = 0;
  int32_t count_ = 0;
};

}  // namespace actorgraph::extract

#endif  // ACTORGRAPH_TOOLS_EXTRACT_TEXT_H_
