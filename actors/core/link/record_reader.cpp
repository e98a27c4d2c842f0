#include "actors/core/link/record_reader.hpp"

#include <algorithm>
#include <utility>

namespace mosaik::link {

void write_record_header(std::uint8_t* out, std::uint32_t body_size) {
  out[0] = static_cast<std::uint8_t>(body_size >> 24);
  out[1] = static_cast<std::uint8_t>(body_size >> 16);
  out[2] = static_cast<std::uint8_t>(body_size >> 8);
  out[3] = static_cast<std::uint8_t>(body_size);
}

namespace {

std::uint32_t read_record_header(const std::uint8_t* in) {
  return std::uint32_t{in[0]} << 24 | std::uint32_t{in[1]} << 16 | std::uint32_t{in[2]} << 8 |
         std::uint32_t{in[3]};
}

} // namespace

record_reader::record_reader(std::size_t max_body) : max_body_(max_body) {}

void record_reader::set_max_body(std::size_t max_body) {
  max_body_ = max_body;
}

std::size_t record_reader::body_missing() const {
  return body_size_ ? *body_size_ - body_.size() : 0;
}

void record_reader::feed(byte_view chunk) {
  if (dead_ || chunk.empty())
    return;
  // The bytes of a body under way go straight into it: its header passed
  // the cap already, and nothing unparsed is waiting before them.
  if (unparsed() == 0) {
    auto into_body = chunk.first(std::min(body_missing(), chunk.size()));
    body_.insert(body_.end(), into_body.begin(), into_body.end());
    chunk = chunk.subspan(into_body.size());
  }
  if (chunk.empty())
    return;
  // Parsed bytes are dropped lazily: moving the rest to the front only once
  // they are the larger part keeps the copying linear in the stream length.
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else if (offset_ > buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
    offset_ = 0;
  }
  buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
}

expected<std::optional<bytes>, record_oversize> record_reader::next() {
  if (dead_)
    return unexpected{*dead_};
  if (!body_size_) {
    if (unparsed() < record_header_size)
      return std::optional<bytes>{};
    auto declared = read_record_header(buffer_.data() + offset_);
    if (declared > max_body_) {
      dead_ = record_oversize{declared, max_body_};
      bytes{}.swap(buffer_); // a dead stream holds nothing
      offset_ = 0;
      return unexpected{*dead_};
    }
    body_size_ = declared;
    offset_ += record_header_size;
    // Only after the cap: the body gets its own buffer of its full size (its
    // pages cost memory as bytes arrive), so it is filled once and handed
    // out without a copy.
    body_.reserve(declared);
  }
  auto take = std::min(body_missing(), unparsed());
  auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(offset_);
  body_.insert(body_.end(), begin, begin + static_cast<std::ptrdiff_t>(take));
  offset_ += take;
  if (body_missing() > 0)
    return std::optional<bytes>{};
  body_size_.reset();
  return std::optional<bytes>{std::exchange(body_, bytes{})};
}

} // namespace mosaik::link
