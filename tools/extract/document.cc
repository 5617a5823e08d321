#include "tools/extract/document.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tools/extract/strings.h"

namespace actorgraph::extract {
namespace fs = std::filesystem;
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Offset of the first invalid UTF-8 byte, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string_view::npos;
  // Narrow down: IsValidUtf8 is all-or-nothing, so bisect by lines of 4 KiB.
  size_t lo = 0;
  size_t step = 4096;
  while (lo < s.size()) {
    size_t hi = std::min(s.size(), lo + step);
    // Extend to a code point boundary.
    while (hi < s.size() && (static_cast<unsigned char>(s[hi]) & 0xC0) == 0x80) ++hi;
    if (!IsValidUtf8(s.substr(lo, hi - lo))) {
      for (size_t i = lo; i < hi; ++i) {
        for (size_t len = 1; len <= 4 && i + len <= hi; ++len) {
          if (IsValidUtf8(s.substr(i, len))) {
            i += len - 1;
            goto next;
          }
        }
        return i;
      next:;
      }
      return lo;
    }
    lo = hi;
  }
  return std::string_view::npos;
}

// Binary: NUL bytes, or many control characters, in the first 8 KiB.
bool LooksBinary(std::string_view s) {
  size_t n = std::min<size_t>(s.size(), 8192);
  size_t ctrl = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++ctrl;
  }
  return n > 0 && ctrl * 10 > n;
}

std::string Where(std::string_view path, size_t line) {
  return line == 0 ? std::string(path) : absl::StrCat(AV(path), ":", line);
}

// Sets doc.date from `value`; an empty or bad date falls back to options.default_date with
// a warning when there is none.
void SetDate(std::string_view value, const ReadOptions& options, Document& doc,
             std::vector<InputProblem>& problems) {
  std::string_view v = SV(absl::StripAsciiWhitespace(AV(value)));
  if (!v.empty()) {
    // Accept "2020-01-14T10:00:00Z" by taking the day part.
    auto day = ParseDay(v.substr(0, std::min<size_t>(v.size(), 10)));
    if (day.ok()) {
      doc.date = *day;
      return;
    }
  }
  doc.date = options.default_date;
  if (options.default_date == kNoDate) {
    problems.push_back(
        {doc.origin,
         v.empty() ? absl::StrCat("document \"", doc.id,
                                  "\" has no date; extracted without one (roles match any date)")
                   : absl::StrCat("document \"", doc.id, "\" has an unreadable date \"",
                                  AV(v.substr(0, 40)), "\"; extracted without one"),
         false});
  }
}

void ParseHeaderText(std::string_view path, std::string_view content,
                     const ReadOptions& options, std::vector<Document>& docs,
                     std::vector<InputProblem>& problems) {
  Document doc;
  doc.origin = std::string(path);
  // The header: "key: value" lines up to a line "---". Without one, the whole file is text.
  size_t pos = 0;
  bool has_header = false;
  std::string date_value;
  bool date_seen = false;
  {
    size_t p = 0;
    std::vector<std::pair<std::string, std::string>> fields;
    while (p < content.size()) {
      size_t eol = content.find('\n', p);
      if (eol == std::string_view::npos) eol = content.size();
      std::string_view line = SV(absl::StripTrailingAsciiWhitespace(AV(content.substr(p, eol - p))));
      if (line == "---") {
        has_header = !fields.empty();
        pos = eol + 1;
        break;
      }
      size_t colon = line.find(':');
      bool key_ok = colon != std::string_view::npos && colon > 0 && colon < 20;
      for (size_t i = 0; key_ok && i < colon; ++i) {
        char c = line[i];
        if (!(absl::ascii_isalnum(c) || c == '_' || c == '-')) key_ok = false;
      }
      if (!key_ok) break;
      fields.emplace_back(absl::AsciiStrToLower(AV(line.substr(0, colon))),
                          std::string(absl::StripAsciiWhitespace(AV(line.substr(colon + 1)))));
      p = eol + 1;
    }
    if (has_header) {
      for (auto& [k, v] : fields) {
        if (k == "id") doc.id = v;
        else if (k == "title") doc.title = v;
        else if (k == "url") doc.url = v;
        else if (k == "source" && doc.url.empty() && (v.rfind("http://", 0) == 0 ||
                                                       v.rfind("https://", 0) == 0)) {
          doc.url = v;
        } else if (k == "date") {
          date_value = v;
          date_seen = true;
        }
      }
    }
  }
  if (!has_header) pos = 0;
  if (pos > content.size()) pos = content.size();
  if (doc.id.empty()) {
    // The file name without folders and extension.
    doc.id = fs::path(std::string(path)).stem().string();
  }
  doc.text = std::string(content.substr(pos));
  if (absl::StripAsciiWhitespace(AV(doc.text)).empty()) {
    problems.push_back({doc.origin, "has a header but no text after \"---\"; skipped", true});
    return;
  }
  (void)date_seen;
  SetDate(date_value, options, doc, problems);
  docs.push_back(std::move(doc));
}

