#include "tools/import/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "graph/strings.h"

namespace actorgraph::import {
namespace {

// Buffered raw bytes from a file descriptor, or all of them from memory.
class RawInput {
 public:
  RawInput(int fd, bool owned) : fd_(fd), owned_(owned), buf_(kChunk) {}
  explicit RawInput(std::string bytes) : buf_(bytes.begin(), bytes.end()), end_(buf_.size()) {
    eof_ = true;
  }
  ~RawInput() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  RawInput(const RawInput&) = delete;
  RawInput& operator=(const RawInput&) = delete;

  // Buffers at least `n` bytes unless the input ends first; returns how many are buffered.
  size_t Want(size_t n) {
    if (available() >= n || eof_) return available();
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, available());
      end_ -= pos_;
      pos_ = 0;
    }
    if (buf_.size() < n) buf_.resize(n);
    while (end_ < n && !eof_) {
      ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
      if (got > 0) {
        end_ += static_cast<size_t>(got);
      } else if (got == 0) {
        eof_ = true;
      } else if (errno != EINTR) {
        status_ = absl::UnavailableError(StrCat("read error: ", std::strerror(errno)));
        eof_ = true;
      }
    }
    return available();
  }
  const unsigned char* data() const { return buf_.data() + pos_; }
  size_t available() const { return end_ - pos_; }
  void Consume(size_t n) { pos_ += std::min(n, available()); }
  const absl::Status& status() const { return status_; }

 private:
  static constexpr size_t kChunk = 256 << 10;
  int fd_ = -1;
  bool owned_ = false;
  std::vector<unsigned char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  absl::Status status_;
};

class PlainSource : public ByteSource {
 public:
  explicit PlainSource(std::unique_ptr<RawInput> in) : in_(std::move(in)) {}
  size_t Read(char* out, size_t n) override {
    size_t have = in_->Want(1);
    size_t k = std::min(have, n);
    std::memcpy(out, in_->data(), k);
    in_->Consume(k);
    return k;
  }
  absl::Status status() const override { return in_->status(); }

 private:
  std::unique_ptr<RawInput> in_;
};

uint32_t Le32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint16_t Le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

constexpr uint32_t kZipLocalHeader = 0x04034b50;      // "PK\3\4"
constexpr uint32_t kZipDataDescriptor = 0x08074b50;   // "PK\7\8"
constexpr uint32_t kZipCentralDir = 0x02014b50;       // "PK\1\2"
constexpr uint32_t kZipEndOfCentralDir = 0x06054b50;  // "PK\5\6"

// What the local header of a zip's first entry says.
struct ZipEntry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  bool sizes_in_descriptor() const { return flags & 0x08; }
};

// Inflates gzip (any number of members) or one zip entry (raw deflate, or stored bytes),
// checking the CRC-32 of a zip entry; gzip members carry their own check, which zlib does.
class InflateSource : public ByteSource {
 public:
  InflateSource(std::unique_ptr<RawInput> in, Compression c, ZipEntry entry = {})
      : in_(std::move(in)), compression_(c), entry_(std::move(entry)) {
    std::memset(&z_, 0, sizeof z_);
    stored_left_ = entry_.compressed_size;
    if (stored()) return;
    // 15 + 16: a gzip wrapper; -15: raw deflate, as in zip entries.
    int rc = inflateInit2(&z_, c == Compression::kGzip ? 15 + 16 : -15);
    if (rc != Z_OK) status_ = absl::InternalError("zlib inflateInit2 failed");
    initialised_ = rc == Z_OK;
  }
  ~InflateSource() override {
    if (initialised_) inflateEnd(&z_);
  }

