#pragma once
// The `mosaik` CLI's subcommands. Each registers itself on the app and
// returns the exit code through the `run` callback it sets.

#include <CLI/CLI.hpp>

#include <functional>

namespace mosaik::cli {

/// What a parsed subcommand runs; returns the process exit code.
using command_fn = std::function<int()>;

void add_identity_commands(CLI::App& app, command_fn& selected);
void add_node_command(CLI::App& app, command_fn& selected);
void add_status_command(CLI::App& app, command_fn& selected);

} // namespace mosaik::cli
