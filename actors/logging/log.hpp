#pragma once
// One named spdlog logger per subsystem ("transport", "discovery", ...), all
// writing to stderr so that stdout stays free for program output.
//
// MOSAIK_LOG sets the levels: "debug" for all, or "warn,transport=trace" for a
// default plus per-subsystem overrides. Unset means "info".

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace mosaik::log {

/// The logger of `subsystem`, created on first use with the configured level.
std::shared_ptr<spdlog::logger> get(const std::string& subsystem);

/// Re-reads MOSAIK_LOG (or uses `spec` when given) and applies it to every
/// existing and future logger. Returns false, and changes nothing, when the
/// spec names an unknown level.
bool configure(const std::string& spec);

} // namespace mosaik::log
