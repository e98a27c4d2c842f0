#pragma once
// An opaque credential carried in a peer entry. Discovery never interprets
// it; the tickets subsystem validates it by class.

#include "actors/core/bytes.hpp"
#include "actors/core/ids/ids.hpp"

namespace mosaik::discovery {

struct ticket {
  unique_id ticket_class;
  bytes data;

  /// The id a peer entry keys the ticket by: derive(class, data).
  unique_id id() const { return ticket_class.derive(byte_view{data}); }

  friend bool operator==(const ticket&, const ticket&) = default;
};

} // namespace mosaik::discovery
