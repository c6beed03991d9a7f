#include <algorithm>
#include <regex>

#include "bounce/bounce.hpp"
#include "bounce/dsn.hpp"
#include "bounce/human_text.hpp"
#include "bounce/reply.hpp"
#include "util/names.hpp"
#include "message/rfc5322.hpp"
#include "util/text.hpp"

namespace mailaudit::bounce {

namespace {

constexpr std::size_t kMaxDiagnostic = 1000;

bool is_dsn(const Part& p) {
  return p.media_type == "message/delivery-status" || p.media_type == "message/global-delivery-status" ||
         p.media_type == "text/delivery-status";
}
bool is_original(const Part& p) {
  return p.kind == PartKind::message || p.media_type == "text/rfc822-headers" ||
         p.media_type == "message/rfc822-headers" || p.media_type == "message/global-headers";
}

std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>') {
      in_tag = false;
      out += ' ';
    } else if (!in_tag) out += c;
  }
  return out;
}

std::string strip_angles(std::string s) {
  s = std::string(text::trim(s));
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return s;
}

// The human-readable words: text parts before the attached original, not the DSN fields.
std::string human_text(const Message& m, const rules::BounceRules& br) {
  std::string out, html;
  std::string original_prefix;
  for (const auto& p : m.parts) {
    if (!original_prefix.empty() && (p.path == original_prefix || p.path.starts_with(original_prefix + "."))) continue;
    if (is_original(p)) {
      if (original_prefix.empty()) original_prefix = p.path;
      continue;
    }
    if (p.kind != PartKind::leaf || is_dsn(p) || !p.is_text()) continue;
    if (p.media_type == "text/html") html += strip_tags(p.body) + "\n";
    else if (p.media_type == "text/plain" || p.media_type.empty()) out += p.body + "\n";
  }
  if (out.empty()) out = html;
  // A multipart whose boundary never occurs (old Sendmail) has no parts: read the raw body as text.
  if (text::trim(out).empty()) out = m.raw.substr(std::min(m.header_end(), m.raw.size()), 1u << 20);
  return std::string(before_original(out, br.original_markers));
}

// DSN fields written inline in a plain-text bounce (old Sendmail): from "Reporting-MTA:" or the first
// "Final-Recipient:" on, bounded.
std::string inline_dsn_in(std::string_view body) {
  std::string low = text::lower(body.substr(0, 1u << 20));
  auto fr = low.find("\nfinal-recipient:");
  if (fr == std::string::npos) return "";
  auto rm = low.rfind("\nreporting-mta:", fr);
  std::size_t from = (rm != std::string::npos && fr - rm < 4000) ? rm + 1 : fr + 1;
  return std::string(body.substr(from, 64u << 10));
}

std::string inline_dsn(const Message& m) {
  for (const auto& p : m.parts) {
    if (p.kind != PartKind::leaf || !p.is_text() || is_original(p)) continue;
    if (std::string found = inline_dsn_in(p.body); !found.empty()) return found;
  }
  bool no_leaves = std::none_of(m.parts.begin(), m.parts.end(), [](const Part& p) { return p.kind == PartKind::leaf; });
  return no_leaves ? inline_dsn_in(std::string_view(m.raw).substr(std::min(m.header_end(), m.raw.size()))) : "";
}

std::string first_address(const Message& m, std::string_view field) {
  const HeaderField* f = m.field(field);
  if (!f) return "";
  auto list = rfc5322::parse_addresses(f->raw_value);
  return list.mailboxes.empty() ? "" : list.mailboxes.front().address;
}

std::optional<Stage> stated_stage(const rules::BounceRules& br, const std::string& words) {
  for (const auto& p : br.stage_phrases)
    if (search(p.re, words)) return p.stage;
  return std::nullopt;
}

