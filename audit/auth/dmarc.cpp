#include "auth/dmarc.hpp"

#include <algorithm>
#include <set>

#include "util/public_suffix.hpp"
#include "util/text.hpp"

namespace mailaudit::auth {

namespace {

constexpr int kMaxTreeQueries = 8;

bool is_dmarc(const std::string& txt) {
  std::string t = text::lower(std::string(text::trim(txt)));
  if (!t.starts_with("v=dmarc1")) return false;
  std::string_view rest = std::string_view(t).substr(8);
  rest = text::trim(rest);
  return rest.empty() || rest.front() == ';';
}

Discovery lookup_record(dns::Resolver& dns, const std::string& domain, Discovery& d) {
  dns::Answer a = dns.lookup("_dmarc." + domain, dns::RRType::TXT);
  d.evidence.push_back(a);
  if (a.unknown()) {
    d.temperror = true;
    d.offline = a.status == dns::Status::OFFLINE;
    d.problem = "_dmarc." + domain + ": " + std::string(dns::to_string(a.status));
    return d;
  }
  std::vector<std::string> found;
  for (const auto& r : a.records)
    if (is_dmarc(r.value)) found.push_back(r.value);
  if (found.size() > 1) d.problem = "_dmarc." + domain + " publishes " + std::to_string(found.size()) + " DMARC records (none applies)";
  else if (found.size() == 1) d.record = parse_dmarc(found.front(), domain);
  return d;
}

bool aligned(const std::string& a, const std::string& b, const std::string& mode) {
  std::string x = text::lower(a), y = text::lower(b);
  if (mode == "s") return x == y;
  std::string ox = dns::registered_domain(x), oy = dns::registered_domain(y);
  return !ox.empty() && ox == oy;
}

}  // namespace

DmarcRecord parse_dmarc(const std::string& text_in, const std::string& domain) {
  DmarcRecord r;
  r.domain = domain;
  r.text = text_in;
  std::set<std::string> seen;
  bool first = true;
  std::size_t policy_problems = 0;  // invalid p= or sp= values (RFC 7489 §6.6.3 step 6)
  bool valid_rua = false;
  for (auto part : text::split(text_in, ';')) {
    std::string_view p = text::trim(part);
    if (p.empty()) continue;
    auto eq = p.find('=');
    if (eq == std::string_view::npos) {
      r.problems.push_back("\"" + std::string(p) + "\" is not tag=value");
      continue;
    }
    std::string tag = text::lower(text::trim(p.substr(0, eq)));
    std::string value(text::trim(p.substr(eq + 1)));
    if (first && tag != "v") r.problems.push_back("v=DMARC1 must come first");
    first = false;
    if (!seen.insert(tag).second) {
      r.problems.push_back("tag " + tag + "= appears twice");
      continue;
    }
    std::string v = text::lower(value);
    auto one_of = [&](std::initializer_list<const char*> ok) {
      for (const char* o : ok)
        if (v == o) return true;
      r.problems.push_back(tag + "=" + value + " is not one of the allowed values");
      return false;
    };
    if (tag == "v") continue;
    if (tag == "p") { if (one_of({"none", "quarantine", "reject"})) r.p = v; else ++policy_problems; }
    else if (tag == "sp") { if (one_of({"none", "quarantine", "reject"})) r.sp = v; else ++policy_problems; }
    else if (tag == "np") { if (one_of({"none", "quarantine", "reject"})) r.np = v; }
    else if (tag == "adkim") { if (one_of({"r", "s"})) r.adkim = v; }
    else if (tag == "aspf") { if (one_of({"r", "s"})) r.aspf = v; }
    else if (tag == "pct") {
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end || n < 0 || n > 100) r.problems.push_back("pct=" + value + " is not 0-100");
      else r.pct = static_cast<int>(n);
    } else if (tag == "rua" || tag == "ruf") {
      for (auto uri : text::split(value, ',')) {
        std::string_view u = text::trim(uri);
        if (!text::istarts_with(u, "mailto:")) r.notes.push_back(tag + " URI \"" + std::string(u) + "\" is not mailto:");
        else if (tag == "rua" && u.find('@') != std::string_view::npos) valid_rua = true;
      }
    } else if (tag == "fo" || tag == "rf" || tag == "ri" || tag == "t" || tag == "psd") {
      // Known tags (RFC 7489, RFC 9989) that do not change the verdict here.
    } else {
      r.notes.push_back("unknown tag " + tag + "= (ignored by receivers)");
    }
  }
  // RFC 7489 §6.6.3 step 6.1: no valid p= (or an invalid sp=) but a valid rua= -> act as p=none.
  if (policy_problems > 0 && policy_problems == r.problems.size() && valid_rua) {
    r.problems.clear();
    r.p = "none";
    r.sp.clear();
    r.notes.push_back("the policy tags are not valid, but rua= is: receivers act as p=none (RFC 7489 §6.6.3)");
  }
  // RFC 9989 makes p= optional: a record without it is p=none.
  if (r.p.empty() && r.problems.empty() && !seen.count("p")) {
    r.p = "none";
    r.notes.push_back("no p= tag: receivers act as p=none (RFC 9989; RFC 7489 §6.6.3 with rua=)");
  }
  return r;
}

