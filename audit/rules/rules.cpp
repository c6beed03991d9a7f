#include "rules/rules.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "rules/toml_read.hpp"

#include "util/names.hpp"
#include "util/text.hpp"
#include "rules/bounce_rules.hpp"
#include "rules/embedded.hpp"
#include "rules/precompiled.hpp"

namespace mailaudit::rules {

namespace {

// The shared getters (rules/toml_read.hpp), failing with this loader's error type.
[[noreturn]] void fail(const std::string& file, const toml::node& node, const std::string& what) {
  rules::toml_read::fail<RulesError>(file, node, what);
}
std::string require_string(const std::string& file, const toml::table& t, std::string_view key) {
  return rules::toml_read::require_string<RulesError>(file, t, key);
}
std::vector<std::string> string_list(const std::string& file, const toml::table& t, std::string_view key) {
  return rules::toml_read::string_list<RulesError>(file, t, key);
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
    if (const toml::node* n = t->get("field")) {
      if (!n->is_string()) fail(file, *n, "\"field\" must be a string (a header field name, or \"url\")");
      f.field = *n->value<std::string>();
    }
    if (out.count(f.id)) fail(file, *t, "duplicate finding id " + f.id);
    out.emplace(f.id, std::move(f));
  }
}

// The same from the table generated at build time (rules/precompiled.hpp): the built-in rules without TOML.
void load_precompiled_findings(const std::string& file, std::map<std::string, FindingText, std::less<>>& out) {
  for (const PrecompiledFinding& p : precompiled_findings()) {
    FindingText f;
    f.id = p.id;
    auto st = parse_stage(p.stage);
    if (!st) throw RulesError(file + ": unknown stage \"" + std::string(p.stage) + "\" for " + f.id);
    f.stage = *st;
    auto sv = parse_severity(p.severity);
    if (!sv) throw RulesError(file + ": unknown severity \"" + std::string(p.severity) + "\" for " + f.id);
    f.severity = *sv;
    f.title = p.title;
    f.detail = p.detail;
    f.remedy = p.remedy;
    f.source = p.source;
    f.references.assign(p.references, p.references + p.reference_count);
    f.field = p.field;
    if (out.count(f.id)) throw RulesError(file + ": duplicate finding id " + f.id);
    out.emplace(f.id, std::move(f));
  }
}

void load_headers(const std::string& file, const toml::table& root, HeaderRules& out) {
  out.singular = string_list(file, root, "singular");
  if (auto v = root["max_line_octets"].value<int64_t>()) out.max_line_octets = static_cast<std::size_t>(*v);
  if (auto v = root["future_date_slack_seconds"].value<int64_t>()) out.future_date_slack_seconds = static_cast<long>(*v);
  if (auto v = root["dkim_future_slack_seconds"].value<int64_t>()) out.dkim_future_slack_seconds = static_cast<long>(*v);
  auto bits = root["dkim_short_key_bits"].value<int64_t>();
  if (!bits || *bits <= 0) throw RulesError(file + ":1: top-level \"dkim_short_key_bits\" (a positive number) must be set");
  out.dkim_short_key_bits = static_cast<unsigned>(*bits);
  out.dkim_oversign = string_list(file, root, "dkim_oversign");
  for (auto& f : out.dkim_oversign) f = text::lower(f);
}

// rules/words.toml: [section] key = "phrase", flattened to "section.key".
void load_words(const std::string& file, const toml::table& root, std::map<std::string, std::string, std::less<>>& out) {
  for (const auto& [section, node] : root) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "top-level \"" + std::string(section.str()) + "\" must be a [section] of phrases");
    for (const auto& [key, v] : *t) {
      if (!v.is_string()) fail(file, v, std::string(section.str()) + "." + std::string(key.str()) + " must be a string");
      out[std::string(section.str()) + "." + std::string(key.str())] = std::string(*v.value<std::string>());
    }
  }
}

