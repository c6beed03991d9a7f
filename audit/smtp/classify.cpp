#include "smtp/classify.hpp"

#include <utility>

#include "bounce/reply.hpp"
#include "receivers/match.hpp"
#include "rules/bounce_rules.hpp"
#include "util/text.hpp"

namespace mailaudit::smtp {

namespace {

std::vector<std::string> words_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto w : text::split(s, ' '))
    if (!w.empty()) out.emplace_back(w);
  return out;
}

std::string who(const probe::Session& s) {
  return s.host.empty() || s.host == s.address ? s.address : s.host + " (" + s.address + ")";
}

// The receiver profile rule whose reply this is: first among the profiles recognised by the host's MX name,
// then those modelling server software (their replies are the software's own), then any.
std::optional<probe::ProfileMatch> profile_match(const probe::Reply& r, const std::string& host,
                                                 const std::vector<receivers::Profile>& profiles) {
  std::vector<receivers::Profile> by_mx, software;
  const std::string h = text::lower(host);
  for (const auto& p : profiles) {
    for (const auto& suffix : p.mx)
      if (h == suffix || (h.size() > suffix.size() && h.ends_with("." + suffix))) {
        by_mx.push_back(p);
        break;
      }
    if (!p.server_kind.empty()) software.push_back(p);
  }
  std::string said = std::to_string(r.code) + (r.status.empty() ? "" : " " + r.status) + " " + r.text;
  for (const std::vector<receivers::Profile>* set : {&std::as_const(by_mx), &std::as_const(software), &profiles}) {
    auto m = receivers::match_reply(*set, r.code, r.status, said);
    if (m.profile && m.rule) return probe::ProfileMatch{m.profile->id, m.rule->via, m.rule->findings};
  }
  return std::nullopt;
}

void classify_step(probe::Step& st, const std::string& host, const rules::Rules& rules,
                   const std::vector<receivers::Profile>& profiles) {
  const auto& br = rules.bounces();
  auto& c = st.classification;
  if (!st.problem.empty()) {
    c.meaning = rules.word("probe.problem_" + st.problem);
    return;
  }
  if (st.reply.code < 400) return;
  c.temporary = st.reply.code / 100 == 4;
  std::string said = std::to_string(st.reply.code) + (st.reply.status.empty() ? "" : " " + st.reply.status) + " " + st.reply.text;
  for (const auto& sig : br.signatures)
    if (bounce::search(sig.re, said)) {
      c.signature = probe::Signature{sig.id, sig.meaning, sig.look_at, sig.advice};
      c.cause_stage = std::string(to_string(sig.stage));
      c.look_at = sig.look_at;
      if (sig.temporary && st.reply.code / 100 != 5) c.temporary = true;
      break;
    }
  if (c.cause_stage.empty())
    for (const auto& cause : br.causes)
      if (bounce::search(cause.re, said)) {
        c.cause_stage = std::string(to_string(cause.stage));
        break;
      }
  if (c.cause_stage.empty() && parse_stage(st.stage)) c.cause_stage = st.stage;
  c.profile = profile_match(st.reply, host, profiles);
  if (c.profile && !c.profile->findings.empty()) c.look_at = c.profile->findings;
  if (c.look_at.empty() && !c.cause_stage.empty()) c.look_at = words_list(rules.word("probe.look_at_" + c.cause_stage));
  if (c.signature) c.meaning = c.signature->meaning;
  else if (auto stage = parse_stage(c.cause_stage); stage && br.text_for(*stage))
    c.meaning = text::fill(rules.word(c.temporary ? "probe.meaning_temporary" : "probe.meaning_permanent"),
                           {{"seen", br.text_for(*stage)->seen}, {"look", br.text_for(*stage)->look}});
  else c.meaning = rules.word(c.temporary ? "probe.meaning_temporary_other" : "probe.meaning_permanent_other");
}

std::string stage_phrase(const rules::BounceRules& br, const std::string& stage, const rules::Rules& rules) {
  if (auto s = parse_stage(stage); s && br.text_for(*s)) return br.text_for(*s)->phrase;
  return rules.word("probe.phrase_" + stage);
}

}  // namespace

