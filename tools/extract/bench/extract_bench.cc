// Extractor speed and memory. Cases:
//   BM_SplitSentences      sentence splitting alone
//   BM_Tokenize            sentence splitting + tokenisation + vocabulary lookup
//   BM_Extract             the whole pipeline, one document at a time, on one thread
//   BM_Extract/threads:2   the same with the corpus shared among 2 threads (scaling)
// Counters: bytes_per_second (MB/s), sentences/s (per thread: divide a threads:N rate by N
// for the per-core figure), docs/s, peak_rss_MB (getrusage, the whole process).
// The corpus is the bundled demo briefs plus, when present, ../shared/corpus/real and seed,
// repeated to about 8 MB (ACTORGRAPH_BENCH_MB to change).
//
//   cmake -S . -B build-bench -G Ninja -DACTORGRAPH_BUILD_BENCHMARKS=ON -DACTORGRAPH_BUILD_SERVER=OFF
//   cmake --build build-bench --target extract_bench
//   build-bench/bin/extract_bench --benchmark_counters_tabular=true
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tools/extract/dictionary.h"
#include "tools/extract/document.h"
#include "tools/extract/extractor.h"
#include "tools/extract/text.h"

namespace {

namespace fs = std::filesystem;
using namespace actorgraph;
using namespace actorgraph::extract;

const Dictionary& Dict() {
  static const Dictionary* d = [] {
    auto r = Dictionary::Load(std::string(ACTORGRAPH_SOURCE_DIR) + "/data");
    if (!r.ok()) {
      std::fprintf(stderr, "dictionary: %s\n", std::string(r.status().message()).c_str());
      std::exit(1);
    }
    return new Dictionary(std::move(*r));
  }();
  return *d;
}

// The benchmark corpus, built once.
const std::vector<Document>& Corpus() {
  static const std::vector<Document>* docs = [] {
    std::vector<std::string> inputs = {std::string(ACTORGRAPH_SOURCE_DIR) + "/data/demo"};
    for (const char* sub : {"/corpus/real", "/corpus/seed"}) {
      std::string p = std::string(ACTORGRAPH_SHARED_DIR) + sub;
      if (fs::is_directory(p)) inputs.push_back(p);
    }
    std::vector<std::string> files;
    std::vector<InputProblem> problems;
    ExpandInputs(inputs, files, problems);
    std::vector<Document> base;
    for (const std::string& f : files) ReadDocuments(f, {}, base, problems);
    size_t target_mb = 8;
    if (const char* e = std::getenv("ACTORGRAPH_BENCH_MB")) target_mb = std::strtoul(e, nullptr, 10);
    auto* out = new std::vector<Document>();
    size_t bytes = 0;
    for (int round = 0; bytes < target_mb * 1000000 && !base.empty(); ++round) {
      for (const Document& d : base) {
        Document c = d;
        c.id = d.id + "-" + std::to_string(round);
        bytes += c.text.size();
        out->push_back(std::move(c));
      }
    }
    return out;
  }();
  return *docs;
}

double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

void SetCounters(benchmark::State& state, int64_t bytes, int64_t sentences, int64_t docs) {
  state.SetBytesProcessed(bytes);
  state.counters["sentences/s"] = benchmark::Counter(static_cast<double>(sentences),
                                                     benchmark::Counter::kIsRate);
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs),
                                                benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = PeakRssMb();
}

void BM_SplitSentences(benchmark::State& state) {
  const auto& docs = Corpus();
  int64_t bytes = 0, sentences = 0;
  for (auto _ : state) {
    for (const Document& d : docs) {
      auto s = SplitSentences(d.text);
      sentences += static_cast<int64_t>(s.size());
      bytes += static_cast<int64_t>(d.text.size());
      benchmark::DoNotOptimize(s.data());
    }
  }
  SetCounters(state, bytes, sentences, static_cast<int64_t>(docs.size()) * state.iterations());
}
BENCHMARK(BM_SplitSentences)->Unit(benchmark::kMillisecond);

void BM_Tokenize(benchmark::State& state) {
  const auto& docs = Corpus();
  const Dictionary& dict = Dict();
  int64_t bytes = 0, sentences = 0;
  Tokens toks;
  for (auto _ : state) {
    for (const Document& d : docs) {
      for (const SentenceSpan& s : SplitSentences(d.text)) {
        toks.Clear();
        Tokenize(d.text, s.begin, s.end, toks);
        dict.AssignVocab(toks);
        ++sentences;
      }
      bytes += static_cast<int64_t>(d.text.size());
    }
    benchmark::DoNotOptimize(toks.tokens.data());
  }
  SetCounters(state, bytes, sentences, static_cast<int64_t>(docs.size()) * state.iterations());
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

// Threads take interleaved documents, so threads:N does the same total work N ways.
void BM_Extract(benchmark::State& state) {
  const auto& docs = Corpus();
  Extractor ex(Dict());
  ExtractStats stats;
  int64_t relations = 0;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < docs.size(); i += state.threads()) {
      relations += static_cast<int64_t>(ex.Extract(docs[i], &stats).size());
    }
  }
  SetCounters(state, stats.bytes, stats.sentences, stats.documents);
  state.counters["relations"] = static_cast<double>(relations) / state.iterations();
}
BENCHMARK(BM_Extract)->Unit(benchmark::kMillisecond)->UseRealTime()->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
