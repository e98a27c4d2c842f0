#pragma once
// Stream ids and declarative stream definitions (FEATURES 5.1).
//
// A stream's id is derived from a name: the datum type's name by default
// (its `stream_name` member or a `stream_name_of<T>` specialization), or
// any string the user gives; a name of 64 hex characters is the id itself
// (the digest rules). A definition can also pin an id outright.
//
//   struct tick { static constexpr std::string_view stream_name = "ticker.tick.v1"; ... };
//   constexpr stream_def ticks{"ticker.tick.v1", {.buffer_size = 4096}, {}};
//   stream_id a = stream_id_for<tick>();    // == ticks.id()
//
// The definition is constexpr: a name and the options that have constant
// defaults. Predicates (`require`, `online_when`) are added by the actors'
// builders, which start from a definition.

#include "actors/core/ids/ids.hpp"
#include "actors/core/streams/backoff.hpp"
#include "actors/core/streams/time.hpp"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mosaik::streams {

/// The id a name stands for: 64 hex characters decode as-is, anything else
/// is hashed.
inline stream_id stream_id_of(std::string_view name) { return stream_id::from(name); }

/// Specialize to name a type that cannot carry a `stream_name` member.
template <class T>
struct stream_name_of;

template <class T>
concept has_stream_name_member = requires {
  { T::stream_name } -> std::convertible_to<std::string_view>;
};

template <class T>
concept has_stream_name_trait = requires {
  { stream_name_of<T>::value } -> std::convertible_to<std::string_view>;
};

template <class T>
concept named_datum = has_stream_name_member<T> || has_stream_name_trait<T>;

/// The type's stream name (the trait wins over the member).
template <named_datum T>
constexpr std::string_view stream_name() {
  if constexpr (has_stream_name_trait<T>)
    return stream_name_of<T>::value;
  else
    return T::stream_name;
}

template <named_datum T>
stream_id stream_id_for() {
  return stream_id_of(stream_name<T>());
}

/// The producer options with constant defaults (FEATURES 5.2).
struct producer_options {
  /// Datums queued per subscription, waiting for credit ...
  std::size_t buffer_size = 1024;
  /// ... and their payload bytes (a datum alone in a queue always fits).
  /// Past either bound the subscription lags (disconnect_lagging).
  std::size_t buffer_bytes = 16u << 20;
  /// Simultaneous subscriptions; 0 = unlimited.
  std::size_t max_consumers = 0;
  /// On a full subscription queue: close it with too_slow (true) or drop
  /// its oldest datum (false).
  bool disconnect_lagging = true;
  /// Bounds of one batch frame (a single datum larger than max_batch_bytes
  /// travels alone); at most max_batch_datums and max_datum_bytes
  /// (messages.hpp), so every frame stays under the receiver's cap.
  std::size_t max_batch_datums = 256;
  std::size_t max_batch_bytes = 1u << 20;
  friend bool operator==(const producer_options&, const producer_options&) = default;
};

/// The consumer options with constant defaults (FEATURES 5.5).
struct consumer_options {
  /// Datums delivered but not yet consumed, per producer: the credit a
  /// subscription holds at most ...
  std::uint64_t receive_window = 1024;
  /// ... and the same in payload bytes (exceeded by less than one datum,
  /// messages.hpp `credit`); at most max_credit_bytes (messages.hpp).
  std::uint64_t receive_window_bytes = 16u << 20;
  backoff_config backoff{};
  /// A subscription not accepted within this is retried (with backoff).
  millis handshake_timeout{5000};
  friend bool operator==(const consumer_options&, const consumer_options&) = default;
};

struct stream_def {
  /// The name the id derives from (stream_id_of).
  std::string_view id_name;
  producer_options producer{};
  consumer_options consumer{};
  /// Pins the id regardless of the name.
  std::optional<stream_id> id_override{};

  stream_id id() const { return id_override ? *id_override : stream_id_of(id_name); }

  /// The definition of a named datum type, with default options.
  template <named_datum T>
  static constexpr stream_def of() {
    return stream_def{stream_name<T>()};
  }
  constexpr stream_def with_name(std::string_view name) const {
    auto d = *this;
    d.id_name = name;
    return d;
  }
  constexpr stream_def with_id(const stream_id& id) const {
    auto d = *this;
    d.id_override = id;
    return d;
  }
};

} // namespace mosaik::streams
