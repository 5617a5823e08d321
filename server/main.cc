// actorgraph-server: serves the actor graph over gRPC from an embedded SQLite store.
//
//   actorgraph-server [--listen ADDR] [--db FILE] [--import FILE.jsonl]... [--actors PATH]...
//                     [--no-seed] [--port-file FILE] [--insecure]
//                     [--tls-cert PEM --tls-key PEM] [--max-message-bytes N]
//
// Started with no flags it listens on 127.0.0.1:50051, opens ./actorgraph.db and, when that
// is empty, seeds it with the bundled actor dictionary and demo relations.
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
#include "server/graph_state.h"
#include "server/jsonl_file.h"
#include "server/service.h"

namespace actorgraph {
namespace {

constexpr char kUsage[] = R"(usage: actorgraph-server [flags]
  --listen ADDR            address to serve on (default 127.0.0.1:50051; port 0 = any free port)
  --db FILE                SQLite database (default ./actorgraph.db)
  --import FILE.jsonl      ingest a relations JSONL file at start (repeatable, idempotent)
  --actors PATH            upsert an actor dictionary (.jsonl file or folder) at start (repeatable)
  --no-seed                do not seed an empty database with the bundled demo graph
  --port-file FILE         write the bound port to FILE once serving (for tests and scripts)
  --insecure               allow a non-loopback address without TLS
  --tls-cert PEM --tls-key PEM   serve TLS with this certificate and key
  --max-message-bytes N    largest request accepted (default 16 MiB)
)";

struct Flags {
  std::string listen = "127.0.0.1:50051";
  std::string db = "actorgraph.db";
  std::vector<std::string> imports;
  std::vector<std::string> actors;
  bool seed = true;
  std::string port_file;
  bool insecure = false;
  std::string tls_cert, tls_key;
  int max_message_bytes = 16 << 20;
};

int Usage(const std::string& error) {
  std::cerr << "actorgraph-server: " << error << "\n" << kUsage;
  return 2;
}

bool IsLoopback(const std::string& addr) {
  std::string host = addr;
  if (host.rfind("ipv4:", 0) == 0) host = host.substr(5);
  if (host.rfind("ipv6:", 0) == 0) host = host.substr(5);
  if (!host.empty() && host[0] == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  *ok = static_cast<bool>(in);
  return ss.str();
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

int Run(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--listen") {
      if (!value(&flags.listen)) return Usage("--listen needs an address");
    } else if (a == "--db") {
      if (!value(&flags.db)) return Usage("--db needs a file");
    } else if (a == "--import") {
      if (!value(&v)) return Usage("--import needs a file");
      flags.imports.push_back(v);
    } else if (a == "--actors") {
      if (!value(&v)) return Usage("--actors needs a file or folder");
      flags.actors.push_back(v);
    } else if (a == "--no-seed") {
      flags.seed = false;
    } else if (a == "--port-file") {
      if (!value(&flags.port_file)) return Usage("--port-file needs a file");
    } else if (a == "--insecure") {
      flags.insecure = true;
    } else if (a == "--tls-cert") {
      if (!value(&flags.tls_cert)) return Usage("--tls-cert needs a file");
    } else if (a == "--tls-key") {
      if (!value(&flags.tls_key)) return Usage("--tls-key needs a file");
    } else if (a == "--max-message-bytes") {
      if (!value(&v)) return Usage("--max-message-bytes needs a number");
      try {
        flags.max_message_bytes = std::stoi(v);
      } catch (...) {
        return Usage("--max-message-bytes: \"" + v + "\" is not a number");
      }
      if (flags.max_message_bytes < 1024) return Usage("--max-message-bytes must be >= 1024");
    } else {
      return Usage("unknown argument \"" + a + "\"");
    }
  }
  const bool tls = !flags.tls_cert.empty() || !flags.tls_key.empty();
  if (tls && (flags.tls_cert.empty() || flags.tls_key.empty())) {
    return Usage("--tls-cert and --tls-key go together");
  }
  if (!IsLoopback(flags.listen) && !tls && !flags.insecure) {
    return Usage("refusing to listen on non-loopback " + flags.listen +
                 " without TLS; give --tls-cert/--tls-key, or --insecure to accept the risk");
  }

  // Block the stop signals in every thread; one thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto state = GraphState::Open(flags.db);
  if (!state.ok()) {
    std::cerr << "actorgraph-server: " << state.status().message() << "\n";
    return 1;
  }
  auto empty = (*state)->IsEmpty();
  if (flags.seed && empty.ok() && *empty) {
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
  for (const auto& path : flags.actors) {
    if (!LoadActors(**state, path)) return 1;
  }
  for (const auto& path : flags.imports) {
    if (!ImportFile(**state, path)) return 1;
  }

  ActorGraphService service(state->get(), Limits{});
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (tls) {
    bool ok_cert, ok_key;
    grpc::SslServerCredentialsOptions opts;
    opts.pem_key_cert_pairs.push_back({ReadFile(flags.tls_key, &ok_key), ReadFile(flags.tls_cert, &ok_cert)});
    if (!ok_cert || !ok_key) {
      std::cerr << "actorgraph-server: cannot read " << (ok_cert ? flags.tls_key : flags.tls_cert) << "\n";
      return 1;
    }
    creds = grpc::SslServerCredentials(opts);
  }
  int port = 0;
  builder.AddListeningPort(flags.listen, creds, &port);
  builder.SetMaxReceiveMessageSize(flags.max_message_bytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "actorgraph-server: cannot listen on " << flags.listen << "\n";
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  std::string host = flags.listen.substr(0, flags.listen.rfind(':'));
  auto [actors, relations] = (*state)->Read([](const ActorGraph& g) {
    return std::pair{g.actor_count(), g.observation_count()};
  });
  std::cout << "actorgraph-server listening on " << host << ":" << port << " (db " << flags.db
            << ": " << actors << " actors, " << relations << " relations)" << std::endl;
  if (!flags.port_file.empty()) {
    std::string tmp = flags.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, flags.port_file);
  }

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "actorgraph-server: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << ", draining requests and closing the database\n";
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  });
  server->Wait();
  stopper.join();
  state->reset();  // closes SQLite (checkpoints the WAL)
  std::cerr << "actorgraph-server: stopped cleanly\n";
  return 0;
}

}  // namespace
}  // namespace actorgraph

int main(int argc, char** argv) { return actorgraph::Run(argc, argv); }
