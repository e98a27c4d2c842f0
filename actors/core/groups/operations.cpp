#include "actors/core/groups/operations.hpp"

namespace mosaik::groups {

std::string_view to_string(op_errc e) {
  switch (e) {
    case op_errc::offline: return "offline";
    case op_errc::no_leader: return "no leader";
    case op_errc::no_commands: return "no commands";
    case op_errc::rejected: return "rejected";
    case op_errc::closed: return "group closed";
    case op_errc::storage: return "storage failed";
    case op_errc::leader_changed: return "leader changed before commit";
    case op_errc::timeout: return "timeout";
  }
  return "unknown";
}

bool is_definite(op_errc e) {
  return e != op_errc::leader_changed && e != op_errc::timeout;
}

} // namespace mosaik::groups
