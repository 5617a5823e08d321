// Gateway: Connect unary JSON over HTTP/1.1 (Boost.Beast) -> in-process gRPC call.
//
// Threading: options.threads threads run one io_context. Each connection is a Session whose
// handlers run on its own strand. An RPC is started from the strand with gRPC's callback
// API; its completion (on a gRPC thread) posts the response back to the session's strand.
// Impl tracks calls in flight so Stop() can cancel them and wait before the io_context dies.
#include "server/gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "actorgraph/v1/actorgraph.pb.h"
#include "actorgraph/v1/analytics.pb.h"

namespace actorgraph {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
namespace pb = google::protobuf;

namespace {

constexpr char kPackage[] = "actorgraph.v1";
constexpr char kServerHeader[] = "actorgraph-gateway";
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(60);
constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::uintmax_t kMaxStaticFileBytes = 64u << 20;

// ---- small helpers ------------------------------------------------------------------------

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A JSON string literal (quotes included).
std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// Decodes %XX escapes; returns nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

const char* ContentTypeFor(const fs::path& p) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
  };
  auto it = kTypes.find(Lower(p.extension().string()));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool IsLoopbackAddress(const net::ip::address& a) {
  if (a.is_loopback()) return true;
  return a.is_v6() && a.to_v6().is_v4_mapped() &&
         net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).is_loopback();
}

// True for Host header values that name this machine's loopback interface.
bool IsLoopbackHost(std::string_view host) {
  std::string h = Lower(Trim(host));
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    if (close == std::string::npos) return false;
    h = h.substr(1, close - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos) {
    h = h.substr(0, colon);
  }
  if (h == "localhost" || (h.size() > 10 && h.ends_with(".localhost"))) return true;
  beast::error_code ec;
  auto addr = net::ip::make_address(h, ec);
  return !ec && IsLoopbackAddress(addr);
}

absl::StatusOr<tcp::endpoint> ParseListen(const std::string& listen) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return absl::InvalidArgumentError("listen: \"" + listen + "\" is not [ipv6]:port");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError("listen: \"" + listen + "\" is not host:port");
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535) {
    return absl::InvalidArgumentError("listen: bad port \"" + port + "\" in \"" + listen + "\"");
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  beast::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) {
    // A name: resolve it once, at start.
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, port, ec);
    if (ec || results.empty()) {
      return absl::InvalidArgumentError("listen: cannot resolve \"" + host + "\"");
    }
    return results.begin()->endpoint();
  }
  return tcp::endpoint(addr, static_cast<unsigned short>(std::stoi(port)));
}

// The message and HTTP status of an HTTP-level failure reported as a Connect error.
struct HttpError {
  http::status status;
  int grpc_code;
  std::string message;
};

}  // namespace

// ---- Connect code mapping (connectrpc.com/docs/protocol, "Error Codes") -------------------

const char* ConnectCodeName(int code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "canceled";
    case grpc::StatusCode::UNKNOWN:
      return "unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "failed_precondition";
    case grpc::StatusCode::ABORTED:
      return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

int ConnectHttpStatus(int code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;  // unknown, internal, data_loss
  }
}

// ---- Impl ---------------------------------------------------------------------------------

namespace {

// One RPC in flight: everything gRPC needs alive until the completion callback.
struct Call {
  grpc::ClientContext context;
  std::string method_path;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  const pb::MethodDescriptor* method = nullptr;
  bool json = true;
};

class Session;

}  // namespace

class Gateway::Impl {
 public:
  Impl(grpc::Server* server, GatewayOptions options)
      : options_(std::move(options)),
        channel_(server->InProcessChannel(ChannelArgs())),
        stub_(channel_),
        ioc_(std::max(1, options_.threads)),
        acceptor_(net::make_strand(ioc_)) {}

  ~Impl() { Stop(); }

  absl::Status Start();
  void Stop();
  int port() const { return port_; }

  const GatewayOptions& options() const { return options_; }
  bool check_host() const { return check_host_; }
  const fs::path& static_root() const { return static_root_; }
  grpc::GenericStub& stub() { return stub_; }

