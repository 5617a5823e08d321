// Token authentication with read and write scopes.
//
// Token file: one token per line, "SHA256-HEX SCOPE [LABEL]", where SHA256-HEX is the
// lower-case hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`), SCOPE is `read` or
// `write` (write implies read), and LABEL names the holder in logs. `#` starts a comment.
// Only hashes are stored, so the file leaks no token. Clients send
// `authorization: Bearer TOKEN`. Tokens never appear in logs or error messages.
// Thread-safety: immutable after Load; Check is thread-safe.
#ifndef ACTORGRAPH_SERVER_AUTH_H_
#define ACTORGRAPH_SERVER_AUTH_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace actorgraph {

enum class Scope { kRead = 1, kWrite = 2 };

class TokenAuth {
 public:
  // Parses the token file. InvalidArgument naming the line for a malformed entry.
  static absl::StatusOr<std::unique_ptr<TokenAuth>> Load(const std::string& path);
  static absl::StatusOr<std::unique_ptr<TokenAuth>> Parse(std::string_view text,
                                                          std::string_view origin);

  // `authorization` is the request's authorization metadata value ("Bearer TOKEN").
  // Unauthenticated when missing, malformed or unknown; PermissionDenied when the token's
  // scope is below `needed`. On success returns the token's label.
  absl::StatusOr<std::string> Check(std::string_view authorization, Scope needed) const;

  // Lower-case hex SHA-256 of `token`.
  static std::string HashToken(std::string_view token);

  size_t size() const { return tokens_.size(); }

 private:
  struct Entry {
    Scope scope;
    std::string label;
  };
  std::map<std::string, Entry, std::less<>> tokens_;  // by hash
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_SERVER_AUTH_H_
