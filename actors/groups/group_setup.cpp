#include "actors/groups/group_setup.hpp"

namespace mosaik::groups {

digest log_replay_signature(const std::string& machine_signature) {
  return digest::from("mosaik_log_replay_sync").derive(machine_signature);
}

group_id id_of(const group_setup& s) {
  return derive_group_id(s.key, s.consensus, s.machine_signature,
                         log_replay_signature(s.machine_signature));
}

} // namespace mosaik::groups
