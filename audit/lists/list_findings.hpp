// Findings about blocklist answers, shared by the checks that ask lists (dnsbl, domain_lists).
#pragma once
#include <string_view>

#include "rules/make_finding.hpp"
#include "lists/blocklist.hpp"

namespace mailaudit {

// The placeholders every list finding may use: {list} {zone} {query} {answer} {meaning} {reason}
// {reference} {rejects} {txt} {item}, plus the caller's own.
Args list_args(const dns::ListResult& r, Args extra = {});

// The finding `id` for a list result: a listing takes the list's own severity and reference; every
// finding carries the list's answers (and the test points it failed) as evidence.
Finding list_finding(const rules::Rules& rules, std::string_view id, dns::ListResult&& r, const Args& args);

}  // namespace mailaudit
