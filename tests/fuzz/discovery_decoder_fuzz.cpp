// libFuzzer target: discovery messages. Whatever decodes must re-encode to
// the same value, and feeding it to an engine must not crash it.
#include "actors/core/discovery/engine.hpp"
#include "schemas/codec/discovery_codec.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mosaik;
  using namespace mosaik::discovery;
  static const auto key_seed = [] {
    secret_key::seed_type s;
    s.fill(7);
    return s;
  }();
  static const auto sender = [] {
    secret_key::seed_type s;
    s.fill(8);
    return secret_key::from_seed(s).public_id();
  }();
  auto decoded = codec::decode_discovery(byte_view{data, size});
  if (!decoded)
    return 0;
  auto again = codec::decode_discovery(codec::encode_discovery(*decoded));
  if (!again || !(*again == *decoded))
    std::abort();
  millis now{1'700'000'000'000};
  engine e{config{}, network_id::from("fuzz"), secret_key::from_seed(key_seed), {}, now};
  e.on_link_up(sender, now);
  e.on_message(sender, *decoded, now);
  e.tick(now + millis{1});
  (void)e.take_output();
  return 0;
}
