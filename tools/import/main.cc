// actorgraph-import: GDELT 2.0 event exports and ICEWS coded event files -> relations JSONL
// (DESIGN.md). See docs/IMPORT.md.
//
//   actorgraph-import gdelt [options] FILE...
//   actorgraph-import icews [options] FILE...
//
// Exit status: 0 every file was read (rows may have been skipped, each malformed one
// reported on stderr as FILE:LINE: reason); 1 a file could not be read or ended early,
// --max-errors stopped the run, the output could not be written, or bad usage.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "tools/import/actor_mapper.h"
#include "tools/import/importer.h"

namespace fs = std::filesystem;
using namespace actorgraph;
using namespace actorgraph::import;

namespace {

constexpr const char* kUsage = R"(usage:
  actorgraph-import gdelt [options] FILE...   GDELT 2.0 event exports (*.export.CSV[.zip])
  actorgraph-import icews [options] FILE...   ICEWS coded event files (tab-separated, header)
  actorgraph-import COMMAND --help            the options and the mapping of each

Writes one relation per line (DESIGN.md's relations JSONL) to stdout or -o FILE; see
docs/IMPORT.md for how actors, CAMEO codes, weights and confidences are mapped.
)";

constexpr const char* kOptions = R"(
options:
  -o, --output FILE     write the relations here (atomically: FILE appears complete or not
                        at all) instead of stdout ("-")
  --actors-out FILE     also write the actors the import made up (actor JSONL: kind,
                        country, roles), for `actorgraph load-actors` or `--actors`
  --dict DIR            the actor dictionary: the data/ folder (or data/actors, or one
                        .jsonl file). States map onto its ids by ISO code (RUS -> russia),
                        names onto its actors by name or alias, so imported events join the
                        bundled graph. Without it, states are their lower-case ISO codes
  --extended-kinds      also map CAMEO roots 08 (yield) to COOPERATE and 09, 10, 14
                        (investigate, demand, protest) to CRITICIZE; by default rows with
                        roots 01, 02, 08, 09, 10, 14 are skipped and counted
  --since DATE          skip events before DATE (YYYY-MM-DD)
  --until DATE          skip events after DATE
  --min-confidence X    skip events whose confidence is below X (0..1)
  --max-errors N        stop after N malformed rows (exit status 1)
  -q, --quiet           do not list malformed rows (the summary still counts them)
  -h, --help            this text

FILE may be plain text, gzip or zip (the first entry), told apart by content; "-" is stdin.
exit status: 0 every file was read (skipped rows are counted, malformed rows reported as
FILE:LINE: reason on stderr); 1 a file could not be read or ended early, --max-errors was
reached, the output could not be written, or bad usage.
)";

constexpr const char* kGdeltHelp = R"(usage: actorgraph-import gdelt [options] FILE...

Reads GDELT 2.0 event exports: tab-separated, no header, 61 columns (GLOBALEVENTID, SQLDATE,
..., Actor1Code, Actor1Name, Actor1CountryCode, ..., EventCode, ..., GoldsteinScale,
NumMentions, NumSources, ..., DATEADDED, SOURCEURL), as downloaded (*.export.CSV.zip) or
unzipped. One observation per event: id and doc "gdelt-GLOBALEVENTID", date SQLDATE, kind and
sign from the EventCode's CAMEO root, weight |GoldsteinScale| with the kind's sign, confidence
from NumSources and NumMentions, url SOURCEURL.
)";

constexpr const char* kIcewsHelp = R"(usage: actorgraph-import icews [options] FILE...

Reads ICEWS coded event files (the Dataverse .tab files, zipped or not): tab-separated with a
header line; columns are found by name (Event ID, Event Date, Source Name, Source Sectors,
Source Country, Event Text, CAMEO Code, Intensity, Target Name, Target Sectors, Target
Country, Story ID; others are ignored). One observation per event: id
"icews-EVENTID-DATE", doc "icews-story-STORYID", kind and sign from the CAMEO Code's root,
weight |Intensity| with the kind's sign, confidence 0.5 (ICEWS has no mention counts).
)";

int Usage(const std::string& why) {
  std::cerr << "actorgraph-import: " << why << "\n\n" << kUsage;
  return 1;
}

