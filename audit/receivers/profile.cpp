#include "receivers/profile.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "rules/toml_read.hpp"

#include "rules/embedded.hpp"
#include "util/names.hpp"

namespace mailaudit::receivers {

namespace {

// The shared getters (rules/toml_read.hpp), failing with this loader's error type.
[[noreturn]] void fail(const std::string& file, const toml::node& node, const std::string& what) {
  rules::toml_read::fail<ProfileError>(file, node, what);
}
std::string require_string(const std::string& file, const toml::table& t, std::string_view key) {
  return rules::toml_read::require_string<ProfileError>(file, t, key);
}
std::vector<std::string> string_list(const std::string& file, const toml::table& t, std::string_view key) {
  return rules::toml_read::string_list<ProfileError>(file, t, key);
}
std::string optional_string(const std::string& file, const toml::table& t, std::string_view key) {
  return t.get(key) ? require_string(file, t, key) : std::string();
}

Stage require_stage(const std::string& file, const toml::node& n, const std::string& what) {
  auto s = n.value<std::string>();
  auto st = s ? parse_stage(*s) : std::nullopt;
  if (!st) fail(file, n, what + " must be a stage (connect, helo, mail, rcpt, data, end_of_data)");
  return *st;
}

std::optional<Action> parse_action(std::string_view s) {
  if (s == "reject") return Action::reject;
  if (s == "defer") return Action::defer;
  if (s == "junk") return Action::junk;
  if (s == "ignore") return Action::ignore;
  if (s == "score") return Action::score;
  return std::nullopt;
}

// A finding pattern: "family.name" or "family.*", lower case letters, digits, '_' and '.'.
bool valid_pattern(const std::string& p) {
  if (p.empty() || p.find('.') == std::string::npos) return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '*';
  });
}

Rule parse_rule(const std::string& file, const toml::table& t, const std::string& id) {
  Rule r;
  r.findings = string_list(file, t, "findings");
  if (r.findings.empty()) fail(file, t, id + ": each [[rule]] needs \"findings\" (ids or family.*)");
  if (const toml::node* n = t.get("also")) {
    const toml::array* a = n->as_array();
    if (!a) fail(file, *n, id + ": \"also\" must be an array of arrays of finding ids");
    for (const auto& group : *a) {
      const toml::array* g = group.as_array();
      if (!g || g->empty()) fail(file, group, id + ": each \"also\" group must be a non-empty array of ids");
      std::vector<std::string> ids;
      for (const auto& el : *g) {
        if (!el.is_string()) fail(file, el, id + ": \"also\" groups hold finding ids");
        ids.push_back(std::string(*el.value<std::string>()));
      }
      r.also.push_back(std::move(ids));
    }
  }
  for (const auto& group : r.also)
    for (const auto& p : group)
      if (!valid_pattern(p)) fail(file, t, id + ": \"" + p + "\" is not a finding id or family.*");
  r.unknown_on = string_list(file, t, "unknown_on");
  for (const auto& p : r.unknown_on)
    if (!valid_pattern(p)) fail(file, t, id + ": \"" + p + "\" is not a finding id or family.*");
  for (const auto& p : r.findings)
    if (!valid_pattern(p)) fail(file, t, id + ": \"" + p + "\" is not a finding id or family.*");
  std::string action = require_string(file, t, "action");
  auto a = parse_action(action);
  if (!a) fail(file, t, id + ": action must be reject, defer, junk, ignore or score, got \"" + action + "\"");
  r.action = *a;
  r.zone = dns::normalise_name(optional_string(file, t, "zone"));
  if (const toml::node* n = t.get("except_same_net")) {
    auto bits = n->value<int64_t>();
    if (!bits || *bits < 1 || *bits > 32) fail(file, *n, id + ": \"except_same_net\" is an IPv4 prefix length, 1 to 32");
    r.except_same_net = static_cast<unsigned>(*bits);
  }
  if (const toml::node* n = t.get("stage")) r.stage = require_stage(file, *n, id + ": \"stage\"");
  if (const toml::node* n = t.get("answers_at")) r.answers_at = require_stage(file, *n, id + ": \"answers_at\"");
  r.via = optional_string(file, t, "via");
  if (r.action == Action::score) {
    auto pts = t["points"].value<int64_t>();
    if (!pts || *pts < -1000 || *pts > 1000) fail(file, t, id + ": a score rule needs \"points\" (-1000 to 1000)");
    r.points = static_cast<int>(*pts);
  }
  r.source = require_string(file, t, "source");
  if (r.action == Action::reject || r.action == Action::defer) {
    auto code = t["code"].value<int64_t>();
    int first = r.action == Action::reject ? 5 : 4;
    if (!code || *code / 100 != first || *code % 100 > 59)
      fail(file, t, id + ": a " + action + " needs \"code\", a " + std::to_string(first) + "xx reply code");
    r.reply.code = static_cast<int>(*code);
    r.reply.status = optional_string(file, t, "status");
    if (!r.reply.status.empty() && r.reply.status.front() - '0' != first)
      fail(file, t, id + ": \"status\" " + r.reply.status + " must have the reply code's class");
    r.reply.text = require_string(file, t, "text");
  }
  return r;
}

