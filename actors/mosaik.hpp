#pragma once
// The umbrella header for users of mosaik (link the CMake target
// mosaik::mosaik): the network runtime, groups with the user's own state
// machine and typed streams (typed handles and the blocking facades), and
// their codecs.
// Tests of a user's machine add tests/support/testing.hpp (mosaik::testing).

#include "actors/groups/group.hpp"
#include "actors/groups/group_api.hpp"
#include "actors/groups/groups_api.hpp"
#include "actors/groups/machine_adapter.hpp"
#include "actors/codec/value_codec.hpp"
#include "actors/network/network.hpp"
#include "actors/streams/stream.hpp"
#include "actors/streams/streams_api.hpp"
#include "actors/transport/system_config.hpp"
