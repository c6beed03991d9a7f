#include "context.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace mailaudit::cli {

namespace {

// Config errors are reported before --rules is known: the built-in words say them.
int config_failure(const ConfigError& e, const rules::Rules* rules) {
  if (rules) {
    std::cerr << "mailaudit: " << describe(e, *rules) << "\n";
  } else {
    std::cerr << "mailaudit: " << describe(e, rules::Rules::builtin()) << "\n";
  }
  return 2;
}

PreviousReport previous_of(const nlohmann::json& r) {
  PreviousReport p;
  const auto& msg = r.value("message", nlohmann::json::object());
  p.source = msg.value("source", "");
  p.index = msg.value("index", std::size_t{0});
  for (const auto& f : r.value("findings", nlohmann::json::array())) {
    Finding x;
    x.id = f.value("id", "");
    x.check = f.value("check", "");
    x.title = f.value("title", "");
    x.ignored = f.value("ignored", false);
    if (auto sv = parse_severity(f.value("severity", ""))) x.severity = *sv;
    if (auto st = parse_stage(f.value("stage", ""))) x.stage = *st;
    if (!x.id.empty()) p.findings.push_back(std::move(x));
  }
  for (const auto& u : r.value("urls", nlohmann::json::array())) {
    std::string d = u.value("domain", nlohmann::json()).is_string() ? u["domain"].get<std::string>() : u.value("host", "");
    if (!d.empty()) p.domains.push_back(d);
  }
  for (const auto& q : r.value("dns", nlohmann::json::object()).value("queries", nlohmann::json::array())) {
    std::vector<std::string> answers;
    for (const auto& a : q.value("answers", nlohmann::json::array()))
      if (a.is_string()) answers.push_back(a.get<std::string>());
    std::sort(answers.begin(), answers.end());
    std::string fact = q.value("status", "");
    for (const auto& a : answers) fact += " " + a;
    p.dns.push_back({q.value("query", ""), q.value("type", ""), "", fact});
  }
  return p;
}

}  // namespace

void add_context_options(CLI::App* cmd, ContextOptions& o) {
  cmd->add_option("--config", o.config, "mailaudit.toml to use (default: beside the message, else in the current folder)");
  cmd->add_option("--stream", o.stream, "the config's [stream.NAME] settings: ip, helo, mail-from, rcpt...");
  cmd->add_option("--ignore", o.ignore, "finding id (or CHECK.*) to silence; stays in JSON, marked (repeatable)");
  cmd->add_option("--baseline", o.baseline, "previous JSON report: mark findings new/unchanged, list resolved ones");
}

int prepare_config(const ContextOptions& o, const std::vector<std::string>& messages, CLI::App& cmd, ContextState& s) {
  try {
    std::optional<std::string> file = o.config.empty() ? find_config(messages) : std::optional<std::string>(o.config);
    if (!file) {
      if (!o.stream.empty()) throw ConfigError{"", 0, "config.stream_without_file", {{"stream", o.stream}}};
      return 0;
    }
    s.config = load_config(*file);
    apply_config(*s.config, o.stream, cmd);
  } catch (const ConfigError& e) {
    return config_failure(e, nullptr);
  }
  return 0;
}

int prepare_findings(const ContextOptions& o, const std::string& fail_on, const rules::Rules& rules, ContextState& s) {
  try {
    s.policy = finding_policy(s.config ? &*s.config : nullptr, o.ignore, rules);
    if (fail_on.starts_with("new-") && o.baseline.empty())
      throw ConfigError{"--fail-on " + fail_on, 0, "baseline.needs_file", {}};
    if (!o.baseline.empty()) s.baseline = read_baseline(o.baseline);
  } catch (const ConfigError& e) {
    return config_failure(e, &rules);
  }
  return 0;
}

std::vector<std::string> blocklist_keys(const ContextState& s, const std::vector<std::string>& from_flags) {
  std::vector<std::string> out;
  if (s.config)
    for (const auto& [entry, key] : s.config->blocklist_keys) out.push_back(entry.id + "=" + key);
  out.insert(out.end(), from_flags.begin(), from_flags.end());
  return out;
}

void finish_report(Report& r, const ContextState& s, const ContextOptions& o) {
  if (!r.error.empty()) return;
  if (!s.policy.empty()) apply_policy(r, s.policy);
  if (s.baseline) compare_with(r, previous_for(r, *s.baseline), o.baseline);
}

std::optional<ConfigUsed> config_used(const ContextState& s, const ContextOptions& o) {
  if (!s.config && s.policy.empty()) return std::nullopt;
  ConfigUsed c;
  if (s.config) c.file = s.config->path;
  c.stream = o.stream;
  c.ignore = s.policy.ignore;
  for (const auto& [id, sv] : s.policy.severity) c.severity.emplace_back(id, std::string(to_string(sv)));
  return c;
}

Report without_ignored(Report&& r) {
  std::erase_if(r.findings, [](const Finding& f) { return f.ignored; });
  return std::move(r);
}

std::vector<PreviousReport> read_baseline(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError{file, 0, "baseline.unreadable", {{"problem", std::strerror(errno)}}};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (buf.str().size() > (256u << 20)) throw ConfigError{file, 0, "baseline.not_report", {}};
  nlohmann::json doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw ConfigError{file, 0, "baseline.not_report", {}};
  std::vector<PreviousReport> out;
  std::string schema = doc.value("schema", "");
  try {
    if (schema == "mailaudit-report/1") {
      out.push_back(previous_of(doc));
    } else if (schema == "mailaudit-batch/1") {
      for (const auto& r : doc.value("reports", nlohmann::json::array()))
        if (r.is_object()) out.push_back(previous_of(r));
    } else {
      throw ConfigError{file, 0, "baseline.not_report", {}};
    }
  } catch (const nlohmann::json::exception&) {  // a field of the wrong type
    throw ConfigError{file, 0, "baseline.not_report", {}};
  }
  return out;
}

}  // namespace mailaudit::cli
