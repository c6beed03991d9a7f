// Subcommands of the mailaudit CLI. Each registers its options on the app and runs when chosen.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace mailaudit::cli {

// Returns the function to run when the subcommand was chosen; it returns the exit status.
std::function<int()> add_check_command(CLI::App& app);
std::function<int()> add_checks_command(CLI::App& app);
std::function<int()> add_urls_command(CLI::App& app);
std::function<int()> add_bounce_command(CLI::App& app);
std::function<int()> add_probe_command(CLI::App& app);
std::function<int()> add_receivers_command(CLI::App& app);
// Shell completion from `app`'s own definition: add it after the other subcommands.
std::function<int()> add_completion_command(CLI::App& app);

}  // namespace mailaudit::cli
