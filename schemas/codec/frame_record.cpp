#include "schemas/codec/frame_record.hpp"

#include "actors/core/link/record_reader.hpp"
#include "schemas/codec/frame_codec.hpp"

#include <algorithm>

namespace mosaik::codec {

namespace {

void append(std::vector<char>& out, byte_view part) {
  const auto* p = reinterpret_cast<const char*>(part.data());
  out.insert(out.end(), p, p + part.size());
}

} // namespace

void append_frame_record(std::vector<char>& out, const wire::frame& f, link::aead_sealer* tx) {
  auto e = envelope_of(f);
  auto at = out.size();
  auto tag = tx ? link::aead_overhead : 0;
  auto need = at + link::record_header_size + e.size() + tag;
  if (need > out.capacity()) // grow once for the whole record, geometrically
    out.reserve(std::max(need, 2 * out.capacity()));
  out.resize(at + link::record_header_size);
  append(out, e.head);
  append(out, f.payload);
  append(out, e.tail());
  out.resize(need);
  auto* record = reinterpret_cast<std::uint8_t*>(out.data()) + at;
  if (tx)
    tx->seal_in_place(record, e.size());
  else
    link::write_record_header(record, static_cast<std::uint32_t>(e.size()));
}

} // namespace mosaik::codec
