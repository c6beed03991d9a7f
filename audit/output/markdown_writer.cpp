// Markdown for a postmaster ticket (AOL/Yahoo, Microsoft, Gmail forms accept pasted text): who sent what,
// from where, what each blocklist and the DNS answered, and what mailaudit concluded. Message-derived text
// is untrusted: table cells are escaped and bounded.
#include <algorithm>
#include <sstream>

#include "output/writers.hpp"
#include "output/probe_writer.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

std::string cell(std::string_view s, std::size_t max = 200) { return text::markdown_cell(s, max); }

void dns_table(std::ostringstream& out, const std::vector<dns::Answer>& answers, bool with_time) {
  out << "| Query | Type | Status | Answers | Server | TTL |" << (with_time ? " ms |" : "") << "\n";
  out << "|---|---|---|---|---|---|" << (with_time ? "---|" : "") << "\n";
  for (const auto& a : answers) {
    out << "| " << cell(a.name) << " | " << to_string(a.type) << " | " << to_string(a.status) << " | "
        << cell(dns::presentation(a), 300) << " | " << cell(a.server) << " | " << (a.ttl ? std::to_string(*a.ttl) : "–")
        << " |";
    if (with_time) {
      std::ostringstream ms;
      ms.precision(1);
      ms << std::fixed << a.elapsed_ms;
      out << " " << ms.str() << " |";
    }
    out << "\n";
  }
}

const Finding* find_check(const Report& r, std::string_view check) {
  for (const auto& f : r.findings)
    if (f.check == check) return &f;
  return nullptr;
}

}  // namespace

