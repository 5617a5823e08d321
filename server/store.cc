#include "server/store.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_set.h"

#include "absl/status/status.h"
#include "graph/actor_jsonl.h"
#include "graph/graph_image.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

constexpr std::string_view kSchemaVersion = "actorgraph-3";

// Observations are stored a column per field (schema 2), not as one JSON body per row
// (schema 1): loading 20 million rows must not parse 20 million JSON documents, and the
// hot columns come first so a load that leaves sentences on disk never reads them.
constexpr const char* kObservationsTable = R"sql(
CREATE TABLE IF NOT EXISTS observations(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,            -- unique; GraphState checks it in memory (no index to keep)
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  kind INTEGER NOT NULL,
  sign INTEGER NOT NULL,
  weight REAL NOT NULL,
  confidence REAL NOT NULL,
  date INTEGER,                -- days since 1970-01-01; NULL when unknown
  doc TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  cameo TEXT NOT NULL,
  source_name TEXT NOT NULL,
  target_name TEXT NOT NULL,
  source_country TEXT NOT NULL,
  target_country TEXT NOT NULL,
  url TEXT NOT NULL,
  sentence TEXT NOT NULL);
)sql";
// No index on doc: a retraction finds its rows through the loaded graph (RetractDocument's
// `rows`). Keeping the index took 0.6-0.9 of Store::Write's 3.3 us per observation
// (actorgraph_load_benchmark fill, 1 M observations); stores made before drop it on open.
constexpr const char* kDropDocIndex = "DROP INDEX IF EXISTS observations_doc;";
// The columns in table order, for SELECT and INSERT; kSentenceColumn is the last.
constexpr const char* kObservationColumns =
    "seq, id, source, target, kind, sign, weight, confidence, date, doc, span_begin, span_end, "
    "cameo, source_name, target_name, source_country, target_country, url, sentence";
constexpr int kSentenceColumn = 18;

// The change log: a row per change, except that one row logs a whole batch of added
// observations (schema 3; type 1, ref ''): `count` of them, stored in rows row..row+count-1,
// with versions version-count+1..version and their ids and documents packed in `batch` (see
// PackBatch). A row with a NULL count logs one change.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actors(id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes(
  version INTEGER PRIMARY KEY AUTOINCREMENT,
  type INTEGER NOT NULL,
  ref TEXT NOT NULL,
  doc TEXT NOT NULL DEFAULT '',
  row INTEGER,                 -- observations.seq of an added observation
  count INTEGER,               -- a batch row (schema 3): see kSchema's comment
  batch BLOB);
-- The graph image (graph/graph_image.h): derived data that makes a load fast. meta 'image'
-- names the parts of the current one and what it covers; other parts are leftovers.
CREATE TABLE IF NOT EXISTS graph_image(part INTEGER PRIMARY KEY, data BLOB NOT NULL);
)sql";

// SQLITE_FULL tells the client the store is out of room; the others that it is
// temporarily or administratively unable to write.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = StrCat(what, ": ", sqlite3_errstr(rc));
  if (db != nullptr && sqlite3_errcode(db) == rc) msg = StrCat(msg, " (", sqlite3_errmsg(db), ")");
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(StrCat(msg, "; the database is full"));
    case SQLITE_READONLY:
      return absl::UnavailableError(StrCat(msg, "; the database is read-only"));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(msg);
    default:
      return absl::InternalError(msg);
  }
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  // A statement kept for the life of its connection (Store's write statements), whose text
  // binds are SQLITE_STATIC: the caller keeps the bytes alive until Run() returns.
  Stmt(sqlite3* db, std::string_view sql, bool persistent) : bind_mode_(SQLITE_STATIC) {
    rc_ = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                             persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  int rc() const { return rc_; }
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, std::string_view v) {
    // An empty view may have a null data(), which SQLite would store as NULL.
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), bind_mode_);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  // Steps a statement that returns no rows and resets it for reuse.
  int Run() {
    int rc = sqlite3_step(s_);
    sqlite3_reset(s_);
    return rc;
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
  sqlite3_destructor_type bind_mode_ = SQLITE_TRANSIENT;
};

absl::Status ExecOn(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    absl::Status s = SqliteError(db, rc, err ? err : "exec");
    sqlite3_free(err);
    return s;
  }
  return absl::OkStatus();
}

std::string_view ColumnView(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? std::string_view(reinterpret_cast<const char*>(t),
                              static_cast<size_t>(sqlite3_column_bytes(s, col)))
           : std::string_view();
}

// The ids and documents of a batch's observations, in order, for its change row: per
// observation a 4-byte little-endian length and the id's bytes, then the same for the doc.
std::string PackBatch(const std::vector<Observation>& observations) {
  size_t bytes = 0;
  for (const Observation& o : observations) bytes += 8 + o.id.size() + o.evidence.doc.size();
  std::string out;
  out.reserve(bytes);
  auto put = [&out](std::string_view v) {
    const uint32_t n = static_cast<uint32_t>(v.size());
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
    out.append(v);
  };
  for (const Observation& o : observations) {
    put(o.id);
    put(o.evidence.doc);
  }
  return out;
}

// Reads the next length-prefixed string of a PackBatch blob at *at; false when it is cut short.
bool UnpackNext(std::string_view blob, size_t* at, std::string* out) {
  if (blob.size() - *at < 4) return false;
  uint32_t n = 0;
  for (int b = 0; b < 4; ++b) n |= uint32_t{static_cast<unsigned char>(blob[*at + b])} << (8 * b);
  *at += 4;
  if (blob.size() - *at < n) return false;
  out->assign(blob.substr(*at, n));
  *at += n;
  return true;
}

// Binds `o` to an INSERT over kObservationColumns without seq (parameters at+1..at+18).
void BindObservation(Stmt& st, const Observation& o, int at = 0) {
  st.Bind(at + 1, o.id);
  st.Bind(at + 2, o.source);
  st.Bind(at + 3, o.target);
  st.Bind(at + 4, int64_t{static_cast<int>(o.kind)});
  st.Bind(at + 5, int64_t{o.sign});
  sqlite3_bind_double(st.get(), at + 6, o.weight);
  sqlite3_bind_double(st.get(), at + 7, o.confidence);
  if (o.date == kNoDate) {
    sqlite3_bind_null(st.get(), at + 8);
  } else {
    st.Bind(at + 8, int64_t{o.date});
  }
  st.Bind(at + 9, o.evidence.doc);
  st.Bind(at + 10, int64_t{o.evidence.begin});
  st.Bind(at + 11, int64_t{o.evidence.end});
  st.Bind(at + 12, o.cameo);
  st.Bind(at + 13, o.source_name);
  st.Bind(at + 14, o.target_name);
  st.Bind(at + 15, o.source_country);
  st.Bind(at + 16, o.target_country);
  st.Bind(at + 17, o.evidence.url);
  st.Bind(at + 18, o.evidence.sentence);
}

