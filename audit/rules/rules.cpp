#include "rules/rules.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "rules/embedded.hpp"

namespace mailaudit::rules {

namespace {

std::string where(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line);
}

[[noreturn]] void fail(const std::string& file, const toml::node& node, const std::string& what) {
  throw RulesError(where(file, node.source()) + ": " + what);
}

std::string require_string(const std::string& file, const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  if (!n) fail(file, t, "missing key \"" + std::string(key) + "\"");
  if (!n->is_string()) fail(file, *n, "\"" + std::string(key) + "\" must be a string");
  return std::string(*n->value<std::string>());
}

std::vector<std::string> string_list(const std::string& file, const toml::table& t, std::string_view key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(file, *n, "\"" + std::string(key) + "\" must be an array of strings");
  for (const auto& el : *a) {
    if (!el.is_string()) fail(file, el, "\"" + std::string(key) + "\" must hold only strings");
    out.push_back(std::string(*el.value<std::string>()));
  }
  return out;
}

void load_findings(const std::string& file, const toml::table& root,
                   std::map<std::string, FindingText, std::less<>>& out) {
  const toml::array* list = root["finding"].as_array();
  if (!list) throw RulesError(file + ":1: expected [[finding]] tables");
  for (const auto& node : *list) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[finding]] must be a table");
    FindingText f;
    f.id = require_string(file, *t, "id");
    std::string stage = require_string(file, *t, "stage");
    auto st = parse_stage(stage);
    if (!st) fail(file, *t, "unknown stage \"" + stage + "\" for " + f.id);
    f.stage = *st;
    std::string severity = require_string(file, *t, "severity");
    auto sv = parse_severity(severity);
    if (!sv) fail(file, *t, "unknown severity \"" + severity + "\" for " + f.id);
    f.severity = *sv;
    f.title = require_string(file, *t, "title");
    f.detail = require_string(file, *t, "detail");
    f.remedy = require_string(file, *t, "remedy");
    f.source = require_string(file, *t, "source");
    f.references = string_list(file, *t, "references");
    if (out.count(f.id)) fail(file, *t, "duplicate finding id " + f.id);
    out.emplace(f.id, std::move(f));
  }
}

void load_headers(const std::string& file, const toml::table& root, HeaderRules& out) {
  out.singular = string_list(file, root, "singular");
  if (auto v = root["max_line_octets"].value<int64_t>()) out.max_line_octets = static_cast<std::size_t>(*v);
  if (auto v = root["future_date_slack_seconds"].value<int64_t>()) out.future_date_slack_seconds = static_cast<long>(*v);
}

std::vector<RdnsPattern> rdns_patterns(const std::string& file, const toml::table& root, std::string_view key,
                                       bool is_ip_form) {
  std::vector<RdnsPattern> out;
  const toml::array* list = root[key].as_array();
  if (!list) throw RulesError(file + ":1: expected [[" + std::string(key) + "]] tables");
  for (const auto& node : *list) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[" + std::string(key) + "]] must be a table");
    RdnsPattern p;
    p.id = require_string(file, *t, "id");
    p.meaning = require_string(file, *t, "meaning");
    if (is_ip_form) p.template_ = require_string(file, *t, "template");
    else p.words = string_list(file, *t, "words");
    if (!is_ip_form && p.words.empty()) fail(file, *t, p.id + ": \"words\" must list at least one word");
    p.match = string_list(file, *t, "match");
    p.no_match = string_list(file, *t, "no_match");
    if (p.match.empty() || p.no_match.empty()) fail(file, *t, p.id + ": needs \"match\" and \"no_match\" examples");
    out.push_back(std::move(p));
  }
  return out;
}

void load_rdns(const std::string& file, const toml::table& root, RdnsRules& out) {
  out.ip_forms = rdns_patterns(file, root, "ip_form", true);
  out.keywords = rdns_patterns(file, root, "keyword", false);
  out.exempt = string_list(file, root, "exempt");
  out.exempt_match = string_list(file, root, "exempt_match");
  // Top-level keys written after a [[table]] belong to that table in TOML: catch that mistake here.
  if (out.exempt.empty() || out.exempt_match.empty())
    throw RulesError(file + ":1: top-level \"exempt\" and \"exempt_match\" must be set before the first [[table]]");
}

}  // namespace

const std::vector<std::string>& rule_file_names() {
  static const std::vector<std::string> names{"findings.toml", "headers.toml", "rdns.toml"};
  return names;
}

Rules Rules::from_files(const std::vector<std::pair<std::string, std::string>>& files) {
  Rules rules;
  for (const auto& wanted : rule_file_names()) {
    auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == wanted; });
    if (it == files.end()) throw RulesError(wanted + ": rules file missing");
    toml::table root;
    try {
      root = toml::parse(it->second, it->first);
    } catch (const toml::parse_error& e) {
      throw RulesError(where(it->first, e.source()) + ": " + std::string(e.description()));
    }
    if (wanted == "findings.toml") load_findings(it->first, root, rules.findings_);
    else if (wanted == "headers.toml") load_headers(it->first, root, rules.headers_);
    else if (wanted == "rdns.toml") load_rdns(it->first, root, rules.rdns_);
  }
  return rules;
}

Rules Rules::builtin() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : embedded_files()) files.emplace_back(f.name, f.contents);
  return from_files(files);
}

Rules Rules::from_dir(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& name : rule_file_names()) {
    std::filesystem::path p = std::filesystem::path(dir) / name;
    std::ifstream in(p, std::ios::binary);
    if (!in) throw RulesError(p.string() + ": cannot read rules file");
    std::ostringstream ss;
    ss << in.rdbuf();
    files.emplace_back(p.string(), ss.str());
  }
  // from_files matches on the bare name; keep the full path for error messages.
  std::vector<std::pair<std::string, std::string>> named;
  for (std::size_t i = 0; i < files.size(); ++i) named.emplace_back(rule_file_names()[i], files[i].second);
  try {
    return from_files(named);
  } catch (const RulesError& e) {
    throw RulesError((std::filesystem::path(dir) / e.what()).string());
  }
}

const FindingText* Rules::finding(std::string_view id) const {
  auto it = findings_.find(id);
  return it == findings_.end() ? nullptr : &it->second;
}

}  // namespace mailaudit::rules
