// The bond table: who starts a bond, the proof bound to the link, crossed
// hellos, split lineages, liveness and the sender check on Raft messages.
#include "actors/core/groups/bond_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mosaik;
using namespace mosaik::groups;
using namespace std::chrono_literals;

namespace {

peer_id id_of(std::uint8_t b) {
  peer_id::array_type raw{};
  raw.fill(b);
  return peer_id{raw};
}

const peer_id small = id_of(1);
const peer_id large = id_of(9);
const network_id net = network_id::from("net");
const group_id group = group_id::from("group");

bond_settings settings(const peer_id& self, std::string_view secret = "secret") {
  return {net, group, group_key::from_secret(secret), self, 2000ms, consensus_config{}, 7};
}

/// Two bond tables on the two ends of one link, with a fake clock.
struct pair {
  bond_table s{settings(small)};
  bond_table l{settings(large)};
  millis now{0};
  std::vector<bond_output> s_out, l_out;
  std::vector<raft::message> s_raft, l_raft;

  bond_table& of(const peer_id& p) { return p == small ? s : l; }

  void link(const digest& binding_s = digest::from("link"), const digest& binding_l = digest::from("link")) {
    s.link_up(large, binding_s, now);
    l.link_up(small, binding_l, now);
  }
  void members() {
    s.member_seen(large, true, now);
    l.member_seen(small, true, now);
  }
  /// Moves messages both ways until none is left.
  void settle() {
    for (int round = 0; round < 20; ++round) {
      auto a = s.take_output();
      auto b = l.take_output();
      if (a.messages.empty() && b.messages.empty()) {
        s_out.push_back(std::move(a));
        l_out.push_back(std::move(b));
        return;
      }
      for (auto& m : a.messages)
        if (auto r = l.on_message(small, m.msg, now))
          l_raft.push_back(*r);
      for (auto& m : b.messages)
        if (auto r = s.on_message(large, m.msg, now))
          s_raft.push_back(*r);
      s_out.push_back(std::move(a));
      l_out.push_back(std::move(b));
    }
    FAIL("bond messages did not settle");
  }
  void tick_for(millis d) {
    for (auto end = now + d; now < end;) {
      now += 50ms;
      if (now >= s.next_tick())
        s.tick(now);
      if (now >= l.next_tick())
        l.tick(now);
      settle();
    }
  }
  static std::size_t ups(const std::vector<bond_output>& outs) {
    std::size_t n = 0;
    for (const auto& o : outs)
      n += o.ups.size();
    return n;
  }
  static std::vector<bond_close_reason> refused(const std::vector<bond_output>& outs) {
    std::vector<bond_close_reason> all;
    for (const auto& o : outs)
      for (const auto& r : o.refused)
        all.push_back(r.reason);
    return all;
  }
  static std::vector<bond_down> downs(const std::vector<bond_output>& outs) {
    std::vector<bond_down> all;
    for (const auto& o : outs)
      all.insert(all.end(), o.downs.begin(), o.downs.end());
    return all;
  }
};

raft::message raft_from(const peer_id& from, const peer_id& to) {
  return {from, to, 1, {}, raft::heartbeat_request{3, 0}};
}

} // namespace

TEST_CASE("bond table: the smaller id sends the hello and both ends bond once") {
  pair p;
  p.link();
  p.members();
  auto first = p.s.take_output();
  REQUIRE(first.messages.size() == 1);
  CHECK(std::holds_alternative<bond_hello>(first.messages[0].msg));
  CHECK(p.l.take_output().messages.empty()); // the larger id waits for the hello
  REQUIRE_FALSE(p.l.on_message(small, first.messages[0].msg, p.now));
  p.settle();
  CHECK(p.s.established(large));
  CHECK(p.l.established(small));
  CHECK(pair::ups(p.s_out) == 1);
  CHECK(pair::ups(p.l_out) == 1);
}

TEST_CASE("bond table: the larger id starts by itself when no hello came in time") {
  pair p;
  p.link();
  p.l.member_seen(small, true, p.now); // the smaller side's catalog lags
  p.settle();
  CHECK_FALSE(p.l.established(small));
  p.tick_for(2500ms);
  // The larger side's hello reached a side that does not list the group
  // yet: the proof verifies, so it bonds.
  CHECK(p.l.established(small));
  CHECK(p.s.established(large));
}

