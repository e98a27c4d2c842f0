#include "actors/core/discovery/rejection.hpp"

namespace mosaik::discovery {

std::string_view to_string(rejection r) {
  switch (r) {
    case rejection::own_entry: return "own_entry";
    case rejection::wrong_network: return "wrong_network";
    case rejection::bad_signature: return "bad_signature";
    case rejection::too_many_addresses: return "too_many_addresses";
    case rejection::too_many_tags: return "too_many_tags";
    case rejection::too_many_streams: return "too_many_streams";
    case rejection::too_many_groups: return "too_many_groups";
    case rejection::too_many_tickets: return "too_many_tickets";
    case rejection::field_too_long: return "field_too_long";
    case rejection::bad_text: return "bad_text";
    case rejection::entry_too_large: return "entry_too_large";
    case rejection::stale: return "stale";
    case rejection::time_drift: return "time_drift";
    case rejection::bad_start: return "bad_start";
    case rejection::departed: return "departed";
    case rejection::duplicate: return "duplicate";
    case rejection::outdated: return "outdated";
    case rejection::unknown_peer: return "unknown_peer";
    case rejection::catalog_full: return "catalog_full";
    case rejection::relayer_quota: return "relayer_quota";
    case rejection::malformed: return "malformed";
    case rejection::unsolicited: return "unsolicited";
  }
  return "unknown";
}

} // namespace mosaik::discovery