std::string remote_mta_in(const std::string& words) {
  static const std::regex host_re(
      R"((client )?(?:(?:host|while talking to|Generating server:|Remote-MTA: dns;|server for the domain)\s+|\bH=)\[?([a-z0-9][a-z0-9.-]*\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})\]?)",
      std::regex::ECMAScript | std::regex::icase);
  std::string bounded = words.substr(0, kMaxMatchText);
  for (std::sregex_iterator it(bounded.begin(), bounded.end(), host_re), end; it != end; ++it) {
    if ((*it)[1].matched) continue;  // "Client host [IP]" is the sender, not the remote MTA
    std::string h = (*it)[2].str();
    while (!h.empty() && h.back() == '.') h.pop_back();
    return text::lower(h);
  }
  return "";
}

std::string provider_for(const rules::Rules& rules, const std::string& mta) {
  if (mta.empty()) return "";
  if (const rules::Provider* p = rules::provider_for_mx(rules.providers(), dns::normalise_name(mta))) return p->id;
  return "";
}

void fill(Recipient& r, const std::string& block, const rules::Rules& rules) {
  const auto& br = rules.bounces();
  std::string words = unwrap(block);
  if (r.diagnostic.empty()) {
    Reply reply = find_reply(words);
    if (reply.code) r.diagnostic = words.substr(reply.at, kMaxDiagnostic);
    else {
      // No reply: the MTA's own words about the recipient (qmail, local delivery), after the address.
      auto at = words.find(r.address);
      std::string rest = at == std::string::npos ? words : words.substr(at + r.address.size());
      r.diagnostic = std::string(text::trim(rest)).substr(0, kMaxDiagnostic);
      while (!r.diagnostic.empty() && (r.diagnostic.front() == ':' || r.diagnostic.front() == '>' || r.diagnostic.front() == ' '))
        r.diagnostic.erase(0, 1);
    }
  }
  Reply reply = find_reply(r.diagnostic);
  if (!reply.code) reply = find_reply(words);
  r.reply_code = reply.code;
  // The receiver's own status (a reply code with its status) beats the sending MTA's Status field, which is
  // often generic (Exim always 5.0.0) or its own mapping; a bare status in the text only fills a generic one.
  std::string said = reply.status.empty() ? find_status(r.diagnostic) : reply.status;
  bool generic = r.status.empty() || r.status.ends_with(".0.0");
  bool same_class = r.status.empty() || (!said.empty() && said.front() == r.status.front());
  if (!said.empty() && same_class && (generic || !reply.status.empty())) r.status = said;
  if (r.status.empty()) {
    std::string both = r.diagnostic + " " + words;
    for (const auto& h : br.status_hints)
      if (search(h.re, both)) {
        r.status = h.status;
        if (r.reply_code / 100 == 4 || r.action == "delayed") r.status.front() = '4';
        r.status_inferred = true;
        break;
      }
  }
  std::string context = words + " " + r.diagnostic;
  r.stage = stated_stage(br, context);
  for (const auto& s : br.signatures)
    if (search(s.re, r.diagnostic) || search(s.re, words)) {
      r.signature = Signature{s.id, s.meaning, s.look_at};
      r.cause_stage = s.stage;
      if (!s.provider.empty()) r.provider = s.provider;
      break;
    }
  if (!r.cause_stage)
    for (const auto& c : br.causes)
      if (search(c.re, r.diagnostic)) {
        r.cause_stage = c.stage;
        break;
      }
  if (!r.cause_stage) r.cause_stage = r.stage;
  if (r.remote_mta.empty()) r.remote_mta = remote_mta_in(words);
  if (r.provider.empty()) r.provider = provider_for(rules, r.remote_mta);
  if (r.action.empty()) r.action = (r.status.starts_with("4") || r.reply_code / 100 == 4) ? "delayed" : "failed";
  r.temporary = r.action == "delayed" || r.status.starts_with("4") || r.reply_code / 100 == 4;
}

