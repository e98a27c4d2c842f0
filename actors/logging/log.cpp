#include "actors/logging/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

namespace mosaik::log {

namespace {

struct level_spec {
  spdlog::level::level_enum fallback = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum> overrides;

  spdlog::level::level_enum for_subsystem(const std::string& name) const {
    auto i = overrides.find(name);
    return i == overrides.end() ? fallback : i->second;
  }
};

std::optional<spdlog::level::level_enum> parse_level(const std::string& text) {
  auto lvl = spdlog::level::from_str(text);
  // from_str maps anything unknown to "off"; only accept a real "off".
  if (lvl == spdlog::level::off && text != "off")
    return std::nullopt;
  return lvl;
}

std::optional<level_spec> parse_spec(const std::string& spec) {
  level_spec result;
  std::istringstream in(spec);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty())
      continue;
    auto eq = item.find('=');
    auto lvl = parse_level(eq == std::string::npos ? item : item.substr(eq + 1));
    if (!lvl)
      return std::nullopt;
    if (eq == std::string::npos)
      result.fallback = *lvl;
    else
      result.overrides[item.substr(0, eq)] = *lvl;
  }
  return result;
}

struct registry {
  std::mutex mtx;
  level_spec levels;
  spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  std::map<std::string, std::shared_ptr<spdlog::logger>> loggers;

  registry() {
    if (const char* env = std::getenv("MOSAIK_LOG"))
      if (auto parsed = parse_spec(env))
        levels = *parsed;
  }
};

registry& instance() {
  static registry reg;
  return reg;
}

} // namespace

std::shared_ptr<spdlog::logger> get(const std::string& subsystem) {
  auto& reg = instance();
  std::lock_guard<std::mutex> guard{reg.mtx};
  auto& entry = reg.loggers[subsystem];
  if (!entry) {
    entry = std::make_shared<spdlog::logger>(subsystem, reg.sink);
    entry->set_level(reg.levels.for_subsystem(subsystem));
  }
  return entry;
}

bool configure(const std::string& spec) {
  auto parsed = parse_spec(spec);
  if (!parsed)
    return false;
  auto& reg = instance();
  std::lock_guard<std::mutex> guard{reg.mtx};
  reg.levels = *parsed;
  for (auto& [name, logger] : reg.loggers)
    logger->set_level(reg.levels.for_subsystem(name));
  return true;
}

} // namespace mosaik::log
