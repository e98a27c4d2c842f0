#pragma once
// What each side of a handshake signs: a domain tag, the signer's side, then
// the common part: the network id, both peer ids, both roles and versions,
// both nonces, both ephemeral X25519 keys and both cipher masks. The side
// byte keeps a dialer's proof from being reflected as an acceptor's; the
// common part is what both sides of one link share (the channel binding and
// the session keys are derived from it).

#include "actors/core/bytes.hpp"
#include "actors/core/wire/handshake.hpp"

namespace mosaik::link {

enum class side : std::uint8_t { dialer = 0, acceptor = 1 };

/// The fields of both hellos, without a domain tag or side.
bytes transcript_common(const wire::hello& dialer, const wire::hello& acceptor);

/// "mosaik/link/handshake/v2" || signer || transcript_common(dialer, acceptor)
bytes transcript(side signer, const wire::hello& dialer, const wire::hello& acceptor);

} // namespace mosaik::link
