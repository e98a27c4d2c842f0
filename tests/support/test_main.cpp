// The one TU per test binary that provides doctest's main() and the
// definitions of CAF 0.17's test engine (caf::test::engine::argc, argv, ...)
// that the fixtures of caf/test/dsl.hpp call. CAF_TEST_NO_MAIN keeps CAF's
// own main() out. engine::args() is deliberately never called: the fixtures
// would hand doctest's options to actor_system_config::parse().
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>
