#include "server/jsonl_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "graph/strings.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"

namespace actorgraph {
namespace {

constexpr size_t kMaxLineBytes = 1 << 20;

absl::Status OpenError(const std::string& path) {
  int err = errno;
  std::string msg = StrCat("cannot read ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == EACCES) return absl::PermissionDeniedError(msg);
  return absl::UnavailableError(msg);
}

// Calls on_line(number, text) for each non-empty line; over-long lines are reported and
// skipped without holding them in memory.
absl::Status ForEachLine(const std::string& path,
                         const std::function<absl::Status(int64_t, std::string_view)>& on_line,
                         const std::function<void(const std::string&)>& on_error,
                         JsonlReadStats* stats) {
  if (std::filesystem::is_directory(path)) {
    return absl::InvalidArgumentError(StrCat(path, " is a directory, not a JSONL file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path);
  std::string line;
  int64_t number = 0;
  char buf[1 << 16];
  bool too_long = false;
  auto finish = [&]() -> absl::Status {
    ++number;
    if (too_long) {
      ++stats->lines;
      ++stats->rejected;
      on_error(StrCat(path, ":", number, ": line is longer than ", kMaxLineBytes, " bytes"));
    } else {
      std::string_view v(line);
      if (number == 1 && v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);  // UTF-8 BOM
      while (!v.empty() && (v.back() == '\r' || v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      // Lines starting with '#' are comments (the bundled dictionary documents itself).
      if (!v.empty() && v.front() != '#') {
        ++stats->lines;
        if (auto s = on_line(number, v); !s.ok()) return s;
      }
    }
    line.clear();
    too_long = false;
    return absl::OkStatus();
  };
  while (in) {
    in.read(buf, sizeof buf);
    std::string_view chunk(buf, static_cast<size_t>(in.gcount()));
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      std::string_view part = chunk.substr(0, nl);
      if (!too_long) {
        if (line.size() + part.size() > kMaxLineBytes) {
          too_long = true;
          line.clear();
        } else {
          line.append(part);
        }
      }
      if (nl == std::string_view::npos) break;
      if (auto s = finish(); !s.ok()) return s;
      chunk.remove_prefix(nl + 1);
    }
  }
  if (in.bad()) return absl::UnavailableError(StrCat("error reading ", path));
  if (!line.empty() || too_long) return finish();
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadRelationsFile(
    const std::string& path, size_t batch_size,
    const std::function<absl::Status(std::vector<Observation>&)>& on_batch,
    const std::function<void(const std::string&)>& on_error, JsonlReadStats* stats) {
  std::vector<Observation> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    absl::Status s = on_batch(batch);
    batch.clear();
    return s;
  };
  absl::Status s = ForEachLine(
      path,
      [&](int64_t number, std::string_view text) -> absl::Status {
        auto o = ParseRelationLine(text);
        if (!o.ok()) {
          ++stats->rejected;
          on_error(StrCat(path, ":", number, ": ", o.status().message()));
          return absl::OkStatus();
        }
        ++stats->valid;
        batch.push_back(*std::move(o));
        return batch.size() >= batch_size ? flush() : absl::OkStatus();
      },
      on_error, stats);
  if (!s.ok()) return s;
  return flush();
}

absl::Status ReadActorsPath(const std::string& path, std::vector<Actor>* actors,
                            const std::function<void(const std::string&)>& on_error,
                            JsonlReadStats* stats) {
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (ec) return absl::UnavailableError(StrCat("cannot list ", path, ": ", ec.message()));
  } else {
    files.push_back(path);
  }
  for (const std::string& file : files) {
    absl::Status s = ForEachLine(
        file,
        [&](int64_t number, std::string_view text) -> absl::Status {
          auto a = ParseActorLine(text);
          if (!a.ok()) {
            ++stats->rejected;
            on_error(StrCat(file, ":", number, ": ", a.status().message()));
          } else {
            ++stats->valid;
            actors->push_back(*std::move(a));
          }
          return absl::OkStatus();
        },
        on_error, stats);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace actorgraph
