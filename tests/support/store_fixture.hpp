#pragma once
// A node_store in a temp dir with one open group, and helpers to build
// entries, for the persistence tests.

#include "persistence/group_log_store.hpp"
#include "persistence/node_store.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace mosaik::test {

/// Entries lo..hi (inclusive) of `term`, each with data "<prefix><index>".
inline std::vector<raft::entry> make_entries(raft::index_t lo, raft::index_t hi, raft::term_t term,
                                             const std::string& prefix = "e") {
  std::vector<raft::entry> out;
  for (auto i = lo; i <= hi; ++i) {
    auto text = prefix + std::to_string(i);
    out.push_back({i, term, raft::entry_type::command, bytes(text.begin(), text.end())});
  }
  return out;
}

inline peer_id test_peer(std::uint8_t b) {
  peer_id::array_type raw{};
  raw.fill(b);
  return peer_id{raw};
}

struct store_fixture {
  explicit store_fixture(persistence::store_options opts = {}) : dir("store"), options(opts) {
    open();
  }

  void open() {
    auto n = persistence::node_store::open(dir.path(), options);
    REQUIRE(n);
    node = std::move(*n);
    auto g = node->open_group(group);
    REQUIRE(g);
    store = std::move(*g);
  }

  void close() {
    store.reset();
    node.reset();
  }

  /// Closes and reopens everything, as a restarted node would.
  void reopen() {
    close();
    open();
  }

  temp_dir dir;
  persistence::store_options options;
  group_id group = group_id::from("test-group");
  std::unique_ptr<persistence::node_store> node;
  std::unique_ptr<persistence::group_log_store> store;
};

} // namespace mosaik::test
