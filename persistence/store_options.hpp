#pragma once
// Configuration of a node's durable store (one LMDB environment per data
// directory).

#include "schemas/codec/decode.hpp"

#include <cstddef>

namespace mosaik::persistence {

struct store_options {
  /// Upper bound of the data file. A write that needs more fails with
  /// storage_errc::full and changes nothing; reopen with a larger map.
  std::size_t map_size = std::size_t{1} << 30;
  /// Groups the environment can hold (three LMDB databases each).
  unsigned max_groups = 32;
  /// Concurrent read transactions.
  unsigned max_readers = 126;
  /// Size caps on stored records: a record over limits.max_bytes is refused
  /// when written, so everything stored can be read back.
  codec::decode_limits limits;
};

} // namespace mosaik::persistence
