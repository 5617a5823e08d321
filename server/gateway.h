// Gateway: an HTTP/1.1 front for the gRPC server that speaks the Connect protocol's unary
// form (https://connectrpc.com/docs/protocol), so browsers and curl can call the API, and
// serves the graph explorer's static files.
//
//   POST /actorgraph.v1.<Service>/<Method>   Content-Type: application/json (or
//        application/proto); body = the request message  ->  200 + the response message,
//        or an error status + {"code":"not_found","message":"..."}
//   GET  /<file>                             a file under GatewayOptions::static_dir
//
// Every RPC is a real gRPC call made through the server's in-process channel, so the HTTP
// and gRPC surfaces run the same handlers, auth and limits and can never disagree. Methods
// are found by name in the generated descriptor pool; only unary methods of package
// actorgraph.v1 are served. Boost.Beast lives entirely in gateway.cc.
#ifndef ACTORGRAPH_SERVER_GATEWAY_H_
#define ACTORGRAPH_SERVER_GATEWAY_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace grpc {
class Server;
}

namespace actorgraph {

struct GatewayOptions {
  // host:port to listen on; port 0 = any free port (see Gateway::port()). IPv6 as
  // "[::1]:8080". Whether a non-loopback address is allowed is the caller's decision.
  std::string listen = "127.0.0.1:8080";
  // Folder whose files are served at "/" (index.html for "/"); empty = no static files.
  std::string static_dir;
  // Largest request body accepted; larger ones get 413 with code resource_exhausted.
  std::size_t max_body_bytes = 4 << 20;
  // I/O threads. RPCs themselves run on gRPC's threads, so 1-2 is plenty.
  int threads = 2;
  // Deadline of a call that sends no Connect-Timeout-Ms header, in milliseconds.
  int default_timeout_ms = 30000;
  // When listening on a loopback address, refuse requests whose Host header names another
  // host (403). This defeats DNS-rebinding pages reaching a local server; turn it off only
  // behind a proxy that rewrites Host.
  bool loopback_host_check = true;
};

// A running gateway. Thread-safe. Stop() (or the destructor) closes the listener, cancels
// calls in flight, closes connections and joins the I/O threads.
class Gateway {
 public:
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The bound TCP port (the real one when GatewayOptions::listen asked for port 0).
  int port() const;
  // Idempotent; blocks until every I/O thread and in-flight call has finished.
  void Stop();

  class Impl;

 private:
  explicit Gateway(std::unique_ptr<Impl> impl);
  friend absl::StatusOr<std::unique_ptr<Gateway>> StartGateway(grpc::Server*,
                                                               const GatewayOptions&);
  std::unique_ptr<Impl> impl_;
};

// Binds options.listen and starts serving in background threads. `server` is not owned and
// must outlive the returned gateway (stop the gateway before shutting the server down).
// Returns INVALID_ARGUMENT for a malformed address or options, UNAVAILABLE when the address
// cannot be bound, NOT_FOUND when static_dir is given but is not a directory.
absl::StatusOr<std::unique_ptr<Gateway>> StartGateway(grpc::Server* server,
                                                      const GatewayOptions& options);

// The Connect protocol's name for a gRPC status code ("not_found") and the HTTP status it
// maps to (404). Exposed for tests.
const char* ConnectCodeName(int grpc_code);
int ConnectHttpStatus(int grpc_code);

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_GATEWAY_H_
