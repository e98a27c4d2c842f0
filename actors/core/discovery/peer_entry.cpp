#include "actors/core/discovery/peer_entry.hpp"

#include "actors/core/discovery/canonical_writer.hpp"

#include <algorithm>
#include <tuple>

namespace mosaik::discovery {

std::vector<ticket> peer_entry::tickets_of(const unique_id& ticket_class) const {
  std::vector<ticket> out;
  for (const auto& [id, t] : tickets_)
    if (t.ticket_class == ticket_class)
      out.push_back(t);
  return out;
}

bool peer_entry::add_ticket(ticket t) {
  auto id = t.id();
  return tickets_.emplace(id, std::move(t)).second;
}

bool peer_entry::remove_tickets_of(const unique_id& ticket_class) {
  return std::erase_if(tickets_, [&](const auto& kv) { return kv.second.ticket_class == ticket_class; })
         > 0;
}

bool peer_entry::replace_ticket(ticket t) {
  auto before = tickets_;
  remove_tickets_of(t.ticket_class);
  add_ticket(std::move(t));
  return tickets_ != before;
}

void peer_entry::bump_version(millis now) {
  version_.update_ms = std::max(version_.update_ms, static_cast<std::int64_t>(now.count())) + 1;
}

bool peer_entry::same_content(const peer_entry& other) const {
  return std::tie(protocol_, network_, peer_, addresses_, tags_, streams_, groups_, tickets_)
         == std::tie(other.protocol_, other.network_, other.peer_, other.addresses_, other.tags_,
                     other.streams_, other.groups_, other.tickets_);
}

bytes peer_entry::signing_bytes() const {
  canonical_writer w{"mosaik.discovery.peer_entry.v1"};
  w.text(protocol_);
  w.raw(network_.view());
  w.raw(peer_.view());
  w.i64(version_.start_ms);
  w.i64(version_.update_ms);
  w.u32(static_cast<std::uint32_t>(addresses_.size()));
  for (const auto& a : addresses_) {
    w.text(a.host);
    w.u16(a.port);
  }
  auto ids = [&w](const auto& set) {
    w.u32(static_cast<std::uint32_t>(set.size()));
    for (const auto& id : set)
      w.raw(id.view());
  };
  ids(tags_);
  ids(streams_);
  ids(groups_);
  w.u32(static_cast<std::uint32_t>(tickets_.size()));
  for (const auto& [id, t] : tickets_) {
    w.raw(t.ticket_class.view());
    w.blob(t.data);
  }
  return w.data();
}

std::optional<rejection> check_limits(const peer_entry& e, const limits& lim) {
  if (e.addresses().size() > lim.max_addresses)
    return rejection::too_many_addresses;
  if (e.tags().size() > lim.max_tags)
    return rejection::too_many_tags;
  if (e.streams().size() > lim.max_streams)
    return rejection::too_many_streams;
  if (e.groups().size() > lim.max_groups)
    return rejection::too_many_groups;
  if (e.tickets().size() > lim.max_tickets)
    return rejection::too_many_tickets;
  if (e.protocol().size() > lim.max_protocol_bytes)
    return rejection::field_too_long;
  for (const auto& a : e.addresses())
    if (a.host.size() > lim.max_host_bytes)
      return rejection::field_too_long;
  auto nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (nul(e.protocol()) || std::any_of(e.addresses().begin(), e.addresses().end(),
                                       [&](const wire::endpoint& a) { return nul(a.host); }))
    return rejection::bad_text;
  for (const auto& [id, t] : e.tickets())
    if (t.data.size() > lim.max_ticket_bytes)
      return rejection::field_too_long;
  if (e.signing_bytes().size() > lim.max_entry_bytes)
    return rejection::entry_too_large;
  return std::nullopt;
}

} // namespace mosaik::discovery
