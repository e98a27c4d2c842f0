#include "actors/core/groups/group_key.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <vector>

using namespace mosaik;
using namespace mosaik::groups;

namespace {

peer_id pid(std::uint8_t n) {
  peer_id::array_type raw{};
  raw.fill(n);
  return peer_id{raw};
}

struct inputs {
  group_key key = group_key::from_secret("the group secret");
  consensus_config consensus;
  std::string machine = "counter/v1";
  digest sync = digest::from("log-replay/v1");
  std::vector<digest> validators;

  group_id id() const { return derive_group_id(key, consensus, machine, sync, validators); }
};

/// One change per consensus field, in declaration order.
std::vector<std::function<void(consensus_config&)>> consensus_changes() {
  return {
    [](consensus_config& c) { c.heartbeat_interval += millis{1}; },
    [](consensus_config& c) { c.heartbeat_jitter += millis{1}; },
    [](consensus_config& c) { c.max_missed_heartbeats += 1; },
    [](consensus_config& c) { c.election_timeout += millis{1}; },
    [](consensus_config& c) { c.election_timeout_jitter += millis{1}; },
    [](consensus_config& c) { c.bootstrap_delay += millis{1}; },
    [](consensus_config& c) { c.forward_timeout += millis{1}; },
    [](consensus_config& c) { c.member_timeout += millis{1}; },
    [](consensus_config& c) { c.min_voters += 1; },
    [](consensus_config& c) { c.max_voters += 1; },
  };
}

} // namespace

TEST_CASE("group key: the same inputs derive the same id") {
  inputs a;
  inputs b;
  CHECK(a.id() == b.id());
  a.validators = {digest::from("v1"), digest::from("v2")};
  b.validators = a.validators;
  CHECK(a.id() == b.id());
}

TEST_CASE("group key: the id follows the documented derivation") {
  inputs in;
  in.validators = {digest::from("v1")};
  auto expected = group_id{digest::hash(in.key.secret.view())}
                    .derive(consensus_digest(in.consensus).view())
                    .derive(in.machine)
                    .derive(in.sync.view())
                    .derive(in.validators[0].view());
  CHECK(in.id() == expected);
}

TEST_CASE("group key: the consensus digest hashes every field as little-endian u64") {
  consensus_config c;
  c.heartbeat_interval = millis{0x0102};
  c.max_voters = 0x0a0b0c;
  const std::uint64_t fields[] = {0x0102, 150, 10, 2000, 500, 3000, 2000, 30000, 1, 0x0a0b0c};
  bytes expected;
  for (auto v : fields)
    for (int k = 0; k < 8; ++k)
      expected.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
  CHECK(consensus_digest(c) == digest::hash(expected));
}

TEST_CASE("group key: the secret changes the id") {
  inputs a;
  inputs b;
  b.key = group_key::from_secret("another secret");
  CHECK(a.id() != b.id());
}

TEST_CASE("group key: every consensus field changes the id") {
  const inputs base;
  auto changes = consensus_changes();
  REQUIRE(changes.size() == 10);
  std::vector<group_id> seen{base.id()};
  for (const auto& change : changes) {
    inputs changed;
    change(changed.consensus);
    REQUIRE(changed.consensus != base.consensus);
    auto id = changed.id();
    for (const auto& other : seen)
      CHECK(id != other);
    seen.push_back(id);
  }
}

TEST_CASE("group key: the machine and sync signatures change the id") {
  const inputs base;
  inputs machine;
  machine.machine = "counter/v2";
  inputs sync;
  sync.sync = digest::from("snapshot/v1");
  CHECK(machine.id() != base.id());
  CHECK(sync.id() != base.id());
  CHECK(machine.id() != sync.id());
}

TEST_CASE("group key: validators and their order change the id") {
  const inputs base;
  inputs one;
  one.validators = {digest::from("v1")};
  inputs other;
  other.validators = {digest::from("v2")};
  inputs both;
  both.validators = {digest::from("v1"), digest::from("v2")};
  inputs swapped;
  swapped.validators = {digest::from("v2"), digest::from("v1")};
  std::vector<group_id> ids{base.id(), one.id(), other.id(), both.id(), swapped.id()};
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = i + 1; j < ids.size(); ++j)
      CHECK(ids[i] != ids[j]);
}

TEST_CASE("group key: a proof verifies for the right key, binding and sender") {
  auto key = group_key::from_secret("the group secret");
  auto binding = digest::from("link transcript 1");
  auto proof = bond_proof(key, binding, pid(1));
  CHECK(proof == key.secret.derive(binding).derive(pid(1).view()));
  CHECK(verify_bond_proof(key, binding, pid(1), proof));
}

TEST_CASE("group key: a proof fails for a wrong key, another link or another sender") {
  auto key = group_key::from_secret("the group secret");
  auto binding = digest::from("link transcript 1");
  auto proof = bond_proof(key, binding, pid(1));
  CHECK_FALSE(verify_bond_proof(group_key::from_secret("guess"), binding, pid(1), proof));
  // The same proof replayed on another link (another channel binding).
  CHECK_FALSE(verify_bond_proof(key, digest::from("link transcript 2"), pid(1), proof));
  // Sent by another peer: the sender is part of the proof.
  CHECK_FALSE(verify_bond_proof(key, binding, pid(2), proof));
  CHECK_FALSE(verify_bond_proof(key, binding, pid(1), bond_proof(key, binding, pid(2))));
  // One flipped bit anywhere is refused (last byte: the compare reads it all).
  for (std::size_t at : {std::size_t{0}, digest::size - 1}) {
    auto raw = proof.raw();
    raw[at] ^= 0x01;
    CHECK_FALSE(verify_bond_proof(key, binding, pid(1), digest{raw}));
  }
}

TEST_CASE("group key: masked shows only the first and last byte") {
  digest::array_type raw{};
  for (std::size_t k = 0; k < raw.size(); ++k)
    raw[k] = static_cast<std::uint8_t>(0xa0 + k);
  group_key key{digest{raw}};
  auto masked = key.masked();
  CHECK(masked.find("a0") == 0);
  CHECK(masked.size() - masked.rfind("bf") == 2);
  // Nothing of the middle bytes: at most the two bytes' hex and a separator.
  CHECK(masked.size() <= 6);
  for (std::size_t k = 1; k + 1 < raw.size(); ++k)
    CHECK(masked.find(to_hex(byte_view{&raw[k], 1})) == std::string::npos);
}

TEST_CASE("group key: from_secret follows the id rules") {
  CHECK(group_key::from_secret("abc").secret == digest::hash(as_bytes("abc")));
  auto hex = std::string(64, 'c');
  CHECK(group_key::from_secret(hex).secret.hex() == hex);
}
