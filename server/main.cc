// actorgraph-server: serves the actor graph over gRPC from an embedded SQLite store.
// See kUsage for flags. Started with no flags it listens on 127.0.0.1:50051, opens
// ./actorgraph.db and, when that is empty, seeds it with the bundled demo graph.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "graph/strings.h"
#include "server/analytics_service.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/gateway.h"
#include "server/graph_state.h"
#include "server/jsonl_file.h"
#include "server/metrics.h"
#include "server/service.h"

namespace actorgraph {
namespace {

constexpr char kUsage[] = R"(usage: actorgraph-server [flags]
       actorgraph-server backup --db FILE --out SNAPSHOT   online snapshot (server may run)
       actorgraph-server restore --db FILE --from SNAPSHOT restore (stop the server first)
       actorgraph-server hash-token < token               print a token-file line for a token

Serving:
  --listen ADDR            gRPC address (default 127.0.0.1:50051; port 0 = any free port)
  --db FILE                SQLite database (default ./actorgraph.db)
  --import FILE.jsonl      ingest a relations JSONL file at start (repeatable, idempotent)
  --actors PATH            upsert an actor dictionary (.jsonl file or folder) at start
  --no-seed                do not seed an empty database with the bundled demo graph
  --read-only              open the database read-only; writes answer UNAVAILABLE
  --max-db-mb N            refuse writes that would grow the database past N MiB
  --image-min-rows N       after a load that read N or more observation rows, store a graph
                           image so the next start is fast (default 100000; 0 = never)
  --port-file FILE         write the bound gRPC port to FILE once serving
  --quiet                  no per-request log lines
Security:
  --token-file FILE        require tokens (lines "SHA256-HEX read|write [label]")
  --tls-cert PEM --tls-key PEM [--tls-client-ca PEM]   TLS (mutual TLS with a client CA)
  --insecure               allow a non-loopback address without TLS
Limits (INVALID_ARGUMENT / RESOURCE_EXHAUSTED / DEADLINE_EXCEEDED beyond them):
  --max-message-bytes N    largest request (default 16777216)
  --max-page-size N        list page size (default 1000)
  --max-hops N             path length (default 8)     --max-k N   paths per query (default 20)
  --max-result-nodes N     neighbourhood / bloc size (default 2000)
  --max-batch N            relations or actors per message (default 10000)
  --max-streams N          concurrent streams (default 64)
  --max-query-ms N         computing time per query (default 10000)
Operations:
  --metrics-listen ADDR    serve Prometheus /metrics on ADDR (loopback unless --insecure)
  --http-listen ADDR       serve the HTTP/JSON gateway and the graph explorer on ADDR
  --http-port-file FILE    write the bound gateway port to FILE
  --web-dir DIR            explorer page served at / (default: the build's share/actorgraph/web)
  --http-max-body-bytes N  largest HTTP request body (default 4194304; 413 beyond)
)";

struct Flags {
  std::string listen = "127.0.0.1:50051";
  std::string db = "actorgraph.db";
  std::vector<std::string> imports;
  std::vector<std::string> actors;
  bool seed = true;
  bool read_only = false;
  int64_t max_db_mb = 0;
  int64_t image_min_rows = StoreOptions().image_min_rows;
  std::string port_file;
  bool quiet = false;
  std::string token_file;
  std::string tls_cert, tls_key, tls_client_ca;
  bool insecure = false;
  int max_message_bytes = 16 << 20;
  Limits limits;
  std::string metrics_listen;
  std::string http_listen;
  std::string http_port_file;
  std::string web_dir = ACTORGRAPH_WEB_DIR;
  int64_t http_max_body_bytes = 4 << 20;
};

int Usage(const std::string& error) {
  std::cerr << "actorgraph-server: " << error << "\n\n" << kUsage;
  return 2;
}

bool IsLoopback(const std::string& addr) {
  std::string host = addr;
  for (const char* scheme : {"ipv4:", "ipv6:", "dns:"}) {
    if (host.rfind(scheme, 0) == 0) host = host.substr(std::string(scheme).size());
  }
  if (!host.empty() && host[0] == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::filesystem::rename(tmp, path);
}

// Ingests a JSONL file through the same path as the gRPC write API.
bool ImportFile(GraphState& state, const std::string& path) {
  JsonlReadStats stats;
  IngestResult total;
  absl::Status s = ReadRelationsFile(
      path, 1000,
      [&](std::vector<Observation>& batch) -> absl::Status {
        auto r = state.Ingest(std::move(batch));
        if (!r.ok()) return r.status();
        total.inserted += r->inserted;
        total.duplicates += r->duplicates;
        total.actors_created += r->actors_created;
        return absl::OkStatus();
      },
      [](const std::string& msg) { std::cerr << "actorgraph-server: " << msg << "\n"; }, &stats);
  if (!s.ok()) {
    std::cerr << "actorgraph-server: import " << path << ": " << s.message() << "\n";
    return false;
  }
  std::cerr << "actorgraph-server: imported " << path << ": " << total.inserted << " new, "
            << total.duplicates << " already present, " << stats.rejected << " rejected lines, "
            << total.actors_created << " actors created\n";
  return true;
}

bool LoadActors(GraphState& state, const std::string& path) {
  std::vector<Actor> actors;
  JsonlReadStats stats;
  absl::Status s = ReadActorsPath(
      path, &actors,
      [](const std::string& msg) { std::cerr << "actorgraph-server: " << msg << "\n"; }, &stats);
  if (s.ok() && !actors.empty()) s = state.UpsertActors(std::move(actors)).status();
  if (!s.ok()) {
    std::cerr << "actorgraph-server: actors " << path << ": " << s.message() << "\n";
    return false;
  }
  std::cerr << "actorgraph-server: loaded " << stats.valid << " actors from " << path << "\n";
  return true;
}

// Subcommands that work on a database file without serving it.
int RunTool(const std::string& tool, int argc, char** argv) {
  std::string db = "actorgraph.db", other;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if ((a == "--out" || a == "--from") && i + 1 < argc) {
      other = argv[++i];
    } else {
      return Usage("unknown argument \"" + a + "\" for " + tool);
    }
  }
  if (tool == "hash-token") {
    std::string token;
    std::getline(std::cin, token);
    if (token.empty()) return Usage("hash-token reads the token from standard input");
    std::cout << TokenAuth::HashToken(token) << " read  # change to write for writers\n";
    return 0;
  }
  if (other.empty()) return Usage(tool == "backup" ? "backup needs --out" : "restore needs --from");
  if (tool == "backup") {
    if (!std::filesystem::exists(db)) return Usage("no database at " + db);
    if (std::filesystem::exists(other)) return Usage(other + " exists; refusing to overwrite it");
    absl::Status s = Store::Backup(db, other);
    if (!s.ok()) {
      std::cerr << "actorgraph-server: backup failed: " << s.message() << "\n";
      std::filesystem::remove(other);
      return 1;
    }
    std::cerr << "actorgraph-server: snapshot of " << db << " written to " << other << "\n";
    return 0;
  }
  // restore: check the snapshot, then copy it over the database with the backup API.
  if (absl::Status s = Store::CheckIntegrity(other); !s.ok()) {
    std::cerr << "actorgraph-server: snapshot " << other << " is not usable: " << s.message() << "\n";
    return 1;
  }
  if (auto store = Store::Open(other, {.read_only = true}); !store.ok()) {
    std::cerr << "actorgraph-server: " << store.status().message() << "\n";
    return 1;
  }
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(db + suffix);
  absl::Status s = Store::Backup(other, db + ".restoring");
  if (s.ok()) {
    std::filesystem::rename(db + ".restoring", db);
    std::cerr << "actorgraph-server: " << db << " restored from " << other << "\n";
    return 0;
  }
  std::filesystem::remove(db + ".restoring");
  std::cerr << "actorgraph-server: restore failed: " << s.message() << "\n";
  return 1;
}

int ParseFlags(int argc, char** argv, Flags& f) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    auto number = [&](int64_t lo, int64_t hi, int64_t* out) {
      std::string v;
      if (!value(&v)) return false;
      try {
        size_t used = 0;
        *out = std::stoll(v, &used);
        return used == v.size() && *out >= lo && *out <= hi;
      } catch (...) {
        return false;
      }
    };
    auto int_flag = [&](int lo, int hi, int* out) {
      int64_t v;
      if (!number(lo, hi, &v)) return false;
      *out = static_cast<int>(v);
      return true;
    };
    std::string v;
    int64_t n;
    bool ok = true;
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--listen") {
      ok = value(&f.listen);
    } else if (a == "--db") {
      ok = value(&f.db);
    } else if (a == "--import") {
      ok = value(&v);
      f.imports.push_back(v);
    } else if (a == "--actors") {
      ok = value(&v);
      f.actors.push_back(v);
    } else if (a == "--no-seed") {
      f.seed = false;
    } else if (a == "--read-only") {
      f.read_only = true;
    } else if (a == "--max-db-mb") {
      ok = number(1, 1 << 24, &f.max_db_mb);
    } else if (a == "--image-min-rows") {
      ok = number(0, int64_t{1} << 40, &f.image_min_rows);
    } else if (a == "--port-file") {
      ok = value(&f.port_file);
    } else if (a == "--quiet") {
      f.quiet = true;
    } else if (a == "--token-file") {
      ok = value(&f.token_file);
    } else if (a == "--tls-cert") {
      ok = value(&f.tls_cert);
    } else if (a == "--tls-key") {
      ok = value(&f.tls_key);
    } else if (a == "--tls-client-ca") {
      ok = value(&f.tls_client_ca);
    } else if (a == "--insecure") {
      f.insecure = true;
    } else if (a == "--max-message-bytes") {
      ok = int_flag(1024, 1 << 30, &f.max_message_bytes);
    } else if (a == "--max-page-size") {
      ok = int_flag(1, 100000, &f.limits.max_page_size);
      f.limits.default_page_size = std::min(f.limits.default_page_size, f.limits.max_page_size);
    } else if (a == "--max-hops") {
      ok = int_flag(1, 8, &f.limits.max_hops);
    } else if (a == "--max-k") {
      ok = int_flag(1, 20, &f.limits.max_k);
    } else if (a == "--max-result-nodes") {
      ok = int_flag(1, 1000000, &f.limits.max_result_nodes);
    } else if (a == "--max-batch") {
      ok = int_flag(1, 1000000, &f.limits.max_batch);
    } else if (a == "--max-streams") {
      ok = int_flag(1, 100000, &f.limits.max_streams);
    } else if (a == "--max-query-ms") {
      ok = number(1, 3600000, &n);
      f.limits.max_query_time = std::chrono::milliseconds(n);
    } else if (a == "--metrics-listen") {
      ok = value(&f.metrics_listen);
    } else if (a == "--http-listen") {
      ok = value(&f.http_listen);
    } else if (a == "--http-port-file") {
      ok = value(&f.http_port_file);
    } else if (a == "--web-dir") {
      ok = value(&f.web_dir);
    } else if (a == "--http-max-body-bytes") {
      ok = number(1024, int64_t{1} << 30, &f.http_max_body_bytes);
    } else {
      return Usage("unknown argument \"" + a + "\"");
    }
    if (!ok) return Usage(a + " needs a valid value (see the ranges below)");
  }
  return -1;
}

