// audit/bounce: reply reading, the stage stated vs the cause, signatures (their own examples), DSN fields,
// and whole bounces in the main formats.
#include <catch2/catch.hpp>

#include "bounce/bounce.hpp"
#include "bounce/dsn.hpp"
#include "bounce/reply.hpp"
#include "test_support.hpp"
#include "util/names.hpp"

using namespace mailaudit;
using namespace mailaudit::bounce;

namespace {

const rules::Rules& rules_() {
  static const rules::Rules r = rules::Rules::builtin();
  return r;
}

std::string stage_name(const std::optional<Stage>& s) { return s ? std::string(to_string(*s)) : "none"; }

}  // namespace

TEST_CASE("replies are read out of bounce text", "[unit]") {
  struct Row {
    const char* label;
    const char* text;
    int code;
    const char* status;
  };
  const Row rows[] = {
      {"Postfix", "host mx.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected", 550, "5.1.1"},
      {"multi-line flattened", "said: 550-5.7.1 [192.0.2.1 1] Our system 550-5.7.1 has detected 550 5.7.1 unsolicited", 550, "5.7.1"},
      {"code only", "Remote host said: 554 delivery error: dd This user doesn't have a yahoo.com account", 554, ""},
      {"code then colon", "550: <a@example.com>: User unknown", 550, ""},
      {"Sendmail transcript", ">>> DATA <<< 554 5.7.9 Header error", 554, "5.7.9"},
      {"status in parentheses", "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)", 550, "5.1.1"},
      {"no code in a date or IP", "Arrival-Date: Thu, 29 Apr 2011 23:34:45 +0900 from 192.0.2.550", 0, ""},
      {"temporary", "421-4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred", 421, "4.7.0"},
  };
  for (const auto& r : rows) {
    Reply got = find_reply(r.text, rules_().bounces().reply_cues);
    INFO(r.label << ": got " << got.code << " " << got.status << ", want " << r.code << " " << r.status);
    CHECK(got.code == r.code);
    if (r.code) CHECK(got.status == r.status);
  }
  CHECK(unwrap("in reply to end of DATA\n    command)") == "in reply to end of DATA command)");
  CHECK(find_status("Status: 5.0.0 (permanent failure)") == "5.0.0");
  CHECK(find_status("version 1.2.3.4 and 15.1.1") == "");
}

TEST_CASE("every bounce signature matches its examples and only them", "[unit]") {
  for (const auto& s : rules_().bounces().signatures) {
    for (const auto& m : s.match) {
      INFO(s.id << " must match \"" << m << "\"");
      CHECK(search(s.re, m));
    }
    for (const auto& m : s.no_match) {
      INFO(s.id << " must not match \"" << m << "\"");
      CHECK_FALSE(search(s.re, m));
    }
  }
}

TEST_CASE("pasted replies: stage stated, cause, signature", "[unit]") {
  struct Row {
    const char* label;
    const char* text;
    const char* stage;
    const char* cause;
    const char* signature;
    bool temporary;
  };
  const Row rows[] = {
      {"AOL after end of data (Exim)", "SMTP error from remote mail server after end of data:\n521 5.2.1 : AOL will not accept delivery of this message.",
       "end_of_data", "end_of_data", "aol-521-5.2.1", false},
      {"Yahoo TSS04 at MAIL FROM (Postfix)", "host mta6.am0.yahoodns.net[67.195.204.72] said: 421\n    4.7.0 [TSS04] Messages from 192.0.2.192 temporarily deferred due to\n    unexpected volume or user complaints (in reply to MAIL FROM\n    command)",
       "mail", "mail", "yahoo-tss04", true},
      {"Postfix delays a client reject to RCPT", "host mx.example.net[192.0.2.9] said: 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org (in reply to RCPT TO command)",
       "rcpt", "connect", "blocked-using-list", false},
      {"refused to talk to me", "host mx02.t-online.de[194.25.134.9] refused to talk to me: 554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)",
       "connect", "connect", "t-online-bl", false},
      {"Gmail PTR, no stage stated", "550-5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup",
       "none", "connect", "gmail-5.7.25-ptr", false},
      {"open resolver is not a listing", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; Error: open resolver; https://check.spamhaus.org/returnc/pub/",
       "none", "connect", "open-resolver", false},
      {"Microsoft S3150 at MAIL FROM (Exim)", "SMTP error from remote mail server after pipelined MAIL FROM:<a@example.com> SIZE=1655:\n550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
       "mail", "connect", "microsoft-s3150", false},
  };
  for (const auto& r : rows) {
    Bounce b = diagnose_text(r.text, "pasted", rules_());
    INFO(r.label);
    REQUIRE(b.recipients.size() == 1);
    const Recipient& got = b.recipients.front();
    std::string sig = got.signature ? got.signature->id : "none";
    INFO(r.label << ": got stage " << stage_name(got.stage) << ", cause " << stage_name(got.cause_stage) << ", signature "
                 << sig << ", temporary " << got.temporary << "; want " << r.stage << ", " << r.cause << ", "
                 << r.signature << ", " << r.temporary);
    CHECK(stage_name(got.stage) == r.stage);
    CHECK(stage_name(got.cause_stage) == r.cause);
    CHECK(sig == r.signature);
    CHECK(got.temporary == r.temporary);
    CHECK(b.is_bounce);
  }
}

