// Check "helo": the HELO/EHLO name as receivers test it: RFC 5321 syntax (FQDN or address literal),
// bare IPs, literals that are not the client, A/AAAA/MX that exist and hold the client IP, and
// agreement with the PTR name.
#include <algorithm>

#include "checks.hpp"
#include "util/names.hpp"
#include "util/public_suffix.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

namespace {

// The address inside "[192.0.2.1]" or "[IPv6:2001:db8::1]"; nullopt when the literal is malformed.
std::optional<dns::IpAddress> literal_address(std::string_view helo) {
  std::string_view inner = helo.substr(1, helo.size() - 2);
  if (text::istarts_with(inner, "IPv6:")) {
    auto ip = dns::parse_ip(inner.substr(5));
    return ip && ip->v6 ? ip : std::nullopt;
  }
  auto ip = dns::parse_ip(inner);
  return ip && !ip->v6 ? ip : std::nullopt;
}

}  // namespace

std::vector<Finding> run_helo(const Context& ctx) {
  const std::string& raw = *ctx.envelope.helo;
  std::string helo = text::printable(raw, 255);
  Args args{{"helo", helo}};
  auto ip = ctx.envelope.ip ? dns::parse_ip(*ctx.envelope.ip) : std::nullopt;
  if (ip) args.push_back({"ip", ip->to_string()});
  if (text::trim(raw).empty()) return {ctx.make("helo.missing")};

  if (raw.size() >= 2 && raw.front() == '[' && raw.back() == ']') {
    auto lit = literal_address(raw);
    if (!lit) return {ctx.make("helo.invalid", {{"helo", helo}, {"why", ctx.word("helo.malformed_literal")}})};
    if (ip && (lit->v6 != ip->v6 || lit->bytes != ip->bytes)) return {ctx.make("helo.literal_mismatch", args)};
    if (!ip) return {};
    args.push_back({"how", ctx.word("helo.own_literal")});
    return {ctx.make("helo.ok", args)};
  }
  if (dns::parse_ip(raw)) return {ctx.make("helo.bare_ip", args)};
  std::string name = dns::normalise_name(raw);
  std::string problem = dns::name_problem(name);
  if (problem.empty() && !dns::is_hostname(name)) problem = ctx.word("helo.bad_characters");
  if (!problem.empty()) return {ctx.make("helo.invalid", {{"helo", helo}, {"why", problem}})};
  if (name.find('.') == std::string::npos) return {ctx.make("helo.not_fqdn", args)};

  std::vector<dns::Query> qs{{name, dns::RRType::A}, {name, dns::RRType::AAAA}, {name, dns::RRType::MX}};
  if (ip) qs.push_back({dns::reverse_name(*ip), dns::RRType::PTR});
  auto answers = ctx.dns.lookup_all(qs);
  auto finding = [&](std::string_view id) {
    Finding f = ctx.make(id, args);
    f.evidence = answers;
    return f;
  };
  const dns::Answer &a = answers[0], &aaaa = answers[1], &mx = answers[2];
  bool nx = a.status == dns::Status::NXDOMAIN;
  auto any_records = [](const dns::Answer& x) { return x.ok() && !x.records.empty(); };
  if (!nx) {
    for (std::size_t i = 0; i < 3; ++i)
      if (answers[i].unknown()) {
        if (answers[i].status == dns::Status::OFFLINE) return {finding("helo.not_checked")};
        args.push_back({"status", ctx.word("helo.lookup_status", {{"type", std::string(to_string(answers[i].type))},
                                                                   {"status", std::string(to_string(answers[i].status))}})});
        return {finding("helo.temperror")};
      }
  }
  if (nx || (!any_records(a) && !any_records(aaaa) && !any_records(mx))) {
    args.push_back({"status", nx ? std::string(to_string(dns::Status::NXDOMAIN)) : ctx.word("helo.no_records")});
    return {finding("helo.no_address")};
  }
  if (!ip) return {};
  std::vector<Finding> out;
  if (!dns::holds_address(a, *ip) && !dns::holds_address(aaaa, *ip)) {
    std::string addrs;
    for (const auto* x : {&a, &aaaa})
      for (const auto& r : x->records) addrs += (addrs.empty() ? "" : ", ") + r.value;
    args.push_back({"addresses", addrs.empty() ? ctx.word("helo.mx_only") : addrs});
    out.push_back(finding("helo.ip_mismatch"));
  }
  const dns::Answer& ptr = answers[3];
  if (ptr.ok() && !ptr.records.empty()) {
    bool same = std::any_of(ptr.records.begin(), ptr.records.end(), [&](const dns::Record& r) {
      return r.value == name || (!dns::registered_domain(r.value).empty() &&
                                 dns::registered_domain(r.value) == dns::registered_domain(name));
    });
    if (!same) {
      args.push_back({"ptr", ptr.records.front().value});
      out.push_back(finding("helo.rdns_mismatch"));
    }
  }
  if (out.empty()) {
    args.push_back({"how", ctx.word("helo.matches", {{"ip", ip->to_string()}})});
    out.push_back(finding("helo.ok"));
  }
  return out;
}

}  // namespace mailaudit::checks
