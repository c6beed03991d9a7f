// Bounce knowledge, rules/bounces.toml: stage phrases, causes, provider signatures, status hints, recipient
// forms, MTA formats and the words of the bounce reader. Apart from rules.hpp because of <regex>.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "model/stage.hpp"

namespace mailaudit::rules {

// An ECMAScript, case-insensitive regular expression compiled on first use: std::regex compiles slowly
// (about 2.5 ms for the bounce rules), and most runs of `check` read no bounce. Copies share the
// compiled form; compiling is thread-safe. Rules laid over with `--rules` are compiled at load, so a bad
// pattern is reported at start; the built-in ones are checked by a unit test.
class LazyRegex {
 public:
  LazyRegex() = default;
  explicit LazyRegex(std::string source);
  const std::regex& get() const;  // throws std::regex_error for a bad pattern
  operator const std::regex&() const { return get(); }  // NOLINT: reads like the std::regex it was
 private:
  struct State {
    std::once_flag once;
    std::string source;
    std::regex re;
  };
  std::shared_ptr<State> state_;
};

// Bounce knowledge: rules/bounces.toml. Patterns are ECMAScript regular expressions, case-insensitive.
struct BouncePattern {
  Stage stage = Stage::end_of_data;
  std::string pattern;
  LazyRegex re;
};
struct BounceSignature {
  std::string id, provider, meaning, pattern;
  std::string advice;  // what to do, when it is not "look at the findings" (greylisting: retry from the same IP)
  Stage stage = Stage::end_of_data;  // where the cause lies
  std::vector<std::string> look_at;  // finding ids
  bool temporary = false;
  std::vector<std::string> match, no_match;
  LazyRegex re;
};
struct StatusHint {
  std::string status, pattern;
  LazyRegex re;
};
// A way a bounce names a recipient at the start of a line; group 1 is the address.
struct RecipientForm {
  std::string id, pattern;
  std::vector<std::string> match, no_match;
  LazyRegex re;
};
// How to tell which MTA wrote a bounce: words in its text (or parts), or in its From field (lower case).
struct BounceFormat {
  std::string id;
  std::vector<std::string> text, from;
  std::vector<std::string> match, no_match;
  // True when `sample` holds one of the text cues, or its lower-cased form one of the From cues.
  bool matches(std::string_view sample) const;
};
// Where a bounce names the sending side: group 1 is the value (the client IP in the reply text).
struct ContextPattern {
  std::string id, what, pattern;  // what: "ip"
  std::vector<std::string> match, no_match;
  LazyRegex re;
};
struct StageText {
  Stage stage = Stage::end_of_data;
  std::string phrase, seen, look;
};
struct BounceRules {
  std::vector<BouncePattern> stage_phrases;  // the sending MTA states the stage
  std::vector<BouncePattern> causes;         // the reply names an earlier cause
  std::vector<BounceSignature> signatures;
  std::vector<StatusHint> status_hints;
  std::vector<StageText> stage_texts;
  std::vector<RecipientForm> recipient_forms;  // in order: the first that matches a line names its recipient
  std::vector<BounceFormat> formats;           // in order: the first that matches names the format
  std::vector<ContextPattern> context_patterns;
  std::vector<std::string> reply_cues;         // words after which a reply code is quoted ("said:", "<<<")
  std::map<std::string, std::string> words;    // sentences and labels for people, by key ([words])
  // The sentence under `key`, or `key` itself when the rules have none (a test checks they all exist).
  const std::string& word(const std::string& key) const;
  std::map<std::string, std::string> provider_names;  // id -> name for people
  std::vector<std::string> original_markers;          // where the copy of the original message begins
  std::vector<std::string> failure_subject_words;     // lower case
  std::vector<std::string> auto_reply_subject_words;  // lower case
  std::vector<std::string> sender_locals;             // local parts bounces come from ("mailer-daemon")
  std::string check_hint;                             // `check` on a bounce: "{file}" names the input
  const StageText* text_for(Stage s) const;
};

}  // namespace mailaudit::rules
