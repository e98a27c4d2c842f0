#include "actors/core/groups/durable_write.hpp"

namespace mosaik::groups {

durable_write durable_part(const raft::ready& rd) {
  return {rd.snapshot, rd.entries, rd.hard, rd.config};
}

} // namespace mosaik::groups
