// SPF check_host() (RFC 7208 §4-§6), with the processing limits of §4.6.4.
#include "auth/spf.hpp"

#include <cctype>
#include <algorithm>
#include <ctime>
#include <set>

#include "util/text.hpp"

namespace mailaudit::auth {

std::string_view to_string(SpfResult r) {
  switch (r) {
    case SpfResult::none: return "none";
    case SpfResult::neutral: return "neutral";
    case SpfResult::pass: return "pass";
    case SpfResult::fail: return "fail";
    case SpfResult::softfail: return "softfail";
    case SpfResult::temperror: return "temperror";
    case SpfResult::permerror: return "permerror";
  }
  return "none";
}

namespace {

constexpr int kMaxLookups = 10;
constexpr int kMaxVoid = 2;
constexpr std::size_t kMaxMxOrPtr = 10;

struct Abort {
  SpfResult result;
  std::string why;
};

// A valid domain for SPF: LDH-ish labels of 1..63 octets, at least two labels, ending in a non-numeric TLD.
bool valid_domain(std::string_view d) {
  if (!d.empty() && d.back() == '.') d.remove_suffix(1);
  if (d.empty() || d.size() > 253) return false;
  auto labels = text::split(d, '.');
  if (labels.size() < 2) return false;
  for (auto l : labels)
    if (l.empty() || l.size() > 63) return false;
  auto tld = labels.back();
  return !std::all_of(tld.begin(), tld.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A domain-spec's result: valid_domain() and a toplabel of letters, digits and inner hyphens with a letter.
bool valid_target(std::string_view d) {
  if (!valid_domain(d)) return false;
  if (d.back() == '.') d.remove_suffix(1);
  std::string_view tld = d.substr(d.rfind('.') + 1);
  if (tld.front() == '-' || tld.back() == '-') return false;
  bool letter = false;
  for (char c : tld) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    letter = letter || std::isalpha(static_cast<unsigned char>(c));
  }
  return letter;
}

// §4.8: a target name over 253 octets loses labels from the left.
std::string shorten(std::string d) {
  while (d.size() > 253) {
    auto dot = d.find('.');
    if (dot == std::string::npos) break;
    d.erase(0, dot + 1);
  }
  return d;
}

struct Term {
  char qualifier = '+';
  std::string name;   // lower case: "all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", or a modifier
  std::string value;  // after ':' or '=' (as written)
  bool modifier = false;
  bool has_value = false;
  std::string text;   // as written
};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

std::optional<Term> parse_term(std::string_view t) {
  Term term;
  term.text = std::string(t);
  if (!t.empty() && std::string_view("+-~?").find(t.front()) != std::string_view::npos) {
    term.qualifier = t.front();
    t.remove_prefix(1);
  }
  std::size_t i = 0;
  while (i < t.size() && is_name_char(t[i])) ++i;
  if (i == 0 || !std::isalpha(static_cast<unsigned char>(t[0]))) return std::nullopt;
  term.name = text::lower(t.substr(0, i));
  if (i < t.size() && t[i] == '=') {
    if (term.qualifier != '+' || term.text.front() == '+') {
      if (term.text.front() == '+' || term.text.front() == '-' || term.text.front() == '~' || term.text.front() == '?')
        return std::nullopt;  // a modifier takes no qualifier
    }
    term.modifier = true;
    term.has_value = true;
    term.value = std::string(t.substr(i + 1));
    return term;
  }
  if (i < t.size()) {
    if (t[i] != ':' && t[i] != '/') return std::nullopt;
    term.has_value = true;
    term.value = std::string(t.substr(t[i] == ':' ? i + 1 : i));
  }
  return term;
}

struct Cidrs {
  int v4 = 32, v6 = 128;
  std::string domain;  // before the cidr part ("" = current domain)
};

// "domain/24//64": only a trailing "/digits" (and "//digits") is a CIDR length; "a:foo:bar/baz.example.com" has none.
std::optional<Cidrs> split_cidrs(std::string v, bool had_colon) {
  Cidrs c;
  auto digits_after = [&](std::size_t pos) {
    return pos + 1 < v.size() && std::all_of(v.begin() + static_cast<long>(pos) + 1, v.end(), ::isdigit);
  };
  auto number = [](const std::string& n, int max) -> std::optional<int> {
    if (n.empty() || n.size() > 3 || (n.size() > 1 && n[0] == '0')) return std::nullopt;
    int x = std::stoi(n);
    if (x > max) return std::nullopt;
    return x;
  };
  if (auto dbl = v.rfind("//"); dbl != std::string::npos && digits_after(dbl + 1)) {
    auto n = number(v.substr(dbl + 2), 128);
    if (!n) return std::nullopt;
    c.v6 = *n;
    v = v.substr(0, dbl);
  }
  if (auto slash = v.rfind('/'); slash != std::string::npos && digits_after(slash)) {
    auto n = number(v.substr(slash + 1), 32);
    if (!n) return std::nullopt;
    c.v4 = *n;
    v = v.substr(0, slash);
  } else if (!v.empty() && v.back() == '/') {
    return std::nullopt;
  }
  if (had_colon && v.empty()) return std::nullopt;
  c.domain = v;
  return c;
}

bool in_net(const dns::IpAddress& ip, const dns::IpAddress& net, int prefix) {
  if (ip.v6 != net.v6) return false;
  dns::Cidr c{net, prefix};
  return dns::in_cidr(ip, c);
}

class Evaluator {
 public:
  Evaluator(dns::Resolver& dns, const SpfRequest& req, SpfOutcome& out) : dns_(dns), req_(req), out_(out) {}

  // `in_include`: evaluating an include's record, whose exp= never applies (§6.2).
  SpfResult check(const std::string& domain, int depth, bool in_include = false) {
    if (depth > 20) throw Abort{SpfResult::permerror, "include/redirect nesting too deep"};
    if (!valid_domain(domain)) {
      out_.problem = "\"" + domain + "\" is not a valid domain name";
      return SpfResult::none;
    }
    dns::Answer txt = lookup(domain, dns::RRType::TXT);
    if (txt.unknown()) throw Abort{SpfResult::temperror, "TXT lookup of " + domain + ": " + std::string(dns::to_string(txt.status))};
    std::vector<std::string> records;
    for (const auto& r : txt.records) {
      std::string low = text::lower(r.value.substr(0, 7));
      if (low == "v=spf1" || low == "v=spf1 ") records.push_back(r.value);
    }
    if (records.empty()) {
      out_.problem = domain + " publishes no SPF record";
      return SpfResult::none;
    }
    if (records.size() > 1) throw Abort{SpfResult::permerror, domain + " publishes " + std::to_string(records.size()) + " SPF records"};
    const std::string& record = records.front();
    out_.path.push_back(domain + ": " + record);
    out_.domain = domain;
    out_.record = record;
    for (unsigned char c : record)
      if (c > 0x7e || (c < 0x20)) throw Abort{SpfResult::permerror, "the record of " + domain + " holds a non-ASCII or control byte"};

    // Parse every term first: a syntax error anywhere is a permerror (§4.6).
    std::vector<Term> terms;
    std::optional<Term> redirect, exp;
    for (auto piece : text::split(std::string_view(record).substr(6), ' ')) {
      if (piece.empty()) continue;
      auto t = parse_term(piece);
      if (!t) throw Abort{SpfResult::permerror, "bad term \"" + std::string(piece) + "\" in the record of " + domain};
      if (t->modifier) {
        if (t->name == "redirect" || t->name == "exp") {
          auto& slot = t->name == "redirect" ? redirect : exp;
          if (slot) throw Abort{SpfResult::permerror, t->name + "= given twice in the record of " + domain};
          if (!expand(t->value, domain)) throw Abort{SpfResult::permerror, "bad macro in " + t->text};
          check_spec(t->value, *t);
          slot = *t;
        } else if (!expand(t->value, domain)) {
          throw Abort{SpfResult::permerror, "bad macro in " + t->text};
        }
        continue;
      }
      static const std::set<std::string, std::less<>> known = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"};
      if (!known.count(t->name)) throw Abort{SpfResult::permerror, "unknown mechanism \"" + t->text + "\""};
      if ((t->name == "include" || t->name == "exists") && (!t->has_value || t->value.empty() || t->value.front() == '/'))
        throw Abort{SpfResult::permerror, t->name + " needs a domain: " + t->text};
      if ((t->name == "ip4" || t->name == "ip6") && !t->has_value) throw Abort{SpfResult::permerror, t->text + " needs an address"};
      if (t->name == "all" && t->has_value) throw Abort{SpfResult::permerror, "bad term " + t->text};
      if ((t->name == "a" || t->name == "mx") && !split_cidrs(t->value, t->has_value && t->text.find(':') != std::string::npos))
        throw Abort{SpfResult::permerror, "bad CIDR length in " + t->text};
      if (t->name == "ip4" || t->name == "ip6") parse_ip_term(*t);  // throws on error
      if (t->name == "ptr" && t->has_value) {
        if (t->value.empty() || t->value.find('/') != std::string::npos) throw Abort{SpfResult::permerror, "bad term " + t->text};
        check_spec(t->value, *t);
      }
      if (t->name == "include" || t->name == "exists") check_spec(t->value, *t);
      if ((t->name == "a" || t->name == "mx") && t->text.find(':') != std::string::npos)
        check_spec(split_cidrs(t->value, true)->domain, *t);
      terms.push_back(*t);
    }

    for (const auto& t : terms) {
      if (matches(t, domain, depth)) {
        out_.mechanism = t.text;
        SpfResult r = t.qualifier == '-' ? SpfResult::fail : t.qualifier == '~' ? SpfResult::softfail
                    : t.qualifier == '?' ? SpfResult::neutral : SpfResult::pass;
        out_.path.push_back(domain + ": " + t.text + " matched -> " + std::string(to_string(r)));
        if (r == SpfResult::fail && exp && !in_include) explain(exp->value, domain);
        return r;
      }
    }
    if (redirect) {
      count_lookup();
      std::string d = target_of(redirect->value, domain);
      out_.path.push_back(domain + ": redirect=" + d);
      SpfResult r = check(d, depth + 1, in_include);
      if (r == SpfResult::none) throw Abort{SpfResult::permerror, "redirect=" + d + " has no SPF record"};
      return r;
    }
    out_.mechanism = "no mechanism matched (default neutral)";
    return SpfResult::neutral;
  }

 private:
  dns::Answer lookup(const std::string& name, dns::RRType type) {
    dns::Answer a = dns_.lookup(name, type);
    out_.evidence.push_back(a);
    return a;
  }

  void count_lookup() {
    if (++out_.lookups > kMaxLookups) throw Abort{SpfResult::permerror, "more than 10 DNS-querying mechanisms (RFC 7208 §4.6.4)"};
  }
  void note_void(const dns::Answer& a) {
    if (a.absent() && ++out_.void_lookups > kMaxVoid)
      throw Abort{SpfResult::permerror, "more than 2 lookups found nothing (void lookup limit, RFC 7208 §4.6.4)"};
  }

  // A domain-spec without macros must be a valid domain (§4.6.1 toplabel); one with macros is judged after
  // expansion, where an invalid result simply finds nothing (the openspf suite's helo-macro cases).
  void check_spec(const std::string& spec, const Term& t) {
    if (spec.empty()) throw Abort{SpfResult::permerror, "empty domain in " + t.text};
    if (spec.find('%') == std::string::npos && !valid_target(spec)) throw Abort{SpfResult::permerror, "bad domain in " + t.text};
  }

  // A domain-spec expanded and shortened; a macro syntax error is a permerror.
  std::string target_of(const std::string& spec, const std::string& domain) {
    auto e = expand(spec, domain);
    if (!e) throw Abort{SpfResult::permerror, "bad macro in \"" + spec + "\""};
    return shorten(*e);
  }

  std::optional<std::string> expand(const std::string& spec, const std::string& domain, bool explanation = false) {
    MacroContext ctx{&req_, domain, validated_name(domain, spec), explanation, static_cast<long>(std::time(nullptr))};
    return expand_macros(spec, ctx);
  }

  // %{p}: only computed when the spec uses it (it costs lookups).
  std::string validated_name(const std::string& domain, const std::string& spec) {
    if (text::lower(spec).find("%{p") == std::string::npos) return "";
    for (const auto& name : validated_ptr_names(domain))
      return name;
    return "unknown";
  }

  std::vector<std::string> validated_ptr_names(const std::string& target) {
    std::vector<std::string> out;
    dns::Answer ptr = lookup(dns::reverse_name(req_.ip), dns::RRType::PTR);
    std::size_t n = 0;
    for (const auto& rec : ptr.records) {
      if (++n > kMaxMxOrPtr) break;
      dns::Answer a = lookup(rec.value, req_.ip.v6 ? dns::RRType::AAAA : dns::RRType::A);
      if (!dns::holds_address(a, req_.ip)) continue;
      std::string name = text::lower(rec.value);
      std::string t = text::lower(target);
      bool under = name == t || (name.size() > t.size() && name.ends_with("." + t));
      if (under) out.insert(out.begin(), name);
      else out.push_back(name);
    }
    return out;
  }

  void parse_ip_term(const Term& t) {
    std::string v = t.value;
    int prefix = t.name == "ip4" ? 32 : 128;
    auto slash = v.find('/');
    if (slash != std::string::npos) {
      std::string p = v.substr(slash + 1);
      if (p.empty() || p.size() > 3 || !std::all_of(p.begin(), p.end(), ::isdigit) || (p.size() > 1 && p[0] == '0'))
        throw Abort{SpfResult::permerror, "bad prefix in " + t.text};
      prefix = std::stoi(p);
      v = v.substr(0, slash);
    }
    auto ip = dns::parse_ip(v);
    if (!ip || ip->v6 != (t.name == "ip6") || prefix > (t.name == "ip4" ? 32 : 128))
      throw Abort{SpfResult::permerror, "bad address in " + t.text};
  }

  bool matches(const Term& t, const std::string& domain, int depth) {
    (void)depth;
    if (t.name == "all") return true;
    if (t.name == "ip4" || t.name == "ip6") {
      std::string v = t.value;
      int prefix = t.name == "ip4" ? 32 : 128;
      if (auto slash = v.find('/'); slash != std::string::npos) {
        prefix = std::stoi(v.substr(slash + 1));
        v = v.substr(0, slash);
      }
      auto net = dns::parse_ip(v);
      return net && in_net(req_.ip, *net, prefix);
    }
    if (t.name == "include") {
      count_lookup();
      std::string target = target_of(t.value, domain);
      if (!valid_target(target)) return false;
      SpfOutcome saved_domain = out_;
      SpfResult r = check(target, depth + 1, true);
      out_.domain = saved_domain.domain;
      out_.record = saved_domain.record;
      out_.path.push_back(domain + ": include:" + target + " -> " + std::string(to_string(r)));
      if (r == SpfResult::pass) return true;
      if (r == SpfResult::none) throw Abort{SpfResult::permerror, "include:" + target + " has no SPF record"};
      return false;
    }
    if (t.name == "exists") {
      count_lookup();
      std::string target = target_of(t.value, domain);
      if (!valid_target(target)) return false;
      dns::Answer a = lookup(target, dns::RRType::A);
      if (a.unknown()) throw Abort{SpfResult::temperror, "A lookup of " + target + ": " + std::string(dns::to_string(a.status))};
      note_void(a);
      return !a.records.empty();
    }
    if (t.name == "a" || t.name == "mx") {
      count_lookup();
      bool colon = t.text.find(':') != std::string::npos;
      Cidrs c = *split_cidrs(t.value, colon);
      std::string target = c.domain.empty() ? domain : target_of(c.domain, domain);
      if (!valid_target(target)) return false;  // a macro expanded to no valid name: nothing to find
      int prefix = req_.ip.v6 ? c.v6 : c.v4;
      auto type = req_.ip.v6 ? dns::RRType::AAAA : dns::RRType::A;
      std::vector<std::string> hosts;
      if (t.name == "a") {
        hosts.push_back(target);
      } else {
        dns::Answer mx = lookup(target, dns::RRType::MX);
        if (mx.unknown()) throw Abort{SpfResult::temperror, "MX lookup of " + target + ": " + std::string(dns::to_string(mx.status))};
        note_void(mx);
        if (mx.records.size() > kMaxMxOrPtr) throw Abort{SpfResult::permerror, target + " has more than 10 MX records"};
        for (const auto& r : mx.records)
          if (!r.value.empty()) hosts.push_back(r.value);
      }
      for (const auto& h : hosts) {
        dns::Answer a = lookup(h, type);
        if (a.unknown()) throw Abort{SpfResult::temperror, std::string(t.name == "a" ? "A" : "MX host") + " lookup of " + h + ": " +
                                                           std::string(dns::to_string(a.status))};
        if (t.name == "a") note_void(a);
        for (const auto& rec : a.records)
          if (auto addr = dns::parse_ip(rec.value); addr && in_net(req_.ip, *addr, prefix)) return true;
      }
      return false;
    }
    if (t.name == "ptr") {
      count_lookup();
      std::string target = t.has_value ? target_of(t.value, domain) : domain;
      for (const auto& name : validated_ptr_names(target)) {
        std::string tl = text::lower(target);
        if (name == tl || name.ends_with("." + tl)) return true;
      }
      return false;
    }
    return false;
  }

  void explain(const std::string& spec, const std::string& domain) {
    auto target = expand(spec, domain);
    if (!target || target->empty()) return;
    std::string name = shorten(*target);
    if (!valid_target(name)) return;
    dns::Answer a = dns_.lookup(name, dns::RRType::TXT);
    out_.evidence.push_back(a);
    if (!a.ok() || a.records.size() != 1) return;
    if (auto text = expand(a.records.front().value, domain, true)) out_.explanation = *text;
  }

  dns::Resolver& dns_;
  const SpfRequest& req_;
  SpfOutcome& out_;
};

}  // namespace

SpfOutcome check_host(dns::Resolver& dns, const SpfRequest& request_in) {
  SpfOutcome out;
  SpfRequest request = request_in;
  // An IPv4-mapped IPv6 client (::ffff:192.0.2.1) is the IPv4 client (§5).
  static const std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (request.ip.v6 && std::equal(mapped, mapped + 12, request.ip.bytes.begin())) {
    dns::IpAddress v4;
    std::copy(request.ip.bytes.begin() + 12, request.ip.bytes.end(), v4.bytes.begin());
    request.ip = v4;
  }
  std::string domain = dns::normalise_name(request.domain);
  try {
    Evaluator e(dns, request, out);
    out.result = e.check(domain, 0);
  } catch (const Abort& a) {
    out.result = a.result;
    out.problem = a.why;
    out.path.push_back(std::string(to_string(a.result)) + ": " + a.why);
  }
  if (out.domain.empty()) out.domain = domain;
  return out;
}

}  // namespace mailaudit::auth