std::string detect_format(const Message& m, const std::string& human, bool dsn) {
  auto has = [&](std::string_view s) { return human.find(s) != std::string::npos; };
  std::string from = text::lower(m.field("From") ? m.field("From")->value : "");
  bool postfix = std::any_of(m.parts.begin(), m.parts.end(), [](const Part& p) {
    return p.body.find("X-Postfix-Queue-ID") != std::string::npos;
  });
  if (has("This is the mail system at host") || postfix) return "postfix";
  if (has("This message was created automatically by mail delivery software")) return "exim";
  if (has("Hi. This is the qmail-send program") || has("qmail-send")) return "qmail";
  if (has("----- Transcript of session follows -----")) return "sendmail";
  if (has("Diagnostic information for administrators")) return "exchange";
  if (from.find("googlemail.com") != std::string::npos || has("Google tried to deliver your message")) return "gmail";
  if (from.find("amazonses.com") != std::string::npos) return "amazonses";
  if (from.find("yahoo") != std::string::npos) return "yahoo";
  return dsn ? "rfc3464" : "unknown";
}

bool subject_has(const Message& m, const std::vector<std::string>& words) {
  const HeaderField* f = m.field("Subject");
  if (!f) return false;
  std::string s = text::lower(f->value);
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return s.find(w) != std::string::npos; });
}

// Bounces carry "Auto-Submitted: auto-replied" too (Exim): only a message that does not read as a failure
// notice is an auto-reply.
bool auto_reply(const Message& m, const rules::BounceRules& br) {
  if (subject_has(m, br.failure_subject_words)) return false;
  if (const HeaderField* f = m.field("Auto-Submitted"); f && text::istarts_with(text::trim(f->value), "auto-replied"))
    return true;
  if (m.field("X-Autoreply") || m.field("X-Autorespond")) return true;
  if (const HeaderField* f = m.field("Precedence"); f && text::iequals(text::trim(f->value), "auto_reply")) return true;
  return subject_has(m, br.auto_reply_subject_words);
}

void set_kind(Bounce& b) {
  bool failed = false, delayed = false, delivered = false;
  for (const auto& r : b.recipients) {
    failed = failed || r.action == "failed";
    delayed = delayed || r.action == "delayed";
    delivered = delivered || r.action == "delivered" || r.action == "relayed" || r.action == "expanded" ||
                r.action == "deliverable";  // Postfix address verification
  }
  b.kind = failed ? "bounce" : delayed ? "delay" : delivered ? "delivered" : "unknown";
  b.is_bounce = failed || delayed;
}

}  // namespace

Bounce diagnose(const Message& m, const rules::Rules& rules) {
  Bounce b;
  b.source = m.source;
  b.original_sender = first_address(m, "To");
  const Part* dsn_part = nullptr;
  bool feedback = false;
  for (const auto& p : m.parts) {
    if (!dsn_part && is_dsn(p)) dsn_part = &p;
    if (p.media_type == "message/feedback-report") feedback = true;
    if (!b.original_present && is_original(p)) {
      b.original_present = true;
      b.original = p.body;
      if (p.kind == PartKind::message) {
        for (const auto& h : p.headers)
          if (text::iequals(h.name, "Message-ID")) b.original_message_id = std::string(text::trim(h.value));
      } else {
        Message headers_only = parse_message(p.body, "original", 0);
        if (const HeaderField* f = headers_only.field("Message-ID")) b.original_message_id = std::string(text::trim(f->value));
      }
    }
  }
  if (const HeaderField* ct = m.field("Content-Type"); ct && text::lower(ct->value).find("feedback-report") != std::string::npos)
    feedback = true;
  if (feedback) {
    b.kind = "feedback";
    b.format = "arf";
    return b;
  }
  std::string human = human_text(m, rules.bounces());
  b.format = detect_format(m, human, dsn_part != nullptr);
  if (!dsn_part && auto_reply(m, rules.bounces())) {
    b.kind = "auto_reply";
    b.format = "rfc3834";
    return b;
  }
  std::vector<std::string> exclude = {first_address(m, "From"), first_address(m, "To")};
  std::string inline_fields = dsn_part ? "" : inline_dsn(m);
  if (dsn_part || !inline_fields.empty()) {
    Dsn dsn = parse_dsn(dsn_part ? std::string_view(dsn_part->body) : std::string_view(inline_fields));
    b.reporting_mta = dsn.message.get("reporting-mta");
    for (const auto& g : dsn.recipients) {
      Recipient r;
      r.address = strip_angles(g.get("final-recipient"));
      if (r.address.empty()) r.address = strip_angles(g.get("original-recipient"));
      r.action = text::lower(g.get("action"));
      r.status = find_status(g.get("status"));
      r.remote_mta = text::lower(g.get("remote-mta"));
      r.diagnostic = g.get("diagnostic-code").substr(0, kMaxDiagnostic);
      std::string block = r.address.empty() ? "" : block_for(human, r.address);
      if (block.empty() && dsn.recipients.size() == 1) block = human.substr(0, 3000);
      fill(r, block, rules);
      b.recipients.push_back(std::move(r));
    }
  }
  if (b.recipients.empty()) {
    for (auto& t : text_recipients(human, exclude)) {
      Recipient r;
      r.address = t.address;
      fill(r, t.block, rules);
      b.recipients.push_back(std::move(r));
    }
  }
  if (b.recipients.empty()) {
    Reply reply = find_reply(unwrap(human.substr(0, 6000)));
    if (reply.code >= 400) {
      Recipient r;
      fill(r, human.substr(0, 3000), rules);
      b.recipients.push_back(std::move(r));
    }
  }
  set_kind(b);
  return b;
}

