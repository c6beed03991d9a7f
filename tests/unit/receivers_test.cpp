// Receiver profiles (audit/receivers/, rules/receivers/*.toml): every file is embedded and loads, a new
// file is a new profile without code, and each profile predicts outcome, answering stage and reply from
// a report's findings.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "bounce/bounce.hpp"
#include "receivers/match.hpp"
#include "receivers/predict.hpp"
#include "receivers/profile.hpp"
#include "rules/embedded.hpp"
#include "rules/rules.hpp"
#include "test_support.hpp"
#include "util/text.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

Finding finding(const std::string& id, Stage stage, Severity sv = Severity::error) {
  Finding f;
  f.id = id;
  f.check = id.substr(0, id.find('.'));
  f.stage = stage;
  f.severity = sv;
  return f;
}

// A blocklist finding whose evidence is an answer under `zone`.
Finding listed(const std::string& id, Stage stage, const std::string& zone) {
  Finding f = finding(id, stage);
  dns::Answer a;
  a.name = "2.0.0.127." + zone;
  a.type = dns::RRType::A;
  a.status = dns::Status::NOERROR;
  a.records.push_back({a.name, dns::RRType::A, 300, "127.0.0.2", 0});
  f.evidence.push_back(a);
  return f;
}

// An rdns finding whose evidence holds the PTR name's forward address `a`.
Finding forward(const std::string& id, const std::string& a) {
  Finding f = finding(id, Stage::connect);
  dns::Answer ans;
  ans.name = "h.lab.example.com";
  ans.type = dns::RRType::A;
  ans.status = dns::Status::NOERROR;
  ans.records.push_back({ans.name, dns::RRType::A, 300, a, 0});
  f.evidence.push_back(ans);
  return f;
}

Report report(std::vector<Finding> findings) {
  Report r;
  r.context.ip = "198.18.0.12";
  r.context.helo = "mail.lab.example.com";
  r.context.mail_from = "bounce@lab.example.com";
  r.context.rcpt = {"user@rx.example.com"};
  r.message.from = "News <news@lab.example.com>";
  r.findings = std::move(findings);
  return r;
}

const std::vector<receivers::Profile>& profiles() {
  static const auto p = receivers::load_profiles();
  return p;
}

std::string because(const ReceiverVerdict& v) {
  std::string s;
  for (const auto& c : v.because) s += (s.empty() ? "" : ",") + c.id + "@" + std::string(to_string(c.cause_stage));
  return s;
}

}  // namespace

TEST_CASE("receivers: every rules/receivers/*.toml is embedded, so a new file is a new profile", "[unit]") {
  std::set<std::string> on_disk, embedded;
  for (const auto& e : fs::directory_iterator(test::source_dir() / "rules" / "receivers"))
    if (e.path().extension() == ".toml") on_disk.insert(e.path().filename().string());
  for (const auto& f : rules::embedded_receiver_files()) embedded.insert(f.name);
  INFO("got embedded " << test::join({embedded.begin(), embedded.end()}) << ", want the folder's "
                       << test::join({on_disk.begin(), on_disk.end()}));
  CHECK(embedded == on_disk);
  CHECK(profiles().size() == on_disk.size());
  for (const char* id : {"postfix-default", "postfix-strict", "postscreen", "haraka-strict", "haraka-karma", "yahoo-aol",
                         "gmail", "microsoft-consumer", "microsoft-365", "apple-icloud", "gmx-webde"}) {
    INFO("want a profile " << id);
    CHECK(receivers::find_profile(profiles(), id) != nullptr);
  }
}

TEST_CASE("receivers: every finding a rule names exists in rules/findings.toml", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  std::set<std::string> families;
  for (const auto& [id, f] : r.findings()) families.insert(id.substr(0, id.find('.')));
  for (const auto& p : profiles())
    for (const auto& rule : p.rules) {
      std::vector<std::string> all = rule.findings;
      for (const auto& g : rule.also) all.insert(all.end(), g.begin(), g.end());
      for (const auto& id : all) {
        bool known = id.ends_with(".*") ? families.count(id.substr(0, id.size() - 2)) > 0 : r.finding(id) != nullptr;
        INFO(p.file << ": rule names " << id << ": got no such finding, want one of rules/findings.toml");
        CHECK(known);
      }
      INFO(p.file << ": want a source for every rule");
      CHECK_FALSE(rule.source.empty());
    }
}

