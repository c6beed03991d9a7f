// A receiver profile applied to a report: what that receiver does with the message, where it answers,
// with which reply and because of which findings; and which profiles a --receiver selection means.
#pragma once
#include <string>
#include <vector>

#include "model/receiver.hpp"
#include "model/report.hpp"
#include "receivers/profile.hpp"

namespace mailaudit::receivers {

// The receiver evaluates the stages in SMTP order and, within a stage, its rules in file order; the first
// reject or defer decides (like a Postfix restriction list: later lists are not evaluated). Without one:
// unknown when a finding it reads could not be told (a *.temperror), else junk when a junk rule matched,
// else accept.
ReceiverVerdict predict(const Profile& p, const Report& r);

// The profiles `specs` select for `r`: an id, "all", or "auto" (the receivers of the --rcpt domains,
// by mailbox domain or by the MX hosts the audit looked up). Each profile once, in the order named.
// Throws ProfileError naming an unknown id.
std::vector<const Profile*> select_profiles(const std::vector<std::string>& specs, const std::vector<Profile>& profiles,
                                            const Report& r);

}  // namespace mailaudit::receivers
