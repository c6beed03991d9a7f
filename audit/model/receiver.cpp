#include "model/receiver.hpp"

namespace mailaudit {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::accept: return "accept";
    case Outcome::junk: return "junk";
    case Outcome::defer: return "defer";
    case Outcome::reject: return "reject";
    case Outcome::unknown: return "unknown";
  }
  return "?";
}

}  // namespace mailaudit
