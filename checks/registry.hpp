// The registry: every check mailaudit runs, in report order.
#pragma once
#include <vector>

#include "engine/check.hpp"

namespace mailaudit::checks {

const std::vector<Check>& registry();

}  // namespace mailaudit::checks
