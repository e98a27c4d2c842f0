// What `mosaik status` prints for a status: the groups section of its table
// and of its JSON object.
#include "apps/mosaik/status_output.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <vector>

using namespace mosaik;

namespace {

peer_id filled_peer(std::uint8_t fill) {
  peer_id::array_type raw;
  raw.fill(fill);
  return peer_id{raw};
}

/// A status with a group led by peer 0xaa with two bonds, and an observer
/// group with no leader known and no bond.
wire::node_status status_with_groups() {
  wire::node_status s;
  s.groups.push_back({group_id::from("g1"), "leader", filled_peer(0xaa), 3, 17, 16, 18, true,
                      {filled_peer(1), filled_peer(2)}});
  s.groups.push_back({group_id::from("g2"), "observer", std::nullopt, 0, 0, 0, 0, false, {}});
  return s;
}

std::string table_of(const wire::node_status& s) {
  std::ostringstream out;
  cli::print_status_table(out, s);
  return out.str();
}

} // namespace

TEST_CASE("status output: the JSON object holds each group with its leader or null and its bonds") {
  auto s = status_with_groups();
  auto json = cli::status_json(s);
  auto g1 = "{\"group_id\":\"" + group_id::from("g1").hex()
            + "\",\"role\":\"leader\",\"leader\":\"" + filled_peer(0xaa).hex()
            + "\",\"term\":3,\"commit\":17,\"applied\":16,\"last_index\":18,\"online\":true,\"bonds\":[\""
            + filled_peer(1).hex() + "\",\"" + filled_peer(2).hex() + "\"]}";
  auto g2 = "{\"group_id\":\"" + group_id::from("g2").hex()
            + "\",\"role\":\"observer\",\"leader\":null,\"term\":0,\"commit\":0,\"applied\":0,"
              "\"last_index\":0,\"online\":false,\"bonds\":[]}";
  CHECK(json.find(",\"groups\":[" + g1 + "," + g2 + "],\"streams\":[") != std::string::npos);
  CHECK(cli::status_json(wire::node_status{}).find(",\"groups\":[],") != std::string::npos);
}

TEST_CASE("status output: the table has a groups row per group with short ids and a bond count") {
  auto table = table_of(status_with_groups());
  auto section = table.find("groups   2   (group, role, leader, term, commit, applied, online, bonds)\n");
  REQUIRE(section != std::string::npos);
  CHECK(section > table.find("catalog  0"));
  CHECK(section < table.find("metrics  0"));
  // The two lines after the heading, as words.
  std::istringstream rows{table.substr(table.find('\n', section) + 1)};
  auto words = [&rows] {
    std::string line, word;
    std::getline(rows, line);
    std::istringstream in{line};
    std::vector<std::string> out;
    while (in >> word)
      out.push_back(word);
    return out;
  };
  CHECK(words() == std::vector<std::string>{group_id::from("g1").short_hex(), "leader",
                                            filled_peer(0xaa).short_hex(), "3", "17", "16", "online",
                                            "2", "bonds"});
  CHECK(words() == std::vector<std::string>{group_id::from("g2").short_hex(), "observer", "none", "0",
                                            "0", "0", "offline", "0", "bonds"});
  CHECK(table_of(wire::node_status{}).find("groups   0   (") != std::string::npos);
}

TEST_CASE("status output: each producer and consumer with its channels, in the JSON object and the table") {
  wire::node_status s;
  s.streams.push_back({stream_id::from("ticks"), true, true, {{filled_peer(1), "connected", 7, 700}}});
  s.streams.push_back({stream_id::from("ticks"), false, false, {}});
  auto json = cli::status_json(s);
  auto producer = "{\"stream_id\":\"" + stream_id::from("ticks").hex()
                  + "\",\"side\":\"producer\",\"online\":true,\"channels\":[{\"peer_id\":\""
                  + filled_peer(1).hex() + "\",\"state\":\"connected\",\"datums\":7,\"bytes\":700}]}";
  auto consumer = "{\"stream_id\":\"" + stream_id::from("ticks").hex()
                  + "\",\"side\":\"consumer\",\"online\":false,\"channels\":[]}";
  CHECK(json.find(",\"streams\":[" + producer + "," + consumer + "],\"counters\":{") != std::string::npos);

  auto table = table_of(s);
  auto section = table.find("streams  2   (stream, side, online; each channel: peer, state, datums, bytes)\n");
  REQUIRE(section != std::string::npos);
  CHECK(section < table.find("metrics  0"));
  std::istringstream rows{table.substr(table.find('\n', section) + 1)};
  std::string id, side, online, n, channels, peer, state, datums, bytes_sent;
  rows >> id >> side >> online >> n >> channels >> peer >> state >> datums >> bytes_sent;
  CHECK(id == stream_id::from("ticks").short_hex());
  CHECK(side == "producer");
  CHECK(online == "online");
  CHECK(n == "1");
  CHECK(peer == filled_peer(1).short_hex());
  CHECK(state == "connected");
  CHECK(datums == "7");
  CHECK(bytes_sent == "700");
}