// Reads the row of a SELECT over kObservationColumns (from column 0). Without
// `with_sentence` the sentence stays on disk and evidence.stored_row names the row.
// `make_text(column, bytes)` makes the Text of each repeatable string column.
template <typename MakeText>
absl::StatusOr<Observation> ReadObservation(sqlite3_stmt* s, bool with_sentence,
                                            MakeText make_text) {
  Observation o;
  const int64_t seq = sqlite3_column_int64(s, 0);
  o.id = ColumnView(s, 1);
  o.source = make_text(2, ColumnView(s, 2));
  o.target = make_text(3, ColumnView(s, 3));
  const int64_t kind = sqlite3_column_int64(s, 4);
  if (kind <= 0 || kind >= kNumRelationKinds) {
    return absl::DataLossError(StrCat("observation row ", seq, ": unknown kind ", kind));
  }
  o.kind = static_cast<RelationKind>(kind);
  o.sign = sqlite3_column_int(s, 5);
  o.weight = sqlite3_column_double(s, 6);
  o.confidence = sqlite3_column_double(s, 7);
  o.date = sqlite3_column_type(s, 8) == SQLITE_NULL ? kNoDate
                                                     : static_cast<Day>(sqlite3_column_int64(s, 8));
  o.evidence.doc = make_text(9, ColumnView(s, 9));
  o.evidence.begin = sqlite3_column_int(s, 10);
  o.evidence.end = sqlite3_column_int(s, 11);
  o.cameo = make_text(12, ColumnView(s, 12));
  o.source_name = make_text(13, ColumnView(s, 13));
  o.target_name = make_text(14, ColumnView(s, 14));
  o.source_country = make_text(15, ColumnView(s, 15));
  o.target_country = make_text(16, ColumnView(s, 16));
  o.evidence.url = make_text(17, ColumnView(s, 17));
  if (with_sentence) {
    o.evidence.sentence = ColumnView(s, kSentenceColumn);
  } else {
    o.evidence.stored_row = seq;
  }
  return o;
}
absl::StatusOr<Observation> ReadObservation(sqlite3_stmt* s, bool with_sentence) {
  return ReadObservation(s, with_sentence, [](int, std::string_view v) { return Text(v); });
}

// Upserts the actor of each row of `q` (SELECT id, body FROM actors ...) into `graph`,
// counting them in *count when given. A body that does not parse is Internal naming the row.
absl::Status UpsertActorRows(sqlite3* db, Stmt& q, ActorGraph& graph, std::string_view what,
                             int64_t* count = nullptr) {
  if (q.rc() != SQLITE_OK) return SqliteError(db, q.rc(), what);
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    auto a = ParseActorLine(q.Text(1));
    if (!a.ok()) return absl::InternalError(StrCat("actor row ", q.Text(0), ": ", a.status().message()));
    if (auto r = graph.UpsertActor(*std::move(a)); !r.ok()) return r.status();
    if (count != nullptr) ++*count;
  }
  return rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db, rc, what);
}

absl::StatusOr<sqlite3*> OpenConnection(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        StrCat("cannot open database ", path, ": ", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

// Runs `produce(push)` on a thread of its own and hands what it pushes to the calling thread
// through a queue of at most `max_queued` items, so that reading SQLite overlaps building the
// graph. push(item) waits for room; it returns false once the consumer stopped, and produce
// should then return. Next() gives the items in order and nullopt after the last one.
template <typename T>
class ProducerThread {
 public:
  using Push = std::function<bool(T)>;
  ProducerThread(size_t max_queued, std::function<absl::Status(const Push&)> produce)
      : max_queued_(max_queued), thread_([this, produce = std::move(produce)] {
          absl::Status status = produce([this](T item) {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return queue_.size() < max_queued_ || stop_; });
            if (stop_) return false;
            queue_.push_back(std::move(item));
            cv_.notify_all();
            return true;
          });
          std::lock_guard lock(mu_);
          status_ = std::move(status);
          done_ = true;
          cv_.notify_all();
        }) {}
  ~ProducerThread() { Finish().IgnoreError(); }
  ProducerThread(const ProducerThread&) = delete;
  ProducerThread& operator=(const ProducerThread&) = delete;

  std::optional<T> Next() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return std::nullopt;
    T item = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return item;
  }
  // Stops the producer (a push waiting for room returns false), waits for it and returns what
  // produce returned.
  absl::Status Finish() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> queue_;    // guarded by mu_
  bool done_ = false;      // guarded by mu_: produce returned
  bool stop_ = false;      // guarded by mu_
  absl::Status status_;    // guarded by mu_ until the thread is joined
  std::thread thread_;     // last: starts once the rest is constructed
};

absl::Status UpgradeFromSchema1(sqlite3* db);

// Creates the observations table of a new database, or upgrades an older one (schema 1: JSON
// bodies; schema 2: a change row per added observation). Unknown schemas are left for Open
// to refuse.
absl::Status PrepareSchema(sqlite3* db) {
  std::string version;
  {
    Stmt q(db, "SELECT value FROM meta WHERE key='schema'");
    if (q.rc() != SQLITE_OK) return SqliteError(db, q.rc(), "reading the schema version");
    if (sqlite3_step(q.get()) == SQLITE_ROW) version = q.Text(0);
  }
  if (version.empty()) {
    if (auto s = ExecOn(db, kObservationsTable); !s.ok()) return s;
    Stmt mark(db, "INSERT INTO meta(key, value) VALUES('schema', ?1)");
    mark.Bind(1, kSchemaVersion);
    if (int rc = mark.Run(); rc != SQLITE_DONE) return SqliteError(db, rc, "marking the schema");
    return absl::OkStatus();
  }
  if (version == "actorgraph-1") {
    if (auto s = UpgradeFromSchema1(db); !s.ok()) return s;
    version = "actorgraph-2";
  }
  if (version != "actorgraph-2") return ExecOn(db, kDropDocIndex);
  // Schema 2 -> 3: the change log gains batch rows; the rows already there keep their meaning.
  if (auto s = ExecOn(db, "BEGIN IMMEDIATE;"
                          "ALTER TABLE changes ADD COLUMN count INTEGER;"
                          "ALTER TABLE changes ADD COLUMN batch BLOB;"
                          "UPDATE meta SET value='actorgraph-3' WHERE key='schema';"
                          "COMMIT;");
      !s.ok()) {
    ExecOn(db, "ROLLBACK").IgnoreError();
    return absl::Status(s.code(), StrCat("upgrading from schema actorgraph-2: ", s.message()));
  }
  return ExecOn(db, kDropDocIndex);
}

