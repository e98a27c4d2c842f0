#include "actors/groups/group.hpp"

namespace mosaik {

expected<groups::index_range, group_error> fed_from(groups::completion& c) {
  if (auto* f = std::get_if<groups::failed>(&c))
    return unexpected{error_of(*f)};
  if (auto* fed = std::get_if<groups::fed>(&c))
    return fed->range;
  return unexpected{group_error{groups::op_errc::rejected, "an answer of another kind"}};
}

} // namespace mosaik