TEST_CASE("log lines: the recipient and the remote MTA", "[unit]") {
  struct Row {
    const char* label;
    const char* line;
    const char* address;
    const char* remote;
    const char* stage;
  };
  const Row rows[] = {
      {"Postfix", "Nov 27 09:00:01 mail postfix/smtp[123]: 4ABC: to=<reader@aol.example>, relay=mx.aol.example[192.0.2.80]:25, "
                  "status=bounced (host mx.aol.example[192.0.2.80] said: 521 5.2.1 : AOL will not accept delivery of this message. "
                  "(in reply to end of DATA command))", "reader@aol.example", "mx.aol.example", "end_of_data"},
      {"Exim", "2026-11-27 09:00:01 1abc-0001 ** someone@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.25]: "
               "SMTP error from remote mail server after RCPT TO:<someone@example.org>: 550 5.1.1 User unknown",
       "someone@example.org", "mx.example.org", "rcpt"},
  };
  for (const auto& r : rows) {
    Bounce b = diagnose_text(r.line, "log", rules_());
    REQUIRE(b.recipients.size() == 1);
    const Recipient& got = b.recipients.front();
    INFO(r.label << ": got " << got.address << " via " << got.remote_mta << " at " << stage_name(got.stage));
    CHECK(got.address == r.address);
    CHECK(got.remote_mta == r.remote);
    CHECK(stage_name(got.stage) == r.stage);
  }
}

TEST_CASE("DSN fields: per message and per recipient, types stripped, folding undone", "[unit]") {
  Dsn d = parse_dsn(
      "Reporting-MTA: dns; mail.example.com\r\nArrival-Date: Fri, 27 Nov 2026 09:00:00 +0000\r\n\r\n"
      "Final-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <a@example.net>: Recipient\r\n    address rejected\r\n\r\n"
      "Final-Recipient: rfc822; b@example.net\r\nAction: delayed\r\nStatus: 4.4.1\r\n");
  CHECK(d.message.get("reporting-mta") == "mail.example.com");
  REQUIRE(d.recipients.size() == 2);
  CHECK(d.recipients[0].get("final-recipient") == "a@example.net");
  CHECK(d.recipients[0].get("diagnostic-code") == "550 5.1.1 <a@example.net>: Recipient address rejected");
  CHECK(d.recipients[1].get("action") == "delayed");
}

