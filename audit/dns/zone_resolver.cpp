#include "dns/zone_resolver.hpp"

namespace mailaudit::dns {

namespace {
Answer offline(const std::string& name, RRType type, std::string note) {
  Answer a;
  a.name = name;
  a.type = type;
  a.status = Status::OFFLINE;
  a.note = std::move(note);
  return a;
}
}  // namespace

std::vector<std::string> ZoneResolver::servers() const {
  std::vector<std::string> out;
  for (const auto& f : zones_->files()) out.push_back("zone:" + f);
  if (fallback_)
    for (const auto& s : fallback_->servers()) out.push_back(s);
  return out;
}

std::shared_future<Answer> ZoneResolver::start(const std::string& name, RRType type) {
  auto result = zones_->lookup(name, type);
  if (!result) {
    if (fallback_) return fallback_->lookup_async(name, type);
    return ready(offline(name, type, "not checked offline: outside the loaded zones"));
  }
  if (result->continue_at.empty()) return ready(std::move(result->answer));
  // The CNAME chain leaves the zones: finish it elsewhere and report the whole chain.
  Answer head = std::move(result->answer);
  if (!fallback_) {
    Answer a = offline(name, type, "not checked offline: CNAME target " + result->continue_at + " is outside the loaded zones");
    a.cnames = head.cnames;
    a.server = head.server;
    return ready(std::move(a));
  }
  auto tail = fallback_->lookup_async(result->continue_at, type);
  return std::async(std::launch::deferred, [head = std::move(head), tail]() mutable {
           Answer a = tail.get();
           std::vector<std::string> chain = head.cnames;
           chain.insert(chain.end(), a.cnames.begin(), a.cnames.end());
           a.cnames = std::move(chain);
           a.name = head.name;
           a.type = head.type;
           return a;
         }).share();
}

}  // namespace mailaudit::dns
