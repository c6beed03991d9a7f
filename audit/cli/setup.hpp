// Set-up shared by the subcommands.
#pragma once
#include <string>

#include "rules/rules.hpp"

namespace mailaudit::cli {

// The built-in rules, with DIR laid over them when DIR is not empty, checked against the registry: every
// finding id a check may emit, and check.failed, must have its words. Throws rules::RulesError with
// "file[:line]: problem", which the commands print as a one-line error before exiting 2.
rules::Rules load_rules(const std::string& dir);

// HOST[:PORT], IPv6 as [addr]:port; `port` keeps its value when none is given. False when malformed or
// the port is not 1..65535 (--spamd, --server, --probe-server).
bool split_host_port(const std::string& spec, std::string& host, int& port);

}  // namespace mailaudit::cli
