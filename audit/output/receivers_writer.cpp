// The receivers' verdicts (check --receiver) as JSON, a text table and a Markdown table. The column
// headings come from rules/words.toml [receivers] through WriterOptions::words.
#include <algorithm>
#include <sstream>

#include "output/writers.hpp"
#include "util/text.hpp"

namespace mailaudit {

namespace {

std::string word(const WriterOptions& o, std::string_view key) {
  auto it = o.words.find(key);
  return it != o.words.end() ? it->second : std::string(key);
}

std::string reply_line(const ReceiverVerdict& v) {
  if (!v.reply) return "-";
  std::string s = std::to_string(v.reply->code);
  if (!v.reply->status.empty()) s += " " + v.reply->status;
  return s + " " + v.reply->text;
}

// "from.no_address", with "(cause at connect)" where the cause lies before the stage the receiver answers.
std::string because_line(const ReceiverVerdict& v, const WriterOptions& o) {
  std::string s;
  for (const auto& c : v.because) {
    s += (s.empty() ? "" : ", ") + c.id;
    if (!v.stage || c.cause_stage != *v.stage)
      s += " " + text::fill(word(o, "receivers.cause_at"), {{"stage", std::string(stage_label(c.cause_stage))}});
  }
  return s.empty() ? "-" : s;
}

std::string stage_cell(const ReceiverVerdict& v) { return v.stage ? std::string(stage_label(*v.stage)) : "-"; }

}  // namespace

nlohmann::ordered_json receivers_json(const std::vector<ReceiverVerdict>& vs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& v : vs) {
    nlohmann::ordered_json because = nlohmann::ordered_json::array();
    for (const auto& c : v.because) because.push_back({{"id", c.id}, {"cause_stage", to_string(c.cause_stage)}});
    nlohmann::ordered_json reply = nullptr;
    if (v.reply) reply = {{"code", v.reply->code}, {"status", v.reply->status}, {"text", v.reply->text}};
    out.push_back({{"id", v.id},
                   {"name", v.name},
                   {"outcome", to_string(v.outcome)},
                   {"stage", v.stage ? nlohmann::ordered_json(to_string(*v.stage)) : nlohmann::ordered_json(nullptr)},
                   {"reply", reply},
                   {"because", because},
                   {"source", v.source}});
  }
  return out;
}

std::string receivers_text(const std::vector<ReceiverVerdict>& vs, const WriterOptions& o) {
  if (vs.empty()) return "";
  std::vector<std::vector<std::string>> rows{{word(o, "receivers.col_receiver"), word(o, "receivers.col_outcome"),
                                              word(o, "receivers.col_stage"), word(o, "receivers.col_reply"),
                                              word(o, "receivers.col_because")}};
  for (const auto& v : vs)
    rows.push_back({v.id, std::string(to_string(v.outcome)), stage_cell(v), text::printable(reply_line(v), 160),
                    text::printable(because_line(v, o), 300)});
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  out << "\n" << (o.colour ? "\033[1m" + word(o, "receivers.heading") + "\033[0m" : word(o, "receivers.heading")) << "\n";
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t i = 0; i < row.size(); ++i)
      line += " " + row[i] + (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 1, ' ') : "");
    out << line << "\n";
  }
  return out.str();
}

std::string receivers_markdown(const std::vector<ReceiverVerdict>& vs, const WriterOptions& o) {
  if (vs.empty()) return "";
  std::ostringstream out;
  out << "## " << word(o, "receivers.heading") << "\n\n| " << word(o, "receivers.col_receiver") << " | "
      << word(o, "receivers.col_outcome") << " | " << word(o, "receivers.col_stage") << " | "
      << word(o, "receivers.col_reply") << " | " << word(o, "receivers.col_because") << " |\n|---|---|---|---|---|\n";
  for (const auto& v : vs)
    out << "| " << text::markdown_cell(v.name + " (" + v.id + ")", 200) << " | " << to_string(v.outcome) << " | "
        << stage_cell(v) << " | " << text::markdown_cell(reply_line(v), 400) << " | "
        << text::markdown_cell(because_line(v, o), 400) << " |\n";
  out << "\n";
  return out.str();
}

}  // namespace mailaudit
