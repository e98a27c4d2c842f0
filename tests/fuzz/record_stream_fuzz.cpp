// libFuzzer target: the receive path of an established link. A TCP byte
// stream cut at arbitrary places is reassembled into records (record_reader),
// every record opened in place (aead_opener under a fixed key) and every
// plaintext decoded in place as a frame, as the node does (and checked
// against decoding it as a view). Never crashes; never holds more than one cap plus one
// chunk.
//
// Input: cap_first u16, cap_after u16 (the cap switches after the first
// record, as after a handshake), mode u8, flip u16, n u8, then 1 + n % 8 chunk
// sizes u8 (0 = the rest at once), then the stream.
//   mode bit 0: the stream is plaintexts (u16 length, bytes) sealed here
//               under the fixed key, so valid records reach decode_frame;
//               without a flip every record within the caps must open.
//   mode bit 1: AES-256-GCM instead of ChaCha20-Poly1305 (where available).
//   mode bit 2: flip one bit of the stream at byte `flip`.
//   mode bit 3: with bit 0, each plaintext is first wrapped in a frame (kind
//               from its first byte, the rest its payload), so decode_frame's
//               success path is reached too; untouched, every one decodes.
#include "actors/core/link/aead.hpp"
#include "actors/core/link/record_reader.hpp"
#include "schemas/codec/frame_codec.hpp"

#include <algorithm>
#include <vector>

namespace {

using namespace mosaik;
using namespace mosaik::link;

void check(bool ok) {
  if (!ok)
    __builtin_trap();
}

/// Reads the input's leading fields; missing bytes read as 0.
struct cursor {
  byte_view rest;

  std::uint8_t u8() {
    if (rest.empty())
      return 0;
    auto b = rest[0];
    rest = rest.subspan(1);
    return b;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
};

key256 fixed_key() {
  key256 k;
  k.fill(0x42);
  return k;
}

bytes as_frame(byte_view plain) {
  wire::frame f;
  if (!plain.empty()) {
    f.kind = static_cast<wire::frame_kind>(plain[0] % wire::frame_kind_count);
    f.payload.assign(plain.begin() + 1, plain.end());
  }
  return codec::encode_frame(f);
}

/// The plaintexts in `in` (u16 length, bytes; the last one cut short) sealed
/// as records, and how many there are.
std::pair<bytes, std::size_t> seal_all(cursor in, cipher c, bool frames) {
  aead_sealer sealer{c, fixed_key()};
  bytes out;
  std::size_t records = 0;
  while (!in.rest.empty()) {
    std::size_t n = in.u16();
    auto piece = in.rest.first(std::min(n, in.rest.size()));
    in.rest = in.rest.subspan(piece.size());
    auto framed = frames ? as_frame(piece) : bytes{};
    auto plain = frames ? byte_view{framed} : piece;
    auto at = out.size();
    out.resize(at + record_header_size + plain.size() + aead_overhead);
    sealer.seal_record(plain, out.data() + at);
    ++records;
  }
  return {std::move(out), records};
}

struct outcome {
  std::size_t opened = 0;
  bool oversize = false; // a header over the cap closed the stream
  bool unopened = false; // a record that did not open closed the link
  std::size_t decoded = 0; // plaintexts that decoded as frames
};

outcome receive(byte_view stream, const std::vector<std::size_t>& chunks, std::size_t cap_first,
                std::size_t cap_after, cipher c) {
  record_reader reader{cap_first};
  aead_opener opener{c, fixed_key()};
  auto max_cap = std::max(cap_first, cap_after);
  outcome out;
  for (std::size_t pos = 0, i = 0; pos < stream.size(); ++i) {
    auto want = chunks[i % chunks.size()];
    auto n = want == 0 ? stream.size() - pos : std::min(want, stream.size() - pos);
    reader.feed(stream.subspan(pos, n));
    pos += n;
    check(reader.buffered() <= record_header_size + max_cap + n);
    while (true) {
      auto body = reader.next();
      if (!body) {
        out.oversize = true;
        return out;
      }
      if (!*body)
        break;
      auto& plain = **body;
      if (!opener.open_in_place(plain)) {
        out.unopened = true;
        return out;
      }
      reader.set_max_body(cap_after);
      ++out.opened;
      // The node decodes in place; reading a view must agree with it.
      auto by_view = codec::decode_frame(plain);
      auto in_place = codec::decode_frame_in_place(std::move(plain));
      check(by_view.has_value() == in_place.has_value());
      if (in_place) {
        check(*by_view == *in_place);
        ++out.decoded;
      }
    }
    check(reader.buffered() <= record_header_size + max_cap);
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cursor in{{data, size}};
  std::size_t cap_first = in.u16();
  std::size_t cap_after = in.u16();
  auto mode = in.u8();
  std::size_t flip = in.u16();
  std::vector<std::size_t> chunks(1 + in.u8() % 8);
  for (auto& c : chunks)
    c = in.u8();
  bool aes = (mode & 2) && (available_ciphers() & static_cast<std::uint8_t>(cipher::aes256_gcm));
  auto c = aes ? cipher::aes256_gcm : cipher::chacha20_poly1305;

  bool sealed = mode & 1;
  bool frames = sealed && (mode & 8);
  auto [stream, records] =
    sealed ? seal_all(in, c, frames) : std::pair{bytes(in.rest.begin(), in.rest.end()), std::size_t{0}};
  bool flipped = (mode & 4) && flip < stream.size();
  if (flipped)
    stream[flip] ^= 1;
  auto result = receive(stream, chunks, cap_first, cap_after, c);
  // Untouched sealed records all open, up to one over its cap.
  if (sealed && !flipped) {
    check(!result.unopened);
    check(result.oversize || result.opened == records);
    check(!frames || result.decoded == result.opened);
  }
  return 0;
}
