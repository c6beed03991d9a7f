// The openspf RFC 7208 test suite as data: read from YAML, each scenario's zone data written as zone files.
// Shared by the library test (spf_suite_test.cpp) and the CLI test (spf_cli_test.cpp).
#pragma once
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "util/text.hpp"

namespace mailaudit::test::spf_suite {

using json = nlohmann::json;

// The suite is YAML; Python's yaml module (python3-yaml, installed by scripts/setup) turns it into JSON.
inline json load_suite(const std::string& yml) {
  std::string cmd = "python3 -c 'import sys,json,yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1], encoding=\"utf-8\"))), sys.stdout)' " + yml;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run python3");
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("python3 could not read " + yml + " (is python3-yaml installed?)");
  return json::parse(out);
}

inline std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
    else if (c < 0x20 || c > 0x7e || c == '(' || c == ')' || c == ';') {  // ldns reads ( ) ; even in quotes
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out + "\"";
}

inline std::string txt_value(const json& v) {
  if (v.is_string()) return quoted(v.get<std::string>());
  std::string out;
  for (const auto& s : v) out += quoted(s.get<std::string>()) + " ";
  return out;
}

// A name in zone-file syntax: absolute, with odd octets (the suite has spaces and '%') as \DDD.
inline std::string absolute(const std::string& host) {
  std::string out;
  for (unsigned char c : host) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", c);
      out += buf;
    }
  }
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

// One zone per top-level domain holding the scenario's names under it: absent names are NXDOMAIN there, as
// the suite wants.
//
// With `timeout_target` set (the CLI test), a TIMEOUT name is written as a CNAME to <name>.<timeout_target>,
// outside every zone, so that the CLI's zone resolver hands it to the --resolver that never answers there.
inline std::map<std::string, std::string> zone_texts(const json& zonedata, std::set<std::string>& timeouts,
                                                     const std::string& timeout_target = "") {
  std::map<std::string, std::string> zones;
  auto zone_of = [&](const std::string& name) -> std::string& {
    std::string tld = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    auto& z = zones[tld];
    if (z.empty()) z = "$ORIGIN " + absolute(tld) + "\n$TTL 300\n@ IN SOA ns.test. h.test. 1 60 60 60 60\n@ IN NS ns.test.\n";
    return z;
  };
  for (const auto& [name_in, records] : zonedata.items()) {
    std::string name = text::lower(name_in);
    while (!name.empty() && name.back() == '.') name.pop_back();
    std::string& z = zone_of(name);
    // Any TXT entry (even "NONE") stops the SPF-to-TXT copy; only a real one keeps TXT queries from TIMEOUT.
    bool txt_entry = false, has_txt = false;
    for (const auto& r : records)
      if (r.is_object() && r.contains("TXT")) {
        txt_entry = true;
        if (!(r["TXT"].is_string() && r["TXT"] == "NONE")) has_txt = true;
      }
    bool times_out = false;
    for (const auto& r : records)
      if (r.is_string() && r == "TIMEOUT" && !has_txt) times_out = true;
    if (times_out && !timeout_target.empty()) {
      // Every type at this name times out: the CNAME leaves the zones, and nothing else may sit beside it.
      timeouts.insert(name);
      z += absolute(name) + " IN CNAME " + absolute(name + "." + timeout_target) + "\n";
      continue;
    }
    for (const auto& r : records) {
      if (r.is_string() && r == "TIMEOUT") {
        // With its own TXT records the name times out only for type SPF, which RFC 7208 no longer queries.
        if (!has_txt) timeouts.insert(name);
        continue;
      }
      for (const auto& [type, v] : r.items()) {
        std::string owner = absolute(name) + " IN ";
        if (type == "SPF") {
          if (v.is_array() && v.empty()) continue;
          if (!txt_entry) z += owner + "TXT " + txt_value(v) + "\n";
        } else if (type == "TXT") {
          if (v.is_string() && v == "NONE") continue;  // the suite's way to say "no TXT here"
          z += owner + "TXT " + txt_value(v) + "\n";
        } else if (type == "A" || type == "AAAA") {
          z += owner + type + " " + v.get<std::string>() + "\n";
        } else if (type == "MX") {
          z += owner + "MX " + std::to_string(v[0].get<int>()) + " " + absolute(v[1].get<std::string>()) + "\n";
        } else if (type == "PTR" || type == "CNAME") {
          z += owner + type + " " + absolute(v.get<std::string>()) + "\n";
        }
      }
    }
  }
  return zones;
}

}  // namespace mailaudit::test::spf_suite
