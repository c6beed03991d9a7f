// The run functions of every check; checks/registry.cpp is the only place that lists them.
#pragma once
#include <vector>

#include "engine/check.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_headers(const Context& ctx);
std::vector<Finding> run_helo(const Context& ctx);
std::vector<Finding> run_raw_bytes(const Context& ctx);
std::vector<Finding> run_ip(const Context& ctx);
std::vector<Finding> run_mime(const Context& ctx);
std::vector<Finding> run_size(const Context& ctx);
std::vector<Finding> run_dnsbl(const Context& ctx);
std::vector<Finding> run_domain_lists(const Context& ctx);
std::vector<Finding> run_uri(const Context& ctx);
std::vector<Finding> run_spf(const Context& ctx);
std::vector<Finding> run_spf_helo(const Context& ctx);
std::vector<Finding> run_dkim(const Context& ctx);
std::vector<Finding> run_dmarc(const Context& ctx);
std::vector<Finding> run_unsubscribe(const Context& ctx);
std::vector<Finding> run_bulk(const Context& ctx);
std::vector<Finding> run_links(const Context& ctx);
std::vector<Finding> run_rcpt(const Context& ctx);
std::vector<Finding> run_rdns(const Context& ctx);
std::vector<Finding> run_sender(const Context& ctx);
std::vector<Finding> run_from(const Context& ctx);
std::vector<Finding> run_from_domain(const Context& ctx);

}  // namespace mailaudit::checks
