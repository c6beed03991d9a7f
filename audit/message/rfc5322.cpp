#include "message/rfc5322.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "util/names.hpp"
#include "message/message.hpp"
#include "util/text.hpp"

namespace mailaudit::rfc5322 {

namespace {

// Comments "( ... )" can nest; they count as white space (CFWS).
std::string strip_comments(std::string_view s) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && depth > 0) {
      ++i;
      continue;
    }
    if (c == '(') {
      ++depth;
      out += ' ';
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Offset in minutes for an obsolete named zone (RFC 5322 §4.3), or nullopt.
std::optional<int> named_zone(std::string_view z) {
  std::string l = text::lower(z);
  if (l == "ut" || l == "gmt" || l == "z") return 0;
  if (l == "edt") return -4 * 60;
  if (l == "est" || l == "cdt") return -5 * 60;
  if (l == "cst" || l == "mdt") return -6 * 60;
  if (l == "mst" || l == "pdt") return -7 * 60;
  if (l == "pst") return -8 * 60;
  // Military single letters are "unknown" per RFC 5322 §4.3: treat as -0000.
  if (l.size() == 1 && std::isalpha(static_cast<unsigned char>(l[0])) && l != "j") return 0;
  return std::nullopt;
}

bool is_atext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.' && prev == '.') return false;
    if (c != '.' && !is_atext(c)) return false;
    prev = c;
  }
  return true;
}

}  // namespace

namespace {
DateResult parse_date_value(std::string_view value) {
  std::string v = strip_comments(value);
  for (char& c : v)
    if (c == ',') c = ' ';
  // A comma is only allowed after the day name; remember whether the value had one in the wrong place.
  std::vector<std::string> tok;
  for (auto t : text::split(v, ' '))
    for (auto u : text::split(t, '\t'))
      if (!text::trim(u).empty()) tok.emplace_back(text::trim(u));
  DateResult r;
  std::size_t i = 0;
  if (i < tok.size() && std::isalpha(static_cast<unsigned char>(tok[i][0]))) {
    std::string d = text::lower(tok[i]);
    if (std::find(kDays.begin(), kDays.end(), d) == kDays.end()) {
      r.problem = "\"" + tok[i] + "\" is not a day name";
      return r;
    }
    ++i;
  }
  if (tok.size() - i < 4) {
    r.problem = "expected day, month, year, time and zone";
    return r;
  }
  const std::string& day_s = tok[i];
  const std::string& mon_s = tok[i + 1];
  const std::string& year_s = tok[i + 2];
  const std::string& time_s = tok[i + 3];
  std::string zone_s = tok.size() - i >= 5 ? tok[i + 4] : "";
  if (!all_digits(day_s) || day_s.size() > 2) {
    r.problem = "day \"" + day_s + "\" is not 1 or 2 digits";
    return r;
  }
  auto mon_it = std::find(kMonths.begin(), kMonths.end(), text::lower(mon_s));
  if (mon_it == kMonths.end()) {
    r.problem = "month \"" + mon_s + "\" is not Jan..Dec";
    return r;
  }
  if (!all_digits(year_s) || year_s.size() < 2) {
    r.problem = "year \"" + year_s + "\" is not a number";
    return r;
  }
  int year = to_int(year_s);
  if (year_s.size() == 2) year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3
  else if (year_s.size() == 3) year += 1900;
  if (year < 1900) {
    r.problem = "year " + year_s + " is before 1900";
    return r;
  }
  auto hms = text::split(time_s, ':');
  if (hms.size() < 2 || hms.size() > 3 || !std::all_of(hms.begin(), hms.end(), [](auto p) { return all_digits(p) && p.size() == 2; })) {
    r.problem = "time \"" + time_s + "\" is not HH:MM[:SS]";
    return r;
  }
  int hour = to_int(hms[0]), minute = to_int(hms[1]), second = hms.size() == 3 ? to_int(hms[2]) : 0;
  if (hour > 23 || minute > 59 || second > 60) {
    r.problem = "time " + time_s + " is out of range";
    return r;
  }
  int month = static_cast<int>(mon_it - kMonths.begin());
  int day = to_int(day_s);
  static constexpr int kDaysIn[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day < 1 || day > kDaysIn[month] || (month == 1 && day == 29 && !leap)) {
    r.problem = "day " + day_s + " does not exist in " + mon_s + " " + std::to_string(year);
    return r;
  }
  int offset_min = 0;
  if (zone_s.empty()) {
    r.problem = "no time zone";
    return r;
  }
  if ((zone_s[0] == '+' || zone_s[0] == '-') && zone_s.size() == 5 && all_digits(zone_s.substr(1))) {
    int hh = to_int(zone_s.substr(1, 2)), mm = to_int(zone_s.substr(3, 2));
    if (mm > 59) {
      r.problem = "zone " + zone_s + " has minutes over 59";
      return r;
    }
    offset_min = (hh * 60 + mm) * (zone_s[0] == '-' ? -1 : 1);
  } else if (auto z = named_zone(zone_s)) {
    offset_min = *z;
  } else {
    r.problem = "zone \"" + zone_s + "\" is not +HHMM/-HHMM";
    return r;
  }
  if (tok.size() - i > 5) {
    r.problem = "unexpected text after the zone: \"" + tok[i + 5] + "\"";
    return r;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  r.when = timegm(&tm) - static_cast<std::time_t>(offset_min) * 60;
  return r;
}
}  // namespace

DateResult parse_date(std::string_view value) {
  // The headers and bulk checks both read a message's Date: this thread's last answer is kept.
  thread_local std::string last_value;
  thread_local DateResult last;
  thread_local bool have = false;
  if (have && last_value == value) return last;
  DateResult r = parse_date_value(value);
  if (value.size() <= 256) {
    last_value.assign(value);
    last = r;
    have = true;
  }
  return r;
}

std::string msg_id_problem(std::string_view value) {
  std::string v(text::trim(strip_comments(value)));
  if (v.empty()) return "empty";
  if (v.front() != '<' || v.back() != '>') return "not enclosed in angle brackets";
  std::string_view inner(v);
  inner = inner.substr(1, inner.size() - 2);
  if (inner.find('<') != std::string_view::npos || inner.find('>') != std::string_view::npos)
    return "more than one msg-id, or stray angle brackets";
  if (inner.find_first_of(" \t\r\n") != std::string_view::npos) return "contains white space";
  std::size_t at = inner.rfind('@');
  if (at == std::string_view::npos) return "no '@' between the left and right parts";
  std::string_view left = inner.substr(0, at), right = inner.substr(at + 1);
  if (left.empty()) return "nothing left of '@'";
  if (right.empty()) return "nothing right of '@'";
  bool left_ok = is_dot_atom(left) || (left.size() >= 2 && left.front() == '"' && left.back() == '"');
  if (!left_ok) return "the part left of '@' is not dot-atom text";
  bool right_ok = is_dot_atom(right) || (right.front() == '[' && right.back() == ']');
  if (!right_ok) return "the part right of '@' is not dot-atom text or a [literal]";
  return "";
}

namespace {
AddressList parse_with_gmime(const std::string& v) {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
  AddressList out;
  InternetAddressList* list = internet_address_list_parse(nullptr, v.c_str());
  if (!list) return out;
  std::vector<InternetAddress*> todo;
  for (int i = 0; i < internet_address_list_length(list); ++i) todo.push_back(internet_address_list_get_address(list, i));
  while (!todo.empty()) {
    InternetAddress* a = todo.front();
    todo.erase(todo.begin());
    if (INTERNET_ADDRESS_IS_GROUP(a)) {
      out.had_group = true;
      InternetAddressList* members = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a));
      for (int i = 0; members && i < internet_address_list_length(members); ++i)
        todo.push_back(internet_address_list_get_address(members, i));
      continue;
    }
    Mailbox m;
    const char* name = internet_address_get_name(a);
    m.display_name = text::valid_utf8(name ? name : "");
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
    m.address = text::valid_utf8(addr ? addr : "");
    std::size_t at = m.address.rfind('@');
    if (at != std::string::npos) {
      m.local = m.address.substr(0, at);
      m.domain = m.address.substr(at + 1);
    }
    out.mailboxes.push_back(std::move(m));
  }
  g_object_unref(list);
  return out;
}
}  // namespace

