// Helpers for the importer tests: fixture paths, files, gzip and zip archives built in memory
// with zlib (so no binary fixture needs committing), and a GDELT 2.0 row builder.
#ifndef ACTORGRAPH_TESTS_IMPORT_TEST_UTIL_H_
#define ACTORGRAPH_TESTS_IMPORT_TEST_UTIL_H_

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace actorgraph::import::testing {

inline const std::string kSourceDir = ACTORGRAPH_SOURCE_DIR;
inline const std::string kGdeltFixture =
    kSourceDir + "/tests/import/testdata/gdelt_sample.export.CSV";
inline const std::string kIcewsFixture = kSourceDir + "/tests/import/testdata/icews_sample.tab";
inline const std::string kDataDir = kSourceDir + "/data";

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// Deflates `data`: raw (windowBits -15, as in zip entries) or as a gzip member (31).
inline std::string Deflate(std::string_view data, int window_bits) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string Gzip(std::string_view data) { return Deflate(data, 15 + 16); }

struct ZipOptions {
  bool stored = false;           // method 0 instead of deflate
  bool data_descriptor = false;  // sizes and CRC after the data (flag bit 3), as streams write
};

// Printed in test names instead of the struct's bytes.
inline void PrintTo(const ZipOptions& o, std::ostream* os) {
  *os << (o.stored ? "stored" : "deflated") << (o.data_descriptor ? ", data descriptor" : "");
}

// A zip archive holding `entries` (name, contents) in order, with a central directory.
inline std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries,
                       ZipOptions options = {}) {
  auto le16 = [](std::string& s, uint32_t v) {
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>((v >> 8) & 0xff));
  };
  auto le32 = [&](std::string& s, uint32_t v) {
    le16(s, v & 0xffff);
    le16(s, v >> 16);
  };
  std::string out, central;
  for (const auto& [name, contents] : entries) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = static_cast<uint32_t>(crc32(
        0, reinterpret_cast<const Bytef*>(contents.data()), static_cast<uInt>(contents.size())));
    const std::string data = options.stored ? contents : Deflate(contents, -15);
    const uint16_t method = options.stored ? 0 : 8;
    const uint16_t flags = options.data_descriptor ? 0x08 : 0;
    auto header = [&](std::string& s, bool in_central) {
      le32(s, in_central ? 0x02014b50 : 0x04034b50);
      if (in_central) le16(s, 20);  // version made by
      le16(s, 20);
      le16(s, flags);
      le16(s, method);
      le16(s, 0);
      le16(s, 0);
      const bool zero = options.data_descriptor && !in_central;
      le32(s, zero ? 0 : crc);
      le32(s, zero ? 0 : static_cast<uint32_t>(data.size()));
      le32(s, zero ? 0 : static_cast<uint32_t>(contents.size()));
      le16(s, static_cast<uint32_t>(name.size()));
      le16(s, 0);
      if (in_central) {
        le16(s, 0);  // comment
        le16(s, 0);  // disk
        le16(s, 0);  // internal attributes
        le32(s, 0);  // external attributes
        le32(s, offset);
      }
      s += name;
    };
    header(out, false);
    out += data;
    if (options.data_descriptor) {
      le32(out, 0x08074b50);
      le32(out, crc);
      le32(out, static_cast<uint32_t>(data.size()));
      le32(out, static_cast<uint32_t>(contents.size()));
    }
    header(central, true);
  }
  const uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  le32(out, 0x06054b50);
  le16(out, 0);
  le16(out, 0);
  le16(out, static_cast<uint32_t>(entries.size()));
  le16(out, static_cast<uint32_t>(entries.size()));
  le32(out, static_cast<uint32_t>(central.size()));
  le32(out, central_offset);
  le16(out, 0);
  return out;
}

// One GDELT 2.0 actor: code, name, country, known group, type 1.
struct GdeltActor {
  std::string code, name, country, group, type;
};

// A 61-column GDELT 2.0 row with the given fields; the rest plausible filler.
inline std::string GdeltRow(std::string_view event_id, std::string_view date, const GdeltActor& a1,
                            const GdeltActor& a2, std::string_view code,
                            std::string_view goldstein = "1.0", std::string_view mentions = "1",
                            std::string_view sources = "1",
                            std::string_view url = "https://news.example.org/a") {
  std::vector<std::string> c(61);
  c[0] = event_id;
  c[1] = date;
  c[2] = std::string(date.substr(0, 6));
  c[3] = std::string(date.substr(0, 4));
  c[4] = "2020.0411";
  for (auto [base, a] : {std::pair{5, &a1}, std::pair{15, &a2}}) {
    c[base] = a->code;
    c[base + 1] = a->name;
    c[base + 2] = a->country;
    c[base + 3] = a->group;
    c[base + 7] = a->type;
  }
  c[25] = "1";
  c[26] = code;
  c[27] = std::string(code.substr(0, 3));
  c[28] = std::string(code.substr(0, 2));
  c[29] = "1";
  c[30] = goldstein;
  c[31] = mentions;
  c[32] = sources;
  c[33] = mentions;
  c[34] = "-0.5";
  c[59] = std::string(date) + "101500";
  c[60] = url;
  std::string row;
  for (size_t i = 0; i < c.size(); ++i) row += (i ? "\t" : "") + c[i];
  return row;
}

}  // namespace actorgraph::import::testing

#endif  // ACTORGRAPH_TESTS_IMPORT_TEST_UTIL_H_