TEST_CASE("bond table: crossed hellos end with one bond") {
  pair q;
  q.link();
  // Both send a hello (the larger one after waiting in vain), and both
  // hellos are delivered before any answer.
  q.s.member_seen(large, true, q.now);
  q.l.member_seen(small, true, q.now + 2000ms);
  q.now = 2100ms;
  q.l.tick(q.now);
  auto hello_s = q.s.take_output();
  auto hello_l = q.l.take_output();
  REQUIRE(hello_s.messages.size() == 1);
  REQUIRE(hello_l.messages.size() == 1);
  q.l.on_message(small, hello_s.messages[0].msg, q.now);
  q.s.on_message(large, hello_l.messages[0].msg, q.now); // dropped: the smaller hello wins
  q.settle();
  CHECK(q.s.established(large));
  CHECK(q.l.established(small));
  CHECK(pair::ups(q.s_out) + hello_s.ups.size() == 1);
  CHECK(pair::ups(q.l_out) + hello_l.ups.size() == 1);
}

TEST_CASE("bond table: a wrong key is refused with invalid proof") {
  pair p;
  p.l = bond_table{settings(large, "another secret")};
  p.link();
  p.members();
  p.settle();
  CHECK_FALSE(p.s.established(large));
  CHECK_FALSE(p.l.established(small));
  auto refused = pair::refused(p.l_out);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0] == bond_close_reason::invalid_proof);
}

TEST_CASE("bond table: a proof replayed on another link does not verify") {
  pair p;
  // The two ends disagree on the binding: as if the hello was made for one
  // link and replayed on another.
  p.link(digest::from("link one"), digest::from("link two"));
  p.members();
  p.settle();
  CHECK_FALSE(p.l.established(small));
  CHECK(pair::refused(p.l_out) == std::vector{bond_close_reason::invalid_proof});
}

TEST_CASE("bond table: groups that bootstrapped apart refuse to bond") {
  pair p;
  p.s.set_lineage(digest::from("lineage a"));
  p.l.set_lineage(digest::from("lineage b"));
  p.link();
  p.members();
  p.settle();
  CHECK_FALSE(p.s.established(large));
  CHECK(pair::refused(p.l_out) == std::vector{bond_close_reason::split_lineage});
  // A peer without a lineage yet (a newcomer) bonds with either.
  pair fresh;
  fresh.s.set_lineage(digest::from("lineage a"));
  fresh.link();
  fresh.members();
  fresh.settle();
  CHECK(fresh.l.established(small));
}

TEST_CASE("bond table: Raft messages pass only on a bond and only from its peer") {
  pair p;
  p.link();
  CHECK_FALSE(p.l.on_message(small, raft_from(small, large), p.now));
  CHECK(p.l.stats().not_bonded == 1);
  p.members();
  p.settle();
  auto ok = p.l.on_message(small, raft_from(small, large), p.now);
  REQUIRE(ok);
  CHECK(ok->from == small);
  auto third = id_of(5);
  CHECK_FALSE(p.l.on_message(small, raft_from(third, large), p.now));
  CHECK_FALSE(p.l.on_message(small, raft_from(small, third), p.now));
  CHECK(p.l.stats().forged_sender == 2);
}

TEST_CASE("bond table: a silent bond closes after the missed heartbeat budget") {
  pair p;
  p.link();
  p.members();
  p.settle();
  REQUIRE(p.l.established(small));
  // Traffic keeps it: pings answer each other.
  p.tick_for(10s);
  CHECK(p.l.established(small));
  // From now on the larger side hears nothing.
  std::size_t ticks = 0;
  while (p.l.established(small) && ticks < 100) {
    p.now += 500ms;
    p.l.tick(p.now);
    (void)p.l.take_output();
    ++ticks;
  }
  CHECK_FALSE(p.l.established(small));
  // Ten misses, each after more than interval + jitter of silence.
  CHECK(ticks >= 10);
  CHECK(ticks <= 12);
}

TEST_CASE("bond table: each end learns the other's leadership preference") {
  pair p;
  auto watcher = settings(large);
  watcher.observer = true;
  p.l = bond_table{watcher};
  auto shy = settings(small);
  shy.reluctant = true;
  p.s = bond_table{shy};
  p.link();
  p.members();
  p.settle();
  REQUIRE(pair::ups(p.s_out) == 1);
  REQUIRE(pair::ups(p.l_out) == 1);
  auto up_at = [](const std::vector<bond_output>& outs) {
    for (const auto& o : outs)
      if (!o.ups.empty())
        return o.ups[0];
    return bond_up{};
  };
  CHECK(up_at(p.s_out).observer);       // the hello's sender ...
  CHECK_FALSE(up_at(p.s_out).reluctant);
  CHECK_FALSE(up_at(p.l_out).observer); // ... and the welcome's
  CHECK(up_at(p.l_out).reluctant);
}

TEST_CASE("bond table: a departure ends the bond as a departure") {
  pair p;
  p.link();
  p.members();
  p.settle();
  p.s.depart();
  p.settle();
  auto downs = pair::downs(p.l_out);
  REQUIRE(downs.size() == 1);
  CHECK(downs[0].departed);
  CHECK_FALSE(p.l.established(small));
  // The departed side does not bond again.
  p.tick_for(5s);
  CHECK_FALSE(p.s.established(large));
}
