// Check "rdns": reverse DNS of the sending IP, as a receiver sees it at connect: a PTR, a PTR name that
// resolves back to the IP (forward-confirmed), and a name that does not look generic (rules/rdns.toml).
#include <algorithm>

#include "checks.hpp"
#include "dns/fcrdns.hpp"
#include "util/names.hpp"
#include "rules/rdns_patterns.hpp"

namespace mailaudit::checks {

namespace {

std::string status_words(const Context& ctx, const dns::Answer& a) {
  std::string status(to_string(a.status));
  return a.note.empty() ? status : ctx.word("rdns.status_note", {{"status", status}, {"note", a.note}});
}

}  // namespace

std::vector<Finding> run_rdns(const Context& ctx) {
  auto ip = dns::parse_ip(*ctx.envelope.ip);
  if (!ip) return {};  // the CLI refuses an --ip that is not an address
  Args args{{"ip", ip->to_string()}};
  dns::ForwardConfirmation fc = dns::forward_confirm(ctx.dns, *ip);
  const dns::Answer& ptr = fc.ptr;
  auto finding = [&](std::string_view id, std::vector<dns::Answer> evidence) {
    Finding f = ctx.make(id, args);
    f.evidence = std::move(evidence);
    return f;
  };
  if (ptr.status == dns::Status::OFFLINE) return {finding("rdns.not_checked", {ptr})};
  args.push_back({"status", status_words(ctx, ptr)});
  if (ptr.unknown()) return {finding("rdns.temperror", {ptr})};
  const std::vector<std::string>& names = fc.names;
  if (names.empty()) {
    if (!ptr.records.empty()) args.back().second = ctx.word("rdns.no_hostname");
    return {finding("rdns.missing", {ptr})};
  }
  std::vector<dns::Answer> evidence{ptr};
  evidence.insert(evidence.end(), fc.forward.begin(), fc.forward.end());
  const std::string& confirmed = fc.confirmed;
  std::string all_names;
  for (const auto& n : names) all_names += (all_names.empty() ? "" : ", ") + n;
  args.push_back({"names", all_names});
  args.push_back({"ptr", confirmed.empty() ? names.front() : confirmed});

  std::vector<Finding> out;
  if (confirmed.empty()) {
    if (const dns::Answer* unknown = fc.unknown()) {
      if (unknown->status == dns::Status::OFFLINE) return {finding("rdns.not_checked", evidence)};
      args[1].second = ctx.word("rdns.forward_status", {{"type", std::string(to_string(unknown->type))},
                                                          {"name", unknown->name}, {"status", status_words(ctx, *unknown)}});
      return {finding("rdns.temperror", evidence)};
    }
    out.push_back(finding("rdns.unconfirmed", evidence));
  }
  const std::string& judged = confirmed.empty() ? names.front() : confirmed;
  if (auto m = rules::match_generic(*ip, judged, ctx.rules.rdns())) {
    args.push_back({"family", m->family});
    args.push_back({"meaning", m->meaning});
    args.push_back({"matched", m->matched});
    out.push_back(finding("rdns.generic", evidence));
  }
  if (out.empty()) out.push_back(finding("rdns.ok", evidence));
  return out;
}

}  // namespace mailaudit::checks