TEST_CASE("a Postfix DSN with the original attached", "[unit]") {
  std::string raw = test::crlf(
      "From: MAILER-DAEMON@mail.example.com (Mail Delivery System)\nTo: news@news.example.com\n"
      "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
      "--b\nContent-Type: text/plain\n\nThis is the mail system at host mail.example.com.\n\n"
      "<reader@aol.example>: host mx-aol.mail.gm0.yahoodns.net[192.0.2.80] said: 521 5.2.1 :\n"
      "    AOL will not accept delivery of this message. (in reply to end of DATA\n    command)\n\n"
      "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.com\n"
      "X-Postfix-Queue-ID: 4ABC\n\nFinal-Recipient: rfc822; reader@aol.example\nAction: failed\nStatus: 5.2.1\n"
      "Remote-MTA: dns; mx-aol.mail.gm0.yahoodns.net\nDiagnostic-Code: smtp; 521 5.2.1 : AOL will not accept delivery of this message.\n\n"
      "--b\nContent-Type: message/rfc822\n\nFrom: news@news.example.com\nMessage-ID: <1@news.example.com>\n"
      "Subject: offers\n\nhttps://shop.example.org/\n--b--\n");
  Bounce b = diagnose(parse_message(raw, "dsn", 0), rules_());
  CHECK(b.is_bounce);
  CHECK(b.format == "postfix");
  CHECK(b.reporting_mta == "mail.example.com");
  REQUIRE(b.recipients.size() == 1);
  const Recipient& r = b.recipients.front();
  CHECK(r.address == "reader@aol.example");
  CHECK(r.status == "5.2.1");
  CHECK(r.reply_code == 521);
  CHECK(stage_name(r.stage) == "end_of_data");
  CHECK(r.provider == "aol");
  CHECK(r.remote_mta == "mx-aol.mail.gm0.yahoodns.net");
  CHECK(b.original_present);
  CHECK(b.original_message_id == "<1@news.example.com>");
  CHECK(b.original.find("https://shop.example.org/") != std::string::npos);
  std::string lead = lead_sentence(b, rules_());
  INFO(lead);
  CHECK(lead.starts_with("Rejected after end of DATA by AOL: the receiver saw the content; look at the domains and URLs"));
}

TEST_CASE("feedback reports and auto-replies are no bounces", "[unit]") {
  std::string arf = test::crlf(
      "From: feedback@example.net\nTo: abuse@example.com\nSubject: FW: offers\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nspam report\n"
      "--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1.0\nVersion: 1\n--b--\n");
  Bounce f = diagnose(parse_message(arf, "arf", 0), rules_());
  CHECK_FALSE(f.is_bounce);
  CHECK(f.kind == "feedback");
  std::string ooo = test::crlf("From: a@example.net\nTo: b@example.com\nSubject: Out of Office: offers\nAuto-Submitted: auto-replied\n\nI am away.\n");
  Bounce o = diagnose(parse_message(ooo, "ooo", 0), rules_());
  CHECK_FALSE(o.is_bounce);
  CHECK(o.kind == "auto_reply");
  std::string exim = test::crlf("From: Mail Delivery System <Mailer-Daemon@mail.example.com>\nTo: b@example.com\n"
                                "Subject: Mail delivery failed: returning message to sender\nAuto-Submitted: auto-replied\n\n"
                                "This message was created automatically by mail delivery software.\n\n  a@example.net\n"
                                "    host mx.example.net [192.0.2.5]\n    SMTP error from remote mail server after RCPT TO:<a@example.net>:\n"
                                "    550 5.1.1 <a@example.net>: Recipient address rejected: User unknown\n");
  Bounce e = diagnose(parse_message(exim, "exim", 0), rules_());
  INFO("Exim marks its bounces auto-replied: still a bounce");
  CHECK(e.is_bounce);
  CHECK(e.format == "exim");
  REQUIRE(e.recipients.size() == 1);
  CHECK(stage_name(e.recipients.front().stage) == "rcpt");
  CHECK(e.recipients.front().remote_mta == "mx.example.net");
}

