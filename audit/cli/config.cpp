#include "config.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <set>

#include "util/text.hpp"

namespace mailaudit::cli {

namespace fs = std::filesystem;

namespace {

long line_of(const toml::node& n) { return static_cast<long>(n.source().begin.line); }

[[noreturn]] void fail(const std::string& file, const toml::node& n, std::string word,
                       std::vector<std::pair<std::string, std::string>> args = {}) {
  throw ConfigError{file, line_of(n), std::move(word), std::move(args)};
}

// A key's value as option strings: a string, a number, a bool, or an array of those.
ConfigSetting setting(const std::string& file, const std::string& key, const toml::node& v) {
  ConfigSetting s{key, {}, false, line_of(v)};
  auto scalar = [&](const toml::node& n) {
    if (auto str = n.value<std::string>()) s.values.push_back(*str);
    else if (auto i = n.value<int64_t>(); i && n.is_integer()) s.values.push_back(std::to_string(*i));
    else if (n.is_boolean()) {
      s.is_bool = true;
      if (*n.value<bool>()) s.values.push_back("true");
    } else fail(file, n, "config.bad_value", {{"key", key}});
  };
  if (const auto* a = v.as_array()) {
    for (const auto& el : *a) scalar(el);
  } else {
    scalar(v);
  }
  return s;
}

std::vector<ConfigSetting> settings(const std::string& file, const toml::table& t) {
  std::vector<ConfigSetting> out;
  for (const auto& [k, v] : t) out.push_back(setting(file, std::string(k.str()), v));
  return out;
}

const toml::table& table_of(const std::string& file, const toml::node& n, const std::string& name) {
  const auto* t = n.as_table();
  if (!t) fail(file, n, "config.not_table", {{"key", name}});
  return *t;
}

std::string relative_to(const std::string& file, const std::string& value) {
  if (value.empty() || fs::path(value).is_absolute()) return value;
  return (fs::path(file).parent_path() / value).lexically_normal().string();
}

bool is_path_option(const std::string& key) { return key == "zone" || key == "rules" || key == "baseline"; }

}  // namespace

std::string describe(const ConfigError& e, const rules::Rules& words) {
  std::string where = e.file.empty() ? std::string() : e.file + (e.line ? ":" + std::to_string(e.line) : "") + ": ";
  return where + text::fill(words.word(e.word), e.args);
}

std::optional<std::string> find_config(const std::vector<std::string>& messages) {
  std::error_code ec;
  for (const auto& m : messages) {
    if (m == "-") continue;
    fs::path dir = fs::absolute(m, ec);
    if (ec) break;
    if (!fs::is_directory(dir, ec)) dir = dir.parent_path();  // a Maildir is its own folder
    for (; !dir.empty(); dir = dir.parent_path()) {
      fs::path candidate = dir / config_name;
      if (fs::is_regular_file(candidate, ec)) {
        // Shown as given when the message path was relative: reports stay the same in any checkout.
        fs::path rel = candidate.lexically_relative(fs::current_path(ec));
        return (!rel.empty() && fs::path(m).is_relative()) ? rel.string() : candidate.string();
      }
      if (fs::exists(dir / ".git", ec) || dir == dir.parent_path()) break;  // the repository (or file system) root
    }
    break;
  }
  if (fs::is_regular_file(config_name, ec)) return std::string(config_name);
  return std::nullopt;
}

Config load_config(const std::string& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw ConfigError{file, 0, "config.missing", {}};
  if (!fs::is_regular_file(file, ec)) throw ConfigError{file, 0, "config.not_file", {}};
  if (fs::file_size(file, ec) > (1u << 20)) throw ConfigError{file, 0, "config.too_big", {}};
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw ConfigError{file, static_cast<long>(e.source().begin.line), "config.syntax",
                      {{"problem", std::string(e.description())}}};
  }
  Config c;
  c.path = file;
  for (const auto& [k, node] : root) {
    std::string key(k.str());
    if (key == "defaults") {
      c.defaults = settings(file, table_of(file, node, key));
    } else if (key == "stream") {
      for (const auto& [name, st] : table_of(file, node, key))
        c.streams[std::string(name.str())] = settings(file, table_of(file, st, "stream." + std::string(name.str())));
    } else if (key == "findings") {
      for (const auto& [fk, fv] : table_of(file, node, key)) {
        std::string name(fk.str());
        if (name == "ignore") {
          const auto* a = fv.as_array();
          if (!a) fail(file, fv, "config.not_list", {{"key", "findings.ignore"}});
          for (const auto& el : *a) {
            auto id = el.value<std::string>();
            if (!id) fail(file, el, "config.not_list", {{"key", "findings.ignore"}});
            c.ignore.push_back({*id, line_of(el)});
          }
        } else if (name == "severity") {
          for (const auto& [id, sv] : table_of(file, fv, "findings.severity")) {
            auto s = sv.value<std::string>();
            auto parsed = s ? parse_severity(*s) : std::nullopt;
            if (!parsed) fail(file, sv, "config.bad_severity", {{"id", std::string(id.str())}});
            c.severity.push_back({{std::string(id.str()), line_of(sv)}, *parsed});
          }
        } else {
          fail(file, fv, "config.unknown_key", {{"key", "findings." + name}});
        }
      }
    } else if (key == "blocklist-keys") {
      for (const auto& [id, kv] : table_of(file, node, key)) {
        auto v = kv.value<std::string>();
        if (!v || v->empty()) fail(file, kv, "config.bad_value", {{"key", "blocklist-keys." + std::string(id.str())}});
        c.blocklist_keys.push_back({{std::string(id.str()), line_of(kv)}, *v});
      }
    } else {
      fail(file, node, "config.unknown_key", {{"key", key}});
    }
  }
  return c;
}

