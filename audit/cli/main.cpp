// mailaudit: at which SMTP stage could a receiver reject this message, and why?
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <iostream>
#include <string_view>

#include "commands.hpp"

int main(int argc, char** argv) {
  // `mailaudit --version` alone, the usual probe of an install: answered before the command line's
  // definitions are built (all subcommands' options) and without CLI11's exception for it, whose first
  // throw costs the unwinder a walk over every loaded library.
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::cout << "mailaudit " << MAILAUDIT_VERSION << "\n";
    return 0;
  }
  // A batch allocates and frees much the same working set for every message (its bytes, parts, URL
  // records). glibc gives the top of the heap back to the kernel after each free that leaves more than
  // 128 KiB there, and the next message faults those pages in again: 37,000 page faults on 1,000 link-dense
  // newsletters. Keeping 16 MiB of slack at the top removes them; pages never touched cost nothing.
  mallopt(M_TOP_PAD, 16 << 20);
  CLI::App app{"mailaudit: predicts at which SMTP stage a receiver could reject a message, and why"};
  app.set_version_flag("--version", std::string("mailaudit ") + MAILAUDIT_VERSION);
  app.require_subcommand(1);
  auto run_check = mailaudit::cli::add_check_command(app);
  auto run_checks = mailaudit::cli::add_checks_command(app);
  auto run_urls = mailaudit::cli::add_urls_command(app);
  auto run_bounce = mailaudit::cli::add_bounce_command(app);
  auto run_probe = mailaudit::cli::add_probe_command(app);
  auto run_receivers = mailaudit::cli::add_receivers_command(app);
  auto run_completion = mailaudit::cli::add_completion_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, exit 2: bad usage is not a finding.
    std::cerr << "mailaudit: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (app.got_subcommand("check")) return run_check();
  if (app.got_subcommand("checks")) return run_checks();
  if (app.got_subcommand("urls")) return run_urls();
  if (app.got_subcommand("bounce")) return run_bounce();
  if (app.got_subcommand("probe")) return run_probe();
  if (app.got_subcommand("receivers")) return run_receivers();
  if (app.got_subcommand("completion")) return run_completion();
  return 2;
}
