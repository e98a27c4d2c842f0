// Damage on disk: a flipped byte in a stored record is reported as
// corrupted and the record is never served; everything else still is.
#include "tests/support/store_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>

using namespace mosaik;
using raft::storage_errc;
using test::store_fixture;

namespace {

constexpr auto no_limit = std::numeric_limits<std::size_t>::max();

/// Data unique to entry i, long enough to find in the data file.
bytes payload(raft::index_t i) {
  auto text = "payload-" + std::to_string(i) + "-" + std::string(40, static_cast<char>('a' + i % 26));
  return bytes(text.begin(), text.end());
}

std::vector<raft::entry> entries(raft::index_t lo, raft::index_t hi) {
  std::vector<raft::entry> out;
  for (auto i = lo; i <= hi; ++i)
    out.push_back({i, 1, raft::entry_type::command, payload(i)});
  return out;
}

/// Flips a bit in the middle of every occurrence of `needle` in the LMDB
/// data file (old copies of a page may still hold it) and returns how many
/// there were.
int flip_on_disk(const std::filesystem::path& dir, byte_view needle) {
  auto file = dir / "data.mdb";
  bytes content;
  {
    std::ifstream in(file, std::ios::binary);
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  int found = 0;
  for (auto it = content.begin();
       (it = std::search(it, content.end(), needle.begin(), needle.end())) != content.end();
       it += static_cast<std::ptrdiff_t>(needle.size())) {
    *(it + static_cast<std::ptrdiff_t>(needle.size() / 2)) ^= 0x04;
    ++found;
  }
  std::ofstream out(file, std::ios::binary | std::ios::in);
  out.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
  return found;
}

void check_corrupted(const raft::storage_result<std::vector<raft::entry>>& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == storage_errc::corrupted);
}

} // namespace

TEST_CASE("corruption: a damaged entry is reported and never served") {
  store_fixture f;
  REQUIRE(f.store->append(entries(1, 10)));
  f.close();
  REQUIRE(flip_on_disk(f.dir.path(), payload(5)) >= 1);
  f.open();
  auto& s = *f.store;
  CHECK(s.last_index() == 10);
  check_corrupted(s.entries(5, 6, no_limit));
  check_corrupted(s.entries(1, 11, no_limit));
  REQUIRE(s.term(5).error().code == storage_errc::corrupted);
  // Its neighbours are intact and served.
  CHECK(*s.entries(1, 5, no_limit) == entries(1, 4));
  CHECK(*s.entries(6, 11, no_limit) == entries(6, 10));
  CHECK(*s.term(4) == 1);
  CHECK(*s.term(6) == 1);
}

TEST_CASE("corruption: a damaged last entry still opens and can be truncated away") {
  store_fixture f;
  REQUIRE(f.store->append(entries(1, 6)));
  f.close();
  REQUIRE(flip_on_disk(f.dir.path(), payload(6)) >= 1);
  f.open();
  auto& s = *f.store;
  CHECK(s.last_index() == 6);
  CHECK(s.term(6).error().code == storage_errc::corrupted);
  check_corrupted(s.entries(6, 7, no_limit));
  // Replacing the damaged entry (as a leader's append would) repairs it.
  REQUIRE(s.append(entries(6, 7)));
  CHECK(*s.entries(1, 8, no_limit) == entries(1, 7));
  f.reopen();
  CHECK(*f.store->term(6) == 1);
}

TEST_CASE("corruption: a damaged hard state makes the group refuse to open") {
  store_fixture f;
  // A term whose bytes are easy to find.
  raft::hard_state hs{0x0123456789abcdefu, test::test_peer(3), 1};
  REQUIRE(f.store->save_hard_state(hs));
  f.close();
  bytes term_le{0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};
  REQUIRE(flip_on_disk(f.dir.path(), term_le) >= 1);
  auto node = persistence::node_store::open(f.dir.path());
  REQUIRE(node);
  auto g = (*node)->open_group(f.group);
  REQUIRE_FALSE(g);
  CHECK(g.error().code == storage_errc::corrupted);
}

TEST_CASE("corruption: a damaged snapshot chunk is reported, the others served") {
  store_fixture f;
  REQUIRE(f.store->put_snapshot_chunk({9, 2, 0, payload(100)}));
  REQUIRE(f.store->put_snapshot_chunk({9, 2, 1, payload(101)}));
  f.close();
  REQUIRE(flip_on_disk(f.dir.path(), payload(101)) >= 1);
  f.open();
  auto damaged = f.store->snapshot_chunk(1);
  REQUIRE_FALSE(damaged);
  CHECK(damaged.error().code == storage_errc::corrupted);
  CHECK(f.store->snapshot_chunk(0)->data == payload(100));
}

TEST_CASE("corruption: a data file that is not LMDB's is refused at open") {
  test::temp_dir dir("garbage");
  {
    std::ofstream out(dir.path() / "data.mdb", std::ios::binary);
    std::string garbage(16384, '\x5a');
    out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto node = persistence::node_store::open(dir.path());
  REQUIRE_FALSE(node);
  CHECK(node.error().code == storage_errc::corrupted);
  // The failed open left the directory free to open again (and fail again).
  auto again = persistence::node_store::open(dir.path());
  REQUIRE_FALSE(again);
  CHECK(again.error().detail.find("already open") == std::string::npos);
}
