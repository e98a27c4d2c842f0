#include "actors/core/groups/messages.hpp"

#include "actors/core/overloaded.hpp"

namespace mosaik::groups {

std::string_view to_string(bond_close_reason r) {
  switch (r) {
    case bond_close_reason::unspecified: return "unspecified";
    case bond_close_reason::different_network: return "different network";
    case bond_close_reason::unknown_peer: return "unknown peer";
    case bond_close_reason::invalid_handshake: return "invalid handshake";
    case bond_close_reason::not_allowed: return "not allowed";
    case bond_close_reason::group_not_found: return "group not found";
    case bond_close_reason::invalid_proof: return "invalid proof";
    case bond_close_reason::timeout: return "timeout";
    case bond_close_reason::already_bonded: return "already bonded";
    case bond_close_reason::split_lineage: return "split lineage";
    case bond_close_reason::protocol_violation: return "protocol violation";
    case bond_close_reason::group_closed: return "group closed";
  }
  return "unknown";
}

bool is_known(bond_close_reason r) {
  return to_string(r) != "unknown";
}

std::string_view kind_name(const bond_message& m) {
  return std::visit(overloaded{
                      [](const bond_hello&) -> std::string_view { return "hello"; },
                      [](const bond_welcome&) -> std::string_view { return "welcome"; },
                      [](const bond_close&) -> std::string_view { return "close"; },
                      [](const bond_ping&) -> std::string_view { return "ping"; },
                      [](const bond_pong&) -> std::string_view { return "pong"; },
                      [](const bond_departure&) -> std::string_view { return "departure"; },
                      [](const bond_formed&) -> std::string_view { return "bond formed"; },
                      [](const raft::message& r) { return raft::kind_name(r); },
                    },
                    m);
}

} // namespace mosaik::groups