  size_t Read(char* out, size_t n) override {
    if (done_ || !status_.ok()) return 0;
    size_t produced = stored() ? ReadStored(out, n) : ReadDeflated(out, n);
    if (compression_ == Compression::kZip) {
      crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(out), static_cast<uInt>(produced));
      if (done_ && status_.ok()) FinishZipEntry();
    }
    return produced;
  }
  absl::Status status() const override {
    if (!in_->status().ok()) return in_->status();
    return status_;
  }
  std::string warning() const override { return warning_; }

 private:
  bool stored() const { return compression_ == Compression::kZip && entry_.method == 0; }

  size_t ReadStored(char* out, size_t n) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, stored_left_));
    size_t have = std::min(in_->Want(1), want);
    if (have == 0 && stored_left_ > 0) {
      status_ = absl::DataLossError("truncated zip entry (the file ends inside it)");
      return 0;
    }
    std::memcpy(out, in_->data(), have);
    in_->Consume(have);
    stored_left_ -= have;
    if (stored_left_ == 0) done_ = true;
    return have;
  }

  size_t ReadDeflated(char* out, size_t n) {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (in_->available() == 0 && in_->Want(1) == 0) {
        status_ = absl::DataLossError(StrCat("truncated ", CompressionName(compression_),
                                             " data (the file ends inside the stream)"));
        break;
      }
      z_.next_in = const_cast<Bytef*>(in_->data());
      z_.avail_in = static_cast<uInt>(std::min<size_t>(in_->available(), 1u << 30));
      const uInt before = z_.avail_in;
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_->Consume(before - z_.avail_in);
      if (rc == Z_STREAM_END) {
        // A gzip file may hold several members back to back (as `cat a.gz b.gz` makes).
        if (compression_ == Compression::kGzip && in_->Want(2) >= 2 && in_->data()[0] == 0x1f &&
            in_->data()[1] == 0x8b) {
          inflateReset(&z_);
          continue;
        }
        done_ = true;
        break;
      }
      const bool stuck = rc == Z_BUF_ERROR && before == z_.avail_in;
      if ((rc != Z_OK && rc != Z_BUF_ERROR) || stuck) {
        status_ = absl::DataLossError(StrCat("corrupt ", CompressionName(compression_),
                                             " data: ", z_.msg ? z_.msg : "inflate failed"));
        break;
      }
    }
    return n - z_.avail_out;
  }

  // After the entry's data: the CRC check, and a note when more entries follow.
  void FinishZipEntry() {
    uint32_t expected = entry_.crc;
    if (entry_.sizes_in_descriptor()) {
      // Optional signature, CRC-32, then 4- or 8-byte sizes; only the CRC matters here.
      size_t have = in_->Want(8);
      size_t skip = 0;
      if (have >= 4 && Le32(in_->data()) == kZipDataDescriptor) skip = 4;
      if (have < skip + 4) {
        status_ = absl::DataLossError("truncated zip entry (no data descriptor)");
        return;
      }
      expected = Le32(in_->data() + skip);
      in_->Consume(skip + 4);
      // The sizes follow (4 + 4 bytes, or 8 + 8 in zip64); then comes a header signature.
      in_->Want(16 + 4);
      for (size_t off : {size_t{8}, size_t{16}}) {
        if (in_->available() < off + 4) break;
        const uint32_t sig = Le32(in_->data() + off);
        if (sig == kZipLocalHeader || sig == kZipCentralDir || sig == kZipEndOfCentralDir) {
          in_->Consume(off);
          break;
        }
      }
    }
    if (crc_ != expected) {
      status_ = absl::DataLossError(
          StrCat("zip entry \"", entry_.name, "\" fails its CRC-32 check (corrupt archive)"));
      return;
    }
    if (in_->Want(4) >= 4 && Le32(in_->data()) == kZipLocalHeader) {
      warning_ =
          StrCat("zip archive has more than one entry; read only the first, \"", entry_.name, "\"");
    }
  }

  std::unique_ptr<RawInput> in_;
  Compression compression_;
  ZipEntry entry_;
  z_stream z_;
  bool initialised_ = false;
  bool done_ = false;
  uint64_t stored_left_ = 0;
  uLong crc_ = 0;
  absl::Status status_;
  std::string warning_;
};

// Reads the local header of the first zip entry and leaves `in` at the entry's data.
absl::StatusOr<ZipEntry> ReadZipHeader(RawInput& in) {
  if (in.Want(30) < 30) return absl::DataLossError("truncated zip archive (no entry header)");
  const unsigned char* h = in.data();
  ZipEntry e;
  e.flags = Le16(h + 6);
  e.method = Le16(h + 8);
  e.crc = Le32(h + 14);
  e.compressed_size = Le32(h + 18);
  const size_t name_len = Le16(h + 26), extra_len = Le16(h + 28);
  if (in.Want(30 + name_len + extra_len) < 30 + name_len + extra_len) {
    return absl::DataLossError("truncated zip archive (entry header)");
  }
  e.name.assign(reinterpret_cast<const char*>(in.data()) + 30, name_len);
  // Zip64: the real sizes are in extra field 0x0001 (uncompressed, then compressed).
  const unsigned char* x = in.data() + 30 + name_len;
  for (size_t off = 0; off + 4 <= extra_len;) {
    uint16_t id = Le16(x + off), len = Le16(x + off + 2);
    if (id == 0x0001 && len >= 16 && off + 4 + 16 <= extra_len && e.compressed_size == 0xffffffff) {
      const unsigned char* p = x + off + 4 + 8;
      e.compressed_size = Le32(p) | (static_cast<uint64_t>(Le32(p + 4)) << 32);
    }
    off += 4 + len;
  }
  in.Consume(30 + name_len + extra_len);
  if (e.flags & 0x01) {
    return absl::FailedPreconditionError(StrCat("zip entry \"", e.name, "\" is encrypted"));
  }
  if (e.method != 0 && e.method != 8) {
    return absl::FailedPreconditionError(
        StrCat("zip entry \"", e.name, "\" uses compression method ", e.method,
               " (only stored and deflate are supported; unzip it first)"));
  }
  if (e.method == 0 && e.sizes_in_descriptor()) {
    return absl::FailedPreconditionError(
        StrCat("zip entry \"", e.name, "\" is stored with no size in its header"));
  }
  return e;
}