void load_precompiled_words(std::map<std::string, std::string, std::less<>>& out) {
  for (const PrecompiledWord& w : precompiled_words()) out[w.key] = w.value;
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

std::vector<std::pair<std::string, std::string>> value_meanings(const std::string& file, const toml::table& t,
                                                               std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(file, *n, "\"" + std::string(key) + "\" must be [[tables]]");
  for (const auto& el : *a) {
    const toml::table* e = el.as_table();
    if (!e) fail(file, el, "\"" + std::string(key) + "\" entries must be tables");
    out.emplace_back(require_string(file, *e, "value"), require_string(file, *e, "meaning"));
  }
  return out;
}

// [[list.code]] / [[list.bit]]: value and meaning, optionally severity, advice and rejects.
std::vector<ListCode> list_codes(const std::string& file, const toml::table& t, std::string_view key, bool bits,
                                 const std::string& list_id) {
  std::vector<ListCode> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(file, *n, "\"" + std::string(key) + "\" must be [[tables]]");
  for (const auto& el : *a) {
    const toml::table* e = el.as_table();
    if (!e) fail(file, el, "\"" + std::string(key) + "\" entries must be tables");
    ListCode c;
    if (bits) {
      auto v = (*e)["value"].value<int64_t>();
      if (!v || *v <= 0 || *v > 255) fail(file, el, list_id + ": bit values are 1..255");
      c.bit = static_cast<unsigned>(*v);
      c.value = std::to_string(*v);
    } else {
      c.value = require_string(file, *e, "value");
    }
    c.meaning = require_string(file, *e, "meaning");
    if (auto sv = (*e)["severity"].value<std::string>()) {
      c.severity = parse_severity(*sv);
      if (!c.severity) fail(file, el, list_id + ": unknown severity \"" + *sv + "\"");
    }
    c.advice = (*e)["advice"].value_or(std::string());
    c.rejects = (*e)["rejects"].value_or(std::string());
    out.push_back(std::move(c));
  }
  return out;
}

void load_blocklists(const std::string& file, const toml::table& root, std::vector<Blocklist>& out) {
  const toml::array* lists = root["list"].as_array();
  if (!lists) throw RulesError(file + ":1: expected [[list]] tables");
  for (const auto& node : *lists) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[list]] must be a table");
    Blocklist b;
    b.id = require_string(file, *t, "id");
    b.name = require_string(file, *t, "name");
    std::string kind = require_string(file, *t, "kind");
    if (kind != "ip" && kind != "domain") fail(file, *t, b.id + ": kind must be \"ip\" or \"domain\"");
    b.ip_list = kind == "ip";
    std::string query = require_string(file, *t, "query");
    bool query_ok = b.ip_list ? query == "reversed-ip"
                              : (query == "host" || query == "registered-domain" || query == "host-and-registered-domain");
    if (!query_ok) fail(file, *t, b.id + ": query \"" + query + "\" does not fit kind \"" + kind + "\"");
    b.ask_host = query != "registered-domain";
    b.ask_registered = query == "registered-domain" || query == "host-and-registered-domain";
    b.zone = require_string(file, *t, "zone");
    b.default_on = t->get("default") ? (*t)["default"].value_or(true) : true;
    b.needs_key = (*t)["key"].value_or(false);
    if (b.needs_key != (b.zone.find("{key}") != std::string::npos))
      fail(file, *t, b.id + ": a list with key = true needs \"{key}\" in its zone, and only then");
    b.replaces = (*t)["replaces"].value_or(std::string());
    std::string severity = require_string(file, *t, "severity");
    auto sv = parse_severity(severity);
    if (!sv) fail(file, *t, b.id + ": unknown severity \"" + severity + "\"");
    b.severity = *sv;
    b.test_listed = require_string(file, *t, "test_listed");
    b.test_not_listed = require_string(file, *t, "test_not_listed");
    b.reference = require_string(file, *t, "reference");
    b.rejects = require_string(file, *t, "rejects");
    b.codes = list_codes(file, *t, "code", false, b.id);
    b.bits = list_codes(file, *t, "bit", true, b.id);
    b.errors = value_meanings(file, *t, "error");
    if (b.codes.empty() && b.bits.empty()) fail(file, *t, b.id + ": needs [[list.code]] or [[list.bit]] entries");
    for (const auto& other : out)
      if (other.id == b.id) fail(file, *t, "duplicate list id " + b.id);
    out.push_back(std::move(b));
  }
}

void load_providers(const std::string& file, const toml::table& root, std::vector<Provider>& out,
                    std::string& reject_note) {
  reject_note = require_string(file, root, "rejects_note");
  const toml::array* list = root["provider"].as_array();
  if (!list) throw RulesError(file + ":1: expected [[provider]] tables");
  for (const auto& node : *list) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[provider]] must be a table");
    Provider p;
    p.id = require_string(file, *t, "id");
    p.name = require_string(file, *t, "name");
    p.note = require_string(file, *t, "note");
    p.reference = require_string(file, *t, "reference");
    p.mx = string_list(file, *t, "mx");
    p.match = string_list(file, *t, "match");
    p.no_match = string_list(file, *t, "no_match");
    if (t->get("domains")) p.domains = string_list(file, *t, "domains");
    if (const toml::node* n = t->get("rejects_on")) {
      const toml::array* a = n->as_array();
      if (!a) fail(file, *n, p.id + ": \"rejects_on\" must be [[tables]]");
      for (const auto& el : *a) {
        const toml::table* e = el.as_table();
        if (!e) fail(file, el, p.id + ": rejects_on entries must be tables");
        p.rejects_on.push_back({require_string(file, *e, "finding"), require_string(file, *e, "reply")});
      }
    }
    if (p.mx.empty() || p.match.empty() || p.no_match.empty())
      fail(file, *t, p.id + ": needs \"mx\", \"match\" and \"no_match\"");
    out.push_back(std::move(p));
  }
}