void ParseJsonl(std::string_view path, std::string_view content, const ReadOptions& options,
                std::vector<Document>& docs, std::vector<InputProblem>& problems) {
  size_t p = 0;
  size_t line_no = 0;
  while (p < content.size()) {
    size_t eol = content.find('\n', p);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = SV(absl::StripAsciiWhitespace(AV(content.substr(p, eol - p))));
    p = eol + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string where = Where(path, line_no);
    if (!IsValidUtf8(line)) {
      problems.push_back({where, "is not valid UTF-8; line skipped", true});
      continue;
    }
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line.begin(), line.end());
    } catch (const nlohmann::json::exception& e) {
      std::string what = e.what();
      auto k = what.find("] ");
      problems.push_back(
          {where, absl::StrCat("not JSON (", k == std::string::npos ? what : what.substr(k + 2),
                               "); line skipped"),
           true});
      continue;
    }
    if (!j.is_object()) {
      problems.push_back({where, "not a JSON object; line skipped", true});
      continue;
    }
    auto str = [&](const char* f) -> std::string {
      auto it = j.find(f);
      if (it == j.end() || it->is_null()) return "";
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number()) return it->dump();
      return "";
    };
    Document doc;
    doc.origin = where;
    doc.id = str("id");
    doc.text = str("text");
    doc.url = str("url");
    doc.title = str("title");
    if (doc.id.empty()) {
      problems.push_back({where, "has no \"id\"; line skipped", true});
      continue;
    }
    if (absl::StripAsciiWhitespace(AV(doc.text)).empty()) {
      problems.push_back({where, absl::StrCat("document \"", doc.id, "\" has no \"text\"; skipped"),
                          true});
      continue;
    }
    SetDate(str("date"), options, doc, problems);
    docs.push_back(std::move(doc));
  }
}

}  // namespace

void ExpandInputs(const std::vector<std::string>& paths, std::vector<std::string>& files,
                  std::vector<InputProblem>& problems) {
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      problems.push_back({p, "no such file or folder; skipped", true});
      continue;
    }
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        problems.push_back({p, absl::StrCat("cannot list folder: ", ec.message()), true});
        continue;
      }
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const fs::path& f = it->path();
        std::string name = f.filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file()) continue;
        if (EndsWith(name, ".txt") || EndsWith(name, ".jsonl")) found.push_back(f.string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) problems.push_back({p, "folder holds no .txt or .jsonl files", false});
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
}

void ReadDocuments(const std::string& path, const ReadOptions& options,
                   std::vector<Document>& docs, std::vector<InputProblem>& problems) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    problems.push_back({path, "is a folder, not a file; skipped", true});
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({path, "cannot be opened (missing or no permission); skipped", true});
    return;
  }
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) {
    problems.push_back({path, "cannot be read (not a regular file?); skipped", true});
    return;
  }
  if (static_cast<size_t>(size) > options.max_file_bytes) {
    problems.push_back({path,
                        absl::StrCat("is ", size, " bytes, over the limit of ",
                                     options.max_file_bytes, "; skipped"),
                        true});
    return;
  }
  in.seekg(0);
  std::string content(static_cast<size_t>(size), '\0');
  in.read(content.data(), size);
  if (in.gcount() != size) {
    problems.push_back({path, "read error; skipped", true});
    return;
  }
  ParseContent(path, content, options, docs, problems);
}

void ParseContent(std::string_view path, std::string_view content, const ReadOptions& options,
                  std::vector<Document>& docs, std::vector<InputProblem>& problems) {
  std::string p(path);
  if (absl::StripAsciiWhitespace(AV(content)).empty()) {
    problems.push_back({p, "is empty; skipped", true});
    return;
  }
  if (LooksBinary(content)) {
    problems.push_back({p, "looks binary (NUL or control bytes), not text; skipped", true});
    return;
  }
  // A UTF-8 byte order mark is harmless; drop it.
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  if (EndsWith(path, ".jsonl")) {
    ParseJsonl(path, content, options, docs, problems);  // checks UTF-8 line by line
    return;
  }
  size_t bad = FirstInvalidUtf8(content);
  if (bad != std::string_view::npos) {
    size_t line = 1 + std::count(content.begin(), content.begin() + bad, '\n');
    problems.push_back({p,
                        absl::StrCat("is not valid UTF-8 (first bad byte at offset ", bad,
                                     ", line ", line, "); skipped"),
                        true});
    return;
  }
  ParseHeaderText(path, content, options, docs, problems);
}

}  // namespace actorgraph::extract
