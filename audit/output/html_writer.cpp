// One self-contained HTML page: a picture of the SMTP stages with the findings at each, then the findings
// with their evidence and the DNS query log. No scripts, no external requests: inline CSS only.
// Everything from the message or the DNS is escaped.
#include <sstream>

#include "output/writers.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

std::string esc(std::string_view s, std::size_t max = 2000) { return text::html_escape(s, max); }

void dns_rows(std::ostringstream& out, const std::vector<dns::Answer>& answers) {
  out << "<table><tr><th>Query</th><th>Type</th><th>Status</th><th>Answers</th><th>Server</th><th>TTL</th></tr>\n";
  for (const auto& a : answers)
    out << "<tr><td>" << esc(a.name) << "</td><td>" << to_string(a.type) << "</td><td class=\"st-" << to_string(a.status)
        << "\">" << to_string(a.status) << "</td><td>" << esc(dns::presentation(a), 400) << "</td><td>" << esc(a.server)
        << "</td><td>" << (a.ttl ? std::to_string(*a.ttl) : "") << "</td></tr>\n";
  out << "</table>\n";
}

constexpr const char* kStyle = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d1d1f;padding:0 1em}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
.verdict{font-size:1.15em;padding:.6em 1em;border-radius:6px}
.v-fail{background:#fde2e1}.v-warn{background:#fff3cd}.v-pass{background:#e3f4e3}
.stages{display:flex;gap:.4em;align-items:stretch;margin:1.2em 0}
.stage{flex:1;border:2px solid #bbb;border-radius:8px;padding:.5em;text-align:center;background:#f7f7f7}
.stage b{display:block}.arrow{align-self:center;color:#888}a.stage{color:inherit;text-decoration:none}
.s-error{border-color:#c62828;background:#fde2e1}.s-warning{border-color:#b7791f;background:#fff3cd}
.s-pass{border-color:#2e7d32;background:#e3f4e3}
.finding{border-left:5px solid #bbb;padding:.3em .8em;margin:.8em 0;background:#fafafa}
.f-error{border-color:#c62828}.f-warning{border-color:#b7791f}.f-info{border-color:#1565c0}.f-pass{border-color:#2e7d32}
.sev{font-weight:bold;text-transform:uppercase;font-size:.85em}code{background:#eee;padding:0 .2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;max-width:100%}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
td,p,code,h1,li{overflow-wrap:anywhere}
.st-NXDOMAIN,.st-NODATA{color:#555}.st-TIMEOUT,.st-SERVFAIL,.st-REFUSED{color:#b7791f;font-weight:bold}
)";

}  // namespace

std::string report_html(const Report& r, const WriterOptions& o) {
  std::ostringstream out;
  Summary s = summarise(r);
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<title>mailaudit: " << esc(r.message.subject.empty() ? r.message.source : r.message.subject, 120)
      << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  out << "<h1>mailaudit report: " << esc(r.message.source, 300) << "</h1>\n";
  out << "<p>Generated " << esc(o.generated_at) << " (UTC) by mailaudit " << esc(o.version) << "; DNS: " << esc(r.dns.mode)
      << "</p>\n";
  std::string vclass = s.verdict == Verdict::fail ? "v-fail" : s.verdict == Verdict::warn ? "v-warn" : "v-pass";
  out << "<p class=\"verdict " << vclass << "\" id=\"verdict\">";
  if (!r.error.empty()) {
    out << "<b>Cannot audit</b>: " << esc(r.error) << "</p>\n<p id=\"end\"></p></body></html>\n";
    return out.str();
  }
  out << "<b>" << to_string(s.verdict) << "</b>";
  if (s.first_stage) out << ", first at " << stage_label(*s.first_stage);
  out << ": " << s.counts.at(Severity::error) << " errors, " << s.counts.at(Severity::warning) << " warnings, "
      << s.counts.at(Severity::info) << " notes, " << s.counts.at(Severity::pass) << " passes</p>\n";

  // The stages: what the receiver has seen at each, and the worst finding there.
  out << "<div class=\"stages\" id=\"stages\">\n";
  bool first = true;
  for (Stage st : all_stages) {
    std::optional<Severity> worst;
    std::size_t n = 0;
    for (const auto& f : r.findings)
      if (f.stage == st) {
        ++n;
        if (!worst || f.severity < *worst) worst = f.severity;
      }
    if (!first) out << "<span class=\"arrow\">&rarr;</span>";
    first = false;
    std::string cls = !worst ? "" : *worst == Severity::error ? "s-error" : *worst == Severity::warning ? "s-warning" : "s-pass";
    out << "<a class=\"stage " << cls << "\" href=\"#stage-" << to_string(st) << "\"><b>" << stage_label(st) << "</b>"
        << (n ? std::to_string(n) + (n == 1 ? " finding" : " findings") : std::string("nothing found"));
    if (worst) out << "<br>worst: " << to_string(*worst);
    out << "</a>\n";
  }
  out << "</div>\n";

  out << "<h2>Message and context</h2>\n<table>"
      << "<tr><th>Message-ID</th><td>" << esc(r.message.message_id) << "</td></tr>"
      << "<tr><th>From</th><td>" << esc(r.message.from) << "</td></tr>"
      << "<tr><th>Subject</th><td>" << esc(r.message.subject) << "</td></tr>"
      << "<tr><th>Size, SHA-256</th><td>" << r.message.size << " bytes, " << r.message.sha256 << "</td></tr>"
      << "<tr><th>Sending IP</th><td>" << esc(r.context.ip.value_or("")) << "</td></tr>"
      << "<tr><th>HELO</th><td>" << esc(r.context.helo.value_or("")) << "</td></tr>"
      << "<tr><th>MAIL FROM</th><td>" << esc(r.context.mail_from ? "<" + *r.context.mail_from + ">" : "") << "</td></tr>";
  std::string rcpts;
  for (const auto& x : r.context.rcpt) rcpts += (rcpts.empty() ? "" : ", ") + x;
  out << "<tr><th>RCPT TO</th><td>" << esc(rcpts) << "</td></tr></table>\n";

  out << "<h2>Findings</h2>\n";
  for (Stage st : all_stages) {
    bool header = false;
    for (const auto& f : r.findings) {
      if (f.stage != st) continue;
      if (!header) {
        out << "<h3 id=\"stage-" << to_string(st) << "\">" << stage_label(st) << "</h3>\n";
        header = true;
      }
      out << "<div class=\"finding f-" << to_string(f.severity) << "\"><p><span class=\"sev\">" << to_string(f.severity)
          << "</span> <code>" << esc(f.id) << "</code> " << esc(f.title, 400) << "</p>\n";
      if (f.severity != Severity::pass) {
        out << "<p>" << esc(f.detail) << "</p>\n";
        if (!f.remedy.empty()) out << "<p><b>Fix:</b> " << esc(f.remedy) << "</p>\n";
      }
      if (!f.evidence.empty()) dns_rows(out, f.evidence);
      out << "</div>\n";
    }
  }
  if (!r.not_run.empty()) {
    out << "<h2>Not run</h2><ul>";
    for (const auto& n : r.not_run) out << "<li>" << esc(n) << "</li>";
    out << "</ul>\n";
  }
  out << "<h2>DNS queries</h2>\n";
  dns_rows(out, r.dns.queries);
  out << "<p id=\"end\"></p></body></html>\n";
  return out.str();
}

}  // namespace mailaudit