void load_ip_ranges(const std::string& file, const toml::table& root, std::vector<IpRange>& out) {
  const toml::array* list = root["range"].as_array();
  if (!list) throw RulesError(file + ":1: expected [[range]] tables");
  for (const auto& node : *list) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[range]] must be a table");
    IpRange r{require_string(file, *t, "cidr"), require_string(file, *t, "name")};
    if (!dns::parse_cidr(r.cidr)) fail(file, *t, "\"" + r.cidr + "\" is not ADDRESS/PREFIX");
    out.push_back(std::move(r));
  }
}

void load_urls(const std::string& file, const toml::table& root, UrlRules& out) {
  out.shorteners = string_list(file, root, "shorteners");
  out.file_extensions = string_list(file, root, "file_extensions");
  out.unsubscribe_words = string_list(file, root, "unsubscribe_words");
  if (out.shorteners.empty() || out.unsubscribe_words.empty())
    throw RulesError(file + ":1: top-level \"shorteners\" and \"unsubscribe_words\" must be set before the first [[table]]");
  for (auto* v : {&out.shorteners, &out.file_extensions, &out.unsubscribe_words})
    for (auto& x : *v) x = dns::normalise_name(x);
  out.shortener_hosts = {out.shorteners.begin(), out.shorteners.end()};
  out.defanged_schemes.clear();
  for (const auto& spec : string_list(file, root, "defanged_schemes")) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw RulesError(file + ": defanged_schemes: expected \"WRITTEN=SCHEME\", got \"" + spec + "\"");
    out.defanged_schemes.emplace_back(text::lower(spec.substr(0, eq)), text::lower(spec.substr(eq + 1)));
  }
  const toml::array* list = root["redirector"].as_array();
  for (const auto& node : list ? *list : toml::array{}) {
    const toml::table* t = node.as_table();
    if (!t) fail(file, node, "each [[redirector]] must be a table");
    Redirector r;
    r.id = require_string(file, *t, "id");
    r.host = dns::normalise_name(require_string(file, *t, "host"));
    r.path_prefix = require_string(file, *t, "path_prefix");
    r.meaning = require_string(file, *t, "meaning");
    if (const auto* p = t->get("param")) {
      if (!p->is_string()) fail(file, *p, "\"param\" must be a string");
      r.param = std::string(*p->value<std::string>());
    }
    if (r.path_prefix.empty() || r.path_prefix.front() != '/') fail(file, *t, r.id + ": \"path_prefix\" must start with /");
    out.redirectors.push_back(std::move(r));
  }
  const toml::table* limits = root["limits"].as_table();
  if (!limits) throw RulesError(file + ":1: a [limits] table is required");
  for (auto [key, field] : {std::pair{"max_hosts", &out.max_hosts}, std::pair{"max_ips", &out.max_ips},
                            std::pair{"max_links", &out.max_links}, std::pair{"link_concurrency", &out.link_concurrency},
                            std::pair{"shown", &out.shown}, std::pair{"max_signing_domains", &out.max_signing_domains}}) {
    auto v = (*limits)[key].value<int64_t>();
    if (!v || *v <= 0 || *v > 10000) fail(file, *limits, std::string("[limits] ") + key + " must be a number from 1 to 10000");
    *field = static_cast<std::size_t>(*v);
  }
}

// Set while loading rules that came from outside the binary: their patterns compile at load, so that
// a bad one is reported at start with its file and line.
thread_local bool compile_now = false;

LazyRegex compile(const std::string& file, const toml::node& where_, const std::string& pattern) {
  LazyRegex re(pattern);
  if (compile_now) try {
      re.get();
    } catch (const std::regex_error& e) {
      fail(file, where_, "bad pattern \"" + pattern + "\": " + e.what());
    }
  return re;
}

Stage require_stage(const std::string& file, const toml::table& t) {
  std::string v = require_string(file, t, "stage");
  auto st = parse_stage(v);
  if (!st) fail(file, t, "unknown stage \"" + v + "\"");
  return *st;
}

const toml::array& tables(const std::string& file, const toml::table& root, std::string_view key) {
  const toml::array* a = root[key].as_array();
  if (!a) throw RulesError(file + ":1: expected [[" + std::string(key) + "]] tables");
  for (const auto& n : *a)
    if (!n.is_table()) fail(file, n, "each [[" + std::string(key) + "]] must be a table");
  return *a;
}