TEST_CASE("every recipient form, format and context pattern matches its examples and only them", "[unit]") {
  const auto& br = rules_().bounces();
  REQUIRE_FALSE(br.recipient_forms.empty());
  REQUIRE_FALSE(br.formats.empty());
  REQUIRE_FALSE(br.context_patterns.empty());
  for (const auto& f : br.recipient_forms) {
    for (const auto& m : f.match) {
      std::smatch got;
      INFO("recipient_form " << f.id << " must match \"" << m << "\" and capture an address");
      REQUIRE(std::regex_search(m, got, f.re.get()));
      CHECK(got[1].str().find('@') != std::string::npos);
    }
    for (const auto& m : f.no_match) {
      INFO("recipient_form " << f.id << " must not match \"" << m << "\"");
      CHECK_FALSE(std::regex_search(m, f.re.get()));
    }
  }
  for (const auto& f : br.formats) {
    for (const auto& m : f.match) {
      INFO("format " << f.id << " must match \"" << m << "\"");
      CHECK(f.matches(m));
    }
    for (const auto& m : f.no_match) {
      INFO("format " << f.id << " must not match \"" << m << "\"");
      CHECK_FALSE(f.matches(m));
    }
  }
  for (const auto& c : br.context_patterns) {
    for (const auto& m : c.match) {
      auto got = search_match(c.re, m);
      INFO("context_pattern " << c.id << " must match \"" << m << "\" and capture an IP");
      REQUIRE(got);
      CHECK(dns::parse_ip((*got)[1].str()));
    }
    for (const auto& m : c.no_match) {
      INFO("context_pattern " << c.id << " must not match \"" << m << "\"");
      CHECK_FALSE(search(c.re, m));
    }
  }
}

TEST_CASE("every sentence the bounce code and its writers ask for is in rules/bounces.toml [words]", "[unit]") {
  const char* keys[] = {"lead_feedback", "lead_auto_reply", "lead_nothing", "lead_delivered", "lead_not_failed", "rejected",
                        "deferred", "earlier_cause", "no_stage_cause", "no_stage_no_cause", "audit_heading",
                        "audit_no_original", "audit_no_ip", "source_reply", "source_received", "source_return_path",
                        "source_bounce_to", "source_reporting_mta", "source_failed", "source_option", "ticket_title",
                        "ticket_intro", "ticket_reply", "ticket_meaning", "ticket_context", "ticket_audit", "ticket_dns",
                        "ticket_no_audit", "ticket_no_original", "summary_title"};
  for (const char* k : keys) {
    INFO("[words] " << k << ": got none, want a sentence");
    CHECK(rules_().bounces().words.count(k) == 1);
  }
}

