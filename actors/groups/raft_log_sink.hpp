#pragma once
// The Raft core's log lines (raft/log_sink.hpp) into a spdlog logger.

#include "actors/core/raft/log_sink.hpp"

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace mosaik::groups {

class raft_log_sink final : public raft::log_sink {
public:
  raft_log_sink(std::shared_ptr<spdlog::logger> log, std::string prefix)
    : log_(std::move(log)), prefix_(std::move(prefix)) {}

  bool enabled(raft::log_level level) const override { return log_->should_log(to_spdlog(level)); }
  void write(raft::log_level level, std::string_view line) override {
    log_->log(to_spdlog(level), "{} {}", prefix_, line);
  }

private:
  static spdlog::level::level_enum to_spdlog(raft::log_level level) {
    switch (level) {
      case raft::log_level::debug: return spdlog::level::debug;
      case raft::log_level::info: return spdlog::level::info;
      case raft::log_level::warn: return spdlog::level::warn;
      case raft::log_level::error: return spdlog::level::err;
    }
    return spdlog::level::info;
  }

  std::shared_ptr<spdlog::logger> log_;
  std::string prefix_;
};

} // namespace mosaik::groups
