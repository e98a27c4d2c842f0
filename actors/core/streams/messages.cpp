#include "actors/core/streams/messages.hpp"

#include "actors/core/overloaded.hpp"

#include <algorithm>

namespace mosaik::streams {

std::string_view to_string(close_code c) {
  switch (c) {
    case close_code::different_network: return "different network";
    case close_code::cancelled: return "cancelled";
    case close_code::graceful_shutdown: return "graceful shutdown";
    case close_code::protocol_violation: return "protocol violation";
    case close_code::unknown_peer: return "unknown peer";
    case close_code::not_allowed: return "not allowed";
    case close_code::stream_not_found: return "stream not found";
    case close_code::too_slow: return "too slow";
    case close_code::no_capacity: return "no capacity";
  }
  return "unknown";
}

bool is_known(close_code c) {
  return to_string(c) != "unknown";
}

std::size_t batch::payload_bytes() const {
  std::size_t n = 0;
  for (const auto& d : datums)
    n += d->size();
  return n;
}

bool operator==(const batch& a, const batch& b) {
  return a.sub == b.sub && a.first_seq == b.first_seq
         && std::equal(a.datums.begin(), a.datums.end(), b.datums.begin(), b.datums.end(),
                       [](const shared_datum& x, const shared_datum& y) { return *x == *y; });
}

bool to_producer(const stream_message& m) {
  return std::holds_alternative<subscribe>(m) || std::holds_alternative<credit>(m)
         || std::holds_alternative<unsubscribe>(m);
}

std::string_view kind_name(const stream_message& m) {
  return std::visit(overloaded{
                      [](const subscribe&) -> std::string_view { return "subscribe"; },
                      [](const accepted&) -> std::string_view { return "accepted"; },
                      [](const batch&) -> std::string_view { return "batch"; },
                      [](const credit&) -> std::string_view { return "credit"; },
                      [](const stream_close&) -> std::string_view { return "close"; },
                      [](const unsubscribe&) -> std::string_view { return "unsubscribe"; },
                    },
                    m);
}

std::string_view to_string(gap_cause c) {
  switch (c) {
    case gap_cause::lagging: return "lagging";
    case gap_cause::reconnect: return "reconnect";
    case gap_cause::restart: return "restart";
  }
  return "unknown";
}

} // namespace mosaik::streams
