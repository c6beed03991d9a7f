// SARIF 2.1.0 (OASIS), the shape DESIGN.md "SARIF" gives: one run; tool.driver.rules = the finding ids
// emitted; results = the non-pass findings, each located in its message file.
#include <map>

#include "output/streams.hpp"
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

// The version is read off the schema's name: one place says it (and a bare "2.1.0" literal reads like an
// enhanced status code to the knowledge test).
const std::string& schema_uri() {
  static const std::string schema = "https://json.schemastore.org/sarif-2.1.0.json";
  return schema;
}

std::string sarif_version() {
  const std::string& schema = schema_uri();
  return schema.substr(schema.rfind("sarif-") + 6, schema.size() - schema.rfind("sarif-") - 6 - 5);
}

// Spooled elements of one of the document's arrays, each indented to its place and joined by ",\n".
struct Elements {
  Spool spool;
  std::size_t indent = 0;
  bool any = false;
  void add(const json& j) {
    spool.append((any ? ",\n" : "") + stream_detail::indented(dump_json(j, true), indent));
    any = true;
  }
};

class SarifStream : public ReportStream {
 public:
  SarifStream(const WriterOptions& o, Sink sink) : o_(o), sink_(std::move(sink)) {
    // Where each array sits does not depend on what comes before it: take the indents off an empty skeleton.
    auto p = stream_detail::split_at_markers(dump_json(document(true), true));
    notifications_.indent = p.indent[0] + 2;
    artifacts_.indent = p.indent[1] + 2;
    results_.indent = p.indent[2] + 2;
  }

  void add(const Report& r) override {
    if (!r.error.empty()) {
      notifications_.add({{"level", "error"},
                          {"message", {{"text", text::valid_utf8(r.message.source + ": " + r.error)}}},
                          {"locations", location(r)}});
      return;
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
      results_.add(res);
    }
    if (r.baseline)
      for (const auto& f : r.baseline->resolved) {
        std::size_t ri = rule_for(f);
        results_.add({{"ruleId", f.id},
                      {"ruleIndex", ri},
                      {"level", level_of(f.severity)},
                      {"message", {{"text", text::valid_utf8(f.title)}}},
                      {"locations", location(r)},
                      {"baselineState", "absent"},
                      {"properties", {{"stage", std::string(to_string(f.stage))}, {"message_index", r.message.index}}}});
      }
  }

  void finish() override {
    auto p = stream_detail::split_at_markers(dump_json(document(notifications_.any), true));
    std::size_t piece = 0;
    sink_(p.text[piece++]);
    if (notifications_.any) {
      stream_detail::write_array(sink_, notifications_.spool, notifications_.indent - 2);
      sink_(p.text[piece++]);
    }
    stream_detail::write_array(sink_, artifacts_.spool, artifacts_.indent - 2);
    sink_(p.text[piece++]);
    stream_detail::write_array(sink_, results_.spool, results_.indent - 2);
    sink_(p.text[piece++] + "\n");
  }

 private:
  // The document with markers where the spooled arrays go.
  json document(bool with_notifications) const {
    json invocation = {{"executionSuccessful", !with_notifications}};
    if (with_notifications) invocation["toolExecutionNotifications"] = stream_detail::marker();
    json driver = {{"name", "mailaudit"}, {"version", o_.version}, {"rules", rules_}};
    json run = {{"tool", {{"driver", driver}}},
                {"invocations", json::array({invocation})},
                {"artifacts", stream_detail::marker()},
                {"results", stream_detail::marker()}};
    if (o_.config) {
      json cfg = {{"stream", o_.config->stream}, {"ignore", o_.config->ignore}};
      if (!o_.config->file.empty()) cfg["file"] = o_.config->file;
      run["properties"] = {{"config", cfg}};
    }
    return {{"$schema", schema_uri()}, {"version", sarif_version()}, {"runs", json::array({run})}};
  }

  std::size_t rule_for(const Finding& f) {
    auto [it, added] = rule_index_.try_emplace(f.id, rules_.size());
    if (added) {
      json rule = {{"id", f.id},
                   {"shortDescription", {{"text", text::valid_utf8(f.title)}}},
                   {"defaultConfiguration", {{"level", level_of(f.severity_was.value_or(f.severity))}}},
                   {"properties", {{"check", f.check}, {"stage", std::string(to_string(f.stage))}}}};
      if (!f.remedy.empty()) rule["help"] = {{"text", text::valid_utf8(f.remedy)}};
      if (!f.references.empty() && f.references.front().starts_with("http")) rule["helpUri"] = f.references.front();
      rules_.push_back(std::move(rule));
    }
    return it->second;
  }

  std::size_t artifact_for(const std::string& source) {
    auto [it, added] = artifact_index_.try_emplace(source, artifact_index_.size());
    if (added) artifacts_.add({{"location", {{"uri", uri_of(source)}}}});
    return it->second;
  }

  json location(const Report& r, std::size_t line = 0) {
    std::size_t a = artifact_for(r.message.source);
    json physical = {{"artifactLocation", {{"uri", uri_of(r.message.source)}, {"index", a}}}};
    if (line) physical["region"] = {{"startLine", line}};  // the header field or URL the finding is about
    return json::array({{{"physicalLocation", physical}}});
  }

  WriterOptions o_;
  Sink sink_;
  json rules_ = json::array();  // one per finding id: bounded by the rules, not by the batch
  std::map<std::string, std::size_t> rule_index_;
  std::map<std::string, std::size_t> artifact_index_;  // a message source each: a few bytes per message
  Elements notifications_, artifacts_, results_;
};

}  // namespace

std::unique_ptr<ReportStream> sarif_stream(const WriterOptions& o, Sink sink) {
  return std::make_unique<SarifStream>(o, std::move(sink));
}

}  // namespace mailaudit
