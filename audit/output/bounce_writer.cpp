// `mailaudit bounce` output: the diagnosis of one bounce, JSON (mailaudit-bounce/1) or text.
#include "output/bounce_writer.hpp"

#include <sstream>

#include "util/text.hpp"

namespace mailaudit {

using json = nlohmann::ordered_json;

namespace {

json stage_json(const std::optional<Stage>& s) { return s ? json(std::string(to_string(*s))) : json(nullptr); }

json sourced_json(const std::optional<bounce::Sourced>& v) {
  if (!v) return nullptr;
  return {{"value", v->value}, {"origin", v->origin}, {"source", v->source}};
}

json context_json(const bounce::SendingContext& c) {
  json rcpt = json::array();
  for (const auto& r : c.rcpt) rcpt.push_back({{"value", r.value}, {"origin", r.origin}, {"source", r.source}});
  return {{"ip", sourced_json(c.ip)}, {"helo", sourced_json(c.helo)}, {"mail_from", sourced_json(c.mail_from)}, {"rcpt", rcpt}};
}

const std::string& word(const Words& w, const std::string& key) {
  auto it = w.find(key);
  return it != w.end() ? it->second : key;
}

std::string stage_name(const std::optional<Stage>& s) { return s ? std::string(to_string(*s)) : "-"; }

}  // namespace

json bounce_json(const bounce::Bounce& b) {
  json recipients = json::array();
  for (const auto& r : b.recipients) {
    json sig = nullptr;
    if (r.signature) {
      sig = {{"id", r.signature->id}, {"meaning", r.signature->meaning}, {"look_at", r.signature->look_at}};
      if (!r.signature->advice.empty()) sig["advice"] = r.signature->advice;
    }
    recipients.push_back({{"address", r.address},
                          {"action", r.action},
                          {"status", r.status.empty() ? json(nullptr) : json(r.status)},
                          {"status_inferred", r.status_inferred},
                          {"reply_code", r.reply_code ? json(r.reply_code) : json(nullptr)},
                          {"stage", stage_json(r.stage)},
                          {"cause_stage", stage_json(r.cause_stage)},
                          {"remote_mta", r.remote_mta},
                          {"last_attempt", r.last_attempt.empty() ? json(nullptr) : json(r.last_attempt)},
                          {"diagnostic", r.diagnostic},
                          {"temporary", r.temporary},
                          {"provider", r.provider.empty() ? json(nullptr) : json(r.provider)},
                          {"signature", sig}});
    if (!r.receiver.empty()) recipients.back()["receiver"] = r.receiver;  // the profile whose reply this is
  }
  return {{"schema", "mailaudit-bounce/1"},
          {"source", b.source},
          {"is_bounce", b.is_bounce},
          {"kind", b.kind},
          {"format", b.format},
          {"summary", b.summary},
          {"reporting_mta", b.reporting_mta},
          {"date", b.date.empty() ? json(nullptr) : json(b.date)},
          {"queue_id", b.queue_id.empty() ? json(nullptr) : json(b.queue_id)},
          {"recipients", recipients},
          {"original", {{"present", b.original_present}, {"message_id", b.original_message_id}}},
          {"context", context_json(b.context)}};
}

std::string bounce_text(const bounce::Bounce& b) {
  std::string out = b.source + ": " + b.summary + "\n";
  out += "  " + b.kind + " (" + b.format + ")";
  if (!b.reporting_mta.empty()) out += ", reported by " + b.reporting_mta;
  out += "\n";
  for (const auto& r : b.recipients) {
    out += "  " + (r.address.empty() ? std::string("(recipient not named)") : r.address) + ": " + r.action;
    if (!r.status.empty()) out += ", status " + r.status + (r.status_inferred ? " (inferred from the words)" : "");
    if (r.reply_code) out += ", reply " + std::to_string(r.reply_code);
    out += r.temporary ? ", temporary" : ", permanent";
    out += "\n";
    out += "      stage: " + (r.stage ? std::string(to_string(*r.stage)) : std::string("not stated"));
    if (r.cause_stage && r.cause_stage != r.stage) out += ", cause at " + std::string(to_string(*r.cause_stage));
    out += "\n";
    if (!r.remote_mta.empty()) out += "      remote MTA: " + r.remote_mta + "\n";
    if (!r.diagnostic.empty()) out += "      said: " + text::printable(r.diagnostic, 400) + "\n";
    if (r.signature) {
      out += "      known reply " + r.signature->id + ": " + r.signature->meaning + "\n";
      if (!r.signature->look_at.empty()) {
        out += "      look at:";
        for (const auto& id : r.signature->look_at) out += " " + id;
        out += "\n";
      }
      if (!r.signature->advice.empty()) out += "      advice: " + r.signature->advice + "\n";
    }
    if (!r.receiver.empty()) out += "      receiver profile: " + r.receiver + " (mailaudit receivers)\n";
  }
  auto ctx = [&](const char* label, const std::optional<bounce::Sourced>& v) {
    if (v) out += std::string("  ") + label + ": " + (v->value.empty() ? "<>" : text::printable(v->value, 200)) + " (" + text::printable(v->source, 300) + ")\n";
  };
  ctx("client IP", b.context.ip);
  ctx("HELO", b.context.helo);
  ctx("MAIL FROM", b.context.mail_from);
  if (b.original_present)
    out += "  original message attached" + (b.original_message_id.empty() ? std::string() : ": " + b.original_message_id) + "\n";
  return out;
}

namespace {

// Markdown: untrusted text in table cells escaped and bounded; replies verbatim in a fenced block.
std::string md(std::string_view s, std::size_t max = 300) { return text::markdown_cell(s, max); }

std::string fence(std::string_view s) {
  std::string body = text::printable(s, 2000);
  for (std::size_t p; (p = body.find("```")) != std::string::npos;) body.replace(p, 3, "'''");
  return "```\n" + body + "\n```\n";
}

std::string h(std::string_view s, std::size_t max = 2000) { return text::html_escape(s, max); }

std::string capitalised(std::string s) {
  if (!s.empty() && s.front() >= 'a' && s.front() <= 'z') s.front() = static_cast<char>(s.front() - 'a' + 'A');
  return s;
}

std::string ms(double v) {
  std::ostringstream o;
  o.precision(1);
  o << std::fixed << v;
  return o.str();
}

// The rows of one recipient's reply: label, value.
std::vector<std::pair<std::string, std::string>> reply_rows(const bounce::Bounce& b, const bounce::Recipient& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("Recipient", r.address.empty() ? "-" : r.address);
  rows.emplace_back("Action", r.action + (r.temporary ? " (temporary)" : " (permanent)"));
  if (r.reply_code) rows.emplace_back("Reply code", std::to_string(r.reply_code));
  if (!r.status.empty()) rows.emplace_back("Status", r.status + (r.status_inferred ? " (inferred)" : ""));
  rows.emplace_back("Stage", stage_name(r.stage));
  if (r.cause_stage && r.cause_stage != r.stage) rows.emplace_back("Cause at", stage_name(r.cause_stage));
  if (!r.remote_mta.empty()) rows.emplace_back("Receiving server", r.remote_mta);
  if (!b.reporting_mta.empty()) rows.emplace_back("Sending server", b.reporting_mta);
  if (!r.last_attempt.empty()) rows.emplace_back("Time", r.last_attempt);
  else if (!b.date.empty()) rows.emplace_back("Time", b.date);
  if (!b.queue_id.empty()) rows.emplace_back("Queue id", b.queue_id);
  return rows;
}

std::vector<std::pair<std::string, const bounce::Sourced*>> context_rows(const bounce::SendingContext& c) {
  std::vector<std::pair<std::string, const bounce::Sourced*>> rows;
  if (c.ip) rows.emplace_back("Client IP", &*c.ip);
  if (c.helo) rows.emplace_back("HELO", &*c.helo);
  if (c.mail_from) rows.emplace_back("MAIL FROM", &*c.mail_from);
  for (const auto& r : c.rcpt) rows.emplace_back("RCPT TO", &r);
  return rows;
}

}  // namespace

std::string bounce_markdown(const bounce::Bounce& b, const Report* audit, const WriterOptions& o, const Words& w) {
  std::ostringstream out;
  out << "# " << word(w, "ticket_title") << "\n\n" << word(w, "ticket_intro") << "\n\n";
  out << "Generated " << o.generated_at << " (UTC) by mailaudit " << o.version << " from " << md(b.source) << ".\n\n";
  out << "**" << md(b.summary, 1000) << "**\n\n";
  for (const auto& r : b.recipients) {
    out << "## " << word(w, "ticket_reply") << (r.address.empty() ? "" : ": " + md(r.address)) << "\n\n";
    out << "| | |\n|---|---|\n";
    for (const auto& [k, v] : reply_rows(b, r)) out << "| " << k << " | " << md(v) << " |\n";
    out << "\n";
    if (!r.diagnostic.empty()) out << fence(r.diagnostic) << "\n";
    if (r.signature) {
      out << "### " << word(w, "ticket_meaning") << "\n\n" << md(r.signature->meaning, 1000) << " (`" << r.signature->id << "`).\n\n";
      if (!r.signature->advice.empty()) out << md(capitalised(r.signature->advice), 1000) << ".\n\n";
    }
  }
  auto rows = context_rows(b.context);
  if (!rows.empty()) {
    out << "## " << word(w, "ticket_context") << "\n\n| | Value | Where it came from |\n|---|---|---|\n";
    for (const auto& [k, v] : rows) out << "| " << k << " | " << md(v->value.empty() ? "<>" : v->value) << " | " << md(v->source, 400) << " |\n";
    out << "\n";
  }
  out << "## " << word(w, "ticket_audit") << "\n\n";
  if (!audit) {
    out << word(w, b.original_present ? "ticket_no_audit" : "ticket_no_original") << "\n";
    return out.str();
  }
  // The audit's own Markdown (findings, blocklist answers, the DNS query log with times), two heading levels down (under "Audit of the original message").
  std::istringstream in(report_markdown(*audit, o));
  for (std::string line; std::getline(in, line);) out << (line.starts_with("#") ? "##" + line : line) << "\n";
  return out.str();
}

std::string bounce_html(const bounce::Bounce& b, const Report* audit, const WriterOptions& o, const Words& w) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << h(word(w, "ticket_title"))
      << "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
         "pre{background:#f4f4f4;padding:.8em;white-space:pre-wrap}.error{color:#a00}.warning{color:#a60}.pass{color:#070}</style>"
         "</head>\n<body>\n";
  out << "<h1>" << h(word(w, "ticket_title")) << "</h1>\n<p>" << h(word(w, "ticket_intro")) << "</p>\n";
  out << "<p>Generated " << h(o.generated_at) << " (UTC) by mailaudit " << h(o.version) << " from " << h(b.source) << ".</p>\n";
  out << "<p><strong>" << h(b.summary) << "</strong></p>\n";
  for (const auto& r : b.recipients) {
    out << "<h2>" << h(word(w, "ticket_reply")) << (r.address.empty() ? "" : ": " + h(r.address)) << "</h2>\n<table>\n";
    for (const auto& [k, v] : reply_rows(b, r)) out << "<tr><th>" << h(k) << "</th><td>" << h(v) << "</td></tr>\n";
    out << "</table>\n";
    if (!r.diagnostic.empty()) out << "<pre>" << h(r.diagnostic) << "</pre>\n";
    if (r.signature) {
      out << "<h3>" << h(word(w, "ticket_meaning")) << "</h3>\n<p>" << h(r.signature->meaning) << " (<code>" << h(r.signature->id)
          << "</code>).</p>\n";
      if (!r.signature->advice.empty()) out << "<p>" << h(capitalised(r.signature->advice)) << ".</p>\n";
    }
  }
  auto rows = context_rows(b.context);
  if (!rows.empty()) {
    out << "<h2>" << h(word(w, "ticket_context")) << "</h2>\n<table>\n<tr><th></th><th>Value</th><th>Where it came from</th></tr>\n";
    for (const auto& [k, v] : rows)
      out << "<tr><th>" << h(k) << "</th><td>" << h(v->value.empty() ? "<>" : v->value) << "</td><td>" << h(v->source) << "</td></tr>\n";
    out << "</table>\n";
  }
  out << "<h2>" << h(word(w, "ticket_audit")) << "</h2>\n";
  if (!audit) {
    out << "<p>" << h(word(w, b.original_present ? "ticket_no_audit" : "ticket_no_original")) << "</p>\n</body></html>\n";
    return out.str();
  }
  out << "<table>\n<tr><th>Stage</th><th>Severity</th><th>Finding</th><th>Detail</th><th>Remedy</th></tr>\n";
  for (const auto& f : audit->findings) {
    std::string sev(to_string(f.severity));
    out << "<tr><td>" << h(to_string(f.stage)) << "</td><td class=\"" << sev << "\">" << sev << "</td><td><code>" << h(f.id)
        << "</code> " << h(f.title) << "</td><td>" << h(f.detail) << "</td><td>" << h(f.remedy) << "</td></tr>\n";
  }
  out << "</table>\n";
  if (!audit->not_run.empty()) {
    out << "<ul>\n";
    for (const auto& n : audit->not_run) out << "<li>" << h(n) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<h2>" << h(word(w, "ticket_dns")) << "</h2>\n<p>DNS: " << h(audit->dns.mode) << "</p>\n"
      << "<table>\n<tr><th>Query</th><th>Type</th><th>Status</th><th>Answers</th><th>Server</th><th>TTL</th><th>ms</th></tr>\n";
  for (const auto& a : audit->dns.queries)
    out << "<tr><td>" << h(a.name) << "</td><td>" << to_string(a.type) << "</td><td>" << to_string(a.status) << "</td><td>"
        << h(dns::presentation(a), 600) << "</td><td>" << h(a.server) << "</td><td>" << (a.ttl ? std::to_string(*a.ttl) : "–")
        << "</td><td>" << ms(a.elapsed_ms) << "</td></tr>\n";
  out << "</table>\n</body></html>\n";
  return out.str();
}

namespace {

template <class Map>
std::vector<std::pair<typename Map::key_type, std::size_t>> top(const Map& m, std::size_t n) {
  std::vector<std::pair<typename Map::key_type, std::size_t>> v;
  for (const auto& [k, c] : m) v.emplace_back(k, c);
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

}  // namespace

json bounce_summary_json(const bounce::Summary& s) {
  json combos = json::array();
  for (const auto& [k, n] : top(s.by_combination, 100))
    combos.push_back({{"stage", std::get<0>(k)}, {"provider", std::get<1>(k)}, {"signature", std::get<2>(k)}, {"count", n}});
  json replies = json::array();
  for (const auto& [k, n] : top(s.replies, 20)) replies.push_back({{"reply", k}, {"count", n}});
  std::vector<std::pair<std::string, std::size_t>> rc;
  for (const auto& [a, e] : s.recipients) rc.emplace_back(a, e.first);
  std::stable_sort(rc.begin(), rc.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  json recipients = json::array();
  for (const auto& [a, n] : rc) {
    const std::string& st = s.recipients.at(a).second;
    recipients.push_back({{"address", a}, {"count", n}, {"status", st.empty() ? json(nullptr) : json(st)}});
  }
  return {{"files", s.files},
          {"bounces", s.bounces},
          {"not_bounces", s.not_bounces},
          {"unreadable", s.unreadable},
          {"temporary", s.temporary},
          {"permanent", s.permanent},
          {"by_stage", s.by_stage},
          {"by_provider", s.by_provider},
          {"by_signature", s.by_signature},
          {"by_format", s.by_format},
          {"by_stage_provider_signature", combos},
          {"top_replies", replies},
          {"recipients", recipients},
          {"recipients_not_listed", s.recipients_dropped}};
}

std::string bounce_summary_text(const bounce::Summary& s, const Words& w) {
  std::ostringstream out;
  out << word(w, "summary_title") << ": " << s.files << " read, " << s.bounces << " bounces, " << s.not_bounces
      << " not bounces, " << s.unreadable << " unreadable; recipients " << s.temporary << " temporary, " << s.permanent
      << " permanent\n\n";
  auto pad = [](std::string v, std::size_t n) {
    if (v.size() < n) v.resize(n, ' ');
    return v;
  };
  out << "  " << pad("count", 6) << "  " << pad("stage", 12) << "  " << pad("provider", 12) << "  signature\n";
  for (const auto& [k, n] : top(s.by_combination, 30)) {
    std::string count = std::to_string(n);
    out << "  " << std::string(count.size() < 6 ? 6 - count.size() : 0, ' ') << count << "  " << pad(std::get<0>(k), 12) << "  "
        << pad(std::get<1>(k), 12) << "  " << std::get<2>(k) << "\n";
  }
  out << "\n  top replies:\n";
  for (const auto& [k, n] : top(s.replies, 10)) out << "  " << n << "  " << text::printable(k, 160) << "\n";
  out << "\n  recipients affected: " << s.recipients.size() + s.recipients_dropped << "\n";
  return out.str();
}

std::string bounce_summary_markdown(const bounce::Summary& s, const Words& w) {
  std::ostringstream out;
  out << "# " << word(w, "summary_title") << "\n\n" << s.files << " read, " << s.bounces << " bounces, " << s.not_bounces
      << " not bounces, " << s.unreadable << " unreadable. Recipients: " << s.temporary << " temporary, " << s.permanent
      << " permanent.\n\n| Count | Stage | Provider | Signature |\n|---|---|---|---|\n";
  for (const auto& [k, n] : top(s.by_combination, 50))
    out << "| " << n << " | " << md(std::get<0>(k)) << " | " << md(std::get<1>(k)) << " | " << md(std::get<2>(k)) << " |\n";
  out << "\n| Count | Reply |\n|---|---|\n";
  for (const auto& [k, n] : top(s.replies, 20)) out << "| " << n << " | " << md(k) << " |\n";
  out << "\nRecipients affected: " << s.recipients.size() + s.recipients_dropped << ".\n";
  return out.str();
}

void order_by_stage(Report& r, Stage first) {
  std::stable_partition(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.stage == first; });
}

}  // namespace mailaudit
