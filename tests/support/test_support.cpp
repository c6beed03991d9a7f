#include "test_support.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dns/recording_resolver.hpp"
#include "registry.hpp"

namespace mailaudit::test {

std::filesystem::path source_dir() { return MAILAUDIT_SOURCE_DIR; }
std::filesystem::path corpora_dir() { return MAILAUDIT_CORPORA_DIR; }

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Report audit_text(const std::string& raw, const Envelope& env) {
  static dns::NullResolver resolver;
  return audit_text(raw, env, resolver);
}

Report audit_text(const std::string& raw, const Envelope& env, dns::Resolver& resolver) {
  static const rules::Rules rules = rules::Rules::builtin();
  AuditSettings settings{rules, resolver, checks::registry(), {}, {}};
  RawMessage m;
  m.source = "test";
  m.bytes = raw;
  return audit_message(std::move(m), env, settings);
}

std::vector<std::string> finding_ids(const Report& r) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings) ids.push_back(f.id);
  return ids;
}

bool has_finding(const Report& r, const std::string& id) {
  auto ids = finding_ids(r);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

std::string message_from(const std::string& from) {
  return crlf("From: Sender <" + from + ">\nTo: r@example.net\nSubject: s\n"
              "Date: Fri, 27 Nov 2026 09:00:00 +0000\nMessage-ID: <1@example.com>\n\nbody\n");
}

std::vector<std::string> ids_of(const Report& r, const std::string& check) {
  std::vector<std::string> ids;
  for (const auto& f : r.findings)
    if (f.check == check) ids.push_back(f.id);
  return ids;
}

std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace mailaudit::test
