#include "tests/sim/kv_machine.hpp"

namespace mosaik::sim {

namespace {

constexpr std::size_t command_size = 8 + 1 + 4 + 8 + 8;

void put(bytes& out, std::uint64_t v, int width) {
  for (int k = 0; k < width; ++k)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
}

std::uint64_t take(byte_view in, std::size_t at, int width) {
  std::uint64_t v = 0;
  for (int k = 0; k < width; ++k)
    v |= std::uint64_t{in[at + static_cast<std::size_t>(k)]} << (8 * k);
  return v;
}

std::uint64_t mix(std::uint64_t key, std::uint64_t value) {
  auto z = key * 0x9e3779b97f4a7c15ULL ^ (value + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

bytes encode(const kv_command& c) {
  bytes out;
  out.reserve(command_size);
  put(out, c.op_id, 8);
  put(out, static_cast<std::uint64_t>(c.op), 1);
  put(out, c.key, 4);
  put(out, c.expected, 8);
  put(out, c.value, 8);
  return out;
}

std::optional<kv_command> decode_kv(byte_view data) {
  if (data.size() != command_size || data[8] > 1)
    return std::nullopt;
  return kv_command{take(data, 0, 8), static_cast<kv_op>(data[8]),
                    static_cast<std::uint32_t>(take(data, 9, 4)), take(data, 13, 8),
                    take(data, 21, 8)};
}

bool kv_machine::apply(const kv_command& c) {
  if (c.op == kv_op::cas && get(c.key) != c.expected)
    return false;
  set(c.key, c.value);
  return true;
}

std::uint64_t kv_machine::get(std::uint32_t key) const {
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

void kv_machine::set(std::uint32_t key, std::uint64_t value) {
  auto& slot = values_[key];
  hash_ -= mix(key, slot);
  slot = value;
  hash_ += mix(key, slot);
}

} // namespace mosaik::sim
