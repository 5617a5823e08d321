#include "server/store.h"

#include <sqlite3.h>

#include "absl/status/status.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"
#include "graph/strings.h"

namespace actorgraph {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actors(id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS observations(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS observations_doc ON observations(doc);
CREATE TABLE IF NOT EXISTS changes(
  version INTEGER PRIMARY KEY AUTOINCREMENT,
  type INTEGER NOT NULL,
  ref TEXT NOT NULL,
  doc TEXT NOT NULL DEFAULT '');
INSERT OR IGNORE INTO meta(key, value) VALUES('schema', 'actorgraph-1');
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
  ~Stmt() { sqlite3_finalize(s_); }
  int rc() const { return rc_; }
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, std::string_view v) {
    // An empty view may have a null data(), which SQLite would store as NULL.
    sqlite3_bind_text(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
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

}  // namespace

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
    if (auto s = ExecOn(*db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) {
      return fail(*db, s);
    }
    if (auto s = ExecOn(*db, kSchema); !s.ok()) return fail(*db, s);
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
        check.Text(0) != "actorgraph-1") {
      sqlite3_close(*db);
      return absl::FailedPreconditionError(
          StrCat("database ", path, " is not an actorgraph database (or has an unknown schema)"));
    }
  }
  auto reader = OpenConnection(path, SQLITE_OPEN_READONLY);
  if (!reader.ok()) {
    sqlite3_close(*db);
    return reader.status();
  }
  return std::unique_ptr<Store>(new Store(*db, *reader));
}

Store::~Store() {
  sqlite3_close(reader_);
  sqlite3_close(db_);
}

absl::Status Store::Exec(const char* sql) { return ExecOn(db_, sql); }

absl::Status Store::LoadInto(ActorGraph& graph) {
  {
    Stmt q(db_, "SELECT id, body FROM actors ORDER BY id");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading actors");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      auto a = ParseActorLine(q.Text(1));
      if (!a.ok()) return absl::InternalError(StrCat("actor row ", q.Text(0), ": ", a.status().message()));
      if (auto r = graph.UpsertActor(*std::move(a)); !r.ok()) return r.status();
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading actors");
  }
  Stmt q(db_, "SELECT id, body FROM observations ORDER BY seq");
  if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading observations");
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    auto o = ParseRelationLine(q.Text(1));
    if (!o.ok()) {
      return absl::InternalError(StrCat("observation row ", q.Text(0), ": ", o.status().message()));
    }
    if (auto r = graph.AddObservation(*std::move(o)); !r.ok()) return r.status();
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading observations");
  return absl::OkStatus();
}

absl::Status Store::Write(const std::vector<Actor>& actors,
                          const std::vector<Observation>& observations,
                          std::vector<bool>* inserted) {
  inserted->assign(observations.size(), false);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    ExecOn(db_, "ROLLBACK").IgnoreError();
    inserted->assign(observations.size(), false);
    return s;
  };
  {
    Stmt up(db_, "INSERT INTO actors(id, body) VALUES(?1, ?2) "
                 "ON CONFLICT(id) DO UPDATE SET body=excluded.body");
    Stmt ins(db_, "INSERT OR IGNORE INTO observations(id, doc, body) VALUES(?1, ?2, ?3)");
    Stmt log(db_, "INSERT INTO changes(type, ref, doc) VALUES(?1, ?2, ?3)");
    for (Stmt* s : {&up, &ins, &log}) {
      if (s->rc() != SQLITE_OK) return fail(SqliteError(db_, s->rc(), "preparing a write"));
    }
    for (const Actor& a : actors) {
      up.Bind(1, a.id);
      up.Bind(2, ActorToJsonLine(a));
      if (int rc = up.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, StrCat("storing actor ", a.id)));
      log.Bind(1, int64_t{Change::kActorUpserted});
      log.Bind(2, a.id);
      log.Bind(3, std::string_view());
      if (int rc = log.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "logging a change"));
    }
    for (size_t i = 0; i < observations.size(); ++i) {
      const Observation& o = observations[i];
      ins.Bind(1, o.id);
      ins.Bind(2, o.evidence.doc);
      ins.Bind(3, RelationToJsonLine(o));
      if (int rc = ins.Run(); rc != SQLITE_DONE) {
        return fail(SqliteError(db_, rc, StrCat("storing observation ", o.id)));
      }
      (*inserted)[i] = sqlite3_changes(db_) > 0;
      if (!(*inserted)[i]) continue;
      log.Bind(1, int64_t{Change::kRelationAdded});
      log.Bind(2, o.id);
      log.Bind(3, o.evidence.doc);
      if (int rc = log.Run(); rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "logging a change"));
    }
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return fail(s);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Store::RetractDocument(const std::string& doc) {
  std::vector<std::string> ids;
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    ExecOn(db_, "ROLLBACK").IgnoreError();
    return s;
  };
  {
    Stmt q(db_, "SELECT id FROM observations WHERE doc=?1 ORDER BY seq");
    if (q.rc() != SQLITE_OK) return fail(SqliteError(db_, q.rc(), "reading a document"));
    q.Bind(1, doc);
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) ids.push_back(q.Text(0));
    if (rc != SQLITE_DONE) return fail(SqliteError(db_, rc, "reading a document"));
    Stmt del(db_, "DELETE FROM observations WHERE doc=?1");
    Stmt log(db_, "INSERT INTO changes(type, ref, doc) VALUES(?1, ?2, ?3)");
    if (del.rc() != SQLITE_OK || log.rc() != SQLITE_OK) {
      return fail(SqliteError(db_, del.rc() != SQLITE_OK ? del.rc() : log.rc(), "preparing a retraction"));
    }
    del.Bind(1, doc);
    if (int r = del.Run(); r != SQLITE_DONE) return fail(SqliteError(db_, r, "retracting"));
    for (const std::string& id : ids) {
      log.Bind(1, int64_t{Change::kRelationRetracted});
      log.Bind(2, id);
      log.Bind(3, doc);
      if (int r = log.Run(); r != SQLITE_DONE) return fail(SqliteError(db_, r, "logging a change"));
    }
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return fail(s);
  return ids;
}

absl::StatusOr<std::vector<Change>> Store::ReadChanges(int64_t after, int max) {
  std::lock_guard lock(reader_mu_);
  Stmt q(reader_,
         "SELECT c.version, c.type, c.ref, c.doc, coalesce(o.body, a.body, '') FROM changes c "
         "LEFT JOIN observations o ON c.type = 1 AND o.id = c.ref "
         "LEFT JOIN actors a ON c.type = 3 AND a.id = c.ref "
         "WHERE c.version > ?1 ORDER BY c.version LIMIT ?2");
  if (q.rc() != SQLITE_OK) return SqliteError(reader_, q.rc(), "reading changes");
  q.Bind(1, after);
  q.Bind(2, int64_t{max});
  std::vector<Change> out;
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    Change c;
    c.version = sqlite3_column_int64(q.get(), 0);
    c.type = static_cast<Change::Type>(sqlite3_column_int(q.get(), 1));
    c.ref = q.Text(2);
    c.doc = q.Text(3);
    c.body = q.Text(4);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return SqliteError(reader_, rc, "reading changes");
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