void load_bounces(const std::string& file, const toml::table& root, BounceRules& out) {
  out.original_markers = string_list(file, root, "original_markers");
  out.failure_subject_words = string_list(file, root, "failure_subject_words");
  out.auto_reply_subject_words = string_list(file, root, "auto_reply_subject_words");
  // Optional: without them `check` simply does not point bounces at `mailaudit bounce`.
  if (root.get("sender_locals")) out.sender_locals = string_list(file, root, "sender_locals");
  out.check_hint = root["check_hint"].value_or(std::string());
  if (out.original_markers.empty() || out.failure_subject_words.empty() || out.auto_reply_subject_words.empty())
    throw RulesError(file + ":1: top-level \"original_markers\", \"failure_subject_words\" and "
                            "\"auto_reply_subject_words\" must be set before the first table");
  if (const toml::table* names = root["provider_names"].as_table())
    for (const auto& [k, v] : *names) {
      if (!v.is_string()) fail(file, v, "provider_names values must be strings");
      out.provider_names[std::string(k.str())] = std::string(*v.value<std::string>());
    }
  for (auto [key, list] : {std::pair{"stage_phrase", &out.stage_phrases}, std::pair{"cause", &out.causes}})
    for (const auto& n : tables(file, root, key)) {
      const toml::table& t = *n.as_table();
      BouncePattern p;
      p.stage = require_stage(file, t);
      p.pattern = require_string(file, t, "pattern");
      p.re = compile(file, t, p.pattern);
      list->push_back(std::move(p));
    }
  for (const auto& n : tables(file, root, "signature")) {
    const toml::table& t = *n.as_table();
    BounceSignature s;
    s.id = require_string(file, t, "id");
    s.provider = require_string(file, t, "provider");
    s.meaning = require_string(file, t, "meaning");
    s.pattern = require_string(file, t, "pattern");
    s.stage = require_stage(file, t);
    s.look_at = string_list(file, t, "look_at");
    s.advice = t["advice"].value_or(std::string());
    s.temporary = t["temporary"].value_or(false);
    s.match = string_list(file, t, "match");
    s.no_match = string_list(file, t, "no_match");
    if (s.match.empty() || s.no_match.empty()) fail(file, t, s.id + ": needs \"match\" and \"no_match\" examples");
    s.re = compile(file, t, s.pattern);
    out.signatures.push_back(std::move(s));
  }
  for (const auto& n : tables(file, root, "status_hint")) {
    const toml::table& t = *n.as_table();
    StatusHint h{require_string(file, t, "status"), require_string(file, t, "pattern"), {}};
    h.re = compile(file, t, h.pattern);
    out.status_hints.push_back(std::move(h));
  }
  auto optional_tables = [&](const char* key) -> const toml::array* {
    if (!root.get(key)) return nullptr;
    return &tables(file, root, key);
  };
  auto examples = [&](const toml::table& t, const std::string& id, std::vector<std::string>& match,
                      std::vector<std::string>& no_match) {
    match = string_list(file, t, "match");
    no_match = string_list(file, t, "no_match");
    if (match.empty() || no_match.empty()) fail(file, t, id + ": needs \"match\" and \"no_match\" examples");
  };
  if (const toml::array* a = optional_tables("recipient_form"))
    for (const auto& n : *a) {
      const toml::table& t = *n.as_table();
      RecipientForm f;
      f.id = require_string(file, t, "id");
      f.pattern = require_string(file, t, "pattern");
      examples(t, f.id, f.match, f.no_match);
      f.re = compile(file, t, f.pattern);
      out.recipient_forms.push_back(std::move(f));
    }
  if (const toml::array* a = optional_tables("format"))
    for (const auto& n : *a) {
      const toml::table& t = *n.as_table();
      BounceFormat f;
      f.id = require_string(file, t, "id");
      f.text = string_list(file, t, "text");
      f.from = string_list(file, t, "from");
      if (f.text.empty() && f.from.empty()) fail(file, t, f.id + ": needs \"text\" or \"from\" cues");
      examples(t, f.id, f.match, f.no_match);
      out.formats.push_back(std::move(f));
    }
  if (const toml::array* a = optional_tables("context_pattern"))
    for (const auto& n : *a) {
      const toml::table& t = *n.as_table();
      ContextPattern c;
      c.id = require_string(file, t, "id");
      c.what = require_string(file, t, "what");
      if (c.what != "ip") fail(file, t, c.id + ": \"what\" must be \"ip\"");
      c.pattern = require_string(file, t, "pattern");
      examples(t, c.id, c.match, c.no_match);
      c.re = compile(file, t, c.pattern);
      out.context_patterns.push_back(std::move(c));
    }
  out.reply_cues = string_list(file, root, "reply_cues");
  if (const toml::table* w = root["words"].as_table())
    for (const auto& [k, v] : *w) {
      if (!v.is_string()) fail(file, v, "[words] values must be strings");
      out.words[std::string(k.str())] = std::string(*v.value<std::string>());
    }
  for (const auto& n : tables(file, root, "stage_text")) {
    const toml::table& t = *n.as_table();
    out.stage_texts.push_back({require_stage(file, t), require_string(file, t, "phrase"), require_string(file, t, "seen"),
                               require_string(file, t, "look")});
  }
}

