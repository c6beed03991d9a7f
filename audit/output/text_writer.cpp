#include <algorithm>
#include <map>
#include <sstream>

#include "output/writers.hpp"
#include "output/probe_writer.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

struct Style {
  bool on;
  std::string wrap(std::string_view code, std::string_view s) const {
    if (!on) return std::string(s);
    return "\033[" + std::string(code) + "m" + std::string(s) + "\033[0m";
  }
  std::string severity(Severity sv) const {
    switch (sv) {
      case Severity::error: return wrap("1;31", "ERROR");
      case Severity::warning: return wrap("33", "WARN ");
      case Severity::info: return wrap("36", "INFO ");
      case Severity::pass: return wrap("32", "PASS ");
    }
    return "?";
  }
};

// Greedy word wrap of `s` at `width`, each line prefixed with `indent`. Built in one string and written
// once: a batch wraps every finding of every message.
void wrapped(std::ostringstream& out, std::string_view s, std::string_view indent, std::size_t width = 100) {
  std::string lines;
  lines.reserve(s.size() + (s.size() / 40 + 2) * (indent.size() + 1));
  std::size_t col = 0;
  bool line_start = true;
  for (std::size_t pos = 0; pos <= s.size();) {
    std::size_t end = std::min(s.find(' ', pos), s.size());
    std::string_view word = s.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (!line_start && col + 1 + word.size() > width) {
      lines += '\n';
      line_start = true;
    }
    if (line_start) {
      lines.append(indent).append(word);
      col = indent.size() + word.size();
      line_start = false;
    } else {
      lines.append(1, ' ').append(word);
      col += 1 + word.size();
    }
  }
  if (!line_start) lines += '\n';
  out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
}

std::string answer_line(const dns::Answer& a) {
  std::string s = a.name + " " + std::string(to_string(a.type)) + " " + std::string(to_string(a.status));
  if (!a.records.empty()) {
    s += " ->";
    for (std::size_t i = 0; i < a.records.size() && i < 6; ++i) {
      const auto& r = a.records[i];
      s += " " + text::printable(dns::presentation(r), 120);
    }
    if (a.records.size() > 6) s += " (+" + std::to_string(a.records.size() - 6) + " more)";
  }
  if (!a.server.empty()) s += "  [" + a.server + "]";
  if (!a.note.empty()) s += "  (" + a.note + ")";
  return s;
}

std::string verdict_sentence(const Report& r, const Summary& s) {
  if (!r.error.empty()) return "cannot audit: " + r.error;
  auto n = [&](Severity sv, const char* one, const char* many) {
    std::size_t c = s.counts.at(sv);
    return std::to_string(c) + " " + (c == 1 ? one : many);
  };
  std::string counts = n(Severity::error, "error", "errors") + ", " + n(Severity::warning, "warning", "warnings") +
                       ", " + n(Severity::pass, "pass", "passes");
  if (s.incomplete && s.verdict != Verdict::fail) {
    std::string checks;
    for (const auto& c : s.incomplete_checks) checks += (checks.empty() ? "" : ", ") + c;
    counts += "; incomplete: " + checks + " could not tell";
  }
  switch (s.verdict) {
    case Verdict::fail:
      return "likely rejected, first at " + std::string(stage_label(*s.first_stage)) + " (" + counts + ")";
    case Verdict::warn:
      return "at risk, first at " + std::string(stage_label(*s.first_stage)) + " (" + counts + ")";
    case Verdict::pass:
      return "no rejection cause found (" + counts + ")";
  }
  return "";
}

}  // namespace