TEST_CASE("common pastes: Postfix per-recipient blocks, Exim stage wording, several recipients", "[unit]") {
  struct Row {
    const char* label;
    const char* text;
    std::size_t index;  // which recipient of the paste
    const char* address;
    int code;
    const char* status;
    const char* stage;
    const char* signature;
    bool temporary;
  };
  const Row rows[] = {
      {"Postfix block, Gmail 5.7.26 after end of DATA",
       "<reader@gmail.com>: host gmail-smtp-in.l.google.com[142.250.1.27] said:\n    550-5.7.26 This mail is unauthenticated, "
       "which poses a security risk to the\n    sender and Gmail users, and has been blocked. 550 5.7.26 gsmtp (in reply to\n    end of DATA command)\n",
       0, "reader@gmail.com", 550, "5.7.26", "end_of_data", "gmail-5.7.26-auth", false},
      {"Postfix block, 554 after RCPT TO",
       "<someone@example.net>: host mx.example.net[192.0.2.9] said: 554 5.7.1\n    Service unavailable; Client host [52.44.10.33] "
       "blocked using zen.spamhaus.org\n    (in reply to RCPT TO command)\n",
       0, "someone@example.net", 554, "5.7.1", "rcpt", "blocked-using-list", false},
      {"Postfix block, 450 greylisting (postgrey)",
       "<bob@example.org>: host mx.example.org[192.0.2.10] said: 450 4.2.0\n    <bob@example.org>: Recipient address rejected: "
       "Greylisted, see\n    http://postgrey.schweikert.ch/help/example.org.html (in reply to RCPT TO command)\n",
       0, "bob@example.org", 450, "4.2.0", "rcpt", "greylisting", true},
      {"OpenSMTPD form a@b: reply",
       "reader@example.net: 550 5.1.1 <reader@example.net>: Recipient address rejected: User unknown\n",
       0, "reader@example.net", 550, "5.1.1", "none", "none", false},
      {"Exim, after pipelined end of data",
       "  reader@example.net\n    host mx.example.net [192.0.2.5]\n    SMTP error from remote mail server after pipelined end of data:\n"
       "    550 5.7.1 Message rejected as spam\n",
       0, "reader@example.net", 550, "5.7.1", "end_of_data", "none", false},
      {"Exim, after pipelined RCPT TO",
       "  reader@example.net\n    host mx.example.net [192.0.2.5]\n    SMTP error from remote mail server after pipelined RCPT TO:<reader@example.net>:\n"
       "    550 5.1.1 <reader@example.net>: Recipient address rejected: User unknown\n",
       0, "reader@example.net", 550, "5.1.1", "rcpt", "none", false},
      {"Exim greylisting (451 4.7.1 Please try again later)",
       "  reader@example.net\n    host mx.example.net [192.0.2.5]\n    SMTP error from remote mail server after RCPT TO:<reader@example.net>:\n"
       "    451 4.7.1 Please try again later\n",
       0, "reader@example.net", 451, "4.7.1", "rcpt", "greylisting", true},
      {"two recipients, first: user unknown",
       "<a@example.com>: host mx1.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n"
       "<b@example.com>: host mx1.example.com[192.0.2.1] said: 451 4.7.1 Please try again later (in reply to RCPT TO command)\n",
       0, "a@example.com", 550, "5.1.1", "rcpt", "none", false},
      {"two recipients, second: greylisted",
       "<a@example.com>: host mx1.example.com[192.0.2.1] said: 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\n"
       "<b@example.com>: host mx1.example.com[192.0.2.1] said: 451 4.7.1 Please try again later (in reply to RCPT TO command)\n",
       1, "b@example.com", 451, "4.7.1", "rcpt", "greylisting", true},
      {"qmail, pasted without headers",
       "Hi. This is the qmail-send program at mail.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
       "<reader@example.net>:\n192.0.2.5 does not like recipient.\nRemote host said: 550 5.1.1 <reader@example.net>: Recipient address rejected: User unknown\n"
       "Giving up on 192.0.2.5.\n",
       0, "reader@example.net", 550, "5.1.1", "rcpt", "none", false},
      {"Exchange NDR body",
       "Delivery has failed to these recipients or groups:\n\nreader@example.net\nThe email address you entered couldn't be found.\n\n"
       "Diagnostic information for administrators:\n\nGenerating server: mail.example.com\n\nreader@example.net\n"
       "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient reader@example.net not found by SMTP address lookup'\n\n"
       "Original message headers:\n\nFrom: news@example.com\n",
       0, "reader@example.net", 550, "5.1.10", "none", "none", false},
      {"OpenSMTPD",
       "    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n    An error has occurred while attempting to deliver a message for\n"
       "    the following list of recipients:\n\nreader@example.net: 550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org\n",
       0, "reader@example.net", 550, "5.7.1", "none", "blocked-using-list", false},
      {"Haraka log line, ISO time first",
       "2026-11-27T09:00:00.000Z [NOTICE] [4C1E] [outbound] bounce: 451 4.7.1 Greylisted, please try again in 300 seconds rcpt=reader@example.net\n",
       0, "reader@example.net", 451, "4.7.1", "none", "greylisting", true},
      {"rate limit (Postfix anvil at the receiver)",
       "<c@example.com>: host mx1.example.com[192.0.2.1] refused to talk to me: 421 4.7.0 Error: too many connections from 192.0.2.7\n",
       0, "c@example.com", 421, "4.7.0", "connect", "rate-limit", true},
  };
  for (const auto& r : rows) {
    INFO(r.label);
    REQUIRE(!reads_as_message(r.text, rules_()));
    Bounce b = diagnose_input(r.text, "pasted", rules_());
    REQUIRE(b.recipients.size() > r.index);
    const Recipient& got = b.recipients[r.index];
    std::string sig = got.signature ? got.signature->id : "none";
    INFO(r.label << ": got " << got.address << " " << got.reply_code << " " << got.status << " at " << stage_name(got.stage) << " sig "
                 << sig << " temporary " << got.temporary << "; want " << r.address << " " << r.code << " " << r.status << " at "
                 << r.stage << " sig " << r.signature << " temporary " << r.temporary);
    CHECK(got.address == r.address);
    CHECK(got.reply_code == r.code);
    CHECK(got.status == r.status);
    CHECK(stage_name(got.stage) == r.stage);
    CHECK(sig == r.signature);
    CHECK(got.temporary == r.temporary);
    CHECK(b.is_bounce);
  }
}

