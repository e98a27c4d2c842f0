#include "actors/core/raft/message.hpp"

namespace mosaik::raft {

std::string_view kind_name(const message& m) {
  static constexpr std::string_view names[] = {
    "append",         "append_response", "heartbeat",         "heartbeat_response",
    "vote",           "vote_response",   "snapshot",          "forward_proposal",
    "proposal_response", "forward_read", "read_response", "forward_proposal_batch",
    "proposal_response_batch",
  };
  static_assert(std::size(names) == std::variant_size_v<message_body>);
  if (auto* v = std::get_if<vote_request>(&m.body); v && v->pre_vote)
    return "pre_vote";
  if (auto* v = std::get_if<vote_response>(&m.body); v && v->pre_vote)
    return "pre_vote_response";
  return names[m.body.index()];
}

bool is_forward(const message& m) {
  return std::holds_alternative<forward_proposal>(m.body)
         || std::holds_alternative<proposal_response>(m.body)
         || std::holds_alternative<forward_read>(m.body)
         || std::holds_alternative<read_response>(m.body)
         || std::holds_alternative<forward_proposal_batch>(m.body)
         || std::holds_alternative<proposal_response_batch>(m.body);
}

} // namespace mosaik::raft
