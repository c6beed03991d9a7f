// rules/findings.toml and rules/words.toml as C++ tables, generated at build time (cmake/precompile_rules.py):
// the built-in rules take them without parsing TOML. Overlays (`--rules`) and Rules::from_files still read
// the TOML; a unit test checks both readings agree field by field.
#pragma once
#include <cstddef>
#include <span>

namespace mailaudit::rules {

struct PrecompiledFinding {
  const char* id;
  const char* stage;     // as written ("end_of_data"): checked by the loader like the TOML's
  const char* severity;
  const char* title;
  const char* detail;
  const char* remedy;
  const char* source;
  const char* field;     // "" when the finding has none
  const char* const* references;
  std::size_t reference_count;
};

struct PrecompiledWord {
  const char* key;  // "section.key"
  const char* value;
};

std::span<const PrecompiledFinding> precompiled_findings();
std::span<const PrecompiledWord> precompiled_words();

}  // namespace mailaudit::rules