void load_bulk(const std::string& file, const toml::table& root, std::vector<BulkProvider>& out) {
  static const std::set<std::string> known = {"spf", "dkim", "dmarc", "alignment", "fcrdns", "one_click", "rfc5322"};
  for (const auto& n : tables(file, root, "provider")) {
    const toml::table& t = *n.as_table();
    BulkProvider p{require_string(file, t, "id"), require_string(file, t, "name"), require_string(file, t, "reference"),
                   string_list(file, t, "requires")};
    for (const auto& r : p.requires_)
      if (!known.count(r)) fail(file, t, p.id + ": unknown requirement \"" + r + "\"");
    out.push_back(std::move(p));
  }
}

void load_size(const std::string& file, const toml::table& root, SizeRules& out) {
  auto clip = root["html_clip_bytes"].value<int64_t>();
  if (!clip || *clip <= 0) throw RulesError(file + ":1: top-level \"html_clip_bytes\" (a positive number) must be set");
  out.html_clip_bytes = static_cast<std::size_t>(*clip);
  for (const auto& n : tables(file, root, "limit")) {
    const toml::table& t = *n.as_table();
    SizeLimit l;
    l.id = require_string(file, t, "id");
    l.receiver = require_string(file, t, "receiver");
    l.reply = require_string(file, t, "reply");
    l.source = require_string(file, t, "source");
    auto bytes = t["bytes"].value<int64_t>();
    if (!bytes || *bytes <= 0) fail(file, t, l.id + ": \"bytes\" must be a positive number");
    l.bytes = static_cast<std::size_t>(*bytes);
    std::string sv = require_string(file, t, "severity"), st = require_string(file, t, "stage");
    auto severity = parse_severity(sv);
    auto stage = parse_stage(st);
    if (!severity) fail(file, t, l.id + ": unknown severity \"" + sv + "\"");
    if (!stage) fail(file, t, l.id + ": unknown stage \"" + st + "\"");
    l.severity = *severity;
    l.stage = *stage;
    out.limits.push_back(std::move(l));
  }
  std::sort(out.limits.begin(), out.limits.end(), [](const SizeLimit& a, const SizeLimit& b) { return a.bytes < b.bytes; });
}

// rules/content.toml. Runs after findings.toml, so every finding id it names is checked to exist.
void load_content(const std::string& file, const toml::table& root,
                  const std::map<std::string, FindingText, std::less<>>& findings, ContentRules& out) {
  auto top = root["top_symbols"].value<int64_t>();
  if (!top || *top <= 0) throw RulesError(file + ":1: top-level \"top_symbols\" (a positive number) must be set");
  out.top_symbols = static_cast<std::size_t>(*top);
  auto known_finding = [&](const toml::table& t, const std::string& id) {
    if (!findings.count(id)) fail(file, t, "\"" + id + "\" is not a finding in findings.toml");
    return id;
  };
  for (const auto& n : tables(file, root, "engine")) {
    const toml::table& t = *n.as_table();
    ContentEngine e{require_string(file, t, "id"), require_string(file, t, "name"), require_string(file, t, "source"),
                    require_string(file, t, "unavailable")};
    known_finding(t, e.unavailable);
    out.engines.push_back(std::move(e));
  }
  auto mappings = [&](std::string_view key, std::vector<ContentMapping>& into) {
    for (const auto& n : tables(file, root, key)) {
      const toml::table& t = *n.as_table();
      const std::string id = require_string(file, t, "id");
      const auto colon = id.find(':');
      if (colon == std::string::npos || colon + 1 == id.size())
        fail(file, t, "\"" + id + "\": an id is ENGINE:NAME");
      ContentMapping m{id.substr(0, colon), id.substr(colon + 1), known_finding(t, require_string(file, t, "finding"))};
      if (!out.engine(m.engine)) fail(file, t, "\"" + id + "\": no [[engine]] \"" + m.engine + "\"");
      const auto star = m.pattern.find('*');
      if (star != std::string::npos && star + 1 != m.pattern.size())
        fail(file, t, "\"" + id + "\": '*' may only end a name");
      into.push_back(std::move(m));
    }
  };
  mappings("action", out.actions);
  mappings("symbol", out.symbols);
}

}  // namespace

bool ContentMapping::matches(std::string_view engine_id, std::string_view name) const {
  if (engine_id != engine) return false;
  if (!pattern.empty() && pattern.back() == '*') return name.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
  return name == pattern;
}

