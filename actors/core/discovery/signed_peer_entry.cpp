#include "actors/core/discovery/signed_peer_entry.hpp"

namespace mosaik::discovery {

std::optional<signed_peer_entry> signed_peer_entry::sign(peer_entry entry, const secret_key& key) {
  if (key.public_id() != entry.peer())
    return std::nullopt;
  auto sig = key.sign(entry.content_digest().view());
  return signed_peer_entry{std::move(entry), sig};
}

bool signed_peer_entry::verify() const {
  return mosaik::verify(entry_.peer(), entry_.content_digest().view(), sig_);
}

} // namespace mosaik::discovery
