// The `mosaik` command line tool.
#include "apps/mosaik/commands.hpp"

#include <iostream>

namespace {

constexpr int usage_error = 2;

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"mosaik: self-organizing distributed systems on CAF", "mosaik"};
  app.set_version_flag("--version", "mosaik " MOSAIK_VERSION);
  app.require_subcommand(1);
  mosaik::cli::command_fn selected;
  mosaik::cli::add_identity_commands(app, selected);
  mosaik::cli::add_node_command(app, selected);
  mosaik::cli::add_status_command(app, selected);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mosaik: " << e.what() << "\nRun 'mosaik --help' for usage.\n";
    return usage_error;
  }
  return selected ? selected() : usage_error;
}