Bounce diagnose_text(std::string_view text_in, const std::string& source, const rules::Rules& rules) {
  Bounce b;
  b.source = source;
  b.format = "text";
  std::string human(before_original(text_in.substr(0, 1u << 20), rules.bounces().original_markers));
  for (auto& t : text_recipients(human, {})) {
    Recipient r;
    r.address = t.address;
    fill(r, t.block, rules);
    b.recipients.push_back(std::move(r));
  }
  if (b.recipients.empty()) {
    Recipient r;
    fill(r, human.substr(0, 3000), rules);
    if (r.reply_code || !find_status(r.diagnostic).empty()) b.recipients.push_back(std::move(r));
  }
  set_kind(b);
  return b;
}

std::string lead_sentence(const Bounce& b, const rules::Rules& rules) {
  const auto& br = rules.bounces();
  if (b.kind == "feedback") return "This is a feedback (abuse) report, not a bounce: a recipient marked the message as spam.";
  if (b.kind == "auto_reply") return "This is an automatic reply (out of office, vacation), not a bounce: the message was delivered.";
  if (b.recipients.empty()) return "No failed recipient and no SMTP reply found: this does not read as a bounce.";
  if (b.kind == "delivered") return "Delivered: this is a delivery notification, not a bounce.";
  if (!b.is_bounce) return "No failed or delayed recipient: this does not read as a bounce.";
  const Recipient* r = &b.recipients.front();
  for (const auto& x : b.recipients)
    if (x.action == "failed") {
      r = &x;
      break;
    }
  std::string who;
  if (!r->provider.empty()) {
    auto it = br.provider_names.find(r->provider);
    who = it != br.provider_names.end() ? it->second : r->provider;
  } else if (!r->remote_mta.empty()) {
    who = r->remote_mta;
  }
  std::string s = r->temporary ? "Deferred" : "Rejected";
  const rules::StageText* at = r->stage ? br.text_for(*r->stage) : nullptr;
  const rules::StageText* cause = r->cause_stage ? br.text_for(*r->cause_stage) : nullptr;
  if (at) s += " " + at->phrase;
  if (!who.empty()) s += " by " + who;
  if (at) {
    s += ": " + at->seen;
    if (cause && cause != at) s += ", but the reply names an earlier cause (" + cause->phrase.substr(cause->phrase.find(' ') + 1) + ")";
    s += "; look at " + (cause ? cause->look : at->look) + ".";
  } else if (cause) {
    s += " (the bounce does not say at which stage); the reply points " + cause->phrase + ": look at " + cause->look + ".";
  } else {
    s += " (the bounce does not say at which stage, and the reply names no cause mailaudit knows).";
  }
  if (r->signature) s += " " + r->signature->meaning + ".";
  return s;
}

}  // namespace mailaudit::bounce
