#include "dns/recording_resolver.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace mailaudit::dns {

std::shared_future<Answer> RecordingResolver::start(const std::string& name, RRType type) {
  auto f = inner_.lookup_async(name, type);
  std::lock_guard lock(mu_);
  started_.push_back(f);
  return f;
}

std::vector<Answer> RecordingResolver::log() const {
  std::lock_guard lock(mu_);
  std::vector<Answer> out;
  std::set<std::pair<std::string, RRType>> seen;  // one entry per (name, type), as the cache answers once
  for (const auto& f : started_) {
    Answer a = f.get();
    if (seen.insert({a.name, a.type}).second) out.push_back(std::move(a));
  }
  // Checks run concurrently, so the order they asked in varies from run to run; reports must not.
  std::sort(out.begin(), out.end(), [](const Answer& x, const Answer& y) {
    return std::tie(x.name, x.type) < std::tie(y.name, y.type);
  });
  return out;
}

std::shared_future<Answer> NullResolver::start(const std::string& name, RRType type) {
  Answer a;
  a.name = name;
  a.type = type;
  a.status = Status::OFFLINE;
  a.note = "not checked offline";
  return ready(std::move(a));
}

}  // namespace mailaudit::dns
