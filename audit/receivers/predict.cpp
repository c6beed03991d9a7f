#include "receivers/predict.hpp"

#include <algorithm>

#include "model/report.hpp"
#include "rules/rules.hpp"
#include "util/names.hpp"
#include "util/text.hpp"

namespace mailaudit::receivers {

namespace {

bool matches(const std::string& pattern, const std::string& id) {
  if (pattern.ends_with(".*")) return id.starts_with(pattern.substr(0, pattern.size() - 1));
  return pattern == id;
}

// A finding the receiver can act on: anything but a pass.
bool present(const Finding& f) { return f.severity != Severity::pass; }

// True when `f` rests on an answer from `zone` that lists something (any record: a receiver that asks a
// list without a return-code filter takes any answer as a listing, error codes included).
bool answered_by_zone(const Finding& f, const std::string& zone) {
  return std::any_of(f.evidence.begin(), f.evidence.end(), [&](const dns::Answer& a) {
    return !a.records.empty() && rules::host_within(dns::normalise_name(a.name), zone) && a.name.size() > zone.size();
  });
}

// True when `f`'s evidence holds an A record within the client's IPv4 network of `bits` bits.
bool forward_in_client_net(const Finding& f, const Envelope& e, unsigned bits) {
  auto client = e.ip ? dns::parse_ip(*e.ip) : std::nullopt;
  if (!client || client->v6) return false;
  auto same = [&](const dns::IpAddress& a) {
    for (unsigned i = 0; i < bits; ++i) {
      unsigned byte = i / 8, mask = 0x80u >> (i % 8);
      if ((a.bytes[byte] & mask) != (client->bytes[byte] & mask)) return false;
    }
    return true;
  };
  for (const auto& a : f.evidence)
    for (const auto& rec : a.records)
      if (rec.type == dns::RRType::A)
        if (auto ip = dns::parse_ip(rec.value); ip && !ip->v6 && same(*ip)) return true;
  return false;
}

const Finding* first_match(const std::vector<std::string>& patterns, const Report& r, const std::string& zone = "",
                           unsigned except_same_net = 0, bool passes_too = false) {
  for (const auto& f : r.findings) {
    if (!passes_too && !present(f)) continue;
    if (except_same_net && forward_in_client_net(f, r.context, except_same_net)) continue;
    for (const auto& p : patterns)
      if (matches(p, f.id) && (zone.empty() || answered_by_zone(f, zone))) return &f;
  }
  return nullptr;
}

// The domain of an address, or of the From header's address ("" when there is none).
std::string domain_of(const std::string& from) {
  auto at = from.rfind('@');
  if (at == std::string::npos) return "";
  std::string d = from.substr(at + 1);
  auto end = d.find_first_of("> \t,;");
  return dns::normalise_name(d.substr(0, end));
}

std::string fill_reply(const std::string& text, const Report& r, const Rule& rule) {
  const Envelope& e = r.context;
  return text::fill(text, {{"ip", e.ip.value_or("")},
                           {"helo", e.helo.value_or("")},
                           {"mail_from", e.mail_from.value_or("")},
                           {"sender_domain", domain_of(e.mail_from.value_or(""))},
                           {"rcpt", e.rcpt.empty() ? "" : e.rcpt.front()},
                           {"rcpt_domain", domain_of(e.rcpt.empty() ? "" : e.rcpt.front())},
                           {"from_domain", domain_of(r.message.from)},
                           {"zone", rule.zone}});
}

struct Hit {
  const Rule* rule;
  std::vector<const Finding*> causes;
  Stage evaluated, answered;
  std::size_t order;
};

}  // namespace

ReceiverVerdict predict(const Profile& p, const Report& r) {
  ReceiverVerdict v;
  v.id = p.id;
  v.name = p.name;
  v.source = p.file;
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < p.rules.size(); ++i) {
    const Rule& rule = p.rules[i];
    if (rule.action == Action::ignore) continue;
    const bool scored = rule.action == Action::score;
    const Finding* f = first_match(rule.findings, r, rule.zone, rule.except_same_net, scored);
    if (!f) continue;
    Hit h{&rule, {f}, rule.stage.value_or(f->stage), Stage::end_of_data, i};
    bool all = true;
    for (const auto& group : rule.also) {
      const Finding* g = first_match(group, r, "", 0, scored);
      if (!g) all = false;
      else h.causes.push_back(g);
    }
    if (!all) continue;
    auto delayed = p.answers.find(h.evaluated);
    h.answered = rule.answers_at.value_or(delayed != p.answers.end() ? delayed->second : h.evaluated);
    hits.push_back(std::move(h));
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.evaluated != b.evaluated ? a.evaluated < b.evaluated : a.order < b.order;
  });
  auto because = [&](const Hit& h) {
    for (const Finding* f : h.causes) v.because.push_back({f->id, f->stage});
  };
  // A scoring receiver: the points of every matching score rule, once each; at or below the threshold it
  // rejects where the scoring says, unless a plain reject or defer answers earlier.
  std::optional<Stage> scored_at;
  int score = 0;
  if (p.scoring) {
    for (const auto& h : hits)
      if (h.rule->action == Action::score) score += h.rule->points;
    if (score <= p.scoring->threshold) scored_at = p.scoring->stage;
  }
  for (const auto& h : hits) {
    if (h.rule->action != Action::reject && h.rule->action != Action::defer) continue;
    if (scored_at && *scored_at < h.answered) break;
    v.outcome = h.rule->action == Action::reject ? Outcome::reject : Outcome::defer;
    v.stage = h.answered;
    v.reply = h.rule->reply;
    v.reply->text = fill_reply(h.rule->reply.text, r, *h.rule);
    because(h);
    return v;
  }
  if (scored_at) {
    v.outcome = Outcome::reject;
    v.stage = scored_at;
    v.reply = p.scoring->reply;
    v.reply->text = text::fill(p.scoring->reply.text, {{"score", std::to_string(score)}});
    for (const auto& h : hits)
      if (h.rule->action == Action::score && h.rule->points < 0) because(h);
    return v;
  }
  // A rule whose lookups failed (its unknown_on findings) leaves the outcome open.
  for (const auto& rule : p.rules)
    for (const auto& f : r.findings)
      if (present(f) && std::any_of(rule.unknown_on.begin(), rule.unknown_on.end(),
                                    [&](const std::string& pat) { return matches(pat, f.id); }) &&
          std::none_of(v.because.begin(), v.because.end(), [&](const ReceiverCause& c) { return c.id == f.id; })) {
        v.outcome = Outcome::unknown;
        v.because.push_back({f.id, f.stage});
      }
  if (v.outcome == Outcome::unknown) return v;
  for (const auto& h : hits) {
    if (h.rule->action != Action::junk) continue;
    if (v.outcome != Outcome::junk) v.stage = h.answered;
    v.outcome = Outcome::junk;
    because(h);
  }
  return v;
}