// Schema 1 (a JSON body per observation row) -> 2 (a column per field), in one transaction.
absl::Status UpgradeFromSchema1(sqlite3* db) {
  if (auto s = ExecOn(db, "BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    ExecOn(db, "ROLLBACK").IgnoreError();
    return absl::Status(s.code(), StrCat("upgrading from schema actorgraph-1: ", s.message()));
  };
  if (auto s = ExecOn(db, "ALTER TABLE observations RENAME TO observations_v1;"
                          "ALTER TABLE changes ADD COLUMN row INTEGER;");
      !s.ok()) {
    return fail(s);
  }
  if (auto s = ExecOn(db, kObservationsTable); !s.ok()) return fail(s);
  {
    Stmt read(db, "SELECT seq, body FROM observations_v1 ORDER BY seq");
    Stmt ins(db, StrCat("INSERT INTO observations(", std::string_view(kObservationColumns).substr(5),
                        ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)")
                     .c_str());
    if (read.rc() != SQLITE_OK) return fail(SqliteError(db, read.rc(), "reading old rows"));
    if (ins.rc() != SQLITE_OK) return fail(SqliteError(db, ins.rc(), "preparing the upgrade"));
    int rc;
    while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
      auto o = ParseRelationLine(read.Text(1));
      if (!o.ok()) {
        return fail(absl::DataLossError(
            StrCat("row ", sqlite3_column_int64(read.get(), 0), ": ", o.status().message())));
      }
      BindObservation(ins, *o);
      if (int r = ins.Run(); r != SQLITE_DONE) return fail(SqliteError(db, r, "copying a row"));
    }
    if (rc != SQLITE_DONE) return fail(SqliteError(db, rc, "reading old rows"));
  }
  if (auto s = ExecOn(db, "UPDATE changes SET row = (SELECT o.seq FROM observations o "
                          "WHERE o.id = changes.ref) WHERE type = 1;"
                          "DROP TABLE observations_v1;"
                          "UPDATE meta SET value='actorgraph-2' WHERE key='schema';");
      !s.ok()) {
    return fail(s);
  }
  if (auto s = ExecOn(db, "COMMIT"); !s.ok()) return fail(s);
  return absl::OkStatus();
}

}  // namespace

static_assert(Change::kRelationAdded == 1 && Change::kActorUpserted == 3,
              "WriteStatements spells these types out in SQL");

