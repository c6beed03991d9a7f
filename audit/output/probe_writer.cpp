#include "output/probe_writer.hpp"

#include "util/text.hpp"

namespace mailaudit {

namespace {

using nlohmann::ordered_json;

ordered_json opt(const std::optional<bool>& b) { return b ? ordered_json(*b) : ordered_json(nullptr); }
ordered_json str_or_null(const std::string& s) { return s.empty() ? ordered_json(nullptr) : ordered_json(s); }

const std::string& w(const std::map<std::string, std::string>& words, const std::string& key) {
  auto it = words.find("probe." + key);
  return it != words.end() ? it->second : key;
}

std::string reply_line(const probe::Reply& r) {
  if (r.code == 0) return "";
  return std::to_string(r.code) + (r.status.empty() ? "" : " " + r.status) + (r.text.empty() ? "" : " " + r.text);
}

std::string tls_line(const probe::TlsFacts& t, const std::map<std::string, std::string>& words) {
  if (!t.offered && t.error.empty()) return w(words, "label_tls_not_offered");
  if (!t.used) return w(words, "label_tls_not_used") + (t.error.empty() ? "" : ": " + t.error);
  std::string s = t.protocol + " " + t.cipher + ", " +
                  (t.verified.value_or(false) ? w(words, "label_verified") : w(words, "label_not_verified") +
                                                   (t.verify_error.empty() ? "" : " (" + t.verify_error + ")")) +
                  ", " + (t.name_match.value_or(false) ? w(words, "label_name_match") : w(words, "label_name_mismatch"));
  if (!t.not_after.empty()) s += ", " + w(words, "label_not_after") + " " + t.not_after;
  return s;
}

}  // namespace

ordered_json probe_json(const probe::ProbeResult& r) {
  ordered_json j;
  j["schema"] = "mailaudit-probe/1";
  ordered_json mx = ordered_json::array();
  for (const auto& m : r.target.mx) mx.push_back({{"host", m.host}, {"pref", m.pref}});
  j["target"] = {{"rcpt", r.target.rcpt}, {"domain", str_or_null(r.target.domain)}, {"mx", mx}, {"note", str_or_null(r.target.note)}};
  ordered_json sessions = ordered_json::array();
  for (const auto& s : r.sessions) {
    ordered_json js;
    js["host"] = s.host;
    js["address"] = s.address;
    js["port"] = s.port;
    js["source"] = str_or_null(s.source);
    js["tls"] = {{"offered", s.tls.offered}, {"used", s.tls.used}, {"protocol", str_or_null(s.tls.protocol)},
                 {"cipher", str_or_null(s.tls.cipher)}, {"verified", opt(s.tls.verified)}, {"name_match", opt(s.tls.name_match)},
                 {"not_after", str_or_null(s.tls.not_after)}, {"subject", str_or_null(s.tls.subject)},
                 {"verify_error", str_or_null(s.tls.verify_error)}, {"error", str_or_null(s.tls.error)}};
    ordered_json tr = ordered_json::array();
    for (const auto& l : s.transcript) tr.push_back({{"ms", l.ms}, {"dir", std::string(1, l.dir)}, {"line", l.line}});
    js["transcript"] = tr;
    ordered_json steps = ordered_json::array();
    for (const auto& st : s.steps) {
      ordered_json x;
      x["stage"] = st.stage;
      x["command"] = st.command;
      x["reply"] = st.reply.code ? ordered_json{{"code", st.reply.code}, {"status", str_or_null(st.reply.status)}, {"text", st.reply.text}}
                                 : ordered_json(nullptr);
      x["ms"] = st.ms;
      x["problem"] = str_or_null(st.problem);
      const auto& c = st.classification;
      ordered_json cl{{"temporary", c.temporary}, {"meaning", str_or_null(c.meaning)}, {"cause_stage", str_or_null(c.cause_stage)}};
      cl["signature"] = c.signature ? ordered_json{{"id", c.signature->id}, {"meaning", c.signature->meaning}, {"look_at", c.signature->look_at}}
                                    : ordered_json(nullptr);
      cl["look_at"] = c.look_at;
      cl["profile"] = c.profile ? ordered_json{{"id", c.profile->profile}, {"via", c.profile->via}, {"findings", c.profile->findings}}
                                : ordered_json(nullptr);
      x["classification"] = cl;
      steps.push_back(x);
    }
    js["steps"] = steps;
    js["outcome"] = {{"stopped_at", str_or_null(s.outcome.stopped_at)}, {"accepted", s.outcome.accepted},
                     {"could_not_tell", s.outcome.could_not_tell}, {"temporary", s.outcome.temporary},
                     {"accepted_rcpt", s.outcome.accepted_rcpt}, {"rejected_rcpt", s.outcome.rejected_rcpt},
                     {"summary", s.outcome.summary}};
    js["elapsed_ms"] = s.elapsed_ms;
    sessions.push_back(js);
  }
  j["sessions"] = sessions;
  j["summary"] = {{"verdict", r.accepted ? "accepted" : r.rejected ? "rejected" : "unknown"}, {"text", r.summary}};
  return j;
}

std::string probe_text(const probe::ProbeResult& r, const std::map<std::string, std::string>& words) {
  std::string out = r.summary + "\n";
  if (!r.target.note.empty()) out += r.target.note + "\n";
  for (const auto& s : r.sessions) {
    out += "\n" + w(words, "label_session") + " " + s.host + " [" + s.address + "]:" + std::to_string(s.port) +
           (s.source.empty() ? "" : " " + w(words, "label_from") + " " + s.source) + " (" + std::to_string(s.elapsed_ms) + " ms)\n";
    out += "  " + w(words, "label_tls") + ": " + tls_line(s.tls, words) + "\n";
    for (const auto& st : s.steps) {
      std::string said = st.problem.empty() ? reply_line(st.reply) : st.problem;
      out += "  " + st.stage + ": " + (st.command.empty() ? "" : text::printable(st.command, 120) + " -> ") + text::printable(said, 300) + "\n";
      if (!st.classification.meaning.empty() && (st.reply.code >= 400 || !st.problem.empty()))
        out += "      " + st.classification.meaning + "\n";
      if (const auto& pm = st.classification.profile)
        out += "      " + w(words, "label_profile") + ": " + pm->profile + (pm->via.empty() ? "" : " (" + pm->via + ")") + "\n";
      if (!st.classification.look_at.empty()) {
        out += "      " + w(words, "label_look_at") + ":";
        for (const auto& id : st.classification.look_at) out += " " + id;
        out += "\n";
      }
    }
    out += "  " + w(words, "label_transcript") + ":\n";
    for (const auto& l : s.transcript) out += "    " + std::to_string(l.ms) + "ms " + l.dir + ": " + l.line + "\n";
  }
  return out;
}

std::string probe_markdown(const probe::ProbeResult& r, const std::map<std::string, std::string>& words) {
  std::string out = "# " + w(words, "ticket_title") + "\n\n" + w(words, "ticket_intro") + "\n\n**" + r.summary + "**\n\n";
  for (const auto& s : r.sessions) {
    out += "## " + text::markdown_cell(s.host, 200) + " [" + s.address + "]:" + std::to_string(s.port) + "\n\n";
    out += "- " + w(words, "label_from") + ": " + (s.source.empty() ? "?" : s.source) + "\n";
    out += "- " + w(words, "label_tls") + ": " + text::markdown_cell(tls_line(s.tls, words), 400) + "\n\n";
    out += "| " + w(words, "col_stage") + " | " + w(words, "col_command") + " | " + w(words, "col_reply") + " | " +
           w(words, "col_ms") + " |\n|---|---|---|---|\n";
    for (const auto& st : s.steps)
      out += "| " + st.stage + " | " + text::markdown_cell(st.command, 120) + " | " +
             text::markdown_cell(st.problem.empty() ? reply_line(st.reply) : st.problem, 300) + " | " + std::to_string(st.ms) + " |\n";
    out += "\n### " + w(words, "label_transcript") + "\n\n```\n";
    for (const auto& l : s.transcript) out += std::to_string(l.ms) + "ms " + l.dir + ": " + l.line + "\n";
    out += "```\n\n";
  }
  return out;
}

namespace {

std::string check_word(const WriterOptions& o, const std::string& key) {
  auto it = o.words.find("probe." + key);
  return it != o.words.end() ? it->second : key;
}

std::string count_line(const probe::Check& c, const WriterOptions& o) {
  return c.disagreements ? text::fill(check_word(o, "cmp_disagreements"), {{"count", std::to_string(c.disagreements)}})
                         : check_word(o, "cmp_all_agree");
}

}  // namespace

ordered_json probe_check_json(const probe::Check& c) {
  ordered_json stages = ordered_json::array();
  for (const auto& v : c.stages)
    stages.push_back({{"stage", v.stage}, {"audit", v.audit}, {"ids", v.ids}, {"answer", v.answer},
                      {"reply", str_or_null(v.reply)}, {"agreement", v.agreement}, {"note", v.note}});
  ordered_json j{{"stages", stages}, {"disagreements", c.disagreements}};
  j["result"] = c.result ? probe_json(*c.result) : ordered_json(nullptr);
  return j;
}

std::string probe_check_text(const probe::Check& c, const WriterOptions& o) {
  std::vector<std::vector<std::string>> rows{{check_word(o, "cmp_col_stage"), check_word(o, "cmp_col_audit"),
                                              check_word(o, "cmp_col_answer"), check_word(o, "cmp_col_agreement"),
                                              check_word(o, "cmp_col_note")}};
  for (const auto& v : c.stages) rows.push_back({v.stage, v.audit, v.answer, v.agreement, text::printable(v.note, 400)});
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string heading = check_word(o, "cmp_heading");
  std::string out = "\n" + (o.colour ? "\033[1m" + heading + "\033[0m" : heading) + "\n";
  if (c.result) out += "  " + c.result->summary + "\n";
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t i = 0; i < row.size(); ++i)
      line += " " + row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 1, ' ') : "");
    out += line + "\n";
  }
  out += "  " + count_line(c, o) + "\n";
  if (c.result)
    for (const auto& s : c.result->sessions) {
      out += "  " + check_word(o, "label_transcript") + " (" + s.host + " [" + s.address + "]:" + std::to_string(s.port) + "):\n";
      for (const auto& l : s.transcript) out += "    " + std::to_string(l.ms) + "ms " + l.dir + ": " + l.line + "\n";
    }
  return out;
}

std::string probe_check_markdown(const probe::Check& c, const WriterOptions& o) {
  std::string out = "## " + check_word(o, "cmp_heading") + "\n\n";
  if (c.result) out += "**" + text::markdown_cell(c.result->summary, 600) + "**\n\n";
  out += "| " + check_word(o, "cmp_col_stage") + " | " + check_word(o, "cmp_col_audit") + " | " + check_word(o, "cmp_col_answer") +
         " | " + check_word(o, "cmp_col_agreement") + " | " + check_word(o, "cmp_col_note") + " |\n|---|---|---|---|---|\n";
  for (const auto& v : c.stages)
    out += "| " + v.stage + " | " + v.audit + " | " + v.answer + " | " + v.agreement + " | " + text::markdown_cell(v.note, 600) + " |\n";
  out += "\n" + count_line(c, o) + "\n";
  if (c.result)
    for (const auto& s : c.result->sessions) {
      out += "\n### " + check_word(o, "label_transcript") + " (" + text::markdown_cell(s.host, 200) + ")\n\n```\n";
      for (const auto& l : s.transcript) out += std::to_string(l.ms) + "ms " + l.dir + ": " + l.line + "\n";
      out += "```\n";
    }
  return out;
}

}  // namespace mailaudit