std::string report_markdown(const Report& r, const WriterOptions& o) {
  std::ostringstream out;
  Summary s = summarise(r);
  out << "# mailaudit report: " << cell(r.message.subject.empty() ? r.message.source : r.message.subject) << "\n\n";
  out << "Generated " << o.generated_at << " (UTC) by mailaudit " << o.version << ". DNS: " << r.dns.mode;
  if (!r.dns.servers.empty()) {
    out << " (";
    for (std::size_t i = 0; i < r.dns.servers.size() && i < 6; ++i) out << (i ? ", " : "") << cell(r.dns.servers[i]);
    if (r.dns.servers.size() > 6) out << ", +" << r.dns.servers.size() - 6 << " more";
    out << ")";
  }
  out << ".\n\n## Verdict\n\n";
  if (!r.error.empty()) {
    out << "**Cannot audit**: " << cell(r.error, 300) << "\n";
    return out.str();
  }
  std::string verdict = s.verdict == Verdict::fail ? "FAIL" : s.verdict == Verdict::warn ? "WARN" : "PASS";
  out << "**" << verdict << "**";
  if (s.first_stage) out << ", first at " << stage_label(*s.first_stage);
  out << ": " << s.counts.at(Severity::error) << " errors, " << s.counts.at(Severity::warning) << " warnings, "
      << s.counts.at(Severity::info) << " notes, " << s.counts.at(Severity::pass) << " passes.\n\n";

  out << "## Message\n\n| Field | Value |\n|---|---|\n"
      << "| Source | " << cell(r.message.source) << " |\n"
      << "| Message-ID | " << cell(r.message.message_id) << " |\n"
      << "| From | " << cell(r.message.from) << " |\n"
      << "| Subject | " << cell(r.message.subject) << " |\n"
      << "| Size | " << r.message.size << " bytes |\n"
      << "| SHA-256 | " << r.message.sha256 << " |\n\n";

  out << "## Sending context\n\n| Field | Value |\n|---|---|\n";
  out << "| Sending IP | " << cell(r.context.ip.value_or("")) << " |\n";
  if (r.context.ip) {
    std::string ptr = "not checked";
    for (const auto& q : r.dns.queries)
      if (!r.ip_reverse_name.empty() && q.name == r.ip_reverse_name && q.type == dns::RRType::PTR)
        ptr = q.records.empty() ? std::string("none (") + std::string(to_string(q.status)) + ")" : dns::presentation(q);
    if (const Finding* f = find_check(r, "rdns"))
      ptr += f->id == "rdns.ok" ? " (forward-confirmed)" : f->id == "rdns.unconfirmed" ? " (not forward-confirmed)" : "";
    out << "| Reverse DNS (PTR) | " << cell(ptr) << " |\n";
  }
  out << "| HELO | " << cell(r.context.helo.value_or("")) << " |\n"
      << "| MAIL FROM | " << cell(r.context.mail_from ? "<" + *r.context.mail_from + ">" : "") << " |\n";
  std::string rcpts;
  for (const auto& x : r.context.rcpt) rcpts += (rcpts.empty() ? "" : ", ") + x;
  out << "| RCPT TO | " << cell(rcpts, 400) << " |\n\n";
  out << receivers_markdown(r.receivers, o);
  if (r.probe) out << probe_check_markdown(*r.probe, o);

  // Every blocklist answer, with what mailaudit read from it.
  std::vector<std::pair<const Finding*, const dns::Answer*>> list_rows;
  std::vector<std::string> seen;  // two domains may share a registered domain: one row per query
  for (const auto& f : r.findings)
    if (f.check == "dnsbl" || f.check == "domain_lists" || (f.check == "uri" && f.id != "uri.nxdomain"))
      for (const auto& e : f.evidence)
        if (e.type == dns::RRType::A && std::find(seen.begin(), seen.end(), e.name) == seen.end()) {
          seen.push_back(e.name);
          list_rows.emplace_back(&f, &e);
        }
  if (!list_rows.empty()) {
    out << "## Blocklists\n\n| Query | Status | Answer | Reading |\n|---|---|---|---|\n";
    for (const auto& [f, a] : list_rows)
      out << "| " << cell(a->name) << " | " << to_string(a->status) << " | " << cell(dns::presentation(*a)) << " | `"
          << f->id << "` " << cell(f->title, 160) << " |\n";
    out << "\n";
  }

  // The domains in the content: after end of DATA these are the first suspects (AOL 521 5.2.1, Yahoo PH01).
  const auto& domains = r.domains;
  if (!domains.empty()) {
    out << "## Domains in the message\n\n| Domain | Where | Example URL |\n|---|---|---|\n";
    std::size_t rows = 0;
    for (const auto& d : domains) {
      if (++rows > 50) {
        out << "| … | " << domains.size() - 50 << " more | |\n";
        break;
      }
      const urls::Url* first = nullptr;
      std::size_t count = 0;
      for (const auto& u : r.urls)
        if (u.domain == d || (u.domain.empty() && u.host == d)) {
          // The place a reader sees first: a body link rather than a header.
          bool better = !first || (first->source.starts_with("header:") && !u.source.starts_with("header:"));
          if (better) first = &u;
          ++count;
        }
      std::string where = first ? (first->part.empty() ? std::string("header") : "part " + first->part) + " " + first->source : "";
      if (count > 1) where += " (+" + std::to_string(count - 1) + " more)";
      out << "| " << cell(d) << " | " << cell(where) << " | " << cell(first ? first->url : "", 120) << " |\n";
    }
    out << "\n";
  }

  out << "## Findings\n";
  for (Stage stage : all_stages) {
    bool header = false;
    for (const auto& f : r.findings) {
      if (f.stage != stage) continue;
      if (!header) {
        out << "\n### " << stage_label(stage) << "\n";
        header = true;
      }
      std::string sev(to_string(f.severity));
      for (auto& c : sev) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out << "\n- **" << sev << "** `" << f.id << "`: " << cell(f.title, 300) << "\n";
      if (f.severity == Severity::pass) continue;
      out << "\n  " << cell(f.detail, 2000) << "\n";
      if (!f.remedy.empty()) out << "\n  Fix: " << cell(f.remedy, 1000) << "\n";
      if (!f.evidence.empty()) {
        out << "\n";
        dns_table(out, f.evidence, false);
      }
    }
  }
  if (!r.not_run.empty()) {
    out << "\n## Not run\n\n";
    for (const auto& n : r.not_run) out << "- " << cell(n) << "\n";
  }
  out << "\n## DNS queries\n\n";
  if (r.dns.queries.empty()) out << "None.\n";
  else dns_table(out, r.dns.queries, true);
  // Live lookups: each packet exchange, when it was sent and what the server said (postmasters ask when).
  bool any_tries = std::any_of(r.dns.queries.begin(), r.dns.queries.end(), [](const auto& a) { return !a.tries.empty(); });
  if (any_tries) {
    out << "\n### DNS tries\n\n| Sent (UTC) | Query | Type | Server | Transport | Result | ms |\n|---|---|---|---|---|---|---|\n";
    for (const auto& a : r.dns.queries)
      for (const auto& t : a.tries) {
        std::ostringstream ms;
        ms.precision(1);
        if (t.rtt_ms) ms << std::fixed << *t.rtt_ms;
        out << "| " << cell(t.at) << " | " << cell(t.query) << " | " << to_string(a.type) << " | " << cell(t.server) << " | "
            << t.transport << (t.edns ? "" : " (no EDNS)") << " | " << cell(t.result + (t.late ? " (late)" : "") +
                                                                             (t.note.empty() ? "" : ": " + t.note), 300)
            << " | " << (t.rtt_ms ? ms.str() : "–") << " |\n";
      }
  }
  return out.str();
}

}  // namespace mailaudit
