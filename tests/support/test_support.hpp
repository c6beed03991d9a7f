// Helpers shared by the tests: audit a message given as text, find findings by id, read fixture files.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "engine/audit.hpp"
#include "dns/resolver.hpp"
#include "model/envelope.hpp"
#include "model/report.hpp"

namespace mailaudit::test {

// The source folder and the public corpora folder, from CMake.
std::filesystem::path source_dir();
std::filesystem::path corpora_dir();
std::string read_file(const std::filesystem::path& p);

// Parse and run every registered check with the built-in rules and no DNS.
Report audit_text(const std::string& raw, const Envelope& env = {});
// The same with a given resolver.
Report audit_text(const std::string& raw, const Envelope& env, dns::Resolver& resolver);
// Ids of the findings, in report order.
std::vector<std::string> finding_ids(const Report& r);
bool has_finding(const Report& r, const std::string& id);
// "id1, id2" for failure messages.
std::string join(const std::vector<std::string>& v);

// Replace every "\n" with "\r\n" (test messages are written with LF).
std::string crlf(const std::string& s);

// A well-formed message (CRLF) from `from`, for checks that look at the context or the From domain.
std::string message_from(const std::string& from = "news@news.example.com");
// Ids of the findings of one check, in report order.
std::vector<std::string> ids_of(const Report& r, const std::string& check);

}  // namespace mailaudit::test
