// The other way round: which profile's predicted reply a bounce's reply is (bounce names it, and
// bounce --audit predicts with that profile).
#pragma once
#include <string>
#include <vector>

#include "receivers/profile.hpp"

namespace mailaudit::receivers {

struct ReplyMatch {
  const Profile* profile = nullptr;
  const Rule* rule = nullptr;
};

// The first profile (by id) with a rule whose reply is `diagnostic`: the same code (when `code` is known),
// the same enhanced status (when both have one), and the text with its {placeholders} as wildcards found
// in the diagnostic (leading ': ' and a final '.' of the text left out, multi-line continuations such as "550-5.7.1 " removed, case ignored). A rule whose
// fixed text is shorter than 12 characters never matches. {nullptr, nullptr} when none does.
ReplyMatch match_reply(const std::vector<Profile>& profiles, int code, const std::string& status,
                       const std::string& diagnostic);

}  // namespace mailaudit::receivers
