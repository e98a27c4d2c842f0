#pragma once
// CRC32C (Castagnoli), the checksum of every stored record
// (schemas/storage.capnp). Chosen over BLAKE2b because it guards against
// accidental damage (torn writes, bit rot), not against an attacker who can
// write our data file: 4 bytes a record instead of 32, and cheaper to compute
// on the commit path. It is the checksum of etcd's WAL and of iSCSI.
//
// Integers are fed little-endian, so a checksum does not depend on the host.
// Uses the SSE4.2 crc32 instruction when the CPU has it, tables otherwise.

#include "actors/core/bytes.hpp"

#include <cstdint>

namespace mosaik::codec {

class crc32c {
public:
  crc32c& add(byte_view data) noexcept;
  crc32c& add_u64(std::uint64_t v) noexcept;
  crc32c& add_u32(std::uint32_t v) noexcept;
  crc32c& add_u8(std::uint8_t v) noexcept;

  std::uint32_t value() const noexcept { return ~state_; }

  static std::uint32_t of(byte_view data) noexcept { return crc32c{}.add(data).value(); }
  /// The table-driven computation, without the x86-64 CRC instruction; for
  /// tests that the two agree.
  static std::uint32_t portable(byte_view data) noexcept;

private:
  std::uint32_t state_ = 0xffffffffu;
};

} // namespace mosaik::codec
