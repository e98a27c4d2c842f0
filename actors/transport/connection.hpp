#pragma once
// One TCP connection of the node's broker, from accept or connect until it
// closes: where its records stand, its handshake, and once the handshake is
// done its keys. A connection is not a link: a link (link::link_table)
// exists only for a connection whose peer proved its identity.

#include "actors/core/ids/keys.hpp"
#include "actors/core/link/aead.hpp"
#include "actors/core/link/handshake.hpp"
#include "actors/core/link/record_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mosaik::transport {

struct connection {
  enum class phase {
    handshake, // hellos and proofs in the clear, under the handshake record cap
    linked,    // a node's link: sealed frames under the frame cap
    client,    // an authenticated status client: one sealed request, one answer
  };

  connection(link::side s, std::string from, std::size_t handshake_cap)
    : side(s), source(std::move(from)), reader(handshake_cap) {}

  link::side side;
  std::string source;       // the remote host, for the per-address limits
  link::record_reader reader;
  phase current = phase::handshake;
  std::optional<link::handshake> hs;
  std::optional<link::aead_sealer> tx; // set once our proof is written
  std::optional<link::aead_opener> rx; // set once the peer's proof verified
  std::uint64_t dial = 0;              // the dial this connection serves (dialer side)
  std::uint64_t generation = 0;        // tags its handshake deadline
  std::size_t reserved = 0;            // of the node's reassembly budget, for a large record
};

} // namespace mosaik::transport