absl::StatusOr<std::unique_ptr<LineReader>> Detect(std::unique_ptr<RawInput> in) {
  size_t have = in->Want(4);
  const unsigned char* p = in->data();
  if (have >= 4 && Le32(p) == kZipLocalHeader) {
    auto entry = ReadZipHeader(*in);
    if (!entry.ok()) return entry.status();
    return std::make_unique<LineReader>(
        std::make_unique<InflateSource>(std::move(in), Compression::kZip, *std::move(entry)),
        Compression::kZip);
  }
  if (have >= 4 && Le32(p) == kZipEndOfCentralDir) {
    return absl::FailedPreconditionError("empty zip archive (no entries)");
  }
  if (have >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
    return std::make_unique<LineReader>(
        std::make_unique<InflateSource>(std::move(in), Compression::kGzip), Compression::kGzip);
  }
  return std::make_unique<LineReader>(std::make_unique<PlainSource>(std::move(in)),
                                      Compression::kPlain);
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZip:
      return "zip";
    case Compression::kPlain:
      break;
  }
  return "plain";
}

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  if (path == "-") return Detect(std::make_unique<RawInput>(STDIN_FILENO, false));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string why = std::strerror(err);
    if (err == ENOENT) return absl::NotFoundError(why);
    if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(why);
    return absl::UnavailableError(why);
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError("is a folder, not a file");
  }
  return Detect(std::make_unique<RawInput>(fd, true));
}

std::unique_ptr<LineReader> LineReaderForBytes(std::string bytes) {
  auto reader = Detect(std::make_unique<RawInput>(std::move(bytes)));
  if (reader.ok()) return *std::move(reader);
  // Undecodable: an empty reader whose status says why.
  class Failed : public ByteSource {
   public:
    explicit Failed(absl::Status s) : s_(std::move(s)) {}
    size_t Read(char*, size_t) override { return 0; }
    absl::Status status() const override { return s_; }

   private:
    absl::Status s_;
  };
  return std::make_unique<LineReader>(std::make_unique<Failed>(reader.status()),
                                      Compression::kPlain);
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, Compression compression)
    : source_(std::move(source)), compression_(compression), buf_(kMaxLineBytes + (64 << 10)) {}

bool LineReader::Fill() {
  if (start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    scan_ -= start_;
    start_ = 0;
  }
  if (end_ == buf_.size()) {
    // No '\n' in a full buffer: the line is too long. Drop what we have and skip to its end.
    skipping_ = true;
    start_ = scan_ = end_ = 0;
  }
  size_t got = source_->Read(buf_.data() + end_, buf_.size() - end_);
  if (got == 0) eof_ = true;
  end_ += got;
  return got > 0;
}

bool LineReader::Next(std::string_view& line) {
  too_long_ = false;
  for (;;) {
    const void* nl = scan_ < end_ ? std::memchr(buf_.data() + scan_, '\n', end_ - scan_) : nullptr;
    if (nl != nullptr || (eof_ && (start_ < end_ || skipping_))) {
      size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) : end_;
      ++line_number_;
      if (skipping_ || stop - start_ > kMaxLineBytes) {
        skipping_ = false;
        too_long_ = true;
        line = std::string_view();
      } else {
        size_t len = stop - start_;
        if (len > 0 && buf_[start_ + len - 1] == '\r') --len;
        line = std::string_view(buf_.data() + start_, len);
      }
      start_ = scan_ = nl ? stop + 1 : end_;
      return true;
    }
    scan_ = end_;
    if (eof_) return false;
    Fill();
  }
}

}  // namespace actorgraph::import