std::string report_text(const Report& r, const WriterOptions& o) {
  Style st{o.colour};
  Summary s = summarise(r);
  std::ostringstream out;
  std::string tag = s.verdict == Verdict::fail ? st.wrap("1;31", "FAIL")
                    : s.verdict == Verdict::warn ? st.wrap("1;33", "WARN")
                                                 : st.wrap("1;32", "PASS");
  out << tag << "  " << r.message.source << ": " << verdict_sentence(r, s) << "\n";
  if (!r.error.empty()) return out.str();

  if (!r.message.from.empty()) out << "      From: " << text::printable(r.message.from, 120) << "\n";
  if (!r.message.subject.empty()) out << "      Subject: " << text::printable(r.message.subject, 120) << "\n";
  std::string ctx;
  if (r.context.ip) ctx += " ip " + *r.context.ip;
  if (r.context.helo) ctx += " helo " + *r.context.helo;
  if (r.context.mail_from) ctx += " mail-from <" + *r.context.mail_from + ">";
  for (const auto& rc : r.context.rcpt) ctx += " rcpt <" + rc + ">";
  if (!ctx.empty()) out << "      Context:" << ctx << "\n";
  out << receivers_text(r.receivers, o);
  if (r.probe) out << probe_check_text(*r.probe, o);

  // Stages in SMTP order, or the stage a bounce points at first (bounce --audit).
  std::vector<Stage> stages(all_stages.begin(), all_stages.end());
  if (o.first_stage) {
    std::stable_partition(stages.begin(), stages.end(), [&](Stage x) { return x == *o.first_stage; });
  }
  for (Stage stage : stages) {
    bool header_done = false;
    for (const auto& f : r.findings) {
      if (f.stage != stage) continue;
      if (!header_done) {
        out << "\n" << st.wrap("1", std::string(stage_label(stage))) << "\n";
        header_done = true;
      }
      out << "  " << st.severity(f.severity) << " " << f.id << ": " << f.title << "\n";
      if (f.severity == Severity::pass) continue;
      wrapped(out, f.detail, "          ");
      for (const auto& e : f.evidence) out << "          dns: " << answer_line(e) << "\n";
      if (!f.remedy.empty()) wrapped(out, "Fix: " + f.remedy, "          ");
    }
  }
  if (!r.not_run.empty()) {
    out << "\n" << st.wrap("1", "Not run") << "\n";
    for (const auto& n : r.not_run) out << "  " << n << "\n";
  }
  out << "\nDNS: " << r.dns.mode;
  // Zone files are summarised by folder ("14 zone files in fixtures/dns"); servers are listed.
  std::map<std::string, std::size_t> zone_dirs;
  std::vector<std::string> shown;
  for (const auto& server : r.dns.servers) {
    if (server.rfind("zone:", 0) == 0) {
      std::string path = server.substr(5);
      auto slash = path.rfind('/');
      ++zone_dirs[slash == std::string::npos ? "." : path.substr(0, slash)];
    } else {
      shown.push_back(server);
    }
  }
  for (const auto& [dir, n] : zone_dirs)
    shown.insert(shown.begin(), std::to_string(n) + (n == 1 ? " zone file in " : " zone files in ") + dir);
  if (!shown.empty()) {
    out << " (";
    for (std::size_t i = 0; i < shown.size(); ++i) out << (i ? ", " : "") << shown[i];
    out << ")";
  }
  out << ", " << r.dns.queries.size() << " queries\n";
  return out.str();
}

std::string batch_summary_text(const std::vector<Report>& rs, const WriterOptions& o) {
  return batch_summary_text(summarise_batch(rs), o);
}

std::string batch_summary_text(const BatchSummary& b, const WriterOptions& o) {
  Style st{o.colour};
  std::vector<std::pair<std::string, BatchSummary::IdCount>> rows(b.by_id.begin(), b.by_id.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    if (x.second.severity != y.second.severity) return x.second.severity < y.second.severity;
    return x.second.messages > y.second.messages;
  });
  std::ostringstream out;
  out << "\n" << st.wrap("1", "Batch") << ": " << b.messages << " messages: " << b.verdicts.at(Verdict::fail) << " fail ("
      << b.unreadable << " unreadable), " << b.verdicts.at(Verdict::warn) << " warn, " << b.verdicts.at(Verdict::pass)
      << " pass\n";
  for (const auto& [id, c] : rows)
    out << "  " << st.severity(c.severity) << " " << id << " (" << stage_label(c.stage) << "): " << c.messages
        << (c.messages == 1 ? " message" : " messages") << "\n";
  return out.str();
}

}  // namespace mailaudit