// The statements of Write, prepared once per Store: preparing them per batch cost more
// than the batch's BEGIN. Text binds are SQLITE_STATIC (Write's arguments outlive the step).
struct Store::WriteStatements {
  explicit WriteStatements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE", true),
        commit(db, "COMMIT", true),
        upsert_actor(db,
                     "INSERT INTO actors(id, body) VALUES(?1, ?2) "
                     "ON CONFLICT(id) DO UPDATE SET body=excluded.body",
                     true),
        insert_observation(
            db,
            StrCat("INSERT INTO observations(", std::string_view(kObservationColumns).substr(5),
                   ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"),
            true),
        log_actor(db, "INSERT INTO changes(type, ref) VALUES(3, ?1)", true),
        insert_observations(db, Rows(StrCat("INSERT INTO observations(",
                                            std::string_view(kObservationColumns).substr(5),
                                            ") VALUES"),
                                     "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
                            true),
        log_batch(db,
                  "INSERT INTO changes(version, type, ref, doc, row, count, batch) "
                  "VALUES(?1, 1, '', '', ?2, ?3, ?4)",
                  true) {}
  // Multi-row INSERTs of kChunk rows: one statement's fixed cost (AUTOINCREMENT's
  // sqlite_sequence read and write, the statement's start and end) per kChunk rows instead of
  // per row. SQLite numbers the rows of one INSERT consecutively, in VALUES order.
  static constexpr int kChunk = 32;
  static std::string Rows(std::string head, std::string_view row) {
    for (int i = 0; i < kChunk; ++i) head = StrCat(head, i == 0 ? "" : ",", row);
    return head;
  }
  // The first failing prepare's code, or SQLITE_OK.
  int rc() const {
    for (const Stmt* s : {&begin, &commit, &upsert_actor, &insert_observation, &log_actor,
                          &insert_observations, &log_batch}) {
      if (s->rc() != SQLITE_OK) return s->rc();
    }
    return SQLITE_OK;
  }
  Stmt begin, commit, upsert_actor, insert_observation, log_actor;
  Stmt insert_observations;  // kChunk rows
  Stmt log_batch;            // the change row of a batch of observations
};

// Copies the WAL back into the database file on its own connection and thread, so that the
// writer's commits do not pay for it (the writer runs with wal_autocheckpoint=0). SQLite
// restarts the WAL from its start only when a write transaction begins after every committed
// frame was copied back; under a steady stream of writes that moment never comes by itself,
// so once the WAL reaches `wait_pages` the writer waits for one checkpoint before its next
// transaction. That bounds the WAL at about wait_pages plus one transaction (longer only
// while a reader holds an old snapshot, as with SQLite's own checkpoints).
// Thread-safety: Committed and BeforeWrite are called by the (serialised) writer only.
class Store::Checkpointer {
 public:
  Checkpointer(sqlite3* db, int64_t start_pages, int64_t wait_pages)
      : db_(db), start_pages_(start_pages), wait_pages_(wait_pages), thread_([this] { Run(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    sqlite3_close(db_);
  }

  // After each commit, with the number of frames now in the WAL.
  void Committed(int wal_pages) {
    wal_pages_ = wal_pages;
    if (wal_pages >= start_pages_) Request();
  }

  // Before each write transaction: waits for a checkpoint of everything committed when the
  // WAL has grown to wait_pages, so that the transaction starts the WAL over.
  void BeforeWrite() {
    if (wal_pages_ < wait_pages_) return;
    uint64_t ticket = Request();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return done_ >= ticket || stop_; });
    wal_pages_ = 0;  // the next commit's hook reports the real size
  }

  int64_t checkpoints() const { return runs_.load(std::memory_order_relaxed); }

 private:
  uint64_t Request() {
    uint64_t ticket;
    {
      std::lock_guard lock(mu_);
      ticket = ++requested_;
    }
    cv_.notify_all();
    return ticket;
  }

  void Run() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || requested_ > done_; });
      if (stop_) return;
      uint64_t ticket = requested_;
      lock.unlock();
      // PASSIVE: never blocks the writer or readers; copies what no reader still needs.
      // A failure (e.g. SQLITE_BUSY from another checkpointer) is retried at the next request.
      sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      runs_.fetch_add(1, std::memory_order_relaxed);
      lock.lock();
      done_ = ticket;
      cv_.notify_all();
    }
  }

  sqlite3* db_;  // owned; used only by thread_
  const int64_t start_pages_;
  const int64_t wait_pages_;
  int wal_pages_ = 0;  // writer's thread only
  std::atomic<int64_t> runs_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t requested_ = 0;  // guarded by mu_
  uint64_t done_ = 0;       // guarded by mu_: the newest request a finished run covered
  bool stop_ = false;       // guarded by mu_
  std::thread thread_;
};

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   const StoreOptions& options) {
  auto db = OpenConnection(path, options.read_only ? SQLITE_OPEN_READONLY
                                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  auto fail = [&](sqlite3* a, const absl::Status& s) {
    sqlite3_close(a);
    return absl::Status(s.code() == absl::StatusCode::kDataLoss ? absl::StatusCode::kFailedPrecondition
                                                                : s.code(),
                        StrCat("database ", path, ": ", s.message()));
  };
  if (!options.read_only) {
    // The page cache (negative = KiB) holds the id and document indexes' hot pages: with
    // SQLite's 2 MiB default, every insert into a large random-keyed index reads pages back
    // from the OS. Checkpoints run on the Checkpointer's thread (below), not in the writer's
    // commits; with checkpoint_pages = 0 the writer checkpoints itself every 4096 pages.
    if (auto s = ExecOn(*db, StrCat("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                    "PRAGMA cache_size=-", options.cache_mb * 1024, "; "
                                    "PRAGMA wal_autocheckpoint=",
                                    options.checkpoint_pages > 0 ? 0 : 4096, ";")
                                 .c_str());
        !s.ok()) {
      return fail(*db, s);
    }
    if (auto s = ExecOn(*db, kSchema); !s.ok()) return fail(*db, s);
    if (auto s = PrepareSchema(*db); !s.ok()) return fail(*db, s);
    if (options.max_bytes > 0) {
      int page_size = 4096;
      Stmt ps(*db, "PRAGMA page_size");
      if (ps.rc() == SQLITE_OK && sqlite3_step(ps.get()) == SQLITE_ROW) {
        page_size = sqlite3_column_int(ps.get(), 0);
      }
      std::string pragma = StrCat("PRAGMA max_page_count=",
                                  std::max<int64_t>(1, options.max_bytes / page_size));
      if (auto s = ExecOn(*db, pragma.c_str()); !s.ok()) return fail(*db, s);
    }
  }
  {
    Stmt check(*db, "SELECT value FROM meta WHERE key='schema'");
    if (check.rc() != SQLITE_OK || sqlite3_step(check.get()) != SQLITE_ROW ||
        check.Text(0) != kSchemaVersion) {
      std::string found = check.rc() == SQLITE_OK ? check.Text(0) : std::string();
      sqlite3_close(*db);
      if (found == "actorgraph-1" || found == "actorgraph-2") {
        return absl::FailedPreconditionError(
            StrCat("database ", path, " has schema ", found, "; open it once without "
                   "--read-only to upgrade it to ", kSchemaVersion));
      }
      return absl::FailedPreconditionError(
          StrCat("database ", path, " is not an actorgraph database (or has an unknown schema)"));
    }
  }
  auto reader = OpenConnection(path, SQLITE_OPEN_READONLY);
  if (!reader.ok()) {
    sqlite3_close(*db);
    return reader.status();
  }
  // Sentences are read a random row at a time: map the file so a read is a memory access,
  // not a pread() of a page into SQLite's small default cache.
  ExecOn(*reader, "PRAGMA mmap_size=4294967296; PRAGMA cache_size=-65536;").IgnoreError();
  auto store = std::unique_ptr<Store>(new Store(*db, *reader));
  store->read_only_ = options.read_only;
  if (!options.read_only && options.checkpoint_pages > 0) {
    auto checkpoint_db = OpenConnection(path, SQLITE_OPEN_READWRITE);
    if (!checkpoint_db.ok()) return checkpoint_db.status();
    // FULL: the checkpoint fsyncs the database file before the WAL may be reused.
    ExecOn(*checkpoint_db, "PRAGMA synchronous=FULL;").IgnoreError();
    store->checkpointer_ = std::make_unique<Checkpointer>(
        *checkpoint_db, options.checkpoint_pages, 4 * options.checkpoint_pages);
    sqlite3_wal_hook(
        store->db_,
        [](void* checkpointer, sqlite3*, const char*, int pages) {
          static_cast<Checkpointer*>(checkpointer)->Committed(pages);
          return SQLITE_OK;
        },
        store->checkpointer_.get());
  }
  auto version = store->LatestVersion();
  if (!version.ok()) return version.status();
  store->version_ = *version;
  return store;
}

Store::Store(sqlite3* db, sqlite3* reader) : db_(db), reader_(reader) {}

Store::~Store() {
  write_.reset();  // finalized before db_ closes
  if (checkpointer_ != nullptr) {
    sqlite3_wal_hook(db_, nullptr, nullptr);
    checkpointer_.reset();
  }
  sqlite3_finalize(sentence_reader_);
  sqlite3_close(reader_);
  sqlite3_close(db_);
}

absl::Status Store::Exec(const char* sql) { return ExecOn(db_, sql); }

absl::Status Store::LoadInto(ActorGraph& graph, const LoadOptions& options) {
  LoadStats local;
  LoadStats& stats = options.stats != nullptr ? *options.stats : local;
  stats = LoadStats();
  if (!options.sentences && options.use_image && graph.actor_count() == 0) {
    auto used = LoadImage(graph, stats);
    if (!used.ok()) return used.status();
    if (*used) return absl::OkStatus();
    graph = ActorGraph();
  }
  {
    Stmt q(db_, "SELECT id, body FROM actors ORDER BY id");
    if (auto s = UpsertActorRows(db_, q, graph, "reading actors"); !s.ok()) return s;
  }
  {
    Stmt count(db_, "SELECT (SELECT count(*) FROM actors), (SELECT coalesce(max(seq), 0) FROM observations)");
    if (count.rc() == SQLITE_OK && sqlite3_step(count.get()) == SQLITE_ROW) {
      graph.Reserve(static_cast<size_t>(sqlite3_column_int64(count.get(), 0)),
                    static_cast<size_t>(sqlite3_column_int64(count.get(), 1)));
    }
  }
  return LoadRows(graph, options.sentences, 0, &stats.rows);
}

absl::Status Store::LoadRows(ActorGraph& graph, bool sentences, int64_t after_seq,
                             int64_t* rows) {
  // Two stages on two threads: this one adds observations to the graph while a reader steps
  // SQLite and builds them, handing over batches through a short queue.
  constexpr size_t kBatchRows = 4096, kMaxQueued = 8;
  using Batch = std::vector<Observation>;
  ProducerThread<Batch> reader(kMaxQueued, [&](const ProducerThread<Batch>::Push& push) {
    Stmt q(db_, StrCat("SELECT ", kObservationColumns,
                       " FROM observations WHERE seq > ?1 ORDER BY seq").c_str());
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading observations");
    q.Bind(1, after_seq);
    // Repeated strings are stored once: a direct-mapped cache of recent values (actor ids,
    // names, countries and CAMEO codes are heavy-tailed) in front of a pool, and a column
    // that repeats the previous row's value (a document's observations are adjacent) reuses
    // it. The graph adopts these shared Texts as they are (AddPooledObservation).
    absl::flat_hash_set<Text, TextHash, TextEq> pool;
    std::vector<Text> recent(1 << 14);
    Text previous[kSentenceColumn];
    auto pooled = [&](int col, std::string_view v) {
      if (v == previous[col].view()) return previous[col];
      if (col == 9 || col == 17) {  // document and URL: repeated only within a document
        previous[col] = Text(v);
        return previous[col];
      }
      Text& slot = recent[std::hash<std::string_view>()(v) & (recent.size() - 1)];
      if (slot.view() != v) slot = v.empty() ? Text() : *pool.insert(Text(v)).first;
      previous[col] = slot;
      return slot;
    };
    Batch batch;
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      auto o = ReadObservation(q.get(), sentences, pooled);
      if (!o.ok()) {
        push(std::move(batch));  // the rows before it, as the graph would have had them
        return o.status();
      }
      batch.push_back(*std::move(o));
      if (batch.size() == kBatchRows && !push(std::exchange(batch, Batch()))) return absl::OkStatus();
    }
    if (!batch.empty()) push(std::move(batch));
    return rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db_, rc, "reading observations");
  });
  absl::Status status;
  int64_t loaded = 0;
  while (status.ok()) {
    std::optional<Batch> batch = reader.Next();
    if (!batch.has_value()) break;
    for (Observation& o : *batch) {
      ++loaded;
      if (auto r = graph.AddPooledObservation(std::move(o)); !r.ok()) {
        status = absl::DataLossError(
            StrCat("observation row ", loaded, " (in seq order): ", r.status().message()));
        break;
      }
    }
  }
  // The reader's error comes after every row it read before it, so ours, if any, is first.
  if (absl::Status read = reader.Finish(); status.ok()) status = read;
  *rows = loaded;
  return status;
}

