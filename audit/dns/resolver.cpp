#include "dns/resolver.hpp"

#include "util/names.hpp"

namespace mailaudit::dns {

std::shared_future<Answer> ready(Answer a) {
  std::promise<Answer> p;
  p.set_value(std::move(a));
  return p.get_future().share();
}

std::shared_future<Answer> Resolver::lookup_async(std::string_view name, RRType type) {
  std::string n = normalise_name(name);
  std::string problem = name_problem(n);
  if (!problem.empty()) {
    Answer a;
    a.name = n;
    a.type = type;
    a.status = Status::NXDOMAIN;
    a.note = "not queried: " + problem;
    return ready(std::move(a));
  }
  return start(n, type);
}

std::vector<Answer> Resolver::lookup_all(const std::vector<Query>& queries) {
  std::vector<std::shared_future<Answer>> pending;
  pending.reserve(queries.size());
  for (const auto& q : queries) pending.push_back(lookup_async(q.name, q.type));
  std::vector<Answer> out;
  out.reserve(pending.size());
  for (auto& f : pending) out.push_back(f.get());
  return out;
}

}  // namespace mailaudit::dns