const ContentEngine* ContentRules::engine(std::string_view id) const {
  for (const auto& e : engines)
    if (e.id == id) return &e;
  return nullptr;
}

namespace {
// An exact name beats any prefix, and a longer prefix a shorter one (DBL_BLOCKED* before DBL_*), so the
// order of the entries, and of a --rules overlay's additions, does not matter.
std::string best_match(const std::vector<ContentMapping>& ms, std::string_view engine, std::string_view name) {
  const ContentMapping* best = nullptr;
  auto weight = [](const ContentMapping& m) {
    return m.pattern.back() == '*' ? m.pattern.size() - 1 : std::string::npos;
  };
  for (const auto& m : ms)
    if (m.matches(engine, name) && (!best || weight(m) > weight(*best))) best = &m;
  return best ? best->finding : "";
}
}  // namespace

std::string ContentRules::action_finding(std::string_view engine_id, std::string_view action) const {
  return best_match(actions, engine_id, action);
}
std::string ContentRules::symbol_finding(std::string_view engine_id, std::string_view symbol) const {
  return best_match(symbols, engine_id, symbol);
}

bool BounceFormat::matches(std::string_view sample) const {
  for (const auto& t : text)
    if (sample.find(t) != std::string_view::npos) return true;
  std::string low;
  low.reserve(sample.size());
  for (char c : sample) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& f : from)
    if (low.find(f) != std::string::npos) return true;
  return false;
}

LazyRegex::LazyRegex(std::string source) : state_(std::make_shared<State>()) { state_->source = std::move(source); }

const std::regex& LazyRegex::get() const {
  static const std::regex never_matches("$^");
  if (!state_) return never_matches;
  std::call_once(state_->once, [s = state_.get()] {
    s->re = std::regex(s->source, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
  });
  return state_->re;
}

const std::string& BounceRules::word(const std::string& key) const {
  auto it = words.find(key);
  return it != words.end() ? it->second : key;
}

const StageText* BounceRules::text_for(Stage s) const {
  for (const auto& t : stage_texts)
    if (t.stage == s) return &t;
  return nullptr;
}

bool host_within(std::string_view host, std::string_view suffix) {
  if (host == suffix) return true;
  return host.size() > suffix.size() && host.ends_with(suffix) && host[host.size() - suffix.size() - 1] == '.';
}

const Provider* provider_for_domain(const std::vector<Provider>& providers, const std::string& domain) {
  for (const auto& p : providers)
    for (const auto& d : p.domains)
      if (text::iequals(d, domain)) return &p;
  return nullptr;
}

const Provider* provider_for_mx(const std::vector<Provider>& providers, const std::string& mx_host) {
  for (const auto& p : providers)
    for (const auto& suffix : p.mx)
      if (host_within(mx_host, suffix)) return &p;
  return nullptr;
}

namespace {

toml::table parse_toml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw RulesError(toml_read::where(path, e.source()) + ": " + std::string(e.description()));
  }
}

}  // namespace

struct Rules::Data {
  std::map<std::string, FindingText, std::less<>> findings;
  HeaderRules headers;
  RdnsRules rdns;
  std::vector<Blocklist> blocklists;
  std::vector<Provider> providers;
  std::string provider_reject_note;
  std::vector<IpRange> ip_ranges;
  UrlRules urls;
  BounceRules bounces;
  std::vector<BulkProvider> bulk;
  SizeRules size;
  ContentRules content;
  std::map<std::string, std::string, std::less<>> words;
  // Built-in rules: each file's embedded text, parsed on first use (nullptr once loaded at construction).
  std::vector<const EmbeddedFile*> sources;
  std::unique_ptr<std::once_flag[]> loaded;
  std::mutex derived_mu;
  std::map<std::string, std::shared_ptr<const void>, std::less<>> derived;
  explicit Data(std::size_t files) : sources(files, nullptr), loaded(new std::once_flag[files]) {}
};

// Friend of Rules: the one place that writes its data.
struct RulesLoaders {
  using Loader = void (*)(const std::string& file, const toml::table& root, Rules::Data& into);
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  using Precompiled = void (*)(const std::string& file, Rules::Data& into);
  // A rules file: its loader, and the file whose entries it refers to (content.toml names findings).
  struct File {
    std::string_view name;
    Loader load;
    std::size_t after = none;
    // The built-in file's contents generated at build time, taken instead of parsing its TOML (lazy rules only).
    Precompiled precompiled = nullptr;
  };