absl::StatusOr<bool> Store::LoadImage(ActorGraph& graph, LoadStats& stats) {
  int format = 0;
  long long version = 0, seq = 0, first = 0, last = 0;
  {
    Stmt q(db_, "SELECT value FROM meta WHERE key='image'");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading the image record");
    if (sqlite3_step(q.get()) != SQLITE_ROW) return false;  // none yet
    const std::string value = q.Text(0);
    if (std::sscanf(value.c_str(), "%d %lld %lld %lld %lld", &format, &version, &seq, &first,
                    &last) != 5 ||
        first > last + 1) {
      stats.image_problem = StrCat("unreadable image record \"", value, "\"");
      return false;
    }
  }
  if (format != kGraphImageFormat) {
    stats.image_problem = StrCat("the image has format ", format, "; this build reads ",
                                 kGraphImageFormat);
    return false;
  }
  int64_t image_bytes = 0;
  {
    Stmt q(db_, "SELECT coalesce(sum(length(data)), 0) FROM graph_image WHERE part BETWEEN ?1 AND ?2");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "sizing the graph image");
    q.Bind(1, static_cast<int64_t>(first));
    q.Bind(2, static_cast<int64_t>(last));
    if (int rc = sqlite3_step(q.get()); rc != SQLITE_ROW) return SqliteError(db_, rc, "sizing the graph image");
    image_bytes = sqlite3_column_int64(q.get(), 0);
  }
  // A reader thread copies the parts out of SQLite while this one rebuilds the graph.
  ProducerThread<std::string> reader(4, [&](const ProducerThread<std::string>::Push& push) {
    Stmt q(db_, "SELECT part, data FROM graph_image WHERE part BETWEEN ?1 AND ?2 ORDER BY part");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading the graph image");
    q.Bind(1, static_cast<int64_t>(first));
    q.Bind(2, static_cast<int64_t>(last));
    int64_t expect = first;
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      if (sqlite3_column_int64(q.get(), 0) != expect++) {
        return absl::DataLossError(StrCat("graph image part ", expect - 1, " is missing"));
      }
      const void* data = sqlite3_column_blob(q.get(), 1);
      if (!push(std::string(static_cast<const char*>(data),
                            static_cast<size_t>(sqlite3_column_bytes(q.get(), 1))))) {
        return absl::OkStatus();
      }
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading the graph image");
    if (expect != last + 1) {
      return absl::DataLossError(StrCat("graph image part ", expect, " is missing"));
    }
    return absl::OkStatus();
  });
  GraphImageReader image(static_cast<uint64_t>(image_bytes));
  absl::Status status;
  while (status.ok()) {
    std::optional<std::string> chunk = reader.Next();
    if (!chunk.has_value()) break;
    status = image.Add(*chunk);
  }
  if (absl::Status read = reader.Finish(); status.ok()) status = read;
  absl::StatusOr<ActorGraph> rebuilt = status.ok() ? image.Finish() : absl::StatusOr<ActorGraph>(status);
  if (!rebuilt.ok()) {
    // Only the image's own damage is skipped; a store that cannot be read at all fails.
    if (rebuilt.status().code() != absl::StatusCode::kDataLoss) return rebuilt.status();
    stats.image_problem = std::string(rebuilt.status().message());
    return false;
  }
  graph = *std::move(rebuilt);
  stats.from_image = true;
  stats.image_observations = static_cast<int64_t>(graph.observation_count());

  // What changed after the image, in an order that gives the stored state: actors as they
  // are now, then the documents retracted since (every row of them the image holds is gone
  // from the table), then the rows added since (exactly the live ones).
  {
    Stmt q(db_, "SELECT id, body FROM actors WHERE id IN "
                "(SELECT ref FROM changes WHERE type = 3 AND version > ?1) ORDER BY id");
    q.Bind(1, static_cast<int64_t>(version));
    if (auto s = UpsertActorRows(db_, q, graph, "reading changed actors", &stats.upserted_actors);
        !s.ok()) {
      return s;
    }
  }
  {
    Stmt q(db_, "SELECT DISTINCT doc FROM changes WHERE type = 2 AND version > ?1");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading retractions");
    q.Bind(1, static_cast<int64_t>(version));
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      graph.RetractDocument(ColumnView(q.get(), 0));
      ++stats.retracted_documents;
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading retractions");
  }
  if (auto s = LoadRows(graph, /*sentences=*/false, seq, &stats.rows); !s.ok()) return s;
  return true;
}