TEST_CASE("receivers: a folder's receivers/ adds and replaces profiles", "[unit]") {
  fs::path dir = fs::temp_directory_path() / ("mailaudit-receivers-" + std::to_string(::getpid()));
  fs::create_directories(dir / "receivers");
  {
    std::ofstream(dir / "receivers" / "lab-mx.toml") << "id = \"lab-mx\"\nname = \"Lab MX\"\nmodels = \"m\"\nsource = \"s\"\n"
                                                     "mx = [\"lab.example\"]\n[[rule]]\nfindings = [\"rdns.*\"]\n"
                                                     "action = \"reject\"\ncode = 550\nstatus = \"5.7.1\"\ntext = \"no {ip}\"\nsource = \"t\"\n";
    std::ofstream(dir / "receivers" / "gmail.toml") << "id = \"gmail\"\nname = \"Replaced\"\nmodels = \"m\"\nsource = \"s\"\n";
  }
  auto loaded = receivers::load_profiles(dir.string());
  fs::remove_all(dir);
  INFO("got " << loaded.size() << " profiles, want the built-in ones plus lab-mx");
  CHECK(loaded.size() == profiles().size() + 1);
  const auto* lab = receivers::find_profile(loaded, "lab-mx");
  REQUIRE(lab != nullptr);
  auto v = receivers::predict(*lab, report({finding("rdns.missing", Stage::connect)}));
  INFO("got " << to_string(v.outcome) << " " << (v.reply ? v.reply->text : "") << ", want reject \"no 198.18.0.12\"");
  CHECK(v.outcome == Outcome::reject);
  CHECK((v.reply && v.reply->text == "no 198.18.0.12"));
  const auto* g = receivers::find_profile(loaded, "gmail");
  REQUIRE(g != nullptr);
  CHECK(g->name == "Replaced");
}

TEST_CASE("receivers: a bad profile is one error naming file and line", "[unit]") {
  const std::string head = "id = \"x\"\nname = \"X\"\nmodels = \"m\"\nsource = \"s\"\n";
  struct Row {
    const char* label;
    std::string text;
    std::string want;  // in what()
  };
  const Row rows[] = {
      {"id is not the file name", "id = \"y\"\nname = \"X\"\nmodels = \"m\"\nsource = \"s\"\n", "x.toml:1: id \"y\""},
      {"missing name", "id = \"x\"\nmodels = \"m\"\nsource = \"s\"\n", "missing key \"name\""},
      {"unknown action", head + "[[rule]]\nfindings = [\"rdns.missing\"]\naction = \"bounce\"\nsource = \"t\"\n", "x.toml:5:"},
      {"reject with a 4xx code", head + "[[rule]]\nfindings = [\"rdns.missing\"]\naction = \"reject\"\ncode = 450\ntext = \"t\"\nsource = \"t\"\n", "5xx reply code"},
      {"status of another class", head + "[[rule]]\nfindings = [\"rdns.missing\"]\naction = \"defer\"\ncode = 450\nstatus = \"5.7.1\"\ntext = \"t\"\nsource = \"t\"\n", "reply code's class"},
      {"bad stage", head + "[answers]\nconnect = \"later\"\n", "must be a stage"},
      {"answered before its stage", head + "[answers]\nrcpt = \"helo\"\n", "before its stage"},
      {"finding pattern", head + "[[rule]]\nfindings = [\"RDNS\"]\naction = \"junk\"\nsource = \"t\"\n", "not a finding id"},
      {"not TOML", "id = ", "x.toml:1"},
  };
  for (const auto& row : rows) {
    std::string got;
    try {
      receivers::parse_profile(row.text, "rules/receivers/x.toml");
    } catch (const receivers::ProfileError& e) {
      got = e.what();
    }
    INFO(row.label << ": got \"" << got << "\", want it to hold \"" << row.want << "\"");
    CHECK(got.find(row.want) != std::string::npos);
  }
}