  // Registers a call; false when the gateway is stopping (the call must not start).
  bool BeginCall(const std::shared_ptr<Call>& call) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    in_flight_.emplace(call.get(), call);
    return true;
  }
  void EndCall(const Call* call) {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_.erase(call);
    if (in_flight_.empty()) idle_.notify_all();
  }

 private:
  static grpc::ChannelArguments ChannelArgs() {
    grpc::ChannelArguments args;
    // Request size is capped by max_body_bytes and by the server; responses are ours.
    args.SetMaxReceiveMessageSize(-1);
    args.SetMaxSendMessageSize(-1);
    return args;
  }
  void Accept();

  const GatewayOptions options_;
  // Declared before ioc_ so they outlive the sessions and finished calls whose handlers the
  // io_context still holds when it is destroyed.
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool check_host_ = false;
  fs::path static_root_;

  std::mutex mu_;
  std::condition_variable idle_;
  bool stopping_ = false;                                   // guarded by mu_
  bool stopped_ = false;                                    // guarded by mu_
  std::map<const Call*, std::shared_ptr<Call>> in_flight_;  // guarded by mu_
};

namespace {

// One HTTP connection.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Gateway::Impl* gw) : stream_(std::move(socket)), gw_(gw) {}

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(gw_->options().max_body_bytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (parser_->is_done()) return Handle();
    // Tell a client that waits for "100 Continue" to send the body.
    if (beast::iequals(req[http::field::expect], "100-continue") && req.version() >= 11) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue),
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->Close();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    Handle();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return SendError(
          HttpError{http::status::payload_too_large, grpc::StatusCode::RESOURCE_EXHAUSTED,
                    "request body exceeds the gateway's limit of " +
                        std::to_string(gw_->options().max_body_bytes) + " bytes"},
          /*close=*/true);
    }
    if (ec == http::error::header_limit) {
      return SendPlain(http::status::request_header_fields_too_large,
                       "request headers exceed " + std::to_string(kHeaderLimit) + " bytes\n",
                       /*close=*/true);
    }
    if (ec == http::error::partial_message) return Close();
    // Anything else is malformed HTTP: answer 400 and hang up; the stream is out of sync.
    SendPlain(http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n",
              /*close=*/true);
  }

  // ---- routing ----

  void Handle() {
    stream_.expires_never();
    Request& req = parser_->get();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    if (req.version() != 10 && req.version() != 11) {
      return SendPlain(http::status::http_version_not_supported, "only HTTP/1.0 and 1.1\n", true);
    }

    if (gw_->check_host()) {
      auto host = req[http::field::host];
      if (!host.empty() && !IsLoopbackHost(std::string_view(host.data(), host.size()))) {
        return SendPlain(
            http::status::forbidden,
            "host \"" + std::string(host) + "\" refused: this gateway listens on loopback only\n",
            true);
      }
    }
    std::string_view target(req.target().data(), req.target().size());
    if (target.empty() || target.front() != '/') {
      return SendPlain(http::status::bad_request, "request target must be an absolute path\n",
                       true);
    }
    std::string_view path = target.substr(0, target.find('?'));

    // "/actorgraph.v1.Svc/Method" (and anything POSTed) is an RPC.
    const bool rpc_path = path.rfind(std::string("/") + kPackage + ".", 0) == 0;
    if (req.method() == http::verb::post) return HandleRpc(path);
    if (rpc_path) {
      Response res = ErrorResponse(HttpError{
          http::status::method_not_allowed, grpc::StatusCode::UNIMPLEMENTED,
          std::string(path.substr(1)) + ": HTTP method " + std::string(req.method_string()) +
              " not allowed; RPCs are POST with a JSON body"});
      res.set(http::field::allow, "POST");
      return Send(std::move(res));
    }
    if (req.method() == http::verb::get || req.method() == http::verb::head) {
      return HandleStatic(path);
    }
    Response res = PlainResponse(http::status::method_not_allowed,
                                 "method " + std::string(req.method_string()) + " not allowed\n");
    res.set(http::field::allow, "GET, HEAD, POST");
    Send(std::move(res));
  }

  // ---- static files ----

  void HandleStatic(std::string_view raw_path) {
    const fs::path& root = gw_->static_root();
    if (root.empty()) return SendPlain(http::status::not_found, "not found\n");
    auto decoded = PercentDecode(raw_path);
    if (!decoded || decoded->find('\0') != std::string::npos ||
        decoded->find('\\') != std::string::npos) {
      return SendPlain(http::status::bad_request, "malformed path\n");
    }
    fs::path rel;
    std::string_view rest = *decoded;
    bool dir = rest.empty() || rest.back() == '/';
    while (!rest.empty()) {
      auto slash = rest.find('/');
      std::string_view seg = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      if (seg.empty() || seg == ".") continue;
      if (seg == "..") return SendPlain(http::status::bad_request, "path traversal refused\n");
      if (seg.front() == '.') return SendPlain(http::status::not_found, "not found\n");
      rel /= std::string(seg);
    }
    std::error_code fec;
    fs::path full = root / rel;
    if (dir || fs::is_directory(full, fec)) full /= "index.html";
    fs::path canon = fs::weakly_canonical(full, fec);
    // Symlinks may not lead out of the root.
    auto [r, c] = std::mismatch(root.begin(), root.end(), canon.begin(), canon.end());
    if (fec || r != root.end()) return SendPlain(http::status::not_found, "not found\n");
    if (!fs::is_regular_file(canon, fec)) return SendPlain(http::status::not_found, "not found\n");
    auto size = fs::file_size(canon, fec);
    if (fec || size > kMaxStaticFileBytes) {
      return SendPlain(http::status::not_found, "not found\n");
    }
    std::ifstream in(canon, std::ios::binary);
    std::string body(size, '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
      return SendPlain(http::status::internal_server_error, "cannot read file\n");
    }
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, ContentTypeFor(canon));
    res.set(http::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    if (canon.extension() == ".html") {
      // The page shows untrusted text (evidence sentences): allow only our own scripts.
      res.set("Content-Security-Policy",
              "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
              "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
      res.set("Referrer-Policy", "no-referrer");
    }
    res.body() = std::move(body);
    Send(std::move(res));
  }

  // ---- RPC ----

  void HandleRpc(std::string_view path) {
    Request& req = parser_->get();
    std::string procedure(path.substr(1));
    auto slash = procedure.find('/');
    const pb::MethodDescriptor* method = nullptr;
    if (slash != std::string::npos && procedure.find('/', slash + 1) == std::string::npos) {
      std::string service_name = procedure.substr(0, slash);
      const pb::ServiceDescriptor* service =
          pb::DescriptorPool::generated_pool()->FindServiceByName(service_name);
      if (service != nullptr && service->file()->package() == kPackage) {
        method = service->FindMethodByName(procedure.substr(slash + 1));
      }
    }
    if (method == nullptr) {
      // A Connect client reads 404 as "unimplemented", as gRPC answers an unknown method.
      return SendError(HttpError{
          http::status::not_found, grpc::StatusCode::UNIMPLEMENTED,
          "no such method: " + procedure + " (expected /actorgraph.v1.<Service>/<Method>)"});
    }
    if (method->client_streaming() || method->server_streaming()) {
      return SendError(
          HttpError{http::status::unsupported_media_type, grpc::StatusCode::UNIMPLEMENTED,
                    procedure + " is a " +
                        (method->client_streaming() ? "client-streaming" : "server-streaming") +
                        " RPC; this gateway serves unary RPCs only: call it over gRPC"});
    }

    // Content-Type: application/json (the default) or application/proto.
    auto ctype_header = req[http::field::content_type];
    std::string ctype = Lower(std::string_view(ctype_header.data(), ctype_header.size()));
    std::string media(Trim(std::string_view(ctype).substr(0, ctype.find(';'))));
    bool json;
    if (media == "application/json" || media.empty()) {
      json = true;
      auto semi = ctype.find(';');
      if (semi != std::string::npos) {
        std::string params(ctype.substr(semi + 1));
        params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
        if (params.find("charset=") != std::string::npos &&
            params.find("charset=utf-8") == std::string::npos &&
            params.find("charset=\"utf-8\"") == std::string::npos) {
          return SendError(
              HttpError{http::status::unsupported_media_type, grpc::StatusCode::INVALID_ARGUMENT,
                        "JSON requests must be UTF-8, got Content-Type \"" + ctype + "\""});
        }
      }
    } else if (media == "application/proto") {
      json = false;
    } else {
      return SendError(HttpError{
          http::status::unsupported_media_type, grpc::StatusCode::INVALID_ARGUMENT,
          "unsupported Content-Type \"" + ctype + "\": use application/json or application/proto"});
    }

    auto encoding = Lower(std::string_view(req[http::field::content_encoding].data(),
                                           req[http::field::content_encoding].size()));
    if (!encoding.empty() && encoding != "identity") {
      return SendError(
          HttpError{http::status::not_implemented, grpc::StatusCode::UNIMPLEMENTED,
                    "unsupported Content-Encoding \"" + encoding + "\"; supported: identity"});
    }
    auto version = req["Connect-Protocol-Version"];
    if (!version.empty() && version != "1") {
      return SendError(
          HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                    "Connect-Protocol-Version must be 1, got \"" + std::string(version) + "\""});
    }
    std::chrono::milliseconds timeout(gw_->options().default_timeout_ms);
    if (auto t = req["Connect-Timeout-Ms"]; !t.empty()) {
      if (t.size() > 10 || !std::all_of(t.begin(), t.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        return SendError(HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                                   "Connect-Timeout-Ms must be a positive integer of at most 10 "
                                   "digits, got \"" +
                                       std::string(t) + "\""});
      }
      timeout = std::chrono::milliseconds(std::stoll(std::string(t)));
    }

    // Request body -> message, validated here so errors name the problem.
    const pb::Message* prototype =
        pb::MessageFactory::generated_factory()->GetPrototype(method->input_type());
    if (prototype == nullptr) {
      return SendError(HttpError{http::status::internal_server_error, grpc::StatusCode::INTERNAL,
                                 "no message type for " + method->input_type()->full_name()});
    }
    std::unique_ptr<pb::Message> message(prototype->New());
    const std::string& body = req.body();
    if (json) {
      std::string_view trimmed = Trim(body);
      if (!trimmed.empty()) {
        pb::util::JsonParseOptions opts;
        opts.ignore_unknown_fields = false;
        auto s = pb::util::JsonStringToMessage(body, message.get(), opts);
        if (!s.ok()) {
          // The parser appends the offending input and a caret on later lines; keep the reason.
          std::string reason(s.message().data(), s.message().size());
          reason = std::string(Trim(reason.substr(0, reason.find('\n'))));
          return SendError(HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                                     "request body is not a valid " +
                                         method->input_type()->full_name() +
                                         " in JSON: " + reason});
        }
      }
    } else if (!message->ParseFromString(body)) {
      return SendError(
          HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                    "request body is not a valid binary " + method->input_type()->full_name()});
    }

    auto call = std::make_shared<Call>();
    call->method = method;
    call->json = json;
    call->method_path = "/" + procedure;
    call->context.set_deadline(std::chrono::system_clock::now() + timeout);
    if (auto auth = req[http::field::authorization]; !auth.empty()) {
      if (!IsPrintableAscii(std::string_view(auth.data(), auth.size()))) {
        return SendError(HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                                   "Authorization header must be printable ASCII"});
      }
      call->context.AddMetadata("authorization", std::string(auth));
    }
    std::string bytes;
    if (!message->SerializeToString(&bytes)) {
      return SendError(HttpError{http::status::bad_request, grpc::StatusCode::INVALID_ARGUMENT,
                                 "request message cannot be serialized"});
    }
    grpc::Slice slice(bytes);
    call->request = grpc::ByteBuffer(&slice, 1);

    if (!gw_->BeginCall(call)) {
      return SendError(HttpError{http::status::service_unavailable, grpc::StatusCode::UNAVAILABLE,
                                 "the gateway is shutting down"},
                       true);
    }
    Gateway::Impl* gw = gw_;
    gw->stub().UnaryCall(
        &call->context, call->method_path, grpc::StubOptions(), &call->request, &call->response,
        [self = shared_from_this(), call, gw](grpc::Status status) mutable {
          // On a gRPC thread: hand everything to the session's strand, then unregister.
          const Call* key = call.get();
          auto executor = self->stream_.get_executor();
          net::post(executor,
                    [self = std::move(self), call = std::move(call),
                     status = std::move(status)]() mutable { self->OnRpcDone(*call, status); });
          gw->EndCall(key);
        });
  }

  void OnRpcDone(Call& call, const grpc::Status& status) {
    if (!status.ok()) {
      std::string message = status.error_message();
      // gRPC answers a method no registered service implements with no message at all.
      if (message.empty() && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        message = call.method_path.substr(1) + " is not implemented by this server";
      }
      return SendError(HttpError{static_cast<http::status>(ConnectHttpStatus(status.error_code())),
                                 status.error_code(), message});
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (call.response.Dump(&slices).ok()) {
      for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    Response res{http::status::ok, 11};
    res.set(http::field::cache_control, "no-store");
    if (!call.json) {
      res.set(http::field::content_type, "application/proto");
      res.body() = std::move(bytes);
      return Send(std::move(res));
    }
    const pb::Message* prototype =
        pb::MessageFactory::generated_factory()->GetPrototype(call.method->output_type());
    std::unique_ptr<pb::Message> message(prototype->New());
    std::string out;
    if (!message->ParseFromString(bytes)) {
      return SendError(HttpError{http::status::internal_server_error, grpc::StatusCode::INTERNAL,
                                 "cannot parse the " + call.method->output_type()->full_name() +
                                     " returned by the server"});
    }
    pb::util::JsonPrintOptions opts;
    auto s = pb::util::MessageToJsonString(*message, &out, opts);
    if (!s.ok()) {
      return SendError(HttpError{http::status::internal_server_error, grpc::StatusCode::INTERNAL,
                                 "cannot print the response as JSON: " +
                                     std::string(s.message().data(), s.message().size())});
    }
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(out);
    Send(std::move(res));
  }

  // ---- responses ----

  Response ErrorResponse(const HttpError& e) {
    Response res{e.status, 11};
    // 499 is nginx's, not in Beast's table; give it its conventional reason phrase.
    if (static_cast<unsigned>(e.status) == 499) res.reason("Client Closed Request");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string("{\"code\":\"") + ConnectCodeName(e.grpc_code) +
                 "\",\"message\":" + JsonQuote(e.message) + "}";
    return res;
  }

  Response PlainResponse(http::status status, std::string text) {
    Response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text);
    return res;
  }

  void SendError(const HttpError& e, bool close = false) {
    if (close) keep_alive_ = false;
    Send(ErrorResponse(e));
  }
  void SendPlain(http::status status, std::string text, bool close = false) {
    if (close) keep_alive_ = false;
    Send(PlainResponse(status, std::move(text)));
  }

  void Send(Response res) {
    res.set(http::field::server, kServerHeader);
    res.keep_alive(keep_alive_);
    const std::size_t size = res.body().size();
    if (head_) {
      res.body().clear();
      res.content_length(size);
    } else {
      res.prepare_payload();
    }
    res_.emplace(std::move(res));
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    res_.reset();
    if (ec) return Close();
    if (!keep_alive_) return DrainAndClose();
    keep_alive_ = true;
    head_ = false;
    ReadHeader();
  }

  // After an early answer (413, 400) the client may still be sending: stop writing, read and
  // discard for a moment, so closing does not reset the connection before it reads the answer.
  void DrainAndClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drained_ = 0;
    stream_.expires_after(kDrainTimeout);
    Drain();
  }
  void Drain() {
    stream_.async_read_some(net::buffer(drain_buf_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (64u << 20)) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Gateway::Impl* gw_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Response> res_;
  bool keep_alive_ = true;
  bool head_ = false;
  std::size_t drained_ = 0;
  char drain_buf_[8192];
};

}  // namespace

