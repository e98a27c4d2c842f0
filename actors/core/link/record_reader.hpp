#pragma once
// Reassembles length-prefixed records from a TCP byte stream cut at arbitrary
// places. On the wire a record is a u32 big-endian body length, then the body.
// Each header is checked against the cap in force when it is parsed, before
// any byte of its body is buffered, so a peer cannot make the reader hold more
// than one cap plus the chunk being fed (DESIGN section 4).
//
// The cap can change between records (tiny during the handshake, the frame
// cap after it): next() parses one header at a time, so a cap set after a
// record was taken applies to the very next header, even when its bytes came
// in the same chunk.

#include "actors/core/bytes.hpp"
#include "actors/core/expected.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace mosaik::link {

inline constexpr std::size_t record_header_size = 4;

/// Writes the 4-byte header of a record whose body has `body_size` bytes.
void write_record_header(std::uint8_t* out, std::uint32_t body_size);

/// A header announced a body over the cap; the stream is dead from then on.
struct record_oversize {
  std::uint64_t declared = 0;
  std::size_t cap = 0;
};

class record_reader {
public:
  explicit record_reader(std::size_t max_body);

  /// The cap for every header not parsed yet.
  void set_max_body(std::size_t max_body);
  std::size_t max_body() const { return max_body_; }

  /// Appends the next chunk of the stream (after an oversize: ignored).
  void feed(byte_view chunk);

  /// The next complete body in stream order, in a buffer of its own that
  /// the caller may keep or decrypt in place; nullopt when more bytes are
  /// needed; an error once a header announced more than the cap (every later
  /// call returns the same error).
  expected<std::optional<bytes>, record_oversize> next();

  /// Bytes held and not yet returned by next().
  std::size_t buffered() const { return unparsed() + body_.size(); }

  /// The size of the body whose header was read and whose bytes are still
  /// coming in (0 when no record is under way): what finishing it will hold.
  std::size_t pending_body() const { return body_size_.value_or(0); }

private:
  std::size_t unparsed() const { return buffer_.size() - offset_; }
  std::size_t body_missing() const;

  std::size_t max_body_;
  bytes buffer_; // stream bytes whose header is not parsed yet
  std::size_t offset_ = 0; // start of the unparsed bytes in buffer_
  std::optional<std::size_t> body_size_; // of the record whose header passed the cap
  bytes body_; // that record's body so far
  std::optional<record_oversize> dead_;
};

} // namespace mosaik::link