const std::string prefix = "rules/receivers/";

}  // namespace

Profile parse_profile(const std::string& text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw ProfileError(rules::toml_read::where(file, e.source()) + ": " + std::string(e.description()));
  }
  Profile p;
  p.file = file;
  p.id = require_string(file, root, "id");
  p.name = require_string(file, root, "name");
  p.models = require_string(file, root, "models");
  p.source = require_string(file, root, "source");
  p.references = string_list(file, root, "references");
  p.mx = string_list(file, root, "mx");
  p.domains = string_list(file, root, "domains");
  for (auto* v : {&p.mx, &p.domains})
    for (auto& x : *v) x = dns::normalise_name(x);
  if (const toml::node* n = root.get("answers")) {
    const toml::table* t = n->as_table();
    if (!t) fail(file, *n, "[answers] must be a table of stage = stage");
    for (const auto& [k, v] : *t) {
      auto from = parse_stage(k.str());
      if (!from) fail(file, v, "[answers] key \"" + std::string(k.str()) + "\" is not a stage");
      Stage to = require_stage(file, v, "[answers] " + std::string(k.str()));
      if (to < *from) fail(file, v, "[answers] a cause cannot be answered before its stage");
      p.answers[*from] = to;
    }
  }
  if (const toml::node* n = root.get("server")) {
    const toml::table* t = n->as_table();
    if (!t) fail(file, *n, "[server] must be a table");
    p.server_kind = require_string(file, *t, "kind");
    p.server_config = string_list(file, *t, "config");
    p.server_master = string_list(file, *t, "master");
    if (const toml::node* f = t->get("files")) {
      const toml::table* ft = f->as_table();
      if (!ft) fail(file, *f, "[server.files] must be a table of file name = contents");
      for (const auto& [k, v] : *ft) {
        if (!v.is_string()) fail(file, v, "[server.files] " + std::string(k.str()) + " must be a string");
        p.server_files.emplace_back(std::string(k.str()), std::string(*v.value<std::string>()));
      }
    }
  }
  if (const toml::node* n = root.get("scoring")) {
    const toml::table* t = n->as_table();
    if (!t) fail(file, *n, "[scoring] must be a table");
    Scoring sc;
    auto th = (*t)["threshold"].value<int64_t>();
    auto code = (*t)["code"].value<int64_t>();
    if (!th || !code || *code / 100 != 5) fail(file, *t, "[scoring] needs \"threshold\" and a 5xx \"code\"");
    sc.threshold = static_cast<int>(*th);
    sc.reply.code = static_cast<int>(*code);
    sc.reply.status = optional_string(file, *t, "status");
    sc.reply.text = require_string(file, *t, "text");
    sc.source = require_string(file, *t, "source");
    const toml::node* st = t->get("stage");
    if (!st) fail(file, *t, "[scoring] needs \"stage\" (where it rejects)");
    sc.stage = require_stage(file, *st, "[scoring] \"stage\"");
    p.scoring = sc;
  }
  if (const toml::node* n = root.get("rule")) {
    const toml::array* a = n->as_array();
    if (!a || !a->is_array_of_tables()) fail(file, *n, "\"rule\" must be [[rule]] tables");
    for (const auto& el : *a) p.rules.push_back(parse_rule(file, *el.as_table(), p.id));
  }
  std::string stem = std::filesystem::path(file).stem().string();
  if (stem != p.id) fail(file, root, "id \"" + p.id + "\" must be the file's name (" + stem + ")");
  return p;
}

std::vector<Profile> load_profiles(const std::string& rules_dir) {
  std::vector<Profile> out;
  auto add = [&](Profile p) {
    auto same = std::find_if(out.begin(), out.end(), [&](const Profile& o) { return o.id == p.id; });
    if (same != out.end()) *same = std::move(p);
    else out.push_back(std::move(p));
  };
  for (const auto& f : rules::embedded_receiver_files()) add(parse_profile(f.contents, prefix + f.name));
  if (!rules_dir.empty()) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(rules_dir) / "receivers";
    std::error_code ec;
    if (fs::is_directory(dir, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".toml") files.push_back(e.path());
      if (ec) throw ProfileError(dir.string() + ": " + ec.message());
      std::sort(files.begin(), files.end());
      for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw ProfileError(path.string() + ": cannot read receiver profile");
        std::ostringstream ss;
        ss << in.rdbuf();
        if (ss.str().size() > (1u << 20)) throw ProfileError(path.string() + ": larger than 1 MiB");
        add(parse_profile(ss.str(), path.string()));
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Profile& a, const Profile& b) { return a.id < b.id; });
  return out;
}

const Profile* find_profile(const std::vector<Profile>& profiles, const std::string& id) {
  for (const auto& p : profiles)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace mailaudit::receivers
