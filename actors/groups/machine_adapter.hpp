#pragma once
// A user's typed state machine as the engine's byte-level machine
// (actors/core/groups/machine.hpp). The user's type M has:
//
//   using command = ...;  using query = ...;  using result = ...;
//   static constexpr std::string_view signature = "name.v1";
//   R apply(const command&, const mosaik::groups::apply_context&);
//   result read(const query&) const;
//
// where R is void, any encodable type, or mosaik::expected<T, std::string>
// (an error rejects the command: the same on every replica, and the state
// must be left as it was). Types travel through mosaik::value_codec.

#include "actors/core/groups/machine.hpp"
#include "actors/groups/group_setup.hpp"
#include "actors/codec/value_codec.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace mosaik::groups {

template <class M>
concept replicated_machine = requires(M m, const M cm, const typename M::command& c,
                                      const typename M::query& q, const apply_context& ctx) {
  typename M::result;
  { M::signature } -> std::convertible_to<std::string_view>;
  m.apply(c, ctx);
  { cm.read(q) } -> std::convertible_to<typename M::result>;
};

template <class T>
struct is_expected : std::false_type {};
template <class T>
struct is_expected<expected<T, std::string>> : std::true_type {
  using value_type = T;
};

/// What M::apply gives back to whoever executes the command.
template <class M>
using apply_result_t = decltype(std::declval<M&>().apply(std::declval<const typename M::command&>(),
                                                         std::declval<const apply_context&>()));

/// The value an execute hands back: std::monostate for a void apply, T for
/// expected<T, std::string>, else the return type itself.
template <class M, class R = apply_result_t<M>>
struct apply_value {
  using type = R;
};
template <class M>
struct apply_value<M, void> {
  using type = std::monostate;
};
template <class M, class T>
struct apply_value<M, expected<T, std::string>> {
  using type = T;
};
template <class M>
using apply_value_t = typename apply_value<M>::type;

template <replicated_machine M>
class machine_adapter final : public machine {
public:
  apply_outcome apply(byte_view command, const apply_context& ctx) override {
    auto c = value_codec<typename M::command>::decode(command);
    if (!c)
      return unexpected{std::string{"the command does not decode"}};
    using R = apply_result_t<M>;
    if constexpr (std::is_void_v<R>) {
      m_.apply(*c, ctx);
      return bytes{};
    } else if constexpr (is_expected<R>::value) {
      auto r = m_.apply(*c, ctx);
      if (!r)
        return unexpected{r.error()};
      return value_codec<typename is_expected<R>::value_type>::encode(*r);
    } else {
      return value_codec<R>::encode(m_.apply(*c, ctx));
    }
  }

  expected<bytes, std::string> query(byte_view q) const override {
    auto decoded = value_codec<typename M::query>::decode(q);
    if (!decoded)
      return unexpected{std::string{"the query does not decode"}};
    return value_codec<typename M::result>::encode(m_.read(*decoded));
  }

private:
  M m_;
};

/// The setup that joins a group of machine M under `key`.
template <replicated_machine M>
group_setup setup_for(group_key key, const join_options& o = {}) {
  return {key, o.consensus, std::string{M::signature},
          [] { return std::unique_ptr<machine>{std::make_unique<machine_adapter<M>>()}; },
          o.preference};
}

} // namespace mosaik::groups
