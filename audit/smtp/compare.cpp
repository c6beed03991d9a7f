#include "smtp/compare.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "util/text.hpp"

namespace mailaudit::smtp {

namespace {

constexpr std::array<Stage, 4> kProbed{Stage::connect, Stage::helo, Stage::mail, Stage::rcpt};

std::string reply_line(const probe::Reply& r) {
  if (r.code == 0) return "";
  return std::to_string(r.code) + (r.status.empty() ? "" : " " + r.status) + (r.text.empty() ? "" : " " + r.text);
}

// What the receiver answered at `stage`: the last greeting counts (EHLO refused, HELO accepted), and of
// several recipients the worst answer.
struct Answer {
  std::string kind = "not_reached";
  const probe::Step* step = nullptr;
};
Answer answer_at(const probe::Session& s, std::string_view stage) {
  Answer a;
  auto rank = [](const std::string& k) { return k == "cannot_tell" ? 4 : k == "rejected" ? 3 : k == "deferred" ? 2 : 1; };
  for (const auto& st : s.steps) {
    if (st.stage != stage) continue;
    std::string kind = !st.problem.empty() ? "cannot_tell"
                       : st.reply.code >= 500 ? "rejected"
                       : st.reply.code >= 400 ? "deferred"
                                              : "accepted";
    if (stage == "helo" || a.step == nullptr || rank(kind) >= rank(a.kind)) {
      a.kind = kind;
      a.step = &st;
    }
  }
  return a;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

probe::Check compare(const Report& r, const std::shared_ptr<const probe::ProbeResult>& result, const rules::Rules& rules) {
  probe::Check c;
  c.result = result;
  if (!result || result->sessions.empty()) return c;
  const probe::Session& s = result->sessions.back();
  // Where the receiver stopped (refused or deferred) and the stage its reply names as the cause.
  std::optional<Stage> stop = s.outcome.stopped_at.empty() ? std::nullopt : parse_stage(s.outcome.stopped_at);
  for (Stage stage : kProbed) {
    probe::StageView v;
    v.stage = std::string(to_string(stage));
    Severity worst = Severity::pass;
    for (const auto& f : r.findings) {
      if (f.ignored || f.stage != stage) continue;
      if (worse(f.severity, worst)) worst = f.severity;
      if (f.severity == Severity::error || f.severity == Severity::warning) v.ids.push_back(f.id);
    }
    v.audit = std::string(to_string(worst));
    Answer a = answer_at(s, v.stage);
    v.answer = a.kind;
    if (a.step) v.reply = reply_line(a.step->reply);
    // Causes at or before this stage: what a receiver refusing here may have acted on.
    std::vector<std::string> causes;
    for (const auto& f : r.findings)
      if (!f.ignored && f.stage <= stage && (f.severity == Severity::error || f.severity == Severity::warning)) causes.push_back(f.id);
    std::vector<std::pair<std::string, std::string>> fill{{"ids", joined(v.ids)}, {"causes", joined(causes)}, {"reply", v.reply}};
    if (a.kind == "cannot_tell") {
      v.agreement = "cannot_tell";
      fill.emplace_back("why", rules.word("probe.problem_" + a.step->problem));
    } else if (a.kind == "not_reached") {
      v.agreement = "not_reached";
    } else if (a.kind == "rejected" || a.kind == "deferred") {
      // The reply names what it refused on (a profile rule's or a signature's findings, else the stage's usual
      // ones): the audit agrees only when it found one of those, not merely any warning before the stage.
      const auto& look_at = a.step->classification.look_at;
      std::vector<std::string> named;
      for (const auto& id : causes)
        if (look_at.empty() || std::find(look_at.begin(), look_at.end(), id) != look_at.end()) named.push_back(id);
      v.agreement = named.empty() ? "disagree" : "agree";
      for (auto& [key, value] : fill)
        if (key == "causes") value = joined(named);  // the note names the causes the reply points at
      fill.emplace_back("look_at", joined(look_at));
    } else if (worst == Severity::error) {
      // Delayed only when the later refusal is about one of this stage's causes (or names none): a refusal
      // of the recipient does not answer a listed sender.
      bool later = false;
      if (stop && *stop > stage)
        if (Answer at = answer_at(s, s.outcome.stopped_at); at.step) {
          const auto& look_at = at.step->classification.look_at;
          later = look_at.empty() || std::any_of(v.ids.begin(), v.ids.end(), [&](const std::string& id) {
                    return std::find(look_at.begin(), look_at.end(), id) != look_at.end();
                  });
        }
      v.agreement = later ? "delayed" : "disagree";
      if (stop) fill.emplace_back("later", std::string(stage_label(*stop)));
    } else {
      v.agreement = "agree";
    }
    std::string key = "probe.cmp_" + v.agreement;
    if (v.agreement == "agree") key += a.kind == "accepted" ? "_accepted" : "_refused";
    if (v.agreement == "disagree") key += a.kind == "accepted" ? "_not_enforced" : "_unexplained";
    v.note = text::fill(rules.word(key), fill);
    c.disagreements += v.agreement == "disagree";
    c.stages.push_back(std::move(v));
  }
  return c;
}

}  // namespace mailaudit::smtp