std::vector<const Profile*> select_profiles(const std::vector<std::string>& specs, const std::vector<Profile>& profiles,
                                            const Report& r) {
  std::vector<const Profile*> out;
  auto add = [&](const Profile* p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  for (const auto& spec : specs) {
    if (spec == "all") {
      for (const auto& p : profiles) add(&p);
    } else if (spec == "auto") {
      for (const auto& rcpt : r.context.rcpt) {
        auto at = rcpt.rfind('@');
        if (at == std::string::npos) continue;
        std::string domain = dns::normalise_name(rcpt.substr(at + 1));
        std::vector<std::string> mx;
        for (const auto& q : r.dns.queries)
          if (q.type == dns::RRType::MX && dns::normalise_name(q.name) == domain)
            for (const auto& rec : q.records)
              if (rec.type == dns::RRType::MX) mx.push_back(dns::normalise_name(rec.value));
        for (const auto& p : profiles) {
          bool by_domain = std::find(p.domains.begin(), p.domains.end(), domain) != p.domains.end();
          bool by_mx = std::any_of(mx.begin(), mx.end(), [&](const std::string& host) {
            return std::any_of(p.mx.begin(), p.mx.end(), [&](const std::string& s) { return rules::host_within(host, s); });
          });
          if (by_domain || by_mx) add(&p);
        }
      }
    } else if (const Profile* p = find_profile(profiles, spec)) {
      add(p);
    } else {
      std::string known;
      for (const auto& q : profiles) known += (known.empty() ? "" : ", ") + q.id;
      throw ProfileError("--receiver: no profile \"" + spec + "\" (known: all, auto, " + known + ")");
    }
  }
  return out;
}

}  // namespace mailaudit::receivers