TEST_CASE("greylisting and rate limits: temporary, with advice instead of findings to look at", "[unit]") {
  const char* texts[] = {
      "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
      "451 4.7.1 Please try again later",
      "451 4.7.1 Greylisting in action, please come back later",
      "451-4.7.1 Greylisted, please try again in 300 seconds",
      "421 4.7.0 Error: too many connections from 192.0.2.1",
  };
  for (const char* t : texts) {
    Bounce b = diagnose_text(t, "pasted", rules_());
    REQUIRE(b.recipients.size() == 1);
    const Recipient& r = b.recipients.front();
    std::string lead = lead_sentence(b, rules_());
    INFO(t << ": got temporary " << r.temporary << ", lead \"" << lead << "\"; want temporary and the advice");
    CHECK(r.temporary);
    REQUIRE(r.signature);
    CHECK_FALSE(r.signature->advice.empty());
    CHECK(lead.starts_with("Deferred"));
    CHECK(lead.find("same IP") != std::string::npos);
    CHECK(lead.find("look at the recipient address") == std::string::npos);
  }
}

TEST_CASE("the sending context from the bounce, each value with where it came from", "[unit]") {
  struct Row {
    const char* label;
    const char* text;
    const char* ip;
    const char* origin;
  };
  const Row rows[] = {
      {"Client host [..]", "554 5.7.1 Service unavailable; Client host [52.44.10.33] blocked using zen.spamhaus.org", "52.44.10.33", "reply"},
      {"S3150 [ip]", "550 5.7.1 Unfortunately, messages from [52.44.10.33] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", "52.44.10.33", "reply"},
      {"IP=", "554 IP=192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.) (BL)", "192.0.2.1", "reply"},
      {"the remote MTA's address is not the client", "host mx.example.net[192.0.2.9] said: 550 5.1.1 User unknown (in reply to RCPT TO command)", "", ""},
  };
  for (const auto& r : rows) {
    Bounce b = diagnose_text(r.text, "pasted", rules_());
    std::string got = b.context.ip ? b.context.ip->value : "";
    std::string origin = b.context.ip ? b.context.ip->origin : "";
    INFO(r.label << ": got ip \"" << got << "\" from " << origin << ", want \"" << r.ip << "\" from " << r.origin);
    CHECK(got == r.ip);
    CHECK(origin == r.origin);
    if (b.context.ip) CHECK(b.context.ip->source.find("52.44.10.33") + b.context.ip->source.find(r.ip) != 2 * std::string::npos);
  }
}

