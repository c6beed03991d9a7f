// check --probe: the audit's findings per stage next to the receiver's answers (smtp/compare.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rules/rules.hpp"
#include "smtp/compare.hpp"

using namespace mailaudit;

namespace {

const rules::Rules& rules_() {
  static const rules::Rules r = rules::Rules::builtin();
  return r;
}

Finding finding(const std::string& id, Stage stage, Severity sev) {
  Finding f;
  f.id = id;
  f.stage = stage;
  f.severity = sev;
  return f;
}

probe::Step step(const std::string& stage, const std::string& command, int code, const std::string& problem = "",
                 std::vector<std::string> look_at = {}) {
  probe::Step s;
  s.classification.look_at = std::move(look_at);
  s.stage = stage;
  s.command = command;
  s.reply.code = code;
  s.problem = problem;
  return s;
}

// A session as the probe leaves it: steps, and the outcome's stop (classification is not needed here).
probe::Session session(std::vector<probe::Step> steps, const std::string& stopped_at) {
  probe::Session s;
  s.steps = std::move(steps);
  s.outcome.stopped_at = stopped_at;
  return s;
}

std::vector<probe::Step> accepted_all() {
  return {step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
          step("rcpt", "RCPT TO:<u@b.example>", 250), step("rset", "RSET", 250), step("quit", "QUIT", 221)};
}

struct Row {
  const char* label;
  std::vector<Finding> findings;
  probe::Session session;
  std::vector<std::string> want_answer;     // connect, helo, mail, rcpt
  std::vector<std::string> want_agreement;  // connect, helo, mail, rcpt
  std::size_t want_disagreements;
};

}  // namespace

