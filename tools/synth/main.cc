// actorgraph-synth: writes a synthetic actor graph (tools/synth/synth.h) as relations JSONL,
// optionally with its actors (dictionary JSONL) and its aggregated edges (TSV).
//
//   actorgraph-synth --actors N --observations M [options] -o relations.jsonl
//
// Exit status: 0 written; 1 an output could not be written; 2 usage error.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"
#include "tools/synth/synth.h"

using namespace actorgraph;
using namespace actorgraph::synth;

namespace {

constexpr const char* kUsage = R"(usage:
  actorgraph-synth --actors N --observations M [options] [-o relations.jsonl]

Writes a realistic synthetic actor graph, the same for the same flags and seed: heavy-tailed
activity (a few hub actors, the first of them states), planted blocs (friendly inside,
hostile across, with noise), sign drift over time, DESIGN.md's relation kinds with CAMEO
codes, documents of several observations with URLs, spans and evidence sentences.
Streams with constant memory (--edges-out needs about 50 bytes per distinct edge).

options:
  --actors N          number of actors, ids a0 .. a<N-1> (default 100000)
  --observations M    number of relation observations, exact (default 1000000)
  --blocs B           planted blocs; actor i is in bloc i % B (default 10)
  --years Y           observations spread over Y years (default 6)
  --first-year Y      ... starting on 1 January of Y (default 2015)
  --within P          share of observations inside the source's bloc (default 0.5)
  --noise P           share of observations with a flipped sign (default 0.1)
  --drift P           share of actor pairs whose sign flips at a date of their own (default 0.05)
  --zipf A            activity exponent; 0 = uniform actors (default 1.0)
  --seed S            random seed (default 1)
  --no-evidence       leave sentence and url empty (smaller files; ids and spans unchanged)
  -o, --output FILE   relations JSONL (default: stdout; "-" is stdout too)
  --actors-out FILE   the actors as dictionary JSONL (graph/actor_jsonl.h)
  --edges-out FILE    the aggregated directed edges as TSV lines "source target sign weight":
                      weight = sum of |weight| x confidence of the pair's observations (what
                      RankActors' PageRank walks), sign = sign of the sum of signed weights
  --stats             print rows and rows/s on stderr
  -h, --help          this text
)";

int Usage(const std::string& why) {
  std::cerr << "actorgraph-synth: " << why << "\n\n" << kUsage;
  return 2;
}

int CannotOpen(const std::string& path) {
  std::cerr << "actorgraph-synth: cannot open " << path << " for writing\n";
  return 1;
}

// A buffered output file, or stdout for "" and "-".
class Output {
 public:
  bool Open(const std::string& path) {
    path_ = path.empty() ? "-" : path;
    file_ = path_ == "-" ? stdout : std::fopen(path_.c_str(), "w");
    if (file_ == nullptr) return false;
    buffer_ = std::make_unique<char[]>(kBuffer);
    std::setvbuf(file_, buffer_.get(), _IOFBF, kBuffer);
    return true;
  }
  void Line(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fputc('\n', file_);
  }
  std::FILE* file() { return file_; }
  // Flushes and closes; false (with a message) on any write error.
  bool Close() {
    if (file_ == nullptr) return true;
    bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
    if (file_ != stdout) ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) std::cerr << "actorgraph-synth: cannot write " << path_ << "\n";
    return ok;
  }
  const std::string& path() const { return path_; }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  std::string path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
};

struct EdgeSum {
  uint32_t source;
  uint32_t target;
  double activity;  // sum of |weight| x confidence
  double stance;    // sum of signed weights
};

uint32_t IndexOfId(std::string_view id) {  // "a123" -> 123
  uint32_t i = 0;
  for (char c : id.substr(1)) i = i * 10 + static_cast<uint32_t>(c - '0');
  return i;
}

// Sorts by (source, target) and merges the sums of each pair, so memory follows the distinct
// edges rather than the observations. Stable, so each pair sums in stream order.
void Compact(std::vector<EdgeSum>& sums) {
  std::stable_sort(sums.begin(), sums.end(), [](const EdgeSum& a, const EdgeSum& b) {
    return a.source != b.source ? a.source < b.source : a.target < b.target;
  });
  size_t kept = 0;
  for (size_t i = 0; i < sums.size(); ++i) {
    if (kept > 0 && sums[kept - 1].source == sums[i].source &&
        sums[kept - 1].target == sums[i].target) {
      sums[kept - 1].activity += sums[i].activity;
      sums[kept - 1].stance += sums[i].stance;
    } else {
      sums[kept++] = sums[i];
    }
  }
  sums.resize(kept);
}

