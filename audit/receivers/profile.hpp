// Receiver profiles: what one named receiver (a Postfix configuration, a mailbox provider) does with the
// findings of a report. One rules/receivers/<id>.toml per profile, embedded in the binary; adding a
// receiver is adding a file. The knowledge (reply codes and texts, MX suffixes, sources) is all in the
// files; this code only reads and applies it.
#pragma once
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "model/receiver.hpp"
#include "model/stage.hpp"

namespace mailaudit::receivers {

enum class Action { reject, defer, junk, ignore, score };

// One behaviour: when any of `findings` is present (an id, or "family.*"), the receiver acts.
struct Rule {
  std::vector<std::string> findings;
  std::vector<std::vector<std::string>> also;  // each group must also have a finding present (AND of ORs)
  std::vector<std::string> unknown_on;  // findings that leave this rule open (a lookup it needs failed)
  unsigned except_same_net = 0;      // IPv4 prefix length: not when the finding's evidence has an A record
                                     // in the client's network of that size (Haraka's FCrDNS "same /24")
  std::string zone;                  // only a finding whose evidence has an answer under this zone
  Action action = Action::reject;
  std::optional<Stage> stage;        // where the receiver evaluates it; unset: the finding's cause stage
  std::optional<Stage> answers_at;   // where it answers; unset: the profile's [answers] for that stage
  ReceiverReply reply;               // reject/defer
  int points = 0;                    // score rules: added to the score when a finding (of any severity,
                                     // passes too) matches; see Scoring
  std::string via;                   // the receiver's own name for the test (a Postfix restriction, ...)
  std::string source;
};

// A scoring receiver (Haraka karma): the score rules' points add up, and at or below `threshold` it
// rejects at `stage` with `reply` ({score} in its text is the score).
struct Scoring {
  int threshold = 0;
  Stage stage = Stage::data;
  ReceiverReply reply;
  std::string source;
};

struct Profile {
  std::string id, name, models, source;  // source: where the facts come from
  std::string file;                      // "rules/receivers/<id>.toml"
  std::vector<std::string> references;
  std::vector<std::string> mx, domains;  // recognition for --receiver auto: MX suffixes, mailbox domains
  std::map<Stage, Stage> answers;        // delay semantics: a cause evaluated at key is answered at value
  std::string server_kind;               // [server] kind: "postfix", ... ("" for providers)
  std::vector<std::string> server_config;  // [server] config: the configuration a real server runs with
  std::vector<std::pair<std::string, std::string>> server_files;  // [server.files]: file name -> contents
  std::vector<std::string> server_master;  // [server] master: its service lines (Postfix master.cf), if not stock
  std::vector<Rule> rules;               // in evaluation order within a stage
  std::optional<Scoring> scoring;        // [scoring]: a receiver that adds up points
};

// Thrown by the loader; what() is "file:line: problem".
struct ProfileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One profile from a TOML text; `file` names it in errors and in Profile::file.
Profile parse_profile(const std::string& text, const std::string& file);
// The embedded profiles, with DIR/receivers/*.toml laid over them (same id replaces, a new id adds) when
// `rules_dir` is not empty. Sorted by id.
std::vector<Profile> load_profiles(const std::string& rules_dir = "");

const Profile* find_profile(const std::vector<Profile>& profiles, const std::string& id);

}  // namespace mailaudit::receivers