int Run(int argc, char** argv) {
  if (argc >= 2 && (std::string(argv[1]) == "backup" || std::string(argv[1]) == "restore" ||
                    std::string(argv[1]) == "hash-token")) {
    return RunTool(argv[1], argc, argv);
  }
  Flags flags;
  if (int rc = ParseFlags(argc, argv, flags); rc >= 0) return rc;
  const bool tls = !flags.tls_cert.empty() || !flags.tls_key.empty();
  if (tls && (flags.tls_cert.empty() || flags.tls_key.empty())) {
    return Usage("--tls-cert and --tls-key go together");
  }
  if (!flags.tls_client_ca.empty() && !tls) return Usage("--tls-client-ca needs --tls-cert/--tls-key");
  for (const auto& [addr, what] : {std::pair{flags.listen, "--listen"},
                                   {flags.metrics_listen, "--metrics-listen"},
                                   {flags.http_listen, "--http-listen"}}) {
    if (addr.empty() || IsLoopback(addr) || flags.insecure) continue;
    if (std::string(what) == "--listen" && tls) continue;
    return Usage(StrCat("refusing to serve ", what, " on non-loopback ", addr,
                        std::string(what) == "--listen" ? " without TLS; give --tls-cert/--tls-key,"
                                                        : " (plain HTTP);",
                        " or --insecure to accept the risk"));
  }
  std::unique_ptr<TokenAuth> auth;
  if (!flags.token_file.empty()) {
    auto loaded = TokenAuth::Load(flags.token_file);
    if (!loaded.ok()) {
      std::cerr << "actorgraph-server: " << loaded.status().message() << "\n";
      return 1;
    }
    auth = *std::move(loaded);
  }

  // Block the stop signals in every thread; one thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  StoreOptions store_options;
  store_options.read_only = flags.read_only;
  store_options.max_bytes = flags.max_db_mb << 20;
  store_options.image_min_rows = flags.image_min_rows;
  auto state = GraphState::Open(flags.db, store_options);
  if (!state.ok()) {
    std::cerr << "actorgraph-server: " << state.status().message() << "\n";
    return 1;
  }
  std::unique_ptr<Metrics> metrics;
  if (!flags.metrics_listen.empty()) {
    auto m = Metrics::Start(flags.metrics_listen);
    if (!m.ok()) {
      std::cerr << "actorgraph-server: " << m.status().message() << "\n";
      return 1;
    }
    metrics = *std::move(m);
    (*state)->set_on_write([m = metrics.get()](int64_t a, int64_t o) { m->SetGraphSize(a, o); });
    std::cerr << "actorgraph-server: metrics on http://" << flags.metrics_listen.substr(0, flags.metrics_listen.rfind(':'))
              << ":" << metrics->port() << "/metrics\n";
  }

  ServerEnv env(state->get(), flags.limits, auth.get(), metrics.get(), !flags.quiet);
  ActorGraphService service(&env);
  AnalyticsService analytics(&env);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (tls) {
    grpc::SslServerCredentialsOptions opts(
        flags.tls_client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                    : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    for (const auto& [path, out] : {std::pair{flags.tls_key, &pair.private_key},
                                    {flags.tls_cert, &pair.cert_chain},
                                    {flags.tls_client_ca, &opts.pem_root_certs}}) {
      if (!path.empty() && !ReadFile(path, out)) {
        std::cerr << "actorgraph-server: cannot read " << path << "\n";
        return 1;
      }
    }
    opts.pem_key_cert_pairs.push_back(pair);
    creds = grpc::SslServerCredentials(opts);
  }
  int port = 0;
  builder.AddListeningPort(flags.listen, creds, &port);
  builder.SetMaxReceiveMessageSize(flags.max_message_bytes);
  builder.RegisterService(&service);
  builder.RegisterService(&analytics);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "actorgraph-server: cannot listen on " << flags.listen << "\n";
    return 1;
  }
  // Serving from here, but NOT_SERVING (and UNAVAILABLE on every RPC) until the database
  // is loaded.
  server->GetHealthCheckService()->SetServingStatus(false);
  std::string host = flags.listen.substr(0, flags.listen.rfind(':'));
  // The HTTP/JSON gateway calls the services above through the server's in-process channel,
  // so it shares their auth and limits. Started before the stopper thread, which stops it.
  std::unique_ptr<Gateway> gateway;
  if (!flags.http_listen.empty()) {
    GatewayOptions gopts;
    gopts.listen = flags.http_listen;
    gopts.max_body_bytes = static_cast<size_t>(flags.http_max_body_bytes);
    if (std::filesystem::is_directory(flags.web_dir)) {
      gopts.static_dir = flags.web_dir;
    } else {
      std::cerr << "actorgraph-server: no explorer page at " << flags.web_dir
                << "; the HTTP gateway serves RPCs only\n";
    }
    auto started = StartGateway(server.get(), gopts);
    if (!started.ok()) {
      std::cerr << "actorgraph-server: --http-listen: " << started.status().message() << "\n";
      server->Shutdown();
      return 1;
    }
    gateway = *std::move(started);
  }
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (sig == 0) return;
    std::cerr << "actorgraph-server: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << ", draining requests and closing the database\n";
    server->GetHealthCheckService()->SetServingStatus(false);
    if (gateway) gateway->Stop();  // before the server it calls into
    (*state)->Shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });

  if (absl::Status s = (*state)->Load(); !s.ok()) {
    std::cerr << "actorgraph-server: loading " << flags.db << ": " << s.message() << "\n";
    kill(getpid(), SIGTERM);
    server->Wait();
    stopper.join();
    return 1;
  }
  {
    const GraphState::LoadReport& r = (*state)->load_report();
    const auto& st = r.stats;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", r.load_seconds);
    std::cerr << "actorgraph-server: loaded " << flags.db << " in " << seconds << " s ("
              << (st.from_image ? StrCat("graph image of ", st.image_observations,
                                         " observations, then ", st.rows, " newer rows, ",
                                         st.retracted_documents, " retracted documents, ",
                                         st.upserted_actors, " changed actors")
                                : StrCat(st.rows, " observation rows"))
              << ")\n";
    if (!st.image_problem.empty()) {
      std::cerr << "actorgraph-server: the graph image was not used: " << st.image_problem << "\n";
    }
    if (r.image_written) {
      std::snprintf(seconds, sizeof seconds, "%.2f", r.image_write_seconds);
      std::cerr << "actorgraph-server: wrote a fresh graph image in " << seconds
                << " s\n";
    } else if (!r.image_write_error.empty()) {
      std::cerr << "actorgraph-server: no graph image written: " << r.image_write_error << "\n";
    }
  }
  bool setup_ok = true;
  auto empty = (*state)->IsEmpty();
  if (flags.seed && !flags.read_only && empty.ok() && *empty) {
    const std::string actors = ACTORGRAPH_DATA_DIR "/actors";
    const std::string demo = ACTORGRAPH_DEMO_RELATIONS;
    std::cerr << "actorgraph-server: " << flags.db << " is empty; seeding the bundled demo graph\n";
    if (std::filesystem::exists(actors)) LoadActors(**state, actors);
    if (std::filesystem::exists(demo)) {
      ImportFile(**state, demo);
    } else {
      std::cerr << "actorgraph-server: no bundled demo relations at " << demo << "\n";
    }
  }
  for (const auto& path : flags.actors) setup_ok = setup_ok && LoadActors(**state, path);
  for (const auto& path : flags.imports) setup_ok = setup_ok && ImportFile(**state, path);
  if (!setup_ok) {
    kill(getpid(), SIGTERM);
    server->Wait();
    stopper.join();
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  auto [actors, relations] = (*state)->Read([](const ActorGraph& g) {
    return std::pair{g.actor_count(), g.observation_count()};
  });
  std::cout << "actorgraph-server listening on " << host << ":" << port << " (db " << flags.db
            << ": " << actors << " actors, " << relations << " relations"
            << (auth ? ", token auth on" : "") << (tls ? ", TLS" : "") << ")" << std::endl;
  WritePortFile(flags.port_file, port);
  if (gateway) {
    std::cout << "actorgraph-server: HTTP gateway and explorer on http://"
              << flags.http_listen.substr(0, flags.http_listen.rfind(':')) << ":"
              << gateway->port() << "/" << std::endl;
    WritePortFile(flags.http_port_file, gateway->port());
  }

  server->Wait();
  stopper.join();
  env.FlushLog();  // the last requests' lines, before the shutdown messages
  state->reset();  // closes SQLite (checkpoints the WAL)
  std::cerr << "actorgraph-server: stopped cleanly\n";
  return 0;
}

}  // namespace
}  // namespace actorgraph

int main(int argc, char** argv) { return actorgraph::Run(argc, argv); }