  // The rules files and their loaders, in load order: the only list of rules files.
  static const std::vector<File>& table() {
    static const std::vector<File> files{
        {"findings.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_findings(f, t, d.findings); }, none,
         [](const std::string& f, Rules::Data& d) { load_precompiled_findings(f, d.findings); }},
        {"headers.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_headers(f, t, d.headers); }},
        {"rdns.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_rdns(f, t, d.rdns); }},
        {"blocklists.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_blocklists(f, t, d.blocklists); }},
        {"providers.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_providers(f, t, d.providers, d.provider_reject_note); }},
        {"ip_ranges.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_ip_ranges(f, t, d.ip_ranges); }},
        {"urls.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_urls(f, t, d.urls); }},
        {"bounces.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_bounces(f, t, d.bounces); }},
        {"bulk.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_bulk(f, t, d.bulk); }},
        {"size.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_size(f, t, d.size); }},
        {"content.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_content(f, t, d.findings, d.content); }, 0},
        {"words.toml", [](const std::string& f, const toml::table& t, Rules::Data& d) { load_words(f, t, d.words); }, none,
         [](const std::string&, Rules::Data& d) { load_precompiled_words(d.words); }},
    };
    return files;
  }

  static std::size_t index(std::string_view name) {
    const auto& t = table();
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i].name == name) return i;
    return none;
  }

  // Every file, now, from parsed tables.
  static Rules load(const std::vector<std::pair<std::string, toml::table>>& tables) {
    Rules rules;
    rules.d_ = std::make_shared<Rules::Data>(table().size());
    for (std::size_t i = 0; i < table().size(); ++i) {
      const File& file = table()[i];
      auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == file.name; });
      if (it == tables.end()) throw RulesError(std::string(file.name) + ": rules file missing");
      file.load(it->first, it->second, *rules.d_);
      std::call_once(rules.d_->loaded[i], [] {});
    }
    return rules;
  }

  // The embedded files, each parsed when first asked for.
  static Rules lazy() {
    Rules rules;
    rules.d_ = std::make_shared<Rules::Data>(table().size());
    for (std::size_t i = 0; i < table().size(); ++i) {
      const auto& files = embedded_files();
      auto it = std::find_if(files.begin(), files.end(), [&](const EmbeddedFile& f) { return f.name == table()[i].name; });
      if (it == files.end()) throw RulesError(std::string(table()[i].name) + ": rules file missing");
      rules.d_->sources[i] = &*it;
    }
    return rules;
  }

  static void need(Rules::Data& d, std::size_t i) {
    std::call_once(d.loaded[i], [&] {
      if (table()[i].after != none) need(d, table()[i].after);
      const EmbeddedFile& f = *d.sources[i];
      if (table()[i].precompiled) table()[i].precompiled(f.name, d);
      else table()[i].load(f.name, parse_toml(f.contents, f.name), d);
    });
  }
};

std::shared_ptr<const void> Rules::derived(const std::string& key,
                                           const std::function<std::shared_ptr<const void>()>& make) const {
  std::lock_guard lock(d_->derived_mu);
  auto it = d_->derived.find(key);
  if (it == d_->derived.end()) it = d_->derived.emplace(key, make()).first;
  return it->second;
}

const Rules::Data& Rules::need(std::size_t file) const {
  RulesLoaders::need(*d_, file);
  return *d_;
}

namespace {
// The index of each file in the loaders' table, looked up once.
std::size_t file_index(std::string_view name) {
  std::size_t i = RulesLoaders::index(name);
  if (i == RulesLoaders::none) throw std::logic_error("no rules file " + std::string(name));
  return i;
}
// The loaders' index of a file, looked up on the first call from each accessor.
#define RULES_FILE(name) [] { static const std::size_t i = file_index(name); return i; }()
}  // namespace

// The findings are whole once content.toml has added the content filters' findings.
const std::map<std::string, FindingText, std::less<>>& Rules::findings() const { need(RULES_FILE("findings.toml")); return need(RULES_FILE("content.toml")).findings; }
const HeaderRules& Rules::headers() const { return need(RULES_FILE("headers.toml")).headers; }
const RdnsRules& Rules::rdns() const { return need(RULES_FILE("rdns.toml")).rdns; }
const std::vector<Blocklist>& Rules::blocklists() const { return need(RULES_FILE("blocklists.toml")).blocklists; }
const std::vector<Provider>& Rules::providers() const { return need(RULES_FILE("providers.toml")).providers; }
const std::string& Rules::provider_reject_note() const { return need(RULES_FILE("providers.toml")).provider_reject_note; }
const std::vector<IpRange>& Rules::ip_ranges() const { return need(RULES_FILE("ip_ranges.toml")).ip_ranges; }
const UrlRules& Rules::urls() const { return need(RULES_FILE("urls.toml")).urls; }
const BounceRules& Rules::bounces() const { return need(RULES_FILE("bounces.toml")).bounces; }
const std::vector<BulkProvider>& Rules::bulk() const { return need(RULES_FILE("bulk.toml")).bulk; }
const SizeRules& Rules::size() const { return need(RULES_FILE("size.toml")).size; }
const ContentRules& Rules::content() const { return need(RULES_FILE("content.toml")).content; }
const std::map<std::string, std::string, std::less<>>& Rules::words() const { return need(RULES_FILE("words.toml")).words; }

const std::string& Rules::word(std::string_view key) const {
  const auto& w = words();
  auto it = w.find(key);
  if (it == w.end()) throw std::logic_error("rules/words.toml has no entry " + std::string(key));
  return it->second;
}

namespace {

// What makes two entries of an array of tables "the same entry" for an overlay: the first of these keys
// that the entry has (most entries have an id; stage texts a stage, ranges a CIDR, phrases a pattern).
std::optional<std::string> entry_key(const toml::table& t) {
  for (std::string_view k : {"id", "stage", "cidr", "pattern"})
    if (auto v = t[k].value<std::string>()) return std::string(k) + "=" + *v;
  return std::nullopt;
}

bool disabled(const toml::table& t) { return t["enabled"].value<bool>() == false; }

// Lay `over` on `base`: in an array of tables, an entry with the same key is merged into the built-in one
// key by key, a new key adds one, `enabled = false` removes it; tables merge key by key; any other value
// (strings, numbers, plain arrays) replaces.
// Nodes are moved, not copied, out of `over`: toml++ drops the source position on a copy, and a loader
// error about an overlaid entry must name the overlay's file and line.
void overlay(toml::table& base, toml::table& over) {
  for (auto&& [key, value] : over) {
    toml::node* old = base.get(key);
    toml::array* entries = value.as_array();
    if (old && old->is_array_of_tables() && entries && entries->is_array_of_tables()) {
      toml::array& into = *old->as_array();
      for (auto& e : *entries) {
        toml::table& t = *e.as_table();
        auto k = entry_key(t);
        auto same = std::find_if(into.begin(), into.end(), [&](const toml::node& n) {
          return k && entry_key(*n.as_table()) == k;
        });
        if (same != into.end()) {
          if (disabled(t)) into.erase(same);
          else overlay(*same->as_table(), t);  // key by key: an entry may change just its title
        } else if (!disabled(t)) {
          into.push_back(std::move(t));
        }
      }
    } else if (old && old->is_table() && value.is_table()) {
      overlay(*old->as_table(), *value.as_table());
    } else {
      value.visit([&, &k = key](auto& v) { base.insert_or_assign(k, std::move(v)); });
    }
  }
}

// While alive, patterns compile as they load (rules from outside the binary).
struct CompileNow {
  CompileNow() { compile_now = true; }
  ~CompileNow() { compile_now = false; }
  CompileNow(const CompileNow&) = delete;
  CompileNow& operator=(const CompileNow&) = delete;
};

// The built-in files parsed, name -> table.
std::vector<std::pair<std::string, toml::table>> builtin_tables() {
  std::vector<std::pair<std::string, toml::table>> out;
  for (const auto& f : embedded_files()) out.emplace_back(f.name, parse_toml(std::string(f.contents), f.name));
  return out;
}

}  // namespace

const std::vector<std::string>& rule_file_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& f : RulesLoaders::table()) n.emplace_back(f.name);
    return n;
  }();
  return names;
}

Rules Rules::from_files(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::pair<std::string, toml::table>> tables;
  for (const auto& [name, text] : files) tables.emplace_back(name, parse_toml(text, name));
  CompileNow now;
  return RulesLoaders::load(tables);
}

Rules Rules::builtin() { return RulesLoaders::lazy(); }

Rules Rules::from_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw RulesError(dir + ": not a folder of rules files");
  auto tables = builtin_tables();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".toml") continue;
    std::string name = entry.path().filename().string();
    auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == name; });
    if (it == tables.end())
      throw RulesError(entry.path().string() + ":1: not a rules file (the files are " + [] {
        std::string all;
        for (const auto& n : rule_file_names()) all += (all.empty() ? "" : ", ") + n;
        return all;
      }() + ")");
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw RulesError(entry.path().string() + ": cannot read rules file");
    std::ostringstream ss;
    ss << in.rdbuf();
    toml::table over = parse_toml(ss.str(), entry.path().string());
    overlay(it->second, over);
  }
  if (ec) throw RulesError(dir + ": " + ec.message());
  CompileNow now;
  return RulesLoaders::load(tables);
}

std::vector<std::string> missing_findings(const Rules& rules, const std::vector<std::string_view>& ids) {
  std::vector<std::string> out;
  for (auto id : ids)
    if (!rules.finding(id)) out.emplace_back(id);
  return out;
}

const FindingText* Rules::finding(std::string_view id) const {
  const auto& f = findings();
  auto it = f.find(id);
  return it == f.end() ? nullptr : &it->second;
}

}  // namespace mailaudit::rules
