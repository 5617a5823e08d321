#include "graph/text.h"

#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace actorgraph {

Text::Text(std::string_view s) {
  if (s.empty()) return;
  // Strings reach us through size-checked parsers; 4 GiB in one field is a caller bug.
  if (s.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("Text too long");
  void* raw = ::operator new(sizeof(Block) + s.size());
  block_ = new (raw) Block{{1}, static_cast<uint32_t>(s.size())};
  std::memcpy(reinterpret_cast<char*>(block_ + 1), s.data(), s.size());
}

void Text::Release() noexcept {
  if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

}  // namespace actorgraph
