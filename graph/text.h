// Text: an immutable UTF-8 string held in one pointer, whose copies share the bytes.
//
// Why: an observation carries a dozen strings (ids, names, country codes, document, URL),
// most of them repeated across millions of observations. As std::string each costs 32 bytes
// plus a heap block; as Text each costs 8 bytes, and ActorGraph interns the repeated ones so
// equal values share one block (see TextPool). Reading is as cheap as a string_view.
//
// Thread-safety: like std::shared_ptr — distinct Text objects may be used from different
// threads even when they share bytes (the reference count is atomic); one Text object
// needs external synchronisation for writes.
#ifndef ACTORGRAPH_GRAPH_TEXT_H_
#define ACTORGRAPH_GRAPH_TEXT_H_

#include <atomic>
#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace actorgraph {

class Text {
 public:
  Text() noexcept = default;
  Text(std::string_view s);  // NOLINT(google-explicit-constructor): a string value type
  Text(const std::string& s) : Text(std::string_view(s)) {}  // NOLINT
  Text(const char* s) : Text(std::string_view(s == nullptr ? "" : s)) {}  // NOLINT
  Text(const Text& other) noexcept : block_(other.block_) { Ref(); }
  Text(Text&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Text& operator=(const Text& other) noexcept {
    Text copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    Text moved(std::move(other));
    std::swap(block_, moved.block_);
    return *this;
  }
  ~Text() { Unref(); }

  std::string_view view() const noexcept {
    return block_ == nullptr ? std::string_view() : std::string_view(Bytes(block_), block_->size);
  }
  operator std::string_view() const noexcept { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  const char* data() const noexcept { return view().data(); }
  size_t size() const noexcept { return block_ == nullptr ? 0 : block_->size; }
  bool empty() const noexcept { return block_ == nullptr; }
  // How many Text objects share these bytes (0 for the empty Text).
  uint32_t use_count() const noexcept {
    return block_ == nullptr ? 0 : block_->refs.load(std::memory_order_relaxed);
  }
  // True when both share one block (equal bytes, stored once).
  bool SharesBytesWith(const Text& other) const noexcept { return block_ == other.block_; }
  // Starts loading the size and first bytes (a hint to the CPU: reads nothing).
  void Prefetch() const noexcept {
    if (block_ != nullptr) __builtin_prefetch(block_);
  }

  friend bool operator==(const Text& a, const Text& b) noexcept {
    return a.block_ == b.block_ || a.view() == b.view();
  }
  friend bool operator==(const Text& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) noexcept {
    return a.view() == std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const Text& a, const Text& b) noexcept {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const Text& a, std::string_view b) noexcept {
    return a.view() <=> b;
  }
  friend std::strong_ordering operator<=>(const Text& a, const std::string& b) noexcept {
    return a.view() <=> std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const Text& a, const char* b) noexcept {
    return a.view() <=> std::string_view(b);
  }
  friend std::ostream& operator<<(std::ostream& os, const Text& t) { return os << t.view(); }
  template <typename H>
  friend H AbslHashValue(H h, const Text& t) {
    return H::combine(std::move(h), t.view());
  }

 private:
  struct Block {
    std::atomic<uint32_t> refs;
    uint32_t size;
  };
  static const char* Bytes(const Block* b) noexcept { return reinterpret_cast<const char*>(b + 1); }
  void Ref() const noexcept {
    if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Unref() noexcept {  // inline: most Texts destroyed are moved-from (null)
    if (block_ != nullptr) Release();
  }
  void Release() noexcept;  // drops a reference to a non-null block_

  Block* block_ = nullptr;
};

// std::string_view's hash, for containers keyed by Text with string_view lookups.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>()(s); }
};
struct TextEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

}  // namespace actorgraph

#endif  // ACTORGRAPH_GRAPH_TEXT_H_