absl::Status Store::WriteImage(const ActorGraph& graph) {
  if (read_only_) return absl::UnavailableError("the store is read-only; no image written");
  int64_t seq = 0, first = 1;
  {
    Stmt q(db_, "SELECT (SELECT coalesce(max(seq), 0) FROM observations), "
                "(SELECT coalesce(max(part), 0) + 1 FROM graph_image)");
    if (q.rc() != SQLITE_OK || sqlite3_step(q.get()) != SQLITE_ROW) {
      return SqliteError(db_, q.rc(), "preparing the graph image");
    }
    seq = sqlite3_column_int64(q.get(), 0);
    first = sqlite3_column_int64(q.get(), 1);
  }
  // Parts go in in transactions of about 64 MiB (a single one would grow the WAL by the
  // whole image); nothing refers to them until the last transaction switches over.
  constexpr int64_t kTransactionBytes = int64_t{64} << 20;
  int64_t part = first, pending = 0;
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    ExecOn(db_, "ROLLBACK").IgnoreError();
    // Parts of earlier transactions are unreferenced: give their room back (best effort; the
    // next image drops them anyway), as a full disk or quota is the likely cause.
    ExecOn(db_, StrCat("DELETE FROM graph_image WHERE part >= ", first).c_str()).IgnoreError();
    return absl::Status(s.code(), StrCat("writing the graph image: ", s.message()));
  };
  {
    Stmt ins(db_, "INSERT INTO graph_image(part, data) VALUES(?1, ?2)");
    if (ins.rc() != SQLITE_OK) return fail(SqliteError(db_, ins.rc(), "preparing"));
    absl::Status s = GraphImageWriter::Write(graph, [&](std::string_view chunk) -> absl::Status {
      ins.Bind(1, part);
      sqlite3_bind_blob64(ins.get(), 2, chunk.data(), chunk.size(), SQLITE_STATIC);
      if (int rc = ins.Run(); rc != SQLITE_DONE) return SqliteError(db_, rc, StrCat("part ", part));
      ++part;
      pending += static_cast<int64_t>(chunk.size());
      if (pending >= kTransactionBytes) {
        pending = 0;
        if (auto c = Exec("COMMIT"); !c.ok()) return c;
        if (auto b = Exec("BEGIN IMMEDIATE"); !b.ok()) return b;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return fail(s);
  }
  {
    Stmt mark(db_, "INSERT INTO meta(key, value) VALUES('image', ?1) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    mark.Bind(1, StrCat(kGraphImageFormat, " ", version_, " ", seq, " ", first, " ", part - 1));
    if (int rc = mark.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "recording it"));
    Stmt drop(db_, "DELETE FROM graph_image WHERE part < ?1 OR part > ?2");
    drop.Bind(1, first);
    drop.Bind(2, part - 1);
    if (int rc = drop.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "dropping the old one"));
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return fail(s);
  return absl::OkStatus();
}

int64_t Store::checkpoints() const {
  return checkpointer_ == nullptr ? 0 : checkpointer_->checkpoints();
}

absl::Status Store::Write(const std::vector<Actor>& actors,
                          const std::vector<Observation>& observations,
                          std::vector<int64_t>* rows) {
  rows->assign(observations.size(), 0);
  if (write_ == nullptr) {
    auto st = std::make_unique<WriteStatements>(db_);
    if (int rc = st->rc(); rc != SQLITE_OK) return SqliteError(db_, rc, "preparing a write");
    write_ = std::move(st);
  }
  WriteStatements& w = *write_;
  if (checkpointer_ != nullptr) checkpointer_->BeforeWrite();
  if (int rc = w.begin.Run(); rc != SQLITE_DONE) return SqliteError(db_, rc, "BEGIN IMMEDIATE");
  auto fail = [&](absl::Status s) {
    ExecOn(db_, "ROLLBACK").IgnoreError();
    rows->assign(observations.size(), 0);
    return s;
  };
  int64_t version = version_;
  for (const Actor& a : actors) {
    const std::string body = ActorToJsonLine(a);  // bound SQLITE_STATIC: lives past Run()
    w.upsert_actor.Bind(1, a.id);
    w.upsert_actor.Bind(2, body);
    if (int rc = w.upsert_actor.Run(); rc != SQLITE_DONE) {
      return fail(SqliteError(db_, rc, StrCat("storing actor ", a.id)));
    }
    w.log_actor.Bind(1, a.id);
    if (int rc = w.log_actor.Run(); rc != SQLITE_DONE) {
      return fail(SqliteError(db_, rc, "logging a change"));
    }
    version = sqlite3_last_insert_rowid(db_);
  }
  constexpr size_t kChunk = WriteStatements::kChunk;
  size_t i = 0;
  // The strings were just written on another core: ask for an observation's bytes a few
  // binds before SQLite copies them.
  auto prefetch = [&](size_t k) {
    if (k >= observations.size()) return;
    const Observation& o = observations[k];
    for (const Text* t : {&o.id, &o.source, &o.target, &o.source_name, &o.target_name, &o.cameo,
                          &o.evidence.doc, &o.evidence.url, &o.evidence.sentence}) {
      __builtin_prefetch(t->data());
    }
  };
  for (size_t k = 0; k < 3; ++k) prefetch(k);
  for (; i + kChunk <= observations.size(); i += kChunk) {
    for (size_t j = 0; j < kChunk; ++j) {
      prefetch(i + j + 3);
      BindObservation(w.insert_observations, observations[i + j], static_cast<int>(18 * j));
    }
    if (int rc = w.insert_observations.Run(); rc != SQLITE_DONE) {
      return fail(SqliteError(db_, rc, StrCat("storing observations ", observations[i].id, "..")));
    }
    const int64_t last = sqlite3_last_insert_rowid(db_);
    for (size_t j = 0; j < kChunk; ++j) (*rows)[i + j] = last - static_cast<int64_t>(kChunk - 1 - j);
  }
  for (; i < observations.size(); ++i) {
    const Observation& o = observations[i];
    BindObservation(w.insert_observation, o);
    if (int rc = w.insert_observation.Run(); rc != SQLITE_DONE) {
      return fail(SqliteError(db_, rc, StrCat("storing observation ", o.id)));
    }
    (*rows)[i] = sqlite3_last_insert_rowid(db_);
  }
  // One change row logs the batch, with one version per observation. Its rows are
  // consecutive: one transaction of the only writer, AUTOINCREMENT.
  const size_t n = observations.size();
  if (n > 0) {
    if ((*rows)[n - 1] - (*rows)[0] != static_cast<int64_t>(n - 1)) {
      return fail(absl::InternalError(StrCat("storing observations: rows ", (*rows)[0], "..",
                                             (*rows)[n - 1], " are not consecutive")));
    }
    const std::string packed = PackBatch(observations);  // SQLITE_STATIC: lives past Run()
    w.log_batch.Bind(1, version + static_cast<int64_t>(n));
    w.log_batch.Bind(2, (*rows)[0]);
    w.log_batch.Bind(3, static_cast<int64_t>(n));
    sqlite3_bind_blob64(w.log_batch.get(), 4, packed.data(), packed.size(), SQLITE_STATIC);
    if (int rc = w.log_batch.Run(); rc != SQLITE_DONE) {
      return fail(SqliteError(db_, rc, "logging changes"));
    }
    version += static_cast<int64_t>(n);
  }
  if (int rc = w.commit.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "COMMIT"));
  version_ = version;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Store::RetractDocument(
    const std::string& doc, std::optional<std::vector<int64_t>> rows) {
  std::vector<std::string> ids;
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    ExecOn(db_, "ROLLBACK").IgnoreError();
    return s;
  };
  {
    // By row (the rowid: one B-tree probe each), or, not knowing the rows, by a table scan.
    Stmt del(db_, rows ? "DELETE FROM observations WHERE seq=?1 AND doc=?2 RETURNING id"
                       : "DELETE FROM observations WHERE doc=?2 RETURNING seq, id");
    Stmt log(db_, "INSERT INTO changes(type, ref, doc) VALUES(?1, ?2, ?3)");
    if (del.rc() != SQLITE_OK || log.rc() != SQLITE_OK) {
      return fail(SqliteError(db_, del.rc() != SQLITE_OK ? del.rc() : log.rc(), "preparing a retraction"));
    }
    del.Bind(2, doc);
    if (rows) {
      std::sort(rows->begin(), rows->end());
      for (int64_t row : *rows) {
        del.Bind(1, row);
        int rc = sqlite3_step(del.get());
        if (rc == SQLITE_DONE) {
          return fail(absl::InternalError(StrCat("retracting document \"", doc, "\": row ", row,
                                                 " is not stored or holds another document")));
        }
        if (rc != SQLITE_ROW) return fail(SqliteError(db_, rc, "retracting"));
        ids.push_back(del.Text(0));
        if (rc = sqlite3_step(del.get()); rc != SQLITE_DONE) {
          return fail(SqliteError(db_, rc, "retracting"));
        }
        sqlite3_reset(del.get());
      }
    } else {
      // RETURNING gives the rows in no promised order; the log lists them by row.
      std::vector<std::pair<int64_t, std::string>> gone;
      int rc;
      while ((rc = sqlite3_step(del.get())) == SQLITE_ROW) {
        gone.emplace_back(sqlite3_column_int64(del.get(), 0), del.Text(1));
      }
      if (rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "retracting"));
      std::sort(gone.begin(), gone.end());
      for (auto& [row, id] : gone) ids.push_back(std::move(id));
    }
    for (const std::string& id : ids) {
      log.Bind(1, int64_t{Change::kRelationRetracted});
      log.Bind(2, id);
      log.Bind(3, doc);
      if (int r = log.Run(); r != SQLITE_DONE) return fail(SqliteError(db_, r, "logging a change"));
    }
  }
  const int64_t version = ids.empty() ? version_ : sqlite3_last_insert_rowid(db_);
  if (auto s = Exec("COMMIT"); !s.ok()) return fail(s);
  version_ = version;
  return ids;
}

