// The "fix these to pass" set: see verdict.hpp for why largest-first is minimal by count.
#include "content/verdict.hpp"

#include <algorithm>

namespace mailaudit::content {

FixSet fix_set(const Verdict& v) {
  FixSet out;
  if (!v.available || v.score < v.threshold) return out;
  std::vector<Symbol> positive;
  for (const auto& s : v.symbols)
    if (s.score > 0) positive.push_back(s);
  std::stable_sort(positive.begin(), positive.end(),
                   [](const Symbol& a, const Symbol& b) { return a.score > b.score; });
  double left = v.score;
  for (const auto& s : positive) {
    out.symbols.push_back(s);
    left -= s.score;
    if (left < v.threshold) return out;
  }
  out.enough = false;
  return out;
}

}  // namespace mailaudit::content
