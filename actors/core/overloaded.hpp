#pragma once
// The usual visitor helper: std::visit(overloaded{[](const A&) {...}, ...}, v).

namespace mosaik {

template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

} // namespace mosaik