absl::StatusOr<std::vector<Change>> Store::ReadChanges(int64_t after, int max) {
  std::lock_guard lock(reader_mu_);
  std::vector<Change> out;
  if (max <= 0) return out;
  Stmt q(reader_, "SELECT c.version, c.type, c.ref, c.doc, c.row, c.count, c.batch, a.body "
                  "FROM changes c LEFT JOIN actors a ON c.type = 3 AND a.id = c.ref "
                  "WHERE c.version > ?1 ORDER BY c.version LIMIT ?2");
  if (q.rc() != SQLITE_OK) return SqliteError(reader_, q.rc(), "reading changes");
  Stmt rows_q(reader_, StrCat("SELECT ", kObservationColumns,
                              " FROM observations WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")
                           .c_str());
  if (rows_q.rc() != SQLITE_OK) return SqliteError(reader_, rows_q.rc(), "reading changes");
  // The JSON lines of the observations stored in rows first..first+n-1; "" for one gone.
  auto bodies = [&](int64_t first, int64_t n) -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> lines(static_cast<size_t>(n));
    rows_q.Bind(1, first);
    rows_q.Bind(2, first + n - 1);
    int rc;
    while ((rc = sqlite3_step(rows_q.get())) == SQLITE_ROW) {
      const int64_t seq = sqlite3_column_int64(rows_q.get(), 0);
      auto o = ReadObservation(rows_q.get(), /*with_sentence=*/true);
      if (!o.ok()) {
        sqlite3_reset(rows_q.get());
        return o.status();
      }
      lines[static_cast<size_t>(seq - first)] = RelationToJsonLine(*o);
    }
    sqlite3_reset(rows_q.get());
    if (rc != SQLITE_DONE) return SqliteError(reader_, rc, "reading changes");
    return lines;
  };
  q.Bind(1, after);
  q.Bind(2, int64_t{max});
  int rc = SQLITE_DONE;
  while (out.size() < static_cast<size_t>(max) && (rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    const int64_t version = sqlite3_column_int64(q.get(), 0);
    const auto type = static_cast<Change::Type>(sqlite3_column_int(q.get(), 1));
    const int64_t row = sqlite3_column_int64(q.get(), 4);
    if (type == Change::kRelationAdded && sqlite3_column_type(q.get(), 5) != SQLITE_NULL) {
      // A batch: versions first..version, one per observation; those after `after` only.
      const int64_t count = sqlite3_column_int64(q.get(), 5);
      const int64_t first = version - count + 1;
      const int64_t from = std::max<int64_t>(0, after + 1 - first);
      const int64_t to =
          std::min<int64_t>(count, from + (max - static_cast<int64_t>(out.size())));
      const void* blob = sqlite3_column_blob(q.get(), 6);
      const std::string_view packed(static_cast<const char*>(blob),
                                    static_cast<size_t>(sqlite3_column_bytes(q.get(), 6)));
      auto lines = bodies(row + from, to - from);
      if (!lines.ok()) return lines.status();
      size_t at = 0;
      for (int64_t k = 0; k < to; ++k) {
        Change c;
        if (!UnpackNext(packed, &at, &c.ref) || !UnpackNext(packed, &at, &c.doc)) {
          return absl::DataLossError(
              StrCat("change ", version, ": the batch of ", count, " is cut short at ", k));
        }
        if (k < from) continue;
        c.version = first + k;
        c.type = Change::kRelationAdded;
        c.body = std::move((*lines)[static_cast<size_t>(k - from)]);
        out.push_back(std::move(c));
      }
      continue;
    }
    Change c;
    c.version = version;
    c.type = type;
    c.ref = q.Text(2);
    c.doc = q.Text(3);
    if (type == Change::kRelationAdded) {
      auto lines = bodies(row, 1);
      if (!lines.ok()) return lines.status();
      c.body = std::move((*lines)[0]);
    } else {
      c.body = q.Text(7);
    }
    out.push_back(std::move(c));
  }
  if (out.size() < static_cast<size_t>(max) && rc != SQLITE_DONE) {
    return SqliteError(reader_, rc, "reading changes");
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Store::ReadSentences(const std::vector<int64_t>& rows) {
  std::lock_guard lock(reader_mu_);
  if (sentence_reader_ == nullptr) {
    int rc = sqlite3_prepare_v3(reader_, "SELECT sentence FROM observations WHERE seq = ?1", -1,
                                SQLITE_PREPARE_PERSISTENT, &sentence_reader_, nullptr);
    if (rc != SQLITE_OK) return SqliteError(reader_, rc, "preparing to read sentences");
  }
  std::vector<std::string> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    sqlite3_bind_int64(sentence_reader_, 1, rows[i]);
    int rc = sqlite3_step(sentence_reader_);
    if (rc == SQLITE_ROW) out[i] = std::string(ColumnView(sentence_reader_, 0));
    sqlite3_reset(sentence_reader_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(reader_, rc, "reading sentences");
  }
  return out;
}

absl::StatusOr<int64_t> Store::LatestVersion() {
  std::lock_guard lock(reader_mu_);
  Stmt q(reader_, "SELECT coalesce(max(version), 0) FROM changes");
  if (q.rc() != SQLITE_OK || sqlite3_step(q.get()) != SQLITE_ROW) {
    return SqliteError(reader_, q.rc(), "reading the version");
  }
  return sqlite3_column_int64(q.get(), 0);
}

absl::StatusOr<bool> Store::IsEmpty() {
  Stmt q(db_, "SELECT (SELECT count(*) FROM actors) + (SELECT count(*) FROM observations)");
  if (q.rc() != SQLITE_OK || sqlite3_step(q.get()) != SQLITE_ROW) {
    return SqliteError(db_, q.rc(), "counting rows");
  }
  return sqlite3_column_int64(q.get(), 0) == 0;
}

absl::Status Store::Backup(const std::string& db_path, const std::string& dest) {
  auto src = OpenConnection(db_path, SQLITE_OPEN_READONLY);
  if (!src.ok()) return src.status();
  auto dst = OpenConnection(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst.ok()) {
    sqlite3_close(*src);
    return dst.status();
  }
  absl::Status status;
  sqlite3_backup* b = sqlite3_backup_init(*dst, "main", *src, "main");
  if (b == nullptr) {
    status = SqliteError(*dst, sqlite3_errcode(*dst), "starting the backup");
  } else {
    // Copy in steps so a busy writer is never blocked for long; retry while it holds locks.
    int rc;
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
      if (rc != SQLITE_OK) sqlite3_sleep(20);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) status = SqliteError(*dst, rc, StrCat("backing up to ", dest));
  }
  sqlite3_close(*src);
  sqlite3_close(*dst);
  if (status.ok()) status = CheckIntegrity(dest);
  return status;
}

absl::Status Store::CheckIntegrity(const std::string& path) {
  auto db = OpenConnection(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  absl::Status status;
  {
    Stmt q(*db, "PRAGMA integrity_check");
    if (q.rc() != SQLITE_OK) {
      status = SqliteError(*db, q.rc(), StrCat("checking ", path));
    } else if (sqlite3_step(q.get()) != SQLITE_ROW) {
      status = absl::DataLossError(StrCat(path, ": integrity check returned nothing"));
    } else if (std::string r = q.Text(0); r != "ok") {
      status = absl::DataLossError(StrCat(path, ": ", r));
    }
  }
  sqlite3_close(*db);
  return status;
}

}  // namespace actorgraph
