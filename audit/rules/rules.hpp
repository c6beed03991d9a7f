// Rules: knowledge that changes without the code changing (finding texts, header facts, blocklists...),
// loaded from the TOML files in rules/. Embedded in the binary; `--rules DIR` lays its files over them.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/stage.hpp"

namespace mailaudit::rules {

// Thrown by the loaders; what() is "file:line: problem".
struct RulesError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The words of a finding: default stage and severity, and templates with {placeholders} that the check fills.
struct FindingText {
  std::string id;
  Stage stage = Stage::end_of_data;
  Severity severity = Severity::info;
  std::string title;
  std::string detail;   // what the receiver sees and does with it
  std::string remedy;
  std::vector<std::string> references;
  std::string source;   // where the facts come from
  // Where in the message the finding points (SARIF locations): a header field name ("From"), "url" for the
  // line of the URL the finding names, or "" for the message as a whole.
  std::string field;
};

struct HeaderRules {
  std::vector<std::string> singular;  // fields that may occur at most once (RFC 5322 §3.6)
  std::size_t max_line_octets = 998;   // RFC 5322 §2.1.1; also the body line relays wrap (DKIM fragility)
  long future_date_slack_seconds = 86400;
  long dkim_future_slack_seconds = 36000;  // how far a DKIM t= may run ahead of the clock
  unsigned dkim_short_key_bits = 2048;     // RSA keys below this are "short" (RFC 8301 asks for 2048)
  std::vector<std::string> dkim_oversign;  // fields a signature should list once more than they occur
};

// Generic (dynamic/residential) reverse DNS names: rules/rdns.toml.
struct RdnsPattern {
  std::string id;
  std::string meaning;
  std::string template_;            // ip_form only: "{a}-{b}-{c}-{d}"
  std::vector<std::string> words;   // keyword only
  std::vector<std::string> match, no_match;  // examples "IP NAME"
};
struct RdnsRules {
  std::vector<RdnsPattern> ip_forms;
  std::vector<RdnsPattern> keywords;
  std::vector<std::string> exempt;
  std::vector<std::string> exempt_match;
};

// A DNS blocklist: rules/blocklists.toml.
// One documented answer of a list (an A value, or a bit of the last octet for bitmask lists), with what it
// means. `severity` and `advice` override the list's own where a code means something else: URIBL grey is
// "mixed reputation", scored, not rejected; a PBL answer is an end-user range, not abuse.
struct ListCode {
  std::string value;                 // "127.0.0.2"; bitmask lists: the bit as a number ("4")
  unsigned bit = 0;                  // bitmask lists only
  std::string meaning;
  std::optional<Severity> severity;  // unset: the list's severity
  std::string advice;                // unset: the finding's remedy; may use the finding's {placeholders}
  std::string rejects;               // who rejects on this code and how; unset: the list's `rejects`
};

struct Blocklist {
  std::string id, name;
  bool ip_list = true;              // kind "ip"; else "domain"
  bool ask_host = true;             // domain lists: query the host as found
  bool ask_registered = false;      // domain lists: query the organisational domain too
  std::string zone;                 // may hold "{key}"
  bool default_on = true;
  bool needs_key = false;
  std::string replaces;             // id of a list this one makes redundant when active
  Severity severity = Severity::error;
  std::string test_listed, test_not_listed;
  std::string reference;
  std::string rejects;              // who acts on a listing and how they answer
  std::vector<ListCode> codes;      // answer -> meaning
  std::vector<ListCode> bits;       // bitmask lists: bit value -> meaning
  std::vector<std::pair<std::string, std::string>> errors;  // error answers -> meaning
};

// A mailbox provider or gateway recognised by MX host names: rules/providers.toml.
struct ProviderReject {
  std::string finding;  // a finding id this provider rejects on ("from.no_address")
  std::string reply;    // how it answers, quoted for the user
};
struct Provider {
  std::string id, name, note, reference;
  std::vector<std::string> mx;       // host name suffixes, matched at a label boundary
  std::vector<std::string> domains;  // mailbox domains it hosts, known without DNS ("aol.com")
  std::vector<std::string> match, no_match;
  std::vector<ProviderReject> rejects_on;  // findings that are rejects for mail to this provider
};
// The provider hosting the mailbox domain `domain` by name (its `domains`), or nullptr.
const Provider* provider_for_domain(const std::vector<Provider>& providers, const std::string& domain);
// The provider whose MX suffix matches `mx_host`, or nullptr.
const Provider* provider_for_mx(const std::vector<Provider>& providers, const std::string& mx_host);

// A special-purpose address range: rules/ip_ranges.toml.
struct IpRange {
  std::string cidr, name;
};

// A tracking or safety redirector whose target is embedded in its URLs: rules/urls.toml.
struct Redirector {
  std::string id, host, path_prefix, param, meaning;  // param "" = the target is the path after the prefix
};
struct UrlRules {
  std::vector<std::string> shorteners;         // hosts; each matches itself and its subdomains
  std::unordered_set<std::string> shortener_hosts;  // the same, as a set (filled by the loader): looked up
                                                    // label by label up a URL's host, not compared one by one
  std::vector<std::string> file_extensions;    // TLDs that are also file name extensions (readme.md)
  std::vector<std::string> unsubscribe_words;  // never fetch a URL holding one of these
  // Defanged schemes in text and the scheme filters read them as ("hxxp" -> "http"), lower case.
  std::vector<std::pair<std::string, std::string>> defanged_schemes;
  std::vector<Redirector> redirectors;
  // [limits]: how much of a message the URL checks look at and how much a finding lists.
  std::size_t max_hosts = 0, max_ips = 0, max_links = 0, link_concurrency = 0, shown = 0;
  std::size_t max_signing_domains = 0;  // DKIM d= domains the domain_lists check asks about
};
// True when `host` is `suffix` or a subdomain of it (both lower case).
bool host_within(std::string_view host, std::string_view suffix);

// Bounce knowledge (rules/bounces.toml) is declared in rules/bounce_rules.hpp: its compiled patterns
// pull <regex> into whoever includes it, and only the bounce reader and the commands need them.
struct BounceRules;

// Message size limits receivers publish: rules/size.toml.
struct SizeLimit {
  std::string id, receiver, reply, source;
  std::size_t bytes = 0;
  Severity severity = Severity::warning;
  Stage stage = Stage::end_of_data;
};
struct SizeRules {
  std::size_t html_clip_bytes = 0;  // Gmail clips HTML past this
  std::vector<SizeLimit> limits;    // smallest first
};

// A mailbox provider's bulk-sender requirements: rules/bulk.toml.
struct BulkProvider {
  std::string id, name, reference;
  std::vector<std::string> requires_;
};

// Content filters (rules/content.toml): each engine's actions as findings, and which mailaudit finding
// a filter symbol stands for. A pattern is an exact name or a prefix ending in '*'; an exact name wins,
// then the longest prefix.
struct ContentEngine {
  std::string id, name, source;
  std::string unavailable;  // the finding id when the engine could not tell
};
struct ContentMapping {
  std::string engine, pattern, finding;
  bool matches(std::string_view engine_id, std::string_view name) const;
};
struct ContentRules {
  std::size_t top_symbols = 8;
  std::vector<ContentEngine> engines;
  std::vector<ContentMapping> actions, symbols;
  const ContentEngine* engine(std::string_view id) const;
  // The finding id for an engine's action or symbol; "" when none matches.
  std::string action_finding(std::string_view engine_id, std::string_view action) const;
  std::string symbol_finding(std::string_view engine_id, std::string_view symbol) const;
};

class Rules {
 public:
  // The rules compiled into the binary.
  static Rules builtin();
  // The built-in rules with DIR's files laid over them: in each array of tables an entry with the same
  // id (or stage, cidr, pattern) changes the built-in one key by key, a new one adds, `enabled = false` removes; other
  // keys replace. A folder may hold any subset of the files; a .toml that is not a rules file is an error.
  static Rules from_dir(const std::string& dir);
  // Parse one set of named files (name -> contents); used by both of the above and by tests.
  static Rules from_files(const std::vector<std::pair<std::string, std::string>>& files);

