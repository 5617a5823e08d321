#include "tools/extract/text.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace actorgraph::extract {
namespace {

// Decodes one code point at s[i]; sets `len` (>= 1). Invalid bytes decode as themselves with
// len 1 and cp = 0xFFFD | 0x80000000 so callers can copy them through.
inline uint32_t Decode(std::string_view s, size_t i, int& len) {
  unsigned char c = s[i];
  if (c < 0x80) {
    len = 1;
    return c;
  }
  int n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    len = 1;
    return 0x80000000u | c;
  }
  if (i + n > s.size()) {
    len = 1;
    return 0x80000000u | c;
  }
  for (int k = 1; k < n; ++k) {
    unsigned char cc = s[i + k];
    if ((cc & 0xC0) != 0x80) {
      len = 1;
      return 0x80000000u | c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  len = n;
  return cp;
}

// Latin-1 Supplement U+00C0..U+00FF and Latin Extended-A U+0100..U+017F, base letters with
// their case. Entries are ASCII; "" means "copy unchanged".
constexpr const char* kLatin1[64] = {
    "A", "A", "A", "A", "A",  "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O",  "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a",  "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o",  "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
constexpr const char* kLatinExtA[128] = {
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",   // 100
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",   // 110
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",   // 120
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L",  // 130
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o",   // 140
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",  // 150
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",   // 160
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s"};  // 170

// Maps one code point to its folded ASCII replacement; returns nullptr to copy it unchanged.
// `upper` reports whether the original was an upper-case letter.
inline const char* FoldCp(uint32_t cp, bool& upper) {
  upper = false;
  const char* r = nullptr;
  if (cp >= 0xC0 && cp < 0x100) {
    r = kLatin1[cp - 0xC0];
  } else if (cp >= 0x100 && cp < 0x180) {
    r = kLatinExtA[cp - 0x100];
  } else {
    switch (cp) {
      case 0x2018: case 0x2019: case 0x201B: case 0x2032: case 0x02BC: case 0x02BB:
      case 0x0060: case 0x00B4:
        return "'";
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
        return "\"";
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
      case 0x2212:
        return "-";
      case 0x0218: return "S";
      case 0x0219: return "s";
      case 0x021A: return "T";
      case 0x021B: return "t";
      case 0x01A0: return "O";
      case 0x01A1: return "o";
      case 0x01AF: return "U";
      case 0x01B0: return "u";
      case 0x01CD: return "A";
      case 0x01CE: return "a";
      default:
        return nullptr;
    }
  }
  if (r == nullptr || *r == '\0') return nullptr;
  upper = (*r >= 'A' && *r <= 'Z');
  return r;
}

inline bool IsSpaceCp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

inline bool IsApostropheCp(uint32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x2032;
}

inline bool IsHyphenCp(uint32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }

// Letters and digits of any script: ASCII alnum, and every non-ASCII code point that is not
// space, punctuation or a symbol we know of.
inline bool IsWordCp(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '@' || cp == '_';
  }
  if (cp & 0x80000000u) return false;  // invalid byte
  if (IsSpaceCp(cp)) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation
  if (cp >= 0x80 && cp <= 0xBF) return false;      // Latin-1 punctuation and symbols
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;  // arrows, math, boxes, symbols
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

inline bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Abbreviations after which a period does not end a sentence (folded, without the period).
bool IsAbbreviation(std::string_view w) {
  static constexpr std::array<std::string_view, 46> kAbbr = {
      "mr",   "mrs",  "ms",   "dr",   "gen",  "col",  "lt",   "sgt",  "st",   "jan",
      "feb",  "mar",  "apr",  "aug",  "sept", "sep",  "oct",  "nov",  "dec",  "prof",
      "sen",  "rep",  "gov",  "capt", "maj",  "adm",  "jr",   "sr",   "inc",  "co",
      "corp", "ltd",  "no",   "vs",   "cmdr", "brig", "pres", "amb",  "messrs", "rev",
      "fig",  "approx", "est", "dept", "univ", "mt"};
  std::string low;
  for (char c : w) low.push_back(static_cast<char>(c | 0x20));
  return std::find(kAbbr.begin(), kAbbr.end(), low) != kAbbr.end();
}

bool IsSentenceStarter(std::string_view w) {
  static constexpr std::array<std::string_view, 24> kStart = {
      "The",  "He",    "She",     "It",        "They", "But",  "In",  "A",
      "An",   "This",  "That",    "On",        "We",   "I",    "His", "Her",
      "Its",  "Their", "However", "Meanwhile", "And",  "Some", "As",  "After"};
  return std::find(kStart.begin(), kStart.end(), w) != kStart.end();
}

}  // namespace

void AppendFolded(std::string_view text, std::string& out) {
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = text[i];
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : static_cast<char>(c));
      ++i;
      continue;
    }
    int len;
    uint32_t cp = Decode(text, i, len);
    bool upper;
    const char* r = (cp & 0x80000000u) ? nullptr : FoldCp(cp, upper);
    if (r != nullptr) {
      for (const char* p = r; *p; ++p) {
        out.push_back(*p >= 'A' && *p <= 'Z' ? static_cast<char>(*p | 0x20) : *p);
      }
    } else if (cp == 0xA0 || cp == 0x202F) {
      out.push_back(' ');
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
}

std::string Fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendFolded(text, out);
  return out;
}

std::vector<SentenceSpan> SplitSentences(std::string_view text, size_t max_bytes) {
  std::vector<SentenceSpan> out;
  const size_t n = text.size();
  auto emit = [&](size_t b, size_t e) {
    while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\n' || text[b] == '\r')) ++b;
    while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' ||
                     text[e - 1] == '\r')) {
      --e;
    }
    // Over-long "sentences" (tables, a 50 MB line) are cut at spaces to bound the work.
    while (e - b > max_bytes) {
      size_t cut = b + max_bytes;
      size_t sp = text.rfind(' ', cut);
      if (sp == std::string_view::npos || sp <= b + max_bytes / 2) {
        // No space nearby: cut at a code point boundary.
        while (cut > b && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        sp = cut;
      }
      if (sp > b) out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(sp)});
      b = sp;
      while (b < e && text[b] == ' ') ++b;
    }
    if (e > b) out.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  };

  size_t start = 0;
  size_t i = 0;
  while (i < n) {
    char c = text[i];
    if (c == '\n') {
      // Blank line, or a line break that is not a soft wrap inside prose.
      size_t j = i + 1;
      bool blank = false;
      while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) {
        if (text[j] == '\n') blank = true;
        ++j;
      }
      size_t p = i;
      while (p > start && (text[p - 1] == ' ' || text[p - 1] == '\r' || text[p - 1] == '\t')) --p;
      char prev = p > start ? text[p - 1] : '\0';
      char next = j < n ? text[j] : '\0';
      bool wrap = !blank && (IsAsciiLetter(prev) || prev == ',' || IsDigit(prev)) &&
                  IsAsciiLower(next);
      if (!wrap) {
        emit(start, i);
        start = j;
      }
      i = j;
      continue;
    }
    if (c == '.' || c == '!' || c == '?') {
      size_t j = i + 1;
      // Runs of terminators and closing quotes/brackets stay with the sentence.
      while (j < n) {
        if (text[j] == '.' || text[j] == '!' || text[j] == '?' || text[j] == '"' ||
            text[j] == '\'' || text[j] == ')' || text[j] == ']') {
          ++j;
        } else if (j + 2 < n && static_cast<unsigned char>(text[j]) == 0xE2 &&
                   static_cast<unsigned char>(text[j + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[j + 2]) == 0x9D ||
                    static_cast<unsigned char>(text[j + 2]) == 0x99)) {
          j += 3;  // ” or ’
        } else {
          break;
        }
      }
      if (j >= n) {
        i = j;
        continue;
      }
      // Whitespace after the terminator, including no-break and other Unicode spaces.
      auto space_len = [&](size_t p) -> size_t {
        if (p >= n) return 0;
        unsigned char b = text[p];
        if (b == ' ' || b == '\t' || b == '\r') return 1;
        if (b == 0xC2 && p + 1 < n && static_cast<unsigned char>(text[p + 1]) == 0xA0) return 2;
        if (b == 0xE2 && p + 2 < n && static_cast<unsigned char>(text[p + 1]) == 0x80) {
          unsigned char c3 = text[p + 2];
          if ((c3 >= 0x80 && c3 <= 0x8A) || c3 == 0xAF) return 3;
        }
        return 0;
      };
      if (text[j] != '\n' && space_len(j) == 0) {
        i = j;
        continue;
      }
      size_t k = j;
      while (size_t l = space_len(k)) k += l;
      if (k < n && text[k] == '\n') {  // handled by the line-break rule
        i = j;
        continue;
      }
      if (k >= n || IsAsciiLower(text[k])) {
        i = j;
        continue;
      }
      if (c == '.') {
        // The word before the period.
        size_t w = i;
        while (w > start && (IsAsciiLetter(text[w - 1]) || text[w - 1] == '.')) --w;
        std::string_view word = text.substr(w, i - w);
        bool dotted = word.find('.') != std::string_view::npos;
        bool initial = word.size() == 1 && IsAsciiUpper(word[0]);
        if (!word.empty() && (IsAbbreviation(word) || initial)) {
          i = j;
          continue;
        }
        if (dotted) {
          size_t e = k;
          while (e < n && IsAsciiLetter(text[e])) ++e;
          std::string_view next_word = text.substr(k, e - k);
          if (!next_word.empty() && IsAsciiUpper(next_word[0]) && !IsSentenceStarter(next_word)) {
            i = j;
            continue;
          }
        }
      }
      emit(start, j);
      start = k;
      i = k;
      continue;
    }
    ++i;
  }
  emit(start, n);
  return out;
}

