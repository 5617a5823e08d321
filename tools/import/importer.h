// Event data -> relation observations: GDELT 2.0 event exports and ICEWS coded event files,
// read as a stream (constant memory whatever the file size), each row mapped by the rules of
// docs/IMPORT.md. A malformed row is reported and skipped, never fatal. Thread-compatible:
// one Importer per thread.
#ifndef ACTORGRAPH_TOOLS_IMPORT_IMPORTER_H_
#define ACTORGRAPH_TOOLS_IMPORT_IMPORTER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "graph/types.h"
#include "tools/import/actor_mapper.h"

namespace actorgraph::import {

enum class Format { kGdelt, kIcews };

struct ImportOptions {
  Format format = Format::kGdelt;
  // Also map CAMEO roots 08 (yield) to COOPERATE and 09, 10, 14 (investigate, demand,
  // protest) to CRITICIZE; by default those rows are skipped and counted.
  bool extended_kinds = false;
  double min_confidence = 0;  // rows below are skipped
  Day since = kNoDate;        // rows dated outside [since, until] are skipped
  Day until = kNoDate;
  int64_t max_errors = 0;  // stop once this many malformed rows were seen; 0 = never
};

// Why a well-formed row gave no observation.
enum class Skip : int {
  kNoKind,         // its CAMEO root has no relation kind (01, 02, 08, 09, 10, 14)
  kOneActor,       // fewer than two actors
  kGenericActor,   // an actor with neither country nor organisation ("REB" alone)
  kSelfRelation,   // both actors map to the same id
  kOutsideDates,   // --since / --until
  kLowConfidence,  // --min-confidence
};
inline constexpr int kNumSkips = 6;
// "CAMEO root without a kind", "fewer than two actors", ...
std::string_view SkipName(Skip skip);

struct ImportStats {
  int64_t files = 0;      // files read to their end
  int64_t rows = 0;       // data rows (not the ICEWS header, not blank lines)
  int64_t written = 0;    // observations emitted
  int64_t malformed = 0;  // rows reported and skipped
  std::array<int64_t, kNumSkips> skipped{};
  std::array<int64_t, 21> no_kind_by_root{};  // kNoKind by CAMEO root 1..20
  int64_t skipped_total() const;
};

// What became of one row.
enum class RowResult { kObservation, kSkipped, kMalformed };

class Importer {
 public:
  // `actors` is not owned and must outlive the importer.
  Importer(ImportOptions options, ActorMapper* actors);

  // Reads `path` ("-" = stdin; plain, gzip or zip) and calls `emit` with each observation in
  // file order. Each malformed row goes to `report` as "PATH:LINE: reason", and so do
  // warnings ("PATH: ..."). OK when the file was read to its end. NotFound,
  // PermissionDenied, FailedPrecondition (a folder, an unsupported zip, an ICEWS file with
  // no usable header) or DataLoss (truncated or corrupt compressed data; the rows before it
  // were emitted) when not; ResourceExhausted once max_errors malformed rows were seen.
  absl::Status ImportFile(const std::string& path,
                          const std::function<void(const Observation&)>& emit,
                          const std::function<void(const std::string&)>& report);

  // ICEWS: finds the columns by name in a header line (any order, any case). InvalidArgument
  // names a required column that is missing.
  absl::Status SetIcewsHeader(std::string_view header);
  // Maps one data row into `out`. kMalformed sets `error` to the reason; kSkipped counts
  // the reason in stats(). Counts the row in stats() either way.
  RowResult MapRow(std::string_view line, Observation& out, std::string& error);

  const ImportStats& stats() const { return stats_; }

 private:
  // An actor lookup, cached by the raw fields that decide it.
  struct Resolved {
    ActorRef actor;
    bool generic = false;  // no country and no organisation: skipped as kGenericActor
  };
  struct IcewsColumns {
    int count = 0;
    int event_id = -1, date = -1, source_name = -1, source_sectors = -1, source_country = -1,
        event_text = -1, cameo = -1, intensity = -1, target_name = -1, target_sectors = -1,
        target_country = -1, story_id = -1;
  };

  RowResult MapGdelt(std::string_view line, Observation& out, std::string& error);
  RowResult MapIcews(std::string_view line, Observation& out, std::string& error);
  // The shared tail of both: kind, filters, weight, confidence.
  RowResult Finish(const Resolved& source, const Resolved& target, RelationKind kind, Day date,
                   double goldstein, double confidence, Observation& out);
  RowResult Skipped(Skip why);
  const Resolved& GdeltActor(const std::string_view* fields);
  Resolved ResolveGdeltActor(const std::string_view* fields);
  const Resolved& IcewsActor(std::string_view name, std::string_view sectors,
                             std::string_view country);
  Resolved ResolveIcewsActor(std::string_view name, std::string_view sectors,
                             std::string_view country);

  ImportOptions options_;
  ActorMapper* actors_;
  ImportStats stats_;
  IcewsColumns icews_;
  std::vector<std::string_view> fields_;
  std::string key_;
  // Raw actor fields -> actor. Node-based, so a reference stays valid while a row looks up
  // its second actor; cleared between rows when it grows past a bound (constant memory).
  absl::node_hash_map<std::string, Resolved> cache_;
};

// The confidence of an event reported by `sources` sources in `mentions` mentions:
// 1 - 1 / (1 + s + (m - 1) / 10) with s, m at least 1, rounded to 4 decimals. 0.5 for one
// mention in one source; grows with both, below 1.
double ConfidenceFromCounts(int64_t sources, int64_t mentions);

}  // namespace actorgraph::import

#endif  // ACTORGRAPH_TOOLS_IMPORT_IMPORTER_H_
