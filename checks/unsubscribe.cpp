// Check "unsubscribe": one-click unsubscribe as Gmail and Yahoo require of bulk senders (RFC 8058):
// List-Unsubscribe with an https URI, List-Unsubscribe-Post: List-Unsubscribe=One-Click, both covered by a
// valid DKIM signature.
#include <algorithm>

#include "checks.hpp"
#include "util/text.hpp"

namespace mailaudit::checks {

std::vector<Finding> run_unsubscribe(const Context& ctx) {
  const HeaderField* lu = ctx.message.field("List-Unsubscribe");
  if (!lu) return {ctx.make("unsubscribe.missing")};
  bool https = false, mailto = false;
  for (std::size_t lt = lu->value.find('<'); lt != std::string::npos; lt = lu->value.find('<', lt + 1)) {
    std::string uri(text::trim(std::string_view(lu->value).substr(lt + 1, lu->value.find('>', lt) - lt - 1)));
    https = https || text::istarts_with(uri, "https://");
    mailto = mailto || text::istarts_with(uri, "mailto:");
  }
  const HeaderField* post = ctx.message.field("List-Unsubscribe-Post");
  bool one_click = post && text::trim(post->value) == "List-Unsubscribe=One-Click";
  Args args{{"value", text::printable(lu->value, 300)},
            {"post", post ? text::printable(post->value, 100) : ctx.word("unsubscribe.absent")},
            {"kinds", https && mailto ? ctx.word("unsubscribe.both", {{"first", "https"}, {"second", "mailto"}})
                      : https ? "https" : mailto ? "mailto" : ""}};
  if (!https || !one_click) return {ctx.make("unsubscribe.one_click_missing", args)};
  if (!auth::unsubscribe_signed(ctx.auth.dkim())) return {ctx.make("unsubscribe.not_signed", args)};
  return {ctx.make("unsubscribe.ok", args)};
}

}  // namespace mailaudit::checks