AddressList parse_addresses(std::string_view raw_value) {
  // Several checks read the same From (from, bulk, from_domain, DMARC, the URL list): this thread's last
  // few answers are kept, so a message's From goes through GMime once rather than five times.
  struct Remembered {
    std::string value;
    AddressList list;
  };
  constexpr std::size_t kRemembered = 4;
  thread_local std::vector<Remembered> remembered;
  thread_local std::size_t next = 0;
  for (const auto& r : remembered)
    if (r.value == raw_value) return r.list;
  std::string v(raw_value);
  AddressList out = parse_with_gmime(v);
  if (v.size() > 4096) return out;  // a hostile header is not worth keeping
  if (remembered.size() < kRemembered) {
    remembered.push_back({std::move(v), out});
  } else {
    remembered[next] = {std::move(v), out};
    next = (next + 1) % kRemembered;
  }
  return out;
}

std::string author_domain(const Message& m) {
  const HeaderField* from = m.field("From");
  if (!from) return "";
  for (const auto& mb : parse_addresses(from->raw_value).mailboxes)
    if (mailbox_problem(mb).empty() && mb.domain.front() != '[') return dns::normalise_name(mb.domain);
  return "";
}

std::string mailbox_problem(const Mailbox& m) {
  if (m.address.empty()) return "no address";
  if (m.address.find('@') == std::string::npos) return "\"" + text::printable(m.address, 60) + "\" has no '@domain'";
  if (m.local.empty()) return "empty local part";
  if (m.domain.empty()) return "empty domain";
  if (m.domain.front() == '[' && m.domain.back() == ']') return "";  // address literal
  // Internationalised domains (SMTPUTF8) are U-labels; their validity is the IDN code's question.
  if (std::any_of(m.domain.begin(), m.domain.end(), [](char c) { return c & 0x80; })) return "";
  if (!dns::is_hostname(m.domain)) return "domain \"" + text::printable(m.domain, 80) + "\" is not a valid host name";
  if (m.domain.find('.') == std::string::npos) return "domain \"" + m.domain + "\" is not fully qualified";
  return "";
}

}  // namespace mailaudit::rfc5322