absl::Status Gateway::Impl::Start() {
  if (options_.max_body_bytes == 0) {
    return absl::InvalidArgumentError("max_body_bytes must be positive");
  }
  if (options_.default_timeout_ms <= 0) {
    return absl::InvalidArgumentError("default_timeout_ms must be positive");
  }
  if (!options_.static_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(options_.static_dir, ec)) {
      return absl::NotFoundError("static_dir \"" + options_.static_dir + "\" is not a directory");
    }
    static_root_ = fs::canonical(options_.static_dir, ec);
    if (ec)
      return absl::NotFoundError("static_dir \"" + options_.static_dir + "\": " + ec.message());
  }
  auto endpoint = ParseListen(options_.listen);
  if (!endpoint.ok()) return endpoint.status();
  check_host_ = options_.loopback_host_check && IsLoopbackAddress(endpoint->address());

  beast::error_code ec;
  acceptor_.open(endpoint->protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(*endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError("cannot listen on " + options_.listen + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  Accept();
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (...) {
          // A handler threw (e.g. bad_alloc): keep serving the other connections.
        }
      }
    });
  }
  return absl::OkStatus();
}

void Gateway::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), this)->Start();
    }
    Accept();
  });
}

void Gateway::Impl::Stop() {
  std::vector<std::shared_ptr<Call>> calls;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    for (auto& [key, call] : in_flight_) calls.push_back(call);
  }
  // Close the listener on its strand so no accept handler races with it.
  if (threads_.empty()) {
    beast::error_code ec;
    acceptor_.close(ec);
  } else {
    std::promise<void> closed;
    net::dispatch(acceptor_.get_executor(), [this, &closed] {
      beast::error_code ec;
      acceptor_.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
  }
  for (auto& call : calls) call->context.TryCancel();
  calls.clear();
  {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return in_flight_.empty(); });
  }
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Gateway::Gateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Gateway::~Gateway() { Stop(); }
int Gateway::port() const { return impl_->port(); }
void Gateway::Stop() { impl_->Stop(); }

absl::StatusOr<std::unique_ptr<Gateway>> StartGateway(grpc::Server* server,
                                                      const GatewayOptions& options) {
  if (server == nullptr) return absl::InvalidArgumentError("StartGateway: server is null");
  // Referencing one message of each file links its descriptors into the generated pool,
  // where methods are looked up by name.
  (void)v1::GetActorRequest::descriptor();
  (void)v1::GetStanceRequest::descriptor();
  auto impl = std::make_unique<Gateway::Impl>(server, options);
  absl::Status s = impl->Start();
  if (!s.ok()) return s;
  return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

}  // namespace actorgraph