void classify(probe::Session& s, const rules::Rules& rules, const std::vector<receivers::Profile>& profiles) {
  const auto& br = rules.bounces();
  for (auto& st : s.steps) classify_step(st, s.host, rules, profiles);
  auto& o = s.outcome;
  const probe::Step* stop = nullptr;
  bool rcpt_problem = false;
  for (const auto& st : s.steps) {
    if (st.stage == "rcpt") {
      std::string addr = st.command.substr(st.command.find('<') + 1);
      if (!addr.empty()) addr.pop_back();
      if (!st.problem.empty()) rcpt_problem = true;
      else if (st.reply.code / 100 == 2) o.accepted_rcpt.push_back(addr);
      else {
        o.rejected_rcpt.push_back(addr);
        if (!stop) stop = &st;
      }
      if (!st.problem.empty() || st.reply.code == 421) break;
      continue;
    }
    if (st.stage == "rset" || st.stage == "quit") continue;
    if (!st.problem.empty()) {
      if (!stop) stop = &st;
      break;
    }
    // EHLO refused and HELO accepted is no stop; the last greeting decides.
    if (st.reply.code >= 400 && !(st.stage == "helo" && st.command.starts_with("EHLO") && st.reply.code / 100 == 5 &&
                                  &st != &s.steps.back() && (&st + 1)->command.starts_with("HELO"))) {
      if (st.stage == "starttls" && st.reply.code != 421) continue;  // refused STARTTLS: the probe went on in clear
      stop = &st;
      break;
    }
  }
  o.accepted = !o.accepted_rcpt.empty();
  if (stop && !(o.accepted && stop->stage == "rcpt" && stop->problem.empty())) {
    o.stopped_at = stop->stage;
    o.could_not_tell = !stop->problem.empty();
    o.temporary = stop->reply.code / 100 == 4;
  } else if (stop) {
    o.temporary = stop->reply.code / 100 == 4;
  }
  if (!o.accepted && !stop && rcpt_problem) o.could_not_tell = true;
  // The lead sentence.
  if (o.accepted && o.rejected_rcpt.empty()) {
    o.summary = text::fill(rules.word("probe.lead_accepted"), {{"host", who(s)}, {"count", std::to_string(o.accepted_rcpt.size())}});
  } else if (stop && stop->problem.empty()) {
    const auto& c = stop->classification;
    std::string sentence = br.word(o.temporary ? "deferred" : "rejected") + " " + stage_phrase(br, stop->stage, rules) + " " +
                           text::fill(rules.word("probe.lead_by"), {{"host", who(s)}});
    sentence += " (" + std::to_string(stop->reply.code) + (stop->reply.status.empty() ? "" : " " + stop->reply.status) + ")";
    if (c.signature && !c.signature->advice.empty()) sentence += ": " + c.signature->meaning + "; " + c.signature->advice + ".";
    else {
      sentence += ": " + c.meaning;
      if (!c.cause_stage.empty() && c.cause_stage != stop->stage)
        if (auto cs = parse_stage(c.cause_stage); cs && br.text_for(*cs))
          sentence += " (" + br.word("earlier_cause") + ": " + br.text_for(*cs)->phrase + ")";
      sentence += ".";
    }
    if (o.accepted) sentence += " " + text::fill(rules.word("probe.lead_some_accepted"), {{"count", std::to_string(o.accepted_rcpt.size())}});
    o.summary = sentence;
  } else {
    std::string problem = stop ? stop->problem : "closed";
    o.summary = text::fill(rules.word("probe.lead_could_not_tell"),
                           {{"host", who(s)}, {"stage", stage_phrase(br, stop ? stop->stage : "rcpt", rules)},
                            {"why", rules.word("probe.problem_" + problem)}});
  }
  // EHLO refused, HELO accepted: not a stop (an MTA falls back to HELO), but worth saying: a client that does
  // not fall back, or needs ESMTP (STARTTLS, SIZE), is refused here (some receivers judge the greeting once).
  for (std::size_t i = 0; i + 1 < s.steps.size(); ++i) {
    const auto& a = s.steps[i];
    const auto& b = s.steps[i + 1];
    if (a.stage == "helo" && a.command.starts_with("EHLO") && a.reply.code / 100 == 5 && b.command.starts_with("HELO") &&
        b.reply.code / 100 == 2) {
      std::string reply = std::to_string(a.reply.code) + (a.reply.status.empty() ? "" : " " + a.reply.status) + " " + a.reply.text;
      o.summary += " " + text::fill(rules.word("probe.lead_ehlo_refused"), {{"reply", reply}});
      break;
    }
  }
}

void summarise(probe::ProbeResult& r, const rules::Rules& rules) {
  r.accepted = r.rejected = r.could_not_tell = false;
  if (r.sessions.empty()) {
    r.could_not_tell = true;
    if (r.summary.empty()) r.summary = rules.word("probe.lead_no_host");
    return;
  }
  const probe::Session& last = r.sessions.back();  // the one that reached a server, or the last tried
  r.summary = last.outcome.summary;
  if (!last.outcome.rejected_rcpt.empty() || (!last.outcome.stopped_at.empty() && !last.outcome.could_not_tell)) {
    if (last.outcome.temporary) r.could_not_tell = true;
    else r.rejected = true;
  } else if (last.outcome.accepted) {
    r.accepted = true;
  } else {
    r.could_not_tell = true;
  }
}

}  // namespace mailaudit::smtp
