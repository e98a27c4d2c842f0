#include "actors/core/link/admission.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mosaik;
using link::admission;
using link::open_connection;
using verdict = admission::verdict;

namespace {

/// The connections a test opens, with keys and ages in order of opening.
struct census {
  std::vector<open_connection> open;
  std::vector<std::string> hosts; // owns the sources' text

  census() { hosts.reserve(4096); }

  std::uint64_t add(const std::string& host, bool handshaking, bool incoming = true, bool hello = true) {
    hosts.push_back(host);
    auto key = open.size() + 1;
    open.push_back({key, hosts.back(), handshaking, incoming, hello, key});
    return key;
  }
  /// `n` incoming handshakes from each of `count` hosts 10.0.0.1, 10.0.0.2, ...
  void flood(std::size_t count, std::size_t n) {
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t h = 0; h < count; ++h)
        add("10.0.0." + std::to_string(h + 1), true);
  }
  admission admit(const link::link_config& lc, const std::string& source) const {
    return link::admit(lc, open, source);
  }
};

} // namespace

TEST_CASE("admission: under every limit a connection is admitted") {
  link::link_config lc;
  census c;
  c.add("10.0.0.1", false);
  c.add("10.0.0.1", true);
  CHECK(c.admit(lc, "10.0.0.1").what == verdict::admit);
  CHECK(c.admit(lc, "10.0.0.9").what == verdict::admit);
}

TEST_CASE("admission: one host's own limits refuse it and evict nobody") {
  link::link_config lc;
  census c;
  c.flood(1, lc.max_handshakes_per_address);
  auto v = c.admit(lc, "10.0.0.1");
  CHECK(v.what == verdict::refuse);
  CHECK(v.limit == "handshakes_per_address");
  CHECK(c.admit(lc, "10.0.0.2").what == verdict::admit);

  lc.max_connections_per_address = 3;
  census linked;
  for (int i = 0; i < 3; ++i)
    linked.add("10.0.0.1", false);
  v = linked.admit(lc, "10.0.0.1");
  CHECK(v.what == verdict::refuse);
  CHECK(v.limit == "per_address");
}

TEST_CASE("admission: a flood from many hosts fills the handshake total, a newcomer evicts one of them") {
  link::link_config lc;
  census c;
  c.flood(32, 2); // 64 handshakes from 32 hosts: the total is reached
  REQUIRE(c.open.size() == lc.max_pending_handshakes);
  auto v = c.admit(lc, "127.0.0.1");
  CHECK(v.what == verdict::evict_then_admit);
  CHECK(v.limit == "handshakes");
  // The oldest of the most loaded hosts' handshakes: the first one opened.
  CHECK(v.evict == 1);
  // A flooding host at its share evicts nobody: no host holds more than it.
  v = c.admit(lc, "10.0.0.5");
  CHECK(v.what == verdict::refuse);
  CHECK(v.limit == "handshakes");
}

TEST_CASE("admission: the victim is the most loaded host's, a silent one before one that said hello") {
  link::link_config lc;
  lc.max_pending_handshakes = 6;
  census c;
  c.add("10.0.0.1", true);
  c.add("10.0.0.2", true);
  c.add("10.0.0.2", true);
  auto silent = c.add("10.0.0.2", true, true, false);
  c.add("10.0.0.3", true);
  c.add("10.0.0.3", true);
  auto v = c.admit(lc, "10.0.0.9");
  CHECK(v.what == verdict::evict_then_admit);
  CHECK(v.evict == silent);
  // A host with two handshakes of its own takes only from one with more.
  v = c.admit(lc, "10.0.0.3");
  CHECK(v.what == verdict::evict_then_admit);
  CHECK(v.evict == silent);
}

TEST_CASE("admission: links and our own dials are never evicted") {
  link::link_config lc;
  lc.max_connections = 4;
  lc.max_pending_handshakes = 2;
  census c;
  c.add("10.0.0.1", false);
  c.add("10.0.0.1", false);
  c.add("10.0.0.1", true, false); // our dial, in its handshake
  c.add("10.0.0.2", false);
  auto v = c.admit(lc, "10.0.0.9");
  CHECK(v.what == verdict::refuse);
  CHECK(v.limit == "total");

  census dials;
  dials.add("10.0.0.1", true, false);
  dials.add("10.0.0.1", true, false);
  v = dials.admit(lc, "10.0.0.9");
  CHECK(v.what == verdict::refuse);
  CHECK(v.limit == "handshakes");
}

TEST_CASE("admission: the connection total evicts a handshake of the host with the most connections") {
  link::link_config lc;
  lc.max_connections = 5;
  census c;
  c.add("10.0.0.1", false);
  c.add("10.0.0.1", false);
  auto h = c.add("10.0.0.1", true);
  c.add("10.0.0.2", true);
  c.add("10.0.0.9", false);
  auto v = c.admit(lc, "10.0.0.9");
  CHECK(v.what == verdict::evict_then_admit);
  CHECK(v.limit == "total");
  CHECK(v.evict == h);
}

TEST_CASE("admission: with every host at the newcomer's load or below, it is refused") {
  link::link_config lc;
  lc.max_pending_handshakes = 3;
  census c;
  c.add("10.0.0.1", true);
  c.add("10.0.0.2", true);
  c.add("10.0.0.3", true);
  CHECK(c.admit(lc, "10.0.0.9").what == verdict::evict_then_admit);
  CHECK(c.admit(lc, "10.0.0.1").what == verdict::refuse);
}