Discovery discover_psl(dns::Resolver& dns, const std::string& from_domain) {
  Discovery d;
  lookup_record(dns, from_domain, d);
  if (d.record || d.temperror || !d.problem.empty()) return d;
  std::string org = dns::registered_domain(from_domain);
  if (!org.empty() && org != from_domain) lookup_record(dns, org, d);
  return d;
}

Discovery discover_tree(dns::Resolver& dns, const std::string& from_domain) {
  Discovery d;
  auto labels = text::split(from_domain, '.');
  std::vector<std::string> names;
  for (std::size_t i = 0; i + 1 < labels.size(); ++i) {
    std::string n;
    for (std::size_t j = i; j < labels.size(); ++j) n += (n.empty() ? "" : ".") + std::string(labels[j]);
    names.push_back(n);
  }
  // RFC 9989 §4.10.2: at most 8 queries; past 8 labels, skip to the name with 7 labels.
  if (names.size() > static_cast<std::size_t>(kMaxTreeQueries))
    names.erase(names.begin() + 1, names.end() - (kMaxTreeQueries - 1));
  for (const auto& n : names) {
    lookup_record(dns, n, d);
    if (d.record || d.temperror || !d.problem.empty()) return d;
  }
  return d;
}

DmarcOutcome evaluate_dmarc(dns::Resolver& dns, const std::string& from_domain, const SpfOutcome* spf,
                            const std::string& spf_domain, const std::vector<DkimSignature>& dkim) {
  DmarcOutcome o;
  o.from_domain = from_domain;
  o.discovery = discover_psl(dns, from_domain);
  Discovery tree = discover_tree(dns, from_domain);
  if (tree.record) o.tree_domain = tree.record->domain;
  if (o.discovery.temperror) {
    o.result = o.discovery.offline ? "offline" : "temperror";
    return o;
  }
  if (!o.discovery.record) {
    o.result = o.discovery.problem.empty() ? "none" : "invalid";
    return o;
  }
  const DmarcRecord& rec = *o.discovery.record;
  if (!rec.valid()) {
    o.result = "invalid";
    return o;
  }
  if (spf && spf->result == SpfResult::pass && aligned(spf_domain, from_domain, rec.aspf)) {
    o.spf_aligned = true;
    o.aligned_by = "SPF (" + spf_domain + ")";
  }
  for (const auto& s : dkim)
    if (s.result == DkimResult::pass && aligned(s.domain, from_domain, rec.adkim)) {
      o.dkim_aligned = true;
      o.aligned_by = (o.aligned_by.empty() ? "" : o.aligned_by + " and ") + "DKIM d=" + s.domain;
      break;
    }
  // Without SPF (no sending context) and no aligned DKIM pass, the verdict hangs on SPF: unknown, not fail.
  // A temporary SPF error (or SPF not evaluable offline) leaves the verdict open, as it would at a receiver.
  bool spf_unknown = !spf || spf->result == SpfResult::temperror;
  bool spf_offline = spf && std::any_of(spf->evidence.begin(), spf->evidence.end(),
                                        [](const dns::Answer& a) { return a.status == dns::Status::OFFLINE; });
  o.result = (o.spf_aligned || o.dkim_aligned) ? "pass" : !spf_unknown ? "fail" : (!spf || spf_offline) ? "not_checked" : "temperror";
  // The policy that applies: p for the domain itself; sp for subdomains; np for subdomains that do not exist.
  o.policy = rec.p;
  o.policy_tag = "p";
  if (text::lower(from_domain) != rec.domain) {
    dns::Answer a = dns.lookup(from_domain, dns::RRType::A);
    o.discovery.evidence.push_back(a);
    bool nonexistent = a.status == dns::Status::NXDOMAIN;
    if (nonexistent && !rec.np.empty()) { o.policy = rec.np; o.policy_tag = "np"; }
    else if (!rec.sp.empty()) { o.policy = rec.sp; o.policy_tag = "sp"; }
  }
  return o;
}

}  // namespace mailaudit::auth