TEST_CASE("an Exim bounce with the original after its copy marker", "[unit]") {
  std::string raw = test::crlf(
      "Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@mail.example.com>\nTo: news@news.example.com\n"
      "Subject: Mail delivery failed: returning message to sender\nAuto-Submitted: auto-replied\n"
      "Date: Fri, 27 Nov 2026 09:00:05 +0000\n\n"
      "This message was created automatically by mail delivery software.\n\n"
      "A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"
      "  reader@example.net\n    host mx.example.net [192.0.2.5]\n    SMTP error from remote mail server after pipelined end of data:\n"
      "    550 5.7.1 Message rejected as spam\n\n"
      "------ This is a copy of the message, including all the headers. ------\n\n"
      "Return-path: <news@news.example.com>\n"
      "Received: from [203.0.113.50] (helo=laptop)\n\tby mail.example.com with esmtpsa (Exim 4.96)\n\tid 1tAbCc-000120-2x\n"
      "\tfor reader@example.net; Fri, 27 Nov 2026 09:00:04 +0000\n"
      "From: news@news.example.com\nTo: reader@example.net\nSubject: offers\nMessage-ID: <2@news.example.com>\n\nhttps://shop.example.org/\n");
  Bounce b = diagnose(parse_message(raw, "exim", 0), rules_());
  CHECK(b.format == "exim");
  CHECK(b.original_present);
  CHECK(b.original_message_id == "<2@news.example.com>");
  CHECK(b.original.find("https://shop.example.org/") != std::string::npos);
  CHECK(b.queue_id == "1tAbCc-000120-2x");
  REQUIRE(b.recipients.size() == 1);
  CHECK(stage_name(b.recipients.front().stage) == "end_of_data");
  INFO("a submission's client (203.0.113.50, esmtpsa) is not the sending IP");
  CHECK_FALSE(b.context.ip);
  REQUIRE(b.context.helo);
  CHECK(b.context.helo->value == "mail.example.com");
  CHECK(b.context.helo->origin == "received");
  REQUIRE(b.context.mail_from);
  CHECK(b.context.mail_from->value == "news@news.example.com");
  CHECK(b.context.mail_from->origin == "return_path");
  // The same bounce pasted as text, without its header.
  std::string body = raw.substr(raw.find("This message was created"));
  Bounce t = diagnose_input(body, "pasted", rules_());
  CHECK(t.original_present);
  CHECK(t.format == "exim");
}

TEST_CASE("the receiving MX's Received field names the sending IP and HELO", "[unit]") {
  std::string raw = test::crlf(
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: news@news.example.com\nSubject: Delivery Status Notification (Failure)\n"
      "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
      "--b\nContent-Type: text/plain\n\nYour message wasn't delivered to reader@example.org because the address couldn't be found.\n\n"
      "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\nFinal-Recipient: rfc822; reader@example.org\n"
      "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.\n\n"
      "--b\nContent-Type: text/rfc822-headers\n\n"
      "Received: from mail.example.com (mail.example.com [198.51.100.7])\n        by mx.google.com with ESMTPS id x1si;\n        Fri, 27 Nov 2026 09:00:04 -0800 (PST)\n"
      "Received: from [10.0.0.5] (unknown [10.0.0.5]) by mail.example.com (Postfix) with ESMTPSA id 4ABC\n"
      "Return-Path: <bounces@news.example.com>\nFrom: news@news.example.com\nMessage-ID: <3@news.example.com>\n--b--\n");
  Bounce b = diagnose(parse_message(raw, "gmail", 0), rules_());
  REQUIRE(b.context.ip);
  CHECK(b.context.ip->value == "198.51.100.7");
  CHECK(b.context.ip->origin == "received");
  REQUIRE(b.context.helo);
  CHECK(b.context.helo->value == "mail.example.com");
  REQUIRE(b.context.mail_from);
  CHECK(b.context.mail_from->value == "bounces@news.example.com");
}

TEST_CASE("a folder summary counts by stage, provider and signature", "[unit]") {
  bounce::Summary s;
  const char* pastes[] = {
      "<a@gmail.com>: host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.26 unauthenticated (in reply to end of DATA command)",
      "<b@gmail.com>: host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.26 unauthenticated (in reply to end of DATA command)",
      "<c@example.org>: host mx.example.org[192.0.2.10] said: 450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.org.html (in reply to RCPT TO command)",
  };
  for (const char* p : pastes) tally(s, diagnose_input(p, "pasted", rules_()));
  tally(s, diagnose_input("hello", "not a bounce", rules_()));
  CHECK(s.files == 4);
  CHECK(s.bounces == 3);
  CHECK(s.not_bounces == 1);
  CHECK(s.permanent == 2);
  CHECK(s.temporary == 1);
  CHECK(s.by_stage["end_of_data"] == 2);
  CHECK(s.by_signature["greylisting"] == 1);
  CHECK((s.by_combination[{"end_of_data", "google", "gmail-5.7.26-auth"}]) == 2);
  CHECK(s.recipients.size() == 3);
  INFO("the two Gmail replies differ only in what varies: one top reply");
  CHECK(s.replies.size() == 2);
}