// Buffered output to stdout or to a temporary file renamed into place by Commit().
class Output {
 public:
  // Opens `path` ("" or "-" = stdout). False when the file cannot be created.
  bool Open(const std::string& path) {
    path_ = path == "-" ? "" : path;
    if (path_.empty()) {
      file_ = stdout;
      return true;
    }
    // A new or regular file is replaced atomically; anything else (a symlink such as
    // /dev/stdout, a device, a FIFO) is written in place, never renamed over.
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path_, ec);
    if (fs::exists(st) && !fs::is_regular_file(st)) {
      file_ = std::fopen(path_.c_str(), "wb");
      return file_ != nullptr;
    }
    tmp_ = StrCat(path_, ".tmp.", ::getpid());
    file_ = std::fopen(tmp_.c_str(), "wb");
    return file_ != nullptr;
  }
  void Line(std::string_view line) {
    buf_.append(line);
    EndLine();
  }
  // Appending to buffer() and then EndLine() writes a line without a copy.
  std::string& buffer() { return buf_; }
  void EndLine() {
    buf_.push_back('\n');
    if (buf_.size() >= (1 << 20)) Flush();
  }
  // Flushes, closes and renames into place. False (and nothing left behind) on failure.
  bool Commit(std::string& error) {
    Flush();
    if (file_ == nullptr) return true;
    bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
    if (file_ != stdout) ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) {
      error = StrCat("writing ", path_.empty() ? "stdout" : path_, " failed");
    } else if (!tmp_.empty()) {
      std::error_code ec;
      fs::rename(tmp_, path_, ec);
      if (ec) {
        error = StrCat("cannot move the output into ", path_, ": ", ec.message());
        ok = false;
      }
    }
    if (!ok && !tmp_.empty()) fs::remove(tmp_);
    return ok;
  }
  ~Output() {
    if (file_ != nullptr && file_ != stdout) {
      std::fclose(file_);
      if (!tmp_.empty()) fs::remove(tmp_);
    }
  }

 private:
  void Flush() {
    if (file_ != nullptr && !buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), file_);
    buf_.clear();
  }
  std::string path_, tmp_;  // tmp_ is "" when writing stdout or in place
  std::FILE* file_ = nullptr;
  std::string buf_;
};