  const FindingText* finding(std::string_view id) const;
  const std::map<std::string, FindingText, std::less<>>& findings() const;
  const HeaderRules& headers() const;
  const RdnsRules& rdns() const;
  const std::vector<Blocklist>& blocklists() const;
  const std::vector<Provider>& providers() const;
  // The sentence added to a finding that a recipient's provider rejects on ({provider}, {reply}).
  const std::string& provider_reject_note() const;
  const std::vector<IpRange>& ip_ranges() const;
  const UrlRules& urls() const;
  const BounceRules& bounces() const;  // rules/bounce_rules.hpp
  const std::vector<BulkProvider>& bulk() const;
  const SizeRules& size() const;
  const ContentRules& content() const;
  // The checks' words (rules/words.toml, "section.key"): phrases a check puts into a finding's
  // placeholders and each check's one-line summary. Throws std::logic_error for a key without words
  // (a unit test checks every key the checks use exists).
  const std::string& word(std::string_view key) const;
  const std::map<std::string, std::string, std::less<>>& words() const;

  // A value derived from these rules (the blocklists in use for a set of keys), built by `make` the first
  // time `key` is asked and kept as long as the rules: a batch derives it once, not once per message.
  // Copies of the rules share the answers; safe from any thread.
  std::shared_ptr<const void> derived(const std::string& key,
                                      const std::function<std::shared_ptr<const void>()>& make) const;

 private:
  friend struct RulesLoaders;  // rules.cpp: the {file, loader} table
  Rules() = default;           // only the loaders make one: every accessor needs the data
  // What the files say. The built-in files are parsed on first use, file by file: `mailaudit urls` reads
  // one of them, and parsing all of them is most of a small run's start-up. Rules from outside the binary
  // (`--rules`) load whole at start, so their errors stop the run before any work. Copies share it.
  struct Data;
  std::shared_ptr<Data> d_;
  const Data& need(std::size_t file) const;  // `file` loaded (an index into the loaders' table)
};

// Names of the rules files the loader expects.
const std::vector<std::string>& rule_file_names();

// The ids of `ids` that have no entry in the findings' words (the CLI checks the registry with it at start).
std::vector<std::string> missing_findings(const Rules& rules, const std::vector<std::string_view>& ids);

}  // namespace mailaudit::rules