bool WriteEdges(std::vector<EdgeSum>& sums, Output& out) {
  Compact(sums);
  for (const EdgeSum& e : sums) {
    std::fprintf(out.file(), "a%u\ta%u\t%d\t%.17g\n", e.source, e.target,
                 (e.stance > 0) - (e.stance < 0), e.activity);
  }
  return out.Close();
}

}  // namespace

int main(int argc, char** argv) {
  SynthSpec spec;
  std::string relations_path, actors_path, edges_path;
  bool stats = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--no-evidence") {
      spec.evidence = false;
      continue;
    }
    if (flag == "--stats") {
      stats = true;
      continue;
    }
    if (i + 1 >= argc) return Usage(flag + " needs a value");
    const std::string value = argv[++i];
    bool ok = true;
    uint64_t u = 0;
    int n = 0;
    if (flag == "--actors") {
      ok = absl::SimpleAtoi(value, &spec.actors);
    } else if (flag == "--observations") {
      ok = absl::SimpleAtoi(value, &spec.observations);
    } else if (flag == "--blocs") {
      ok = absl::SimpleAtoi(value, &spec.blocs);
    } else if (flag == "--years") {
      ok = absl::SimpleAtoi(value, &n);
      spec.years = n;
    } else if (flag == "--first-year") {
      ok = absl::SimpleAtoi(value, &n);
      spec.first_year = n;
    } else if (flag == "--seed") {
      ok = absl::SimpleAtoi(value, &u);
      spec.seed = u;
    } else if (double* share = flag == "--within"  ? &spec.within
                               : flag == "--noise" ? &spec.noise
                               : flag == "--drift" ? &spec.drift
                               : flag == "--zipf"  ? &spec.zipf
                                                   : nullptr) {
      ok = absl::SimpleAtod(value, share);
    } else if (flag == "-o" || flag == "--output") {
      relations_path = value;
    } else if (flag == "--actors-out") {
      actors_path = value;
    } else if (flag == "--edges-out") {
      edges_path = value;
    } else {
      return Usage("unknown flag " + flag);
    }
    if (!ok) return Usage(flag + ": not a number: " + value);
  }
  if (absl::Status s = ValidateSpec(spec); !s.ok()) {
    return Usage(std::string(AsStd(s.message())));
  }

  const auto start = std::chrono::steady_clock::now();
  if (!actors_path.empty()) {
    Output actors;
    if (!actors.Open(actors_path)) return CannotOpen(actors_path);
    for (uint64_t i = 0; i < spec.actors; ++i) actors.Line(ActorToJsonLine(MakeActor(spec, i)));
    if (!actors.Close()) return 1;
  }
  Output relations;
  if (!relations.Open(relations_path)) return CannotOpen(relations_path);
  std::vector<EdgeSum> sums;
  size_t compact_at = 1 << 22;
  ObservationStream stream(spec);
  Observation o;
  while (stream.Next(o)) {
    relations.Line(RelationToJsonLine(o));
    if (!edges_path.empty()) {
      sums.push_back({IndexOfId(std::string_view(o.source)), IndexOfId(std::string_view(o.target)),
                      std::abs(o.weight) * std::clamp(o.confidence, 0.0, 1.0), o.weight});
      if (sums.size() >= compact_at) {
        Compact(sums);
        compact_at = std::max(compact_at, 2 * sums.size());
      }
    }
  }
  if (!relations.Close()) return 1;
  if (!edges_path.empty()) {
    Output edges;
    if (!edges.Open(edges_path)) return CannotOpen(edges_path);
    if (!WriteEdges(sums, edges)) return 1;
  }
  if (stats) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "actorgraph-synth: " << spec.actors << " actors, " << stream.produced()
              << " observations in " << seconds << " s ("
              << static_cast<uint64_t>(static_cast<double>(stream.produced()) / seconds)
              << " observations/s)\n";
  }
  return 0;
}
