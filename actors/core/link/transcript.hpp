#pragma once
// What each side of a handshake signs: a domain tag, the signer's side, the
// network id, both peer ids, both roles and versions and both nonces. The
// side byte keeps a dialer's proof from being reflected as an acceptor's.

#include "actors/core/bytes.hpp"
#include "actors/core/wire/handshake.hpp"

namespace mosaik::link {

enum class side : std::uint8_t { dialer = 0, acceptor = 1 };

bytes transcript(side signer, const wire::hello& dialer, const wire::hello& acceptor);

} // namespace mosaik::link
