#include <algorithm>
#include <cctype>
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

// The human-readable words: text parts (up to the attached original), not the DSN fields; uncut, so that a
// copy of the original pasted into the text (Exim) can be found after its marker.
std::string all_text(const Message& m) {
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
  return out;
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
  bool delivered = r.action == "delivered" || r.action == "relayed" || r.action == "expanded";
  // The failure reply, passing over a transcript's "250 2.0.0 Ok" (unless the recipient was delivered).
  auto reply_in = [&](std::string_view t) {
    Reply x = delivered ? Reply{} : find_failure_reply(t, br.reply_cues);
    return x.code ? x : find_reply(t, br.reply_cues);
  };
  if (r.diagnostic.empty()) {
    Reply reply = reply_in(words);
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
  Reply reply = reply_in(r.diagnostic);
  if (!reply.code) reply = reply_in(words);
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
  const rules::BounceSignature* matched = nullptr;
  for (const auto& s : br.signatures)
    if (search(s.re, r.diagnostic) || search(s.re, words)) {
      matched = &s;
      r.signature = Signature{s.id, s.meaning, s.look_at, s.advice};
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
  // A signature of a temporary condition (greylisting, a rate limit) quoted in a permanent failure: the
  // sending MTA gave up retrying, the receiver's answer was still "later".
  if (matched && matched->temporary && r.reply_code / 100 != 5 && !r.status.starts_with("5")) r.temporary = true;
}

// rules/bounces.toml [[format]]: text cues in the bounce's words or its DSN part, from cues in its From field.
std::string detect_format(const Message* m, const std::string& words, const rules::BounceRules& br, bool dsn) {
  std::string from = m && m->field("From") ? m->field("From")->value : "";
  for (const auto& f : br.formats) {
    bool text_cue = std::any_of(f.text.begin(), f.text.end(), [&](const std::string& t) { return words.find(t) != std::string::npos; });
    std::string low = text::lower(from);
    bool from_cue = !low.empty() && std::any_of(f.from.begin(), f.from.end(), [&](const std::string& c) { return low.find(c) != std::string::npos; });
    if (text_cue || from_cue) return f.id;
  }
  return dsn ? "rfc3464" : m ? "unknown" : "text";
}

// The copy of the original that follows a marker in the text ("------ This is a copy of the message, including
// all the headers. ------"): from the line after the marker, when it starts with a header field; else "".
std::string original_after_marker(std::string_view body, const std::vector<std::string>& markers) {
  std::size_t cut = std::string_view::npos;
  for (const auto& mk : markers) {
    if (mk.starts_with("Content-Type:")) continue;  // a MIME part: is_original() finds it
    std::size_t p = body.find(mk);
    if (p != std::string_view::npos && p < cut) cut = p;
  }
  if (cut == std::string_view::npos) return "";
  std::size_t eol = body.find('\n', cut);
  if (eol == std::string_view::npos) return "";
  std::string_view rest = body.substr(eol + 1);
  while (!rest.empty()) {  // blank lines before the copy
    std::size_t n = rest.find('\n');
    std::string_view line = rest.substr(0, n);
    if (!text::trim(line).empty()) break;
    rest = n == std::string_view::npos ? std::string_view() : rest.substr(n + 1);
  }
  if (rest.empty() || !not_a_message_reason(rest).empty()) return "";
  return std::string(rest.substr(0, 8u << 20));
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


// "by NAME" and "from NAME (... [IP])" / Exim "from [IP] (helo=NAME)" out of one Received field.
struct ReceivedParts {
  std::string from_helo, from_ip, by_host, by_ip;
  bool submission = false;  // authenticated submission or local pickup: the from part is not an MTA
};

ReceivedParts parse_received(const std::string& value) {
  static const std::regex from_re(R"(^\s*from\s+(\[?[^\s()\]]+\]?))", std::regex::icase);
  static const std::regex helo_re(R"(\(helo[= ]\s*\[?([^\s()\]]+)\]?\))", std::regex::icase);
  static const std::regex ip_re(R"(\[(?:IPv6:)?([0-9a-f:.]*[0-9a-f][:.][0-9a-f:.]+)\])", std::regex::icase);
  static const std::regex by_re(R"(\bby\s+([^\s();]+)(?:\s*\(\s*\[?([0-9a-f:.]+[.:][0-9a-f:.]+)\]?\s*\))?)", std::regex::icase);
  static const std::regex sub_re(R"(\bwith\s+(e?smtpsa|esmtpa|local|LMTPSA|ESMTPSA|HTTP)\b|authenticated sender|\bauth=|\(Authenticated)",
                                 std::regex::icase);
  ReceivedParts r;
  std::string v = unwrap(value).substr(0, 2000);
  std::smatch m;
  std::size_t by_at = v.size();
  if (std::regex_search(v, m, by_re)) {
    by_at = static_cast<std::size_t>(m.position(0));
    r.by_host = text::lower(m[1].str());
    if (m[2].matched && dns::parse_ip(m[2].str())) r.by_ip = m[2].str();
  }
  std::string from_part = v.substr(0, by_at);
  if (std::regex_search(from_part, m, from_re)) {
    std::string h = m[1].str();
    if (h.front() == '[') {
      if (std::smatch im; std::regex_search(h, im, ip_re)) r.from_ip = im[1].str();
    } else {
      r.from_helo = h;
    }
  }
  if (std::regex_search(from_part, m, helo_re)) r.from_helo = m[1].str();
  if (std::regex_search(from_part, m, ip_re) && dns::parse_ip(m[1].str())) r.from_ip = m[1].str();
  if (!r.from_ip.empty() && !dns::parse_ip(r.from_ip)) r.from_ip.clear();
  r.submission = std::regex_search(v, sub_re);
  return r;
}

bool is_public(const std::string& ip) {
  auto a = dns::parse_ip(ip);
  if (!a) return false;
  static const char* const private_nets[] = {"10.0.0.0/8", "127.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                                             "100.64.0.0/10", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"};
  for (const char* n : private_nets)
    if (auto c = dns::parse_cidr(n); c && dns::in_cidr(*a, *c)) return false;
  return true;
}

std::string quoted(std::string_view s) { return "\"" + text::printable(unwrap(s), 160) + "\""; }

// The sending side as the bounce reveals it: the client IP from the reply (rules/bounces.toml
// [[context_pattern]]) or from the original's Received fields, HELO and MAIL FROM from the original.
SendingContext sending_context(const Bounce& b, const rules::BounceRules& br) {
  SendingContext c;
  auto src = [&](const std::string& origin, const std::string& detail) {
    std::string s = br.word("source_" + origin);
    return detail.empty() ? s : s + ": " + detail;
  };
  for (const auto& r : b.recipients) {
    for (const auto& cp : br.context_patterns) {
      if (cp.what != "ip") continue;
      auto m = search_match(cp.re, r.diagnostic);
      if (!m || !dns::parse_ip((*m)[1].str())) continue;
      c.ip = Sourced{(*m)[1].str(), "reply", src("reply", quoted((*m)[0].str()))};
      break;
    }
    if (c.ip) break;
  }
  if (b.original_present && !b.original.empty()) {
    Message o = parse_message(b.original.substr(0, 1u << 20), "original", 0);
    // Top down: the first Received field whose client is a public MTA (not a submission or local pickup) was
    // written by the receiver that the sending MTA talked to; else the sending MTA's own field names it in "by".
    std::vector<const HeaderField*> received = o.fields("Received");
    const HeaderField* own = received.empty() ? nullptr : received.front();
    for (const HeaderField* f : received) {
      ReceivedParts p = parse_received(f->value);
      if (p.submission || p.from_ip.empty() || !is_public(p.from_ip)) continue;
      if (!b.reporting_mta.empty() && text::iequals(p.by_host, b.reporting_mta)) continue;  // the sender's own hop
      if (!c.ip) c.ip = Sourced{p.from_ip, "received", src("received", quoted(f->value))};
      if (!p.from_helo.empty() && !c.helo) c.helo = Sourced{p.from_helo, "received", src("received", quoted(f->value))};
      own = nullptr;
      break;
    }
    if (own) {
      ReceivedParts p = parse_received(own->value);
      if (!c.ip && !p.by_ip.empty() && is_public(p.by_ip)) c.ip = Sourced{p.by_ip, "received", src("received", quoted(own->value))};
      if (!c.helo && !p.by_host.empty() && p.by_host.find('.') != std::string::npos && !dns::parse_ip(p.by_host))
        c.helo = Sourced{p.by_host, "received", src("received", quoted(own->value))};
    }
    if (const HeaderField* rp = o.field("Return-Path")) {
      auto list = rfc5322::parse_addresses(rp->raw_value);
      std::string v(text::trim(rp->value));
      if (!list.mailboxes.empty()) c.mail_from = Sourced{list.mailboxes.front().address, "return_path", src("return_path", quoted(v))};
      else if (v == "<>") c.mail_from = Sourced{"", "return_path", src("return_path", quoted(v))};
    }
  }
  if (!c.mail_from && !b.original_sender.empty()) c.mail_from = Sourced{b.original_sender, "bounce_to", src("bounce_to", "")};
  if (!c.helo && !b.reporting_mta.empty() && b.reporting_mta.find(' ') == std::string::npos)
    c.helo = Sourced{b.reporting_mta, "reporting_mta", src("reporting_mta", "")};
  for (const auto& r : b.recipients)
    if (!r.address.empty() && r.action == "failed") c.rcpt.push_back(Sourced{r.address, "failed", src("failed", "")});
  return c;
}

// The words before the first line that names a recipient ("Could not be delivered because of 550 5.1.1 User
// unknown. The following recipients were affected: a@b"), bounded; "" when nothing comes before.
std::string preamble(std::string_view human, const std::vector<std::string>& addresses) {
  std::size_t first = std::string_view::npos;
  std::string low = text::lower(human.substr(0, 1u << 20));
  for (const auto& a : addresses) {
    if (a.empty()) continue;
    std::size_t p = low.find(text::lower(a));
    if (p < first) first = p;
  }
  if (first == std::string_view::npos) return "";
  std::size_t line = human.rfind('\n', first);
  std::size_t end = line == std::string_view::npos ? 0 : line;
  std::size_t start = end > 2000 ? end - 2000 : 0;
  return std::string(human.substr(start, end - start));
}

// A recipient whose own words carry no reply takes the reply written before the recipient list.
void fill_with_preamble(Recipient& r, const std::string& block, const std::string& pre, const rules::Rules& rules) {
  Recipient before = r;
  fill(r, block, rules);
  if (r.reply_code || pre.empty()) return;
  Recipient again = before;
  fill(again, pre + "\n" + block, rules);
  if (again.reply_code >= 400) r = std::move(again);
}

void finish(Bounce& b, const rules::BounceRules& br) {
  set_kind(b);
  b.context = sending_context(b, br);
}

}  // namespace

Bounce diagnose(const Message& m, const rules::Rules& rules) {
  const auto& br = rules.bounces();
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
  std::string all = all_text(m);
  std::string human(before_original(all, br.original_markers));
  if (!b.original_present) {
    // Exim and others paste the original into the text after a marker line.
    std::string copy = original_after_marker(all, br.original_markers);
    if (!copy.empty()) {
      b.original_present = true;
      b.original = std::move(copy);
      Message o = parse_message(b.original.substr(0, 1u << 20), "original", 0);
      if (const HeaderField* f = o.field("Message-ID")) b.original_message_id = std::string(text::trim(f->value));
    }
  }
  std::string cues = human;
  if (dsn_part) cues += "\n" + dsn_part->body.substr(0, 64u << 10);
  b.format = detect_format(&m, cues, br, dsn_part != nullptr);
  if (!dsn_part && auto_reply(m, br)) {
    b.kind = "auto_reply";
    b.format = "rfc3834";
    return b;
  }
  if (const HeaderField* d = m.field("Date")) b.date = std::string(text::trim(d->value));
  std::vector<std::string> exclude = {first_address(m, "From"), first_address(m, "To")};
  std::string inline_fields = dsn_part ? "" : inline_dsn(m);
  if (dsn_part || !inline_fields.empty()) {
    Dsn dsn = parse_dsn(dsn_part ? std::string_view(dsn_part->body) : std::string_view(inline_fields));
    b.reporting_mta = dsn.message.get("reporting-mta");
    b.queue_id = dsn.message.get("x-postfix-queue-id");
    if (std::string a = dsn.message.get("arrival-date"); !a.empty()) b.date = a;
    std::vector<std::string> addresses;
    for (const auto& g : dsn.recipients) {
      addresses.push_back(strip_angles(g.get("final-recipient")));
      if (addresses.back().empty()) addresses.back() = strip_angles(g.get("original-recipient"));
    }
    std::string pre = preamble(human, addresses);
    for (const auto& g : dsn.recipients) {
      Recipient r;
      r.address = strip_angles(g.get("final-recipient"));
      if (r.address.empty()) r.address = strip_angles(g.get("original-recipient"));
      r.action = text::lower(g.get("action"));
      r.status = find_status(g.get("status"));
      r.remote_mta = text::lower(g.get("remote-mta"));
      r.last_attempt = g.get("last-attempt-date");
      r.diagnostic = g.get("diagnostic-code").substr(0, kMaxDiagnostic);
      std::string block = r.address.empty() ? "" : block_for(human, r.address, br.recipient_forms);
      if (block.empty() && dsn.recipients.size() == 1) block = human.substr(0, 3000);
      if (r.diagnostic.empty()) fill_with_preamble(r, block, pre, rules);
      else fill(r, block, rules);
      b.recipients.push_back(std::move(r));
    }
  }
  if (b.recipients.empty()) {
    auto named = text_recipients(human, exclude, br.recipient_forms);
    std::vector<std::string> addresses;
    for (const auto& t : named) addresses.push_back(t.address);
    std::string pre = preamble(human, addresses);
    for (auto& t : named) {
      Recipient r;
      r.address = t.address;
      fill_with_preamble(r, t.block, pre, rules);
      b.recipients.push_back(std::move(r));
    }
  }
  if (b.recipients.empty()) {
    Reply reply = find_failure_reply(unwrap(human.substr(0, 6000)), br.reply_cues);
    if (reply.code >= 400) {
      Recipient r;
      fill(r, human.substr(0, 3000), rules);
      b.recipients.push_back(std::move(r));
    }
  }
  if (b.queue_id.empty() && b.format == "exim" && b.original_present) {
    // Exim names the message by its id in the Received field it added to the original ("id 1tAbCc-000120-2x").
    static const std::regex exim_id(R"(\bid\s+([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})\b)");
    Message o = parse_message(b.original.substr(0, 1u << 20), "original", 0);
    if (const HeaderField* f = o.field("Received"))
      if (auto mm = search_match(exim_id, unwrap(f->value))) b.queue_id = (*mm)[1].str();
  }
  finish(b, br);
  return b;
}

Bounce diagnose_text(std::string_view text_in, const std::string& source, const rules::Rules& rules) {
  const auto& br = rules.bounces();
  Bounce b;
  b.source = source;
  std::string_view bounded = text_in.substr(0, 1u << 20);
  std::string human(before_original(bounded, br.original_markers));
  b.format = detect_format(nullptr, human, br, false);
  std::string copy = original_after_marker(bounded, br.original_markers);
  if (!copy.empty()) {
    b.original_present = true;
    b.original = std::move(copy);
    Message o = parse_message(b.original.substr(0, 1u << 20), "original", 0);
    if (const HeaderField* f = o.field("Message-ID")) b.original_message_id = std::string(text::trim(f->value));
  }
  auto named = text_recipients(human, {}, br.recipient_forms);
  std::vector<std::string> addresses;
  for (const auto& t : named) addresses.push_back(t.address);
  std::string pre = preamble(human, addresses);
  for (auto& t : named) {
    Recipient r;
    r.address = t.address;
    fill_with_preamble(r, t.block, pre, rules);
    b.recipients.push_back(std::move(r));
  }
  if (b.recipients.empty()) {
    Recipient r;
    fill(r, human.substr(0, 3000), rules);
    if (r.reply_code || !find_status(r.diagnostic).empty()) b.recipients.push_back(std::move(r));
  }
  finish(b, br);
  return b;
}

bool reads_as_message(std::string_view bytes, const rules::Rules& rules) {
  if (!not_a_message_reason(bytes).empty() || starts_with_recipient(bytes, rules.bounces().recipient_forms)) return false;
  // A log line with an ISO time ("2026-11-27T09:00:00Z [NOTICE] ...") has a first line a parser would take for
  // a header field; no header field name starts with a digit.
  std::string_view first = bytes.substr(0, bytes.find('\n'));
  if (first.starts_with("From ")) return true;
  return !first.empty() && std::isalpha(static_cast<unsigned char>(first.front()));
}

Bounce diagnose_input(std::string bytes, const std::string& source, const rules::Rules& rules, const ParseLimits& limits) {
  if (!reads_as_message(bytes, rules)) return diagnose_text(bytes, source, rules);
  return diagnose(parse_message(std::move(bytes), source, 0, limits), rules);
}

std::string lead_sentence(const Bounce& b, const rules::Rules& rules) {
  const auto& br = rules.bounces();
  if (b.kind == "feedback") return br.word("lead_feedback");
  if (b.kind == "auto_reply") return br.word("lead_auto_reply");
  if (b.recipients.empty()) return br.word("lead_nothing");
  if (b.kind == "delivered") return br.word("lead_delivered");
  if (!b.is_bounce) return br.word("lead_not_failed");
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
  std::string s = br.word(r->temporary ? "deferred" : "rejected");
  const rules::StageText* at = r->stage ? br.text_for(*r->stage) : nullptr;
  const rules::StageText* cause = r->cause_stage ? br.text_for(*r->cause_stage) : nullptr;
  if (at) s += " " + at->phrase;
  if (!who.empty()) s += " by " + who;
  bool advice = r->signature && !r->signature->advice.empty();
  if (advice) {
    // The signature knows what to do (greylisting, a rate limit): its meaning and advice replace the stage's.
    return s + ": " + r->signature->meaning + "; " + r->signature->advice + ".";
  }
  if (at) {
    s += ": " + at->seen;
    if (cause && cause != at) s += ", " + br.word("earlier_cause") + " (" + cause->phrase.substr(cause->phrase.find(' ') + 1) + ")";
    s += "; look at " + (cause ? cause->look : at->look) + ".";
  } else if (cause) {
    s += " " + br.word("no_stage_cause") + " " + cause->phrase + ": look at " + cause->look + ".";
  } else {
    s += " " + br.word("no_stage_no_cause");
  }
  if (r->signature) s += " " + r->signature->meaning + ".";
  return s;
}

}  // namespace mailaudit::bounce

namespace mailaudit::bounce {

std::string normalised_reply(std::string_view diagnostic) {
  static const std::regex address(R"(<?[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+>?)");
  static const std::regex ipv4(R"(\b\d{1,3}(?:\.\d{1,3}){3}\b)");
  static const std::regex longhex(R"(\b(?=[0-9a-z-]*\d)[0-9a-z-]{12,}\b)", std::regex::icase);
  std::string s = unwrap(diagnostic.substr(0, 300));
  s = std::regex_replace(s, address, "<address>");
  s = std::regex_replace(s, ipv4, "<ip>");
  s = std::regex_replace(s, longhex, "<id>");
  return s.substr(0, 200);
}

void tally(Summary& s, const Bounce& b) {
  constexpr std::size_t kMaxRecipients = 100000, kMaxReplies = 5000;
  ++s.files;
  if (!b.is_bounce) {
    ++s.not_bounces;
    return;
  }
  ++s.bounces;
  ++s.by_format[b.format.empty() ? "unknown" : b.format];
  for (const auto& r : b.recipients) {
    if (r.action != "failed" && r.action != "delayed") continue;
    r.temporary ? ++s.temporary : ++s.permanent;
    std::string stage = r.stage ? std::string(to_string(*r.stage)) : "-";
    std::string provider = r.provider.empty() ? "-" : r.provider;
    std::string sig = r.signature ? r.signature->id : "-";
    ++s.by_stage[stage];
    ++s.by_provider[provider];
    ++s.by_signature[sig];
    ++s.by_combination[{stage, provider, sig}];
    if (!r.diagnostic.empty()) {
      std::string key = normalised_reply(r.diagnostic);
      if (s.replies.size() < kMaxReplies || s.replies.count(key)) ++s.replies[key];
    }
    std::string who = r.address.empty() ? "-" : text::lower(r.address);
    if (s.recipients.size() < kMaxRecipients || s.recipients.count(who)) {
      auto& e = s.recipients[who];
      ++e.first;
      e.second = r.status;
    } else {
      ++s.recipients_dropped;
    }
  }
}

}  // namespace mailaudit::bounce
