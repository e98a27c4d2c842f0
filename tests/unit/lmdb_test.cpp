// The RAII wrapper over LMDB: transactions, databases, cursors, errors.
#include "persistence/key_encoding.hpp"
#include "persistence/lmdb/cursor.hpp"
#include "persistence/lmdb/dbi.hpp"
#include "persistence/lmdb/env.hpp"
#include "persistence/lmdb/error.hpp"
#include "persistence/lmdb/txn.hpp"
#include "tests/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace mosaik;
using namespace mosaik::persistence;

namespace {

std::string text(byte_view v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

} // namespace

TEST_CASE("lmdb: committed writes are read back and aborted ones vanish") {
  test::temp_dir dir("lmdb");
  auto e = lmdb::env::open(dir.path(), {});
  CHECK(e.stale_readers_cleared() == 0);
  CHECK(e.map_size() == lmdb::env_options{}.map_size);
  {
    auto t = lmdb::txn::begin_write(e);
    auto db = lmdb::dbi::open(t, "kv", true);
    db.put(t, as_bytes("a"), as_bytes("1"));
    db.put(t, as_bytes("b"), as_bytes("2"));
    t.commit();
  }
  {
    auto t = lmdb::txn::begin_write(e);
    auto db = lmdb::dbi::open(t, "kv", false);
    db.put(t, as_bytes("c"), as_bytes("3"));
    CHECK(db.del(t, as_bytes("a")));
  } // aborted
  auto t = lmdb::txn::begin_read(e);
  CHECK(t.read_only());
  auto db = lmdb::dbi::open(t, "kv", false);
  CHECK(db.size(t) == 2);
  REQUIRE(db.get(t, as_bytes("a")));
  CHECK(text(*db.get(t, as_bytes("a"))) == "1");
  CHECK_FALSE(db.get(t, as_bytes("c")));
}

TEST_CASE("lmdb: delete, clear, and a missing database") {
  test::temp_dir dir("lmdb");
  auto e = lmdb::env::open(dir.path(), {});
  auto t = lmdb::txn::begin_write(e);
  auto db = lmdb::dbi::open(t, "kv", true);
  db.put(t, as_bytes("a"), as_bytes("1"));
  CHECK(db.del(t, as_bytes("a")));
  CHECK_FALSE(db.del(t, as_bytes("a")));
  db.put(t, as_bytes("x"), as_bytes("1"));
  db.put(t, as_bytes("y"), as_bytes("1"));
  db.clear(t);
  CHECK(db.size(t) == 0);
  try {
    lmdb::dbi::open(t, "absent", false);
    FAIL("opening an absent database without create must throw");
  } catch (const lmdb::error& err) {
    CHECK(err.code() == MDB_NOTFOUND);
  }
}

TEST_CASE("lmdb: cursors walk keys in big-endian index order and delete") {
  test::temp_dir dir("lmdb");
  auto e = lmdb::env::open(dir.path(), {});
  auto t = lmdb::txn::begin_write(e);
  auto db = lmdb::dbi::open(t, "log", true);
  for (std::uint64_t i : {1u, 2u, 255u, 256u, 65536u})
    db.put(t, encode_index(i), as_bytes("v"), MDB_APPEND);
  {
    auto c = lmdb::cursor::open(t, db);
    REQUIRE(c.first());
    CHECK(decode_index(c.first()->first) == 1u);
    CHECK(decode_index(c.last()->first) == 65536u);
    auto at = c.seek(encode_index(3));
    REQUIRE(at);
    CHECK(decode_index(at->first) == 255u);
    c.del(); // 255 goes; next() yields 256, not 65536
    auto after = c.next();
    REQUIRE(after);
    CHECK(decode_index(after->first) == 256u);
    CHECK_FALSE(c.seek(encode_index(70000)));
  }
  CHECK(db.size(t) == 4);
  // MDB_APPEND below the last key is our bug, and is typed as one.
  try {
    db.put(t, encode_index(5), as_bytes("v"), MDB_APPEND);
    FAIL("an out-of-order append must throw");
  } catch (const lmdb::error& err) {
    CHECK(err.kind() == lmdb::error_kind::bug);
  }
}

TEST_CASE("lmdb: committing with an open cursor is refused as a bug") {
  test::temp_dir dir("lmdb");
  auto e = lmdb::env::open(dir.path(), {});
  auto t = lmdb::txn::begin_write(e);
  auto db = lmdb::dbi::open(t, "kv", true);
  db.put(t, as_bytes("a"), as_bytes("1"));
  {
    auto c = lmdb::cursor::open(t, db);
    try {
      t.commit();
      FAIL("commit with an open cursor must throw");
    } catch (const lmdb::error& err) {
      CHECK(err.kind() == lmdb::error_kind::bug);
    }
  }
  t.commit(); // the cursor is closed now
  auto r = lmdb::txn::begin_read(e);
  CHECK(lmdb::dbi::open(r, "kv", false).size(r) == 1);
}

TEST_CASE("lmdb: errors are classified as bug, fatal or recoverable") {
  using lmdb::error_kind;
  CHECK(lmdb::error::classify(MDB_MAP_FULL) == error_kind::recoverable);
  CHECK(lmdb::error::classify(MDB_READERS_FULL) == error_kind::recoverable);
  CHECK(lmdb::error::classify(ENOSPC) == error_kind::recoverable);
  CHECK(lmdb::error::classify(MDB_CORRUPTED) == error_kind::fatal);
  CHECK(lmdb::error::classify(MDB_PANIC) == error_kind::fatal);
  CHECK(lmdb::error::classify(MDB_PAGE_NOTFOUND) == error_kind::fatal);
  CHECK(lmdb::error::classify(MDB_BAD_TXN) == error_kind::bug);
  CHECK(lmdb::error::classify(MDB_BAD_DBI) == error_kind::bug);
  CHECK(lmdb::error::classify(EINVAL) == error_kind::bug);
  lmdb::error err("mdb_put", MDB_MAP_FULL);
  CHECK(err.code() == MDB_MAP_FULL);
  CHECK(std::string(err.what()).find("mdb_put") == 0);
}

TEST_CASE("lmdb: opening a path that is a file fails with a typed error") {
  test::temp_dir dir("lmdb");
  auto file = dir.path() / "plain";
  std::ofstream(file) << "not a directory";
  try {
    auto e = lmdb::env::open(file, {});
    FAIL("opening a file as an environment directory must throw");
  } catch (const lmdb::error& err) {
    CHECK(err.kind() == lmdb::error_kind::recoverable);
  }
}
