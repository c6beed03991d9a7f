// audit/bounce: reply reading, the stage stated vs the cause, signatures (their own examples), DSN fields,
// and whole bounces in the main formats.
#include <catch2/catch.hpp>

#include "bounce/bounce.hpp"
#include "bounce/dsn.hpp"
#include "bounce/reply.hpp"
#include "test_support.hpp"

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
    Reply got = find_reply(r.text);
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
