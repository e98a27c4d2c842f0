#pragma once
// Appends a frame as one record to a connection's output buffer: the
// envelope and the payload are copied in once and sealed where they are
// (no encoded frame in between), so the payload is copied once on its way
// from the sender to the socket.

#include "actors/core/link/aead.hpp"
#include "actors/core/wire/frame.hpp"

#include <vector>

namespace mosaik::codec {

/// Sealed under `tx`, or in plaintext (the handshake) when it is null.
/// `out` is a char buffer: what CAF's brokers write from.
void append_frame_record(std::vector<char>& out, const wire::frame& f, link::aead_sealer* tx);

} // namespace mosaik::codec