void apply_config(const Config& c, const std::string& stream, CLI::App& cmd) {
  std::vector<const ConfigSetting*> todo;
  std::set<std::string> taken;
  if (!stream.empty()) {
    auto it = c.streams.find(stream);
    if (it == c.streams.end()) {
      std::string names;
      for (const auto& [name, _] : c.streams) names += (names.empty() ? "" : ", ") + name;
      throw ConfigError{c.path, 0, "config.no_stream", {{"stream", stream}, {"streams", names.empty() ? "-" : names}}};
    }
    for (const auto& s : it->second) todo.push_back(&s), taken.insert(s.key);
  }
  for (const auto& s : c.defaults)
    if (!taken.count(s.key)) todo.push_back(&s);
  for (const ConfigSetting* s : todo) {
    CLI::Option* opt = cmd.get_option_no_throw("--" + s->key);
    if (!opt || s->key == "config" || s->key == "stream" || s->key == "help")
      throw ConfigError{c.path, s->line, "config.unknown_key", {{"key", s->key}}};
    bool flag = opt->get_expected_max() == 0;  // checked even when the command line wins: the file is wrong
    if (flag != s->is_bool) throw ConfigError{c.path, s->line, "config.bad_value", {{"key", s->key}}};
    if (opt->count() > 0) continue;  // the command line wins
    if (s->values.empty()) continue;  // flag = false: as if not given
    std::vector<std::string> values = s->values;
    if (is_path_option(s->key))
      for (auto& v : values) v = relative_to(c.path, v);
    try {
      opt->add_result(values);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      throw ConfigError{c.path, s->line, "config.refused", {{"key", s->key}, {"problem", e.what()}}};
    }
  }
}

FindingPolicy finding_policy(const Config* c, const std::vector<std::string>& ignore_flags, const rules::Rules& rules) {
  auto known = [&](const std::string& pattern) {
    for (const auto& [id, _] : rules.findings())
      if (id_matches(pattern, id)) return true;
    return false;
  };
  FindingPolicy p;
  if (c) {
    for (const auto& e : c->ignore) {
      if (!known(e.id)) throw ConfigError{c->path, e.line, "config.unknown_finding", {{"id", e.id}}};
      p.ignore.push_back(e.id);
    }
    for (const auto& [e, sv] : c->severity) {
      if (!known(e.id)) throw ConfigError{c->path, e.line, "config.unknown_finding", {{"id", e.id}}};
      p.severity[e.id] = sv;
    }
  }
  for (const auto& id : ignore_flags) {
    if (!known(id)) throw ConfigError{"--ignore", 0, "config.unknown_finding", {{"id", id}}};
    p.ignore.push_back(id);
  }
  return p;
}

}  // namespace mailaudit::cli
