// Stream ids: from a type's name (member or trait), from a string, from 64
// hex characters, or pinned; definitions are constexpr.
#include "actors/core/streams/stream_def.hpp"

#include <doctest/doctest.h>

using namespace mosaik;
using namespace mosaik::streams;

namespace {

struct tick {
  static constexpr std::string_view stream_name = "ticker.tick.v1";
};

struct foreign {}; // a type we cannot change
struct both {
  static constexpr std::string_view stream_name = "member";
};

} // namespace

template <>
struct mosaik::streams::stream_name_of<foreign> {
  static constexpr std::string_view value = "foreign.v2";
};

template <>
struct mosaik::streams::stream_name_of<both> {
  static constexpr std::string_view value = "trait";
};

namespace {

constexpr stream_def ticks{"ticker.tick.v1", {.buffer_size = 4096, .disconnect_lagging = false}, {}};
static_assert(ticks.producer.buffer_size == 4096);
static_assert(!ticks.producer.disconnect_lagging);
static_assert(ticks.consumer.receive_window == 1024);
static_assert(stream_name<tick>() == "ticker.tick.v1");
static_assert(stream_def::of<foreign>().id_name == "foreign.v2");
static_assert(stream_def::of<tick>().with_name("other").id_name == "other");

} // namespace

TEST_CASE("a type's stream id is the hash of its stream name") {
  CHECK(stream_id_for<tick>() == stream_id::from("ticker.tick.v1"));
  CHECK(stream_id_for<tick>() == ticks.id());
  CHECK(stream_id_for<foreign>() == stream_id::from("foreign.v2"));
  CHECK(stream_id_for<tick>() != stream_id_for<foreign>());
}

TEST_CASE("the trait names a type over its member") {
  CHECK(stream_id_for<both>() == stream_id::from("trait"));
  CHECK(stream_id_for<both>() != stream_id::from("member"));
}

TEST_CASE("a name of 64 hex characters is the id itself") {
  auto id = stream_id::from("some stream");
  CHECK(stream_id_of(id.hex()) == id);
  CHECK(stream_id_of("some stream") == id);
}

TEST_CASE("a definition overrides the id by a name or pins it") {
  auto def = stream_def::of<tick>();
  CHECK(def.id() == stream_id_for<tick>());
  CHECK(def.with_name("renamed").id() == stream_id::from("renamed"));
  auto pinned = stream_id::from("pinned");
  CHECK(def.with_id(pinned).id() == pinned);
  CHECK(def.with_id(pinned).with_name("ignored").id() == pinned);
}
