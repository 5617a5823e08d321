#include "server/store.h"

#include <sqlite3.h>

#include "absl/status/status.h"
#include "graph/strings.h"
#include "graph/actor_jsonl.h"
#include "graph/relation_jsonl.h"

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
INSERT OR IGNORE INTO meta(key, value) VALUES('schema', 'actorgraph-1');
)sql";

// SQLITE_FULL and SQLITE_READONLY tell the client to retry elsewhere or later.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = StrCat(what, ": ", sqlite3_errstr(rc), " (", sqlite3_errmsg(db), ")");
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(msg);
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  int rc() const { return rc_; }
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        StrCat("cannot open database ", path, ": ", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<Store> store(new Store(db));
  if (auto s = store->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) {
    return absl::UnavailableError(StrCat("database ", path, ": ", s.message()));
  }
  if (auto s = store->Exec(kSchema); !s.ok()) {
    return absl::UnavailableError(StrCat("database ", path, ": ", s.message()));
  }
  Stmt check(db, "SELECT value FROM meta WHERE key='schema'");
  if (check.rc() != SQLITE_OK || sqlite3_step(check.get()) != SQLITE_ROW ||
      std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0))) !=
          "actorgraph-1") {
    return absl::FailedPreconditionError(
        StrCat("database ", path, " has an unknown schema version"));
  }
  return store;
}

Store::~Store() { sqlite3_close(db_); }

absl::Status Store::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    absl::Status s = SqliteError(db_, rc, err ? err : "exec");
    sqlite3_free(err);
    return s;
  }
  return absl::OkStatus();
}

absl::Status Store::LoadInto(ActorGraph& graph) {
  {
    Stmt q(db_, "SELECT id, body FROM actors ORDER BY id");
    if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading actors");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      const char* id = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
      const char* body = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 1));
      auto a = ParseActorLine(body ? body : "");
      if (!a.ok()) return absl::InternalError(StrCat("actor row ", id, ": ", a.status().message()));
      if (auto r = graph.UpsertActor(*std::move(a)); !r.ok()) return r.status();
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "reading actors");
  }
  Stmt q(db_, "SELECT id, body FROM observations ORDER BY seq");
  if (q.rc() != SQLITE_OK) return SqliteError(db_, q.rc(), "reading observations");
  int rc;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    const char* id = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
    const char* body = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 1));
    auto o = ParseRelationLine(body ? body : "");
    if (!o.ok()) {
      return absl::InternalError(StrCat("observation row ", id, ": ", o.status().message()));
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
    Exec("ROLLBACK").IgnoreError();
    inserted->assign(observations.size(), false);
    return s;
  };
  {
    Stmt up(db_, "INSERT INTO actors(id, body) VALUES(?1, ?2) "
                 "ON CONFLICT(id) DO UPDATE SET body=excluded.body");
    if (up.rc() != SQLITE_OK) return fail(SqliteError(db_, up.rc(), "preparing actor upsert"));
    for (const Actor& a : actors) {
      up.Bind(1, a.id);
      up.Bind(2, ActorToJsonLine(a));
      int rc = sqlite3_step(up.get());
      sqlite3_reset(up.get());
      if (rc != SQLITE_DONE) return fail(SqliteError(db_, rc, StrCat("storing actor ", a.id)));
    }
    Stmt ins(db_, "INSERT OR IGNORE INTO observations(id, doc, body) VALUES(?1, ?2, ?3)");
    if (ins.rc() != SQLITE_OK) return fail(SqliteError(db_, ins.rc(), "preparing insert"));
    for (size_t i = 0; i < observations.size(); ++i) {
      const Observation& o = observations[i];
      ins.Bind(1, o.id);
      ins.Bind(2, o.evidence.doc);
      ins.Bind(3, RelationToJsonLine(o));
      int rc = sqlite3_step(ins.get());
      sqlite3_reset(ins.get());
      if (rc != SQLITE_DONE) {
        return fail(SqliteError(db_, rc, StrCat("storing observation ", o.id)));
      }
      (*inserted)[i] = sqlite3_changes(db_) > 0;
    }
  }
  if (auto s = Exec("COMMIT"); !s.ok()) return fail(s);
  return absl::OkStatus();
}

absl::StatusOr<bool> Store::IsEmpty() {
  Stmt q(db_, "SELECT (SELECT count(*) FROM actors) + (SELECT count(*) FROM observations)");
  if (q.rc() != SQLITE_OK || sqlite3_step(q.get()) != SQLITE_ROW) {
    return SqliteError(db_, q.rc(), "counting rows");
  }
  return sqlite3_column_int64(q.get(), 0) == 0;
}

}  // namespace actorgraph