void Tokenize(std::string_view text, uint32_t begin, uint32_t end, Tokens& out) {
  size_t i = begin;
  const size_t n = std::min<size_t>(end, text.size());
  bool joined = false;  // the next word follows a word-internal hyphen
  auto push = [&](size_t b, size_t e, std::string_view folded, uint16_t flags) {
    Token t;
    t.begin = static_cast<uint32_t>(b);
    t.end = static_cast<uint32_t>(e);
    t.fold_begin = static_cast<uint32_t>(out.folded.size());
    size_t len = std::min<size_t>(folded.size(), 0xFFFF);
    out.folded.append(folded.substr(0, len));
    t.fold_len = static_cast<uint16_t>(len);
    t.flags = flags;
    out.tokens.push_back(t);
  };
  std::string buf;
  while (i < n) {
    int len;
    uint32_t cp = Decode(text, i, len);
    if (IsSpaceCp(cp)) {
      joined = false;
      i += len;
      continue;
    }
    if (!IsWordCp(cp)) {
      // Punctuation: one token per code point, folded to ASCII where we know it.
      buf.clear();
      AppendFolded(text.substr(i, len), buf);
      // A plural possessive ("rebels' leader") reads as "'s".
      bool poss = IsApostropheCp(cp) && !out.tokens.empty() &&
                  out.tokens.back().end == i && out.tokens.back().fold_len > 1 &&
                  out.folded[out.tokens.back().fold_begin + out.tokens.back().fold_len - 1] == 's';
      if (poss) {
        push(i, i + len, "'s", kPunct);
      } else {
        push(i, i + len, buf, kPunct);
      }
      joined = false;
      i += len;
      continue;
    }
    // A word: scan to its end, deciding on internal '.', apostrophes and hyphens.
    size_t wb = i;
    size_t we = i;
    bool has_dot = false;
    bool split_poss = false;  // word ends before "'s"
    bool split_nt = false;    // word ends before "n't"
    size_t next_i = 0;
    bool hyphen_after = false;
    size_t j = i;
    while (j < n) {
      int l;
      uint32_t c = Decode(text, j, l);
      if (IsWordCp(c)) {
        j += l;
        continue;
      }
      if (c == '.' || c == ',') {
        // "U.S", "e.g", "3.5", "2,000" stay one word.
        if (j + 1 < n && j > wb) {
          char nx = text[j + 1];
          char pv = text[j - 1];
          bool letters = c == '.' && IsAsciiLetter(nx) && IsAsciiLetter(pv);
          bool digits = IsDigit(nx) && IsDigit(pv);
          if (letters || digits) {
            if (c == '.') has_dot = true;
            j += 1;
            continue;
          }
        }
        // Trailing period of a dotted acronym ("U.S.").
        if (c == '.' && has_dot && j >= 2 && IsAsciiLetter(text[j - 1]) && text[j - 2] == '.') {
          j += 1;
        }
        break;
      }
      if (IsApostropheCp(c) && j + l < n) {
        int l2;
        uint32_t c2 = Decode(text, j + l, l2);
        if (IsWordCp(c2)) {
          int l3;
          size_t after = j + l + l2;
          bool s_end = (c2 == 's' || c2 == 'S') &&
                       (after >= n || !IsWordCp(Decode(text, after, l3)));
          if (s_end) {
            split_poss = true;
            break;
          }
          if ((c2 == 't' || c2 == 'T') && j > wb && (text[j - 1] == 'n' || text[j - 1] == 'N')) {
            int l3;
            bool t_end = j + l + 1 >= n || !IsWordCp(Decode(text, j + l + 1, l3));
            if (t_end) {
              split_nt = true;
              break;
            }
          }
          j += l;  // O'Brien, Jama'at
          continue;
        }
        break;
      }
      if (IsHyphenCp(c) && j > wb && j + l < n) {
        int l2;
        uint32_t c2 = Decode(text, j + l, l2);
        if (IsWordCp(c2)) {
          hyphen_after = true;
          next_i = j + l;
        }
        break;
      }
      break;
    }
    we = j;
    size_t word_end = we;
    if (split_nt) word_end = we - 1;  // "don" + "n't"
    buf.clear();
    std::string_view wtext = text.substr(wb, word_end - wb);
    // Case flags from the original text.
    uint16_t flags = kWord;
    {
      int letters = 0, uppers = 0;
      bool first_letter_seen = false;
      size_t k = 0;
      while (k < wtext.size()) {
        int l;
        uint32_t c = Decode(wtext, k, l);
        bool up = false, letter = false;
        if (c < 0x80) {
          letter = IsAsciiLetter(static_cast<char>(c));
          up = IsAsciiUpper(static_cast<char>(c));
        } else if (!(c & 0x80000000u)) {
          bool u;
          if (FoldCp(c, u) != nullptr) {
            letter = true;
            up = u;
          } else {
            letter = IsWordCp(c);
          }
        }
        if (letter) {
          ++letters;
          if (up) ++uppers;
          if (!first_letter_seen) {
            first_letter_seen = true;
            if (up) flags |= kCap;
          }
        }
        k += l;
      }
      if (letters >= 2 && uppers == letters) flags |= kAllCaps;
      if (letters == 0) flags &= ~kWord;
    }
    if (joined) flags |= kJoinedPrev;
    AppendFolded(wtext, buf);
    if (has_dot) {
      // Dotted acronyms fold without dots: all segments one letter long.
      bool acronym = true;
      size_t seg = 0;
      for (char ch : buf) {
        if (ch == '.') {
          if (seg != 1) acronym = false;
          seg = 0;
        } else {
          ++seg;
        }
      }
      if (seg > 1) acronym = false;
      if (acronym) buf.erase(std::remove(buf.begin(), buf.end(), '.'), buf.end());
    }
    push(wb, word_end, buf, flags);
    if (split_nt) {
      int l;
      Decode(text, we, l);
      size_t e = we + l + 1;
      push(word_end, e, "n't", kWord);
      i = e;
      joined = false;
      continue;
    }
    if (split_poss) {
      int l;
      Decode(text, we, l);
      push(we, we + l + 1, "'s", kPunct);
      i = we + l + 1;
      joined = false;
      continue;
    }
    if (hyphen_after) {
      joined = true;
      i = next_i;
      continue;
    }
    joined = false;
    i = we;
  }
}

int32_t CodePointCounter::At(uint32_t byte_offset) {
  if (byte_offset < byte_) {  // not monotone: restart
    byte_ = 0;
    count_ = 0;
  }
  uint32_t end = std::min<uint32_t>(byte_offset, static_cast<uint32_t>(text_.size()));
  for (; byte_ < end; ++byte_) {
    if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++count_;
  }
  return count_;
}

}  // namespace actorgraph::extract