void PrintSummary(std::string_view command, const ImportStats& st, const ActorMapper& actors,
                  const std::string& actors_out, double seconds) {
  std::cerr << "actorgraph-import: " << command << ": " << st.files << " file(s), " << st.rows
            << " rows: " << st.written << " relations written, " << st.skipped_total()
            << " skipped, " << st.malformed << " malformed ("
            << StrCat(static_cast<int64_t>(seconds * 1000) / 1000.0) << " s, "
            << static_cast<int64_t>(seconds > 0 ? st.rows / seconds : 0) << " rows/s)\n";
  if (st.skipped_total() > 0) {
    std::cerr << "  skipped:";
    const char* sep = " ";
    for (int i = 0; i < kNumSkips; ++i) {
      if (st.skipped[i] == 0) continue;
      std::cerr << sep << st.skipped[i] << " " << SkipName(static_cast<Skip>(i));
      if (static_cast<Skip>(i) == Skip::kNoKind) {
        std::cerr << " (";
        const char* root_sep = "";
        for (int root = 1; root <= 20; ++root) {
          if (st.no_kind_by_root[root] == 0) continue;
          std::cerr << root_sep << "root " << (root < 10 ? "0" : "") << root << ": "
                    << st.no_kind_by_root[root];
          root_sep = ", ";
        }
        std::cerr << ")";
      }
      sep = "; ";
    }
    std::cerr << "\n";
  }
  std::cerr << "  actors: " << actors.created_count() << " made up by the import"
            << (actors_out.empty() ? " (--actors-out writes them)" : "")
            << (actors.dictionary_size() > 0 ? StrCat(", the rest from the dictionary (",
                                                      actors.dictionary_size(), " actors)")
                                             : std::string(", no --dict"))
            << "\n";
  if (!actors.unresolved_countries().empty()) {
    std::vector<std::pair<int64_t, std::string>> top;
    for (const auto& [name, n] : actors.unresolved_countries()) top.emplace_back(-n, name);
    std::sort(top.begin(), top.end());
    std::cerr << "  country names not in the dictionary (" << top.size() << "):";
    for (size_t i = 0; i < top.size() && i < 10; ++i) {
      std::cerr << (i ? ", " : " ") << top[i].second;
    }
    std::cerr << (top.size() > 10 ? ", ..." : "")
              << " (add them as aliases of their states in data/actors)\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) return Usage("which format? gdelt or icews");
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage << kOptions;
    return 0;
  }
  ImportOptions options;
  if (command == "gdelt") {
    options.format = Format::kGdelt;
  } else if (command == "icews") {
    options.format = Format::kIcews;
  } else {
    return Usage("unknown command \"" + command + "\" (gdelt or icews)");
  }
  std::string out_path, actors_path, dict_dir;
  bool quiet = false;
  std::vector<std::string> inputs;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    auto take = [&]() -> const char* {
      if (value != nullptr) ++i;
      return value;
    };
    auto date = [&](Day& out) {
      const char* v = take();
      auto d = v ? ParseDay(v) : absl::InvalidArgumentError("missing");
      if (d.ok()) out = *d;
      return d.ok();
    };
    if (a == "-h" || a == "--help") {
      std::cout << (options.format == Format::kGdelt ? kGdeltHelp : kIcewsHelp) << kOptions;
      return 0;
    } else if (a == "-o" || a == "--output") {
      if (!take()) return Usage(a + " needs a file name");
      out_path = value;
    } else if (a == "--actors-out") {
      if (!take()) return Usage("--actors-out needs a file name");
      actors_path = value;
    } else if (a == "--dict") {
      if (!take()) return Usage("--dict needs a folder");
      dict_dir = value;
    } else if (a == "--extended-kinds") {
      options.extended_kinds = true;
    } else if (a == "--since") {
      if (!date(options.since)) return Usage("--since needs a YYYY-MM-DD date");
    } else if (a == "--until") {
      if (!date(options.until)) return Usage("--until needs a YYYY-MM-DD date");
    } else if (a == "--min-confidence") {
      const char* v = take();
      if (!v || !absl::SimpleAtod(v, &options.min_confidence) || options.min_confidence < 0 ||
          options.min_confidence > 1) {
        return Usage("--min-confidence needs a number in [0, 1]");
      }
    } else if (a == "--max-errors") {
      const char* v = take();
      if (!v || !absl::SimpleAtoi(v, &options.max_errors) || options.max_errors < 1) {
        return Usage("--max-errors needs a positive number");
      }
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "--") {
      for (++i; i < argc; ++i) inputs.push_back(argv[i]);
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option " + a);
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) return Usage("no input files (use - for stdin)");
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) return Usage("stdin (-) given twice");
  const bool relations_to_stdout = out_path.empty() || out_path == "-";
  if (actors_path == "-" && relations_to_stdout) {
    return Usage("--actors-out - needs -o FILE (stdout cannot take both)");
  }

  const auto t0 = std::chrono::steady_clock::now();
  ActorMapper actors;
  if (!dict_dir.empty()) {
    if (absl::Status s = actors.LoadDictionary(dict_dir); !s.ok()) {
      std::cerr << "actorgraph-import: --dict: " << s.message() << "\n";
      return 1;
    }
  }
  Output out;
  if (!out.Open(out_path)) {
    std::cerr << "actorgraph-import: cannot write " << out_path << "\n";
    return 1;
  }
  Importer importer(options, &actors);
  bool failed = false;
  const auto emit = [&](const Observation& o) {
    AppendRelationJson(o, out.buffer());
    out.EndLine();
  };
  const auto report = [&](const std::string& msg) {
    if (!quiet) std::cerr << msg << "\n";
  };
  for (const std::string& path : inputs) {
    absl::Status s = importer.ImportFile(path, emit, report);
    if (s.ok()) continue;
    failed = true;
    const std::string msg(AsStd(s.message()));
    // Messages from inside a file already start with its name.
    std::cerr << "actorgraph-import: "
              << (msg.rfind(path + ":", 0) == 0 ? msg : StrCat(path, ": ", msg)) << "\n";
    if (s.code() == absl::StatusCode::kResourceExhausted) break;  // --max-errors
  }
  std::string error;
  if (!out.Commit(error)) {
    std::cerr << "actorgraph-import: " << error << "\n";
    failed = true;
  }
  if (!actors_path.empty()) {
    Output actors_out;
    if (!actors_out.Open(actors_path)) {
      std::cerr << "actorgraph-import: cannot write " << actors_path << "\n";
      failed = true;
    } else {
      for (const Actor& a : actors.CreatedActors()) actors_out.Line(ActorToJsonLine(a));
      if (!actors_out.Commit(error)) {
        std::cerr << "actorgraph-import: " << error << "\n";
        failed = true;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  PrintSummary(command, importer.stats(), actors, actors_path, seconds);
  return failed ? 1 : 0;
}