TEST_CASE("receivers: outcome, answering stage, reply and causes per profile", "[unit]") {
  struct Row {
    const char* label;
    const char* profile;
    std::vector<Finding> findings;
    Outcome outcome;
    std::optional<Stage> stage;
    int code;
    std::string status;
    std::string because;
  };
  const Row rows[] = {
      {"stock Postfix accepts a missing PTR", "postfix-default", {finding("rdns.missing", Stage::connect)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"strict Postfix defers a missing PTR at RCPT TO", "postfix-strict", {finding("rdns.missing", Stage::connect)},
       Outcome::defer, Stage::rcpt, 450, "4.7.25", "rdns.missing@connect"},
      {"client restrictions before HELO ones", "postfix-strict",
       {finding("helo.not_fqdn", Stage::helo), finding("rdns.unconfirmed", Stage::connect)},
       Outcome::defer, Stage::rcpt, 450, "4.7.25", "rdns.unconfirmed@connect"},
      {"HELO before sender", "postfix-strict",
       {finding("sender.nxdomain", Stage::mail), finding("helo.not_fqdn", Stage::helo)},
       Outcome::reject, Stage::rcpt, 504, "5.5.2", "helo.not_fqdn@helo"},
      {"zen listing rejects", "postfix-strict", {listed("dnsbl.listed", Stage::connect, "zen.spamhaus.org")},
       Outcome::reject, Stage::rcpt, 554, "5.7.1", "dnsbl.listed@connect"},
      {"zen error code rejects too (no filter)", "postfix-strict", {listed("dnsbl.unusable", Stage::connect, "zen.spamhaus.org")},
       Outcome::reject, Stage::rcpt, 554, "5.7.1", "dnsbl.unusable@connect"},
      {"a list it does not ask is ignored", "postfix-strict", {listed("dnsbl.listed", Stage::connect, "bl.spamcop.net")},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"a pass is no cause", "postfix-strict", {finding("rdns.missing", Stage::connect, Severity::pass)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"a bare IP as HELO is not fully qualified to Postfix", "postfix-strict", {finding("helo.bare_ip", Stage::helo)},
       Outcome::reject, Stage::rcpt, 504, "5.5.2", "helo.bare_ip@helo"},
      {"no HELO: refused at MAIL FROM", "postfix-strict", {finding("helo.missing", Stage::helo)},
       Outcome::reject, Stage::mail, 503, "5.5.1", "helo.missing@helo"},
      {"postscreen: zen at RCPT TO (enforce)", "postscreen", {listed("dnsbl.listed", Stage::connect, "zen.spamhaus.org")},
       Outcome::reject, Stage::rcpt, 550, "5.7.1", "dnsbl.listed@connect"},
      {"postscreen: HELO is smtpd's business", "postscreen", {finding("helo.not_fqdn", Stage::helo)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"Haraka: FCrDNS fails", "haraka-strict", {forward("rdns.unconfirmed", "198.19.0.99")},
       Outcome::reject, Stage::connect, 554, "", "rdns.unconfirmed@connect"},
      {"Haraka: a forward address in the client's /24 passes FCrDNS", "haraka-strict", {forward("rdns.unconfirmed", "198.18.0.99")},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"Haraka: an A record only is no MX", "haraka-strict", {finding("sender.a_only", Stage::mail, Severity::warning)},
       Outcome::reject, Stage::mail, 550, "", "sender.a_only@mail"},
      {"Haraka: a Spamhaus error code is no listing", "haraka-strict", {listed("dnsbl.unusable", Stage::connect, "zen.spamhaus.org")},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"karma: a Spamhaus listing alone is not enough", "haraka-karma",
       {listed("dnsbl.listed", Stage::connect, "zen.spamhaus.org"), finding("helo.ok", Stage::helo, Severity::pass)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"karma: listing and a non-FQDN HELO add up, refused at DATA", "haraka-karma",
       {listed("dnsbl.listed", Stage::connect, "zen.spamhaus.org"), finding("helo.not_fqdn", Stage::helo)},
       Outcome::reject, Stage::data, 554, "", "dnsbl.listed@connect,helo.not_fqdn@helo"},
      {"karma: no HELO is still refused at MAIL FROM", "haraka-karma",
       {finding("rdns.missing", Stage::connect), finding("helo.missing", Stage::helo)},
       Outcome::reject, Stage::mail, 503, "", "helo.missing@helo"},
      {"AOL: From domain without address", "yahoo-aol", {finding("from.no_address", Stage::end_of_data, Severity::warning)},
       Outcome::reject, Stage::end_of_data, 521, "5.2.1", "from.no_address@end_of_data"},
      {"stock Postfix accepts the AOL case", "postfix-default", {finding("from.no_address", Stage::end_of_data, Severity::warning)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"Yahoo: SPF alone missing is fine", "yahoo-aol", {finding("spf.none", Stage::mail, Severity::warning)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"Yahoo: neither SPF nor DKIM", "yahoo-aol",
       {finding("spf.none", Stage::mail, Severity::warning), finding("dkim.none", Stage::end_of_data, Severity::warning)},
       Outcome::reject, Stage::end_of_data, 550, "5.7.9", "spf.none@mail,dkim.none@end_of_data"},
      {"Yahoo: Spamhaus at connect before content", "yahoo-aol",
       {finding("from.no_address", Stage::end_of_data), listed("dnsbl.listed", Stage::connect, "zen.spamhaus.org")},
       Outcome::reject, Stage::connect, 553, "5.7.1", "dnsbl.listed@connect"},
      {"Yahoo: missing PTR to spam", "yahoo-aol", {finding("rdns.missing", Stage::connect)},
       Outcome::junk, Stage::end_of_data, 0, "", "rdns.missing@connect"},
      {"Gmail: unconfirmed PTR after end of DATA", "gmail", {finding("rdns.unconfirmed", Stage::connect)},
       Outcome::reject, Stage::end_of_data, 550, "5.7.25", "rdns.unconfirmed@connect"},
      {"Gmail: a failed DKIM lookup leaves it open", "gmail", {finding("dkim.temperror", Stage::end_of_data, Severity::warning)},
       Outcome::unknown, std::nullopt, 0, "", "dkim.temperror@end_of_data"},
      {"Gmail: a failed lookup it does not read does not", "gmail", {finding("helo.temperror", Stage::helo, Severity::warning)},
       Outcome::accept, std::nullopt, 0, "", ""},
      {"Outlook.com: no DMARC record (high volume)", "microsoft-consumer", {finding("dmarc.none", Stage::end_of_data, Severity::warning)},
       Outcome::reject, Stage::end_of_data, 550, "5.7.515", "dmarc.none@end_of_data"},
  };
  for (const auto& row : rows) {
    const auto* p = receivers::find_profile(profiles(), row.profile);
    REQUIRE(p != nullptr);
    auto v = receivers::predict(*p, report(row.findings));
    std::string got = std::string(to_string(v.outcome)) + " at " + (v.stage ? std::string(to_string(*v.stage)) : "-") +
                      " " + (v.reply ? std::to_string(v.reply->code) + " " + v.reply->status : "-") + " because " + because(v);
    std::string want = std::string(to_string(row.outcome)) + " at " + (row.stage ? std::string(to_string(*row.stage)) : "-") +
                       " " + (row.code ? std::to_string(row.code) + " " + row.status : "-") + " because " + row.because;
    INFO(row.label << ": got " << got << ", want " << want);
    CHECK(got == want);
  }
}

TEST_CASE("receivers: reply texts get the context filled in", "[unit]") {
  const auto* p = receivers::find_profile(profiles(), "postfix-strict");
  REQUIRE(p != nullptr);
  auto v = receivers::predict(*p, report({finding("helo.no_address", Stage::helo)}));
  REQUIRE(v.reply);
  INFO("got \"" << v.reply->text << "\"");
  CHECK(v.reply->text == "<mail.lab.example.com>: Helo command rejected: Host not found");
}

TEST_CASE("receivers: --receiver auto, all and ids", "[unit]") {
  auto mx = [](const std::string& domain, const std::string& host) {
    dns::Answer a;
    a.name = domain;
    a.type = dns::RRType::MX;
    a.status = dns::Status::NOERROR;
    a.records.push_back({domain, dns::RRType::MX, 300, host, 10});
    return a;
  };
  struct Row {
    const char* label;
    std::vector<std::string> specs, rcpt;
    std::vector<dns::Answer> log;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"auto: aol.com by name", {"auto"}, {"x@aol.com"}, {}, {"yahoo-aol"}},
      {"auto: a domain hosted at Google by its MX", {"auto"}, {"x@hosted.example.net"},
       {mx("hosted.example.net", "aspmx.l.google.com")}, {"gmail"}},
      {"auto: nothing without a recipient", {"auto"}, {}, {}, {}},
      {"auto: an unknown MX", {"auto"}, {"x@example.net"}, {mx("example.net", "mx.example.net")}, {}},
      {"ids in the order given, each once", {"postfix-strict", "gmail", "postfix-strict"}, {}, {}, {"postfix-strict", "gmail"}},
  };
  for (const auto& row : rows) {
    Report r;
    r.context.rcpt = row.rcpt;
    r.dns.queries = row.log;
    std::vector<std::string> got;
    for (const auto* p : receivers::select_profiles(row.specs, profiles(), r)) got.push_back(p->id);
    INFO(row.label << ": got [" << test::join(got) << "], want [" << test::join(row.want) << "]");
    CHECK(got == row.want);
  }
  Report r;
  CHECK(receivers::select_profiles({"all"}, profiles(), r).size() == profiles().size());
  CHECK_THROWS_AS(receivers::select_profiles({"nope"}, profiles(), r), receivers::ProfileError);
}

namespace {
std::string_view command_of(Stage s) {
  switch (s) {
    case Stage::connect: return "";
    case Stage::helo: return "EHLO";
    case Stage::mail: return "MAIL FROM";
    case Stage::rcpt: return "RCPT TO";
    case Stage::data: return "DATA";
    case Stage::end_of_data: return "end of DATA";
  }
  return "";
}
}  // namespace

// The other direction: each reply a profile predicts, as a sending Postfix would report it, read by the
// bounce reader: the code and status must come back, and where a bounce signature (rules/bounces.toml)
// matches, it must point at one of the findings the profile's rule names.
TEST_CASE("receivers: every predicted reply reads back through the bounce reader", "[unit]") {
  rules::Rules r = rules::Rules::builtin();
  int read = 0;
  for (const auto& p : profiles())
    for (const auto& rule : p.rules) {
      if (!rule.reply.code) continue;
      Stage at = rule.answers_at.value_or(rule.stage.value_or(Stage::end_of_data));
      std::string reply = std::to_string(rule.reply.code) + (rule.reply.status.empty() ? "" : " " + rule.reply.status) +
                          " " + text::fill(rule.reply.text, {{"ip", "192.0.2.10"}, {"helo", "mail.example.com"},
                                                             {"mail_from", "bounce@example.com"}, {"sender_domain", "example.com"},
                                                             {"rcpt", "user@example.net"}, {"rcpt_domain", "example.net"},
                                                             {"from_domain", "example.com"}, {"zone", rule.zone}});
      std::string pasted = "<user@example.net>: host mx.example.net[198.51.100.25] " +
                           (at == Stage::connect ? "refused to talk to me: " + reply
                                                 : "said: " + reply + " (in reply to " + std::string(command_of(at)) + " command)");
      bounce::Bounce b = bounce::diagnose_text(pasted, "row", r);
      INFO(p.id << " " << rule.findings.front() << ": pasted \"" << pasted << "\"");
      REQUIRE(b.recipients.size() == 1);
      const auto& rc = b.recipients.front();
      INFO("got code " << rc.reply_code << " status " << rc.status << ", want " << rule.reply.code << " " << rule.reply.status);
      CHECK(rc.reply_code == rule.reply.code);
      if (!rule.reply.status.empty()) CHECK(rc.status == rule.reply.status);
      if (rc.signature && !rc.signature->look_at.empty()) {
        bool shared = false;
        for (const auto& id : rc.signature->look_at)
          for (const auto& pat : rule.findings)
            shared = shared || id == pat || (pat.ends_with(".*") && id.starts_with(pat.substr(0, pat.size() - 1)));
        INFO("signature " << rc.signature->id << " looks at " << test::join(rc.signature->look_at) << ", the rule names "
                          << test::join(rule.findings));
        CHECK(shared);
      }
      ++read;
    }
  CHECK(read > 30);
}

TEST_CASE("receivers: a bounce's reply names the profile that predicts it", "[unit]") {
  struct Row {
    const char* label;
    int code;
    std::string status, diagnostic, want;  // want: profile id, "" for none
  };
  const Row rows[] = {
      {"AOL after end of DATA", 521, "5.2.1", "521 5.2.1 : AOL will not accept delivery of this message.", "yahoo-aol"},
      {"AOL without the colon", 521, "5.2.1", "521 5.2.1 AOL will not accept delivery of this message", "yahoo-aol"},
      {"Postfix client check", 450, "4.7.25", "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.9]",
       "postfix-strict"},
      {"Gmail multi-line", 550, "5.7.25",
       "550-5.7.25 [192.0.2.9] The IP address sending this message does not have a PTR record setup, or the "
       "550-5.7.25 corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not "
       "550-5.7.25 accept messages from IPs with missing PTR records. - gsmtp",
       "gmail"},
      {"another code", 451, "4.7.25", "451 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.9]", ""},
      {"unknown user", 550, "5.1.1", "550 5.1.1 <x@example.net>: Recipient address rejected: User unknown", ""},
  };
  for (const auto& row : rows) {
    auto m = receivers::match_reply(profiles(), row.code, row.status, row.diagnostic);
    std::string got = m.profile ? m.profile->id : "";
    INFO(row.label << ": got \"" << got << "\", want \"" << row.want << "\"");
    CHECK(got == row.want);
  }
}
