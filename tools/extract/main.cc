// actorgraph-extract: news articles -> relations JSONL (DESIGN.md). See docs/EXTRACTION.md.
//
//   actorgraph-extract [--dict DIR] [-o OUT] [--jobs N] [options] INPUT...
//   actorgraph-extract eval --gold DIR [--by name|country] [--verbose] PRED.jsonl...
//
// Exit status: 0 all inputs read cleanly; 1 something was skipped or read with a warning
// (each reported on stderr); 2 usage or configuration error.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/relation_jsonl.h"
#include "tools/extract/dictionary.h"
#include "tools/extract/document.h"
#include "tools/extract/eval.h"
#include "tools/extract/extractor.h"

namespace fs = std::filesystem;
using namespace actorgraph;
using namespace actorgraph::extract;

namespace {

constexpr const char* kUsage = R"(usage:
  actorgraph-extract [--dict DIR] [-o OUT] [--jobs N] [options] INPUT...
  actorgraph-extract eval --gold DIR [--by name|country] [--verbose] PRED.jsonl...

Reads articles (files or folders of .txt with an id:/title:/date:/source: header and a
"---" line, or .jsonl of {id, date, text[, url, title]}) and writes one relation per line
(DESIGN.md's relations JSONL) to OUT or stdout.

options:
  --dict DIR            dictionary folder with actors/*.jsonl and lexicon/*.jsonl
                        (default: the bundled data/ folder, see docs/EXTRACTION.md)
  -o, --output OUT      write here (atomically: OUT appears complete or not at all)
  -j, --jobs N          worker threads (default 1)
  --min-confidence X    drop observations below X (0..1, default 0)
  --default-date DATE   date for documents that have none (YYYY-MM-DD; no warning then)
  --org-codes           write "IGO"/"NGO" as *_country of organisations (CAMEO style, as
                        the PLOVER gold has it) instead of leaving it empty
  --report-unused       after the run, list actors, role phrases and patterns that never
                        fired (on stderr)
  --stats               print counts and speed on stderr
  --trace               print every candidate relation with the rule that made it (stderr;
                        implies --jobs 1)
  -q, --quiet           no per-document warnings (skipped files are still reported)
  -h, --help            this text

exit status: 0 every input read cleanly, 1 something was skipped or read with a warning
(each one reported on stderr), 2 usage or configuration error.
)";

int Usage(const std::string& why) {
  std::cerr << "actorgraph-extract: " << why << "\n\n" << kUsage;
  return 2;
}

// The bundled data folder: $ACTORGRAPH_DATA, <exe>/../../data (build/bin -> source tree),
// <exe>/../share/actorgraph/data (installed), then the source tree compiled in.
std::string DefaultDictDir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("ACTORGRAPH_DATA"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / ".." / ".." / "data");
    candidates.push_back(exe.parent_path() / ".." / "share" / "actorgraph" / "data");
    candidates.push_back(exe.parent_path() / ".." / "data");
  }
#ifdef ACTORGRAPH_SOURCE_DATA_DIR
  candidates.emplace_back(ACTORGRAPH_SOURCE_DATA_DIR);
#endif
  for (const fs::path& c : candidates) {
    if (fs::is_directory(c / "actors", ec) && fs::is_directory(c / "lexicon", ec)) {
      return fs::weakly_canonical(c, ec).string();
    }
  }
  return candidates.empty() ? "data" : candidates.back().string();
}

void Report(const InputProblem& p) {
  std::cerr << "actorgraph-extract: " << p.where << ": " << (p.skipped ? "" : "warning: ")
            << p.message << "\n";
}

int RunEval(int argc, char** argv) {
  std::string gold;
  std::string by = "name";
  bool verbose = false;
  std::vector<std::string> preds;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--gold" && i + 1 < argc) {
      gold = argv[++i];
    } else if (a == "--by" && i + 1 < argc) {
      by = argv[++i];
    } else if (a == "--pred" && i + 1 < argc) {
      preds.push_back(argv[++i]);
    } else if (a == "--verbose" || a == "-v") {
      verbose = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return Usage("eval: unknown option " + a);
    } else {
      preds.push_back(a);
    }
  }
  if (gold.empty()) return Usage("eval: --gold DIR is required");
  if (preds.empty()) return Usage("eval: give at least one predictions file");
  if (by != "name" && by != "country") return Usage("eval: --by must be name or country");
  auto result = EvaluateRelations(gold, preds, by == "country", verbose ? &std::cout : nullptr);
  if (!result.ok()) {
    std::cerr << "actorgraph-extract eval: " << result.status().message() << "\n";
    return 2;
  }
  for (const EvalScore* s : {&result->kind, &result->sign}) {
    std::printf("%s: precision %.3f recall %.3f f1 %.3f (tp %d fp %d fn %d, %d docs)\n",
                s == &result->kind ? "kind" : "sign", s->precision, s->recall, s->f1, s->tp,
                s->fp, s->fn, result->docs);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "eval") return RunEval(argc, argv);
  std::string dict_dir, out_path;
  int jobs = 1;
  double min_conf = 0;
  bool report_unused = false, stats_flag = false, quiet = false, trace = false;
  bool org_codes = false;
  ReadOptions read_options;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&](const char* what) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)what;
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--dict") {
      const char* v = need("DIR");
      if (!v) return Usage("--dict needs a folder");
      dict_dir = v;
    } else if (a == "-o" || a == "--output") {
      const char* v = need("OUT");
      if (!v) return Usage("-o needs a file name");
      out_path = v;
    } else if (a == "-j" || a == "--jobs") {
      const char* v = need("N");
      if (!v || !absl::SimpleAtoi(v, &jobs) || jobs < 1 || jobs > 256) {
        return Usage("--jobs needs a number from 1 to 256");
      }
    } else if (a == "--min-confidence") {
      const char* v = need("X");
      if (!v || !absl::SimpleAtod(v, &min_conf) || min_conf < 0 || min_conf > 1) {
        return Usage("--min-confidence needs a number in [0, 1]");
      }
    } else if (a == "--default-date") {
      const char* v = need("DATE");
      auto d = v ? ParseDay(v) : absl::InvalidArgumentError("missing");
      if (!d.ok()) return Usage("--default-date needs a YYYY-MM-DD date");
      read_options.default_date = *d;
    } else if (a == "--report-unused") {
      report_unused = true;
    } else if (a == "--org-codes") {
      org_codes = true;
    } else if (a == "--trace") {
      trace = true;
    } else if (a == "--stats") {
      stats_flag = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "--") {
      for (++i; i < argc; ++i) inputs.push_back(argv[i]);
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return Usage("unknown option " + a);
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) return Usage("no INPUT given");
  if (dict_dir.empty()) dict_dir = DefaultDictDir();
  auto t0 = std::chrono::steady_clock::now();
  auto dict = Dictionary::Load(dict_dir);
  if (!dict.ok()) {
    std::cerr << "actorgraph-extract: dictionary: " << dict.status().message() << "\n";
    return 2;
  }
  ExtractOptions options;
  options.min_confidence = min_conf;
  options.cameo_org_codes = org_codes;
  if (trace) {
    options.trace = &std::cerr;
    jobs = 1;
  }
  Extractor extractor(*dict, options);

  std::vector<InputProblem> problems;
  std::vector<std::string> files;
  ExpandInputs(inputs, files, problems);
  bool any_problem = false;
  for (const InputProblem& p : problems) {
    Report(p);
    any_problem = true;
  }
  problems.clear();

  // Output: a temporary file renamed into place at the end, or stdout.
  std::string tmp_path;
  std::ofstream file_out;
  std::ostream* out = &std::cout;
  if (!out_path.empty() && out_path != "-") {
    tmp_path = out_path + ".tmp." + std::to_string(::getpid());
    file_out.open(tmp_path, std::ios::binary | std::ios::trunc);
    if (!file_out) {
      std::cerr << "actorgraph-extract: cannot write " << out_path << "\n";
      return 2;
    }
    out = &file_out;
  }

  ExtractStats total;
  int64_t relations = 0;
  // Batches of documents are extracted in parallel and written in input order. While one
  // batch is extracted, the main thread reads and parses the next.
  constexpr size_t kBatchDocs = 256;
  constexpr size_t kBatchBytes = 16 << 20;
  std::vector<Document> batch;
  size_t batch_bytes = 0;
  std::future<void> pending;
  auto process = [&](std::vector<Document> docs) {
    std::vector<std::string> rendered(docs.size());
    std::vector<ExtractStats> stats(jobs);
    std::atomic<size_t> next{0};
    auto work = [&](int w) {
      for (size_t i = next++; i < docs.size(); i = next++) {
        std::string s;
        for (const Observation& o : extractor.Extract(docs[i], &stats[w])) {
          s += RelationToJsonLine(o);
          s += '\n';
        }
        rendered[i] = std::move(s);
      }
    };
    int nthreads = static_cast<int>(std::min<size_t>(jobs, docs.size()));
    std::vector<std::thread> threads;
    for (int w = 1; w < nthreads; ++w) threads.emplace_back(work, w);
    work(0);
    for (std::thread& t : threads) t.join();
    for (const std::string& s : rendered) {
      *out << s;
      relations += std::count(s.begin(), s.end(), '\n');
    }
    for (const ExtractStats& s : stats) total.Merge(s);
  };
  auto flush = [&] {
    if (pending.valid()) pending.get();
    if (batch.empty()) return;
    if (jobs > 1) {
      pending = std::async(std::launch::async, process, std::move(batch));
    } else {
      process(std::move(batch));
    }
    batch.clear();
    batch_bytes = 0;
  };
  for (const std::string& f : files) {
    std::vector<Document> docs;
    ReadDocuments(f, read_options, docs, problems);
    for (const InputProblem& p : problems) {
      if (!p.skipped && quiet) {
        any_problem = true;
        continue;
      }
      Report(p);
      any_problem = true;
    }
    problems.clear();
    for (Document& d : docs) {
      batch_bytes += d.text.size();
      batch.push_back(std::move(d));
      if (batch.size() >= kBatchDocs || batch_bytes >= kBatchBytes) flush();
    }
  }
  flush();
  if (pending.valid()) pending.get();
  out->flush();
  if (!tmp_path.empty()) {
    file_out.close();
    if (!file_out) {
      std::cerr << "actorgraph-extract: writing " << out_path << " failed\n";
      fs::remove(tmp_path);
      return 2;
    }
    std::error_code ec;
    fs::rename(tmp_path, out_path, ec);
    if (ec) {
      std::cerr << "actorgraph-extract: cannot move output into " << out_path << ": "
                << ec.message() << "\n";
      fs::remove(tmp_path);
      return 2;
    }
  }
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats_flag) {
    std::cerr << absl::StrCat("actorgraph-extract: ", total.documents, " documents, ",
                              total.sentences, " sentences, ", total.bytes, " bytes, ",
                              relations, " relations in ", secs, " s (dictionary ",
                              dict_dir, ")\n");
  }
  if (report_unused) {
    const Dictionary& d = *dict;
    int unused = 0;
    for (size_t i = 0; i < d.actors().size(); ++i) {
      if (i >= total.actor_hits.size() || total.actor_hits[i] == 0) {
        std::cerr << "unused actor: " << d.actors()[i].actor.id << " (" << d.actors()[i].origin
                  << ")\n";
        ++unused;
      }
    }
    for (size_t i = 0; i < d.roles().size(); ++i) {
      if (i >= total.role_hits.size() || total.role_hits[i] == 0) {
        std::cerr << "unused role phrase: " << d.roles()[i].origin << "\n";
        ++unused;
      }
    }
    for (size_t i = 0; i < d.patterns().size(); ++i) {
      if (i >= total.pattern_hits.size() || total.pattern_hits[i] == 0) {
        std::cerr << "unused pattern: \"" << d.patterns()[i].text << "\" "
                  << RelationKindName(d.patterns()[i].kind) << " (" << d.patterns()[i].origin
                  << ")\n";
        ++unused;
      }
    }
    std::cerr << "actorgraph-extract: " << unused << " dictionary entries never fired\n";
  }
  return any_problem ? 1 : 0;
}