TEST_CASE("check --probe sets the audit beside the receiver's answer at each stage") {
  std::vector<Row> rows = {
      {"clean audit, everything accepted", {finding("rdns.ok", Stage::connect, Severity::pass)}, session(accepted_all(), ""),
       {"accepted", "accepted", "accepted", "accepted"}, {"agree", "agree", "agree", "agree"}, 0},
      {"listed IP, the receiver answers it at RCPT TO (delayed, not a disagreement)",
       {finding("dnsbl.listed", Stage::connect, Severity::error)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 554), step("quit", "QUIT", 221)},
               "rcpt"),
       {"accepted", "accepted", "accepted", "rejected"}, {"delayed", "agree", "agree", "agree"}, 0},
      {"listed IP refused at connect", {finding("dnsbl.listed", Stage::connect, Severity::error)},
       session({step("connect", "", 554), step("quit", "QUIT", 221)}, "connect"),
       {"rejected", "not_reached", "not_reached", "not_reached"}, {"agree", "not_reached", "not_reached", "not_reached"}, 0},
      {"a refusal the audit has no cause for", {},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 553),
                step("quit", "QUIT", 221)},
               "mail"),
       {"accepted", "accepted", "rejected", "not_reached"}, {"agree", "agree", "disagree", "not_reached"}, 1},
      {"a predicted refusal the receiver does not make", {finding("sender.listed", Stage::mail, Severity::error)},
       session(accepted_all(), ""), {"accepted", "accepted", "accepted", "accepted"}, {"agree", "agree", "disagree", "agree"}, 1},
      {"a warning is no predicted refusal", {finding("helo.not_fqdn", Stage::helo, Severity::warning)}, session(accepted_all(), ""),
       {"accepted", "accepted", "accepted", "accepted"}, {"agree", "agree", "agree", "agree"}, 0},
      {"greylisted at RCPT TO: deferred, with a cause in the audit", {finding("rdns.missing", Stage::connect, Severity::warning)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 450), step("quit", "QUIT", 221)},
               "rcpt"),
       {"accepted", "accepted", "accepted", "deferred"}, {"agree", "agree", "agree", "agree"}, 0},
      {"timeout after EHLO: cannot tell there, nothing later", {finding("sender.listed", Stage::mail, Severity::error)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 0, "timeout")}, "helo"),
       {"accepted", "cannot_tell", "not_reached", "not_reached"}, {"agree", "cannot_tell", "not_reached", "not_reached"}, 0},
      {"EHLO refused, HELO accepted: the last greeting counts", {},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 502), step("helo", "HELO a.example", 250),
                step("mail", "MAIL FROM:<>", 250), step("rcpt", "RCPT TO:<u@b.example>", 250)},
               ""),
       {"accepted", "accepted", "accepted", "accepted"}, {"agree", "agree", "agree", "agree"}, 0},
      {"two recipients, one refused: the worst answer at RCPT TO", {finding("rcpt.nxdomain", Stage::rcpt, Severity::error)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 250), step("rcpt", "RCPT TO:<v@c.example>", 550)},
               ""),
       {"accepted", "accepted", "accepted", "rejected"}, {"agree", "agree", "agree", "agree"}, 0},
      {"the reply names a cause the audit found", {finding("rdns.missing", Stage::connect, Severity::warning)},
       session({step("connect", "", 450, "", {"rdns.missing", "rdns.unconfirmed"})}, "connect"),
       {"deferred", "not_reached", "not_reached", "not_reached"}, {"agree", "not_reached", "not_reached", "not_reached"}, 0},
      {"the reply names a cause the audit did not find (a warning elsewhere is no explanation)",
       {finding("spf.none", Stage::mail, Severity::warning)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 554, "", {"dnsbl.listed"})},
               "rcpt"),
       {"accepted", "accepted", "accepted", "rejected"}, {"agree", "agree", "agree", "disagree"}, 1},
      {"a later refusal about something else does not answer this stage's cause",
       {finding("sender.listed", Stage::mail, Severity::error)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 550, "", {"rcpt.invalid"})},
               "rcpt"),
       {"accepted", "accepted", "accepted", "rejected"}, {"agree", "agree", "disagree", "disagree"}, 2},
      {"a later refusal naming this stage's cause is delayed", {finding("dnsbl.listed", Stage::connect, Severity::error)},
       session({step("connect", "", 220), step("helo", "EHLO a.example", 250), step("mail", "MAIL FROM:<>", 250),
                step("rcpt", "RCPT TO:<u@b.example>", 554, "", {"dnsbl.listed", "dnsbl.unusable"})},
               "rcpt"),
       {"accepted", "accepted", "accepted", "rejected"}, {"delayed", "agree", "agree", "agree"}, 0},
      {"an ignored finding is no cause", {[] { auto f = finding("dnsbl.listed", Stage::connect, Severity::error); f.ignored = true; return f; }()},
       session({step("connect", "", 554)}, "connect"),
       {"rejected", "not_reached", "not_reached", "not_reached"}, {"disagree", "not_reached", "not_reached", "not_reached"}, 1},
  };
  for (const auto& row : rows) {
    Report r;
    r.findings = row.findings;
    auto result = std::make_shared<probe::ProbeResult>();
    result->sessions.push_back(row.session);
    probe::Check c = smtp::compare(r, result, rules_());
    std::vector<std::string> answers, agreements;
    for (const auto& v : c.stages) {
      answers.push_back(v.answer);
      agreements.push_back(v.agreement);
      INFO(row.label << ": stage " << v.stage << " has a note");
      CHECK_FALSE(v.note.empty());
      CHECK(v.note.find('{') == std::string::npos);
    }
    INFO(row.label);
    CHECK_THAT(answers, Catch::Matchers::Equals(row.want_answer));
    CHECK_THAT(agreements, Catch::Matchers::Equals(row.want_agreement));
    CHECK(c.disagreements == row.want_disagreements);
  }
}

TEST_CASE("check --probe without a session compares nothing") {
  Report r;
  r.findings.push_back(finding("dnsbl.listed", Stage::connect, Severity::error));
  probe::Check c = smtp::compare(r, std::make_shared<probe::ProbeResult>(), rules_());
  INFO("got " << c.stages.size() << " stages, want 0");
  CHECK(c.stages.empty());
  CHECK(c.disagreements == 0);
}
