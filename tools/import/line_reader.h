// Streaming line reader for event files: plain text, gzip, or the first entry of a zip
// archive, told apart by their magic bytes (never by the file name), from a file or stdin.
// Memory stays constant whatever the file size: one read buffer and one line buffer.
// Thread-compatible (one reader per thread).
#ifndef ACTORGRAPH_TOOLS_IMPORT_LINE_READER_H_
#define ACTORGRAPH_TOOLS_IMPORT_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace actorgraph::import {

// How the bytes of an input are packed.
enum class Compression { kPlain, kGzip, kZip };
std::string_view CompressionName(Compression c);

// A source of decoded bytes (see line_reader.cc for the plain, gzip and zip ones).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to `n` bytes into `out`; 0 means the end of the input or an error (status()).
  virtual size_t Read(char* out, size_t n) = 0;
  // OK, or why the input ended early (I/O error, corrupt or truncated compressed data).
  virtual absl::Status status() const = 0;
  // Something worth telling the user that is not an error ("zip has more entries"), or "".
  virtual std::string warning() const { return ""; }
};

class LineReader {
 public:
  // Lines longer than this are reported as too long (and skipped by the importer).
  static constexpr size_t kMaxLineBytes = 1 << 20;

  // Opens `path` ("-" = stdin) and detects its compression. NotFound, PermissionDenied or
  // FailedPrecondition (a folder; an encrypted or unsupported zip) when it cannot be read.
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(const std::string& path);
  // Reads lines from an in-memory buffer that was already decoded (tests).
  explicit LineReader(std::unique_ptr<ByteSource> source, Compression compression);

  // The next line without its '\n' (nor a trailing '\r'); false at the end of the input or
  // when reading failed (see status()). The view stays valid until the next call. A line over
  // kMaxLineBytes comes back empty with too_long() true.
  bool Next(std::string_view& line);
  // 1-based number of the line Next() returned last.
  int64_t line_number() const { return line_number_; }
  bool too_long() const { return too_long_; }
  // OK, or why the input ended early. Lines before the failure were returned normally.
  absl::Status status() const { return source_->status(); }
  std::string warning() const { return source_->warning(); }
  Compression compression() const { return compression_; }

 private:
  bool Fill();

  std::unique_ptr<ByteSource> source_;
  Compression compression_;
  std::vector<char> buf_;
  size_t start_ = 0;  // first byte of the current line
  size_t scan_ = 0;   // bytes before this hold no '\n'
  size_t end_ = 0;    // bytes buffered
  bool eof_ = false;
  bool skipping_ = false;  // inside an over-long line, discarding until its '\n'
  bool too_long_ = false;
  int64_t line_number_ = 0;
};

// A ByteSource over bytes held in memory, decoded by the same detection as Open() (tests
// and callers that already hold a file's contents).
std::unique_ptr<LineReader> LineReaderForBytes(std::string bytes);

}  // namespace actorgraph::import

#endif  // ACTORGRAPH_TOOLS_IMPORT_LINE_READER_H_
