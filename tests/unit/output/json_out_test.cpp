// JsonOut (output/json_out.hpp) writes what nlohmann's dump writes for the same document, byte for byte:
// pretty (2 spaces, with and without a base indentation) and compact, with escapes, invalid UTF-8 (replaced
// as dump_json replaces it), numbers, empty and nested containers.
#include <catch2/catch.hpp>

#include "output/json_out.hpp"
#include "output/writers.hpp"

using namespace mailaudit;
using json = nlohmann::ordered_json;

namespace {

// The tree written through JsonOut's calls, node by node.
void write_tree(JsonOut& w, const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      w.begin_object();
      for (auto& [k, v] : j.items()) {
        w.key(k);
        write_tree(w, v);
      }
      w.end_object();
      break;
    case json::value_t::array:
      w.begin_array();
      for (const auto& v : j) write_tree(w, v);
      w.end_array();
      break;
    case json::value_t::string: w.value(j.get_ref<const std::string&>()); break;
    case json::value_t::boolean: w.value(j.get<bool>()); break;
    case json::value_t::number_integer: w.value(j.get<long>()); break;
    case json::value_t::number_unsigned: w.value(j.get<unsigned long>()); break;
    case json::value_t::number_float: w.value(j.get<double>()); break;
    default: w.null(); break;
  }
}

std::string indented_dump(const json& j, std::size_t indent) {
  std::string d = dump_json(j, true), out;
  for (char c : d) {
    out += c;
    if (c == '\n') out.append(indent, ' ');
  }
  return out;
}

}  // namespace

TEST_CASE("JsonOut writes nlohmann's dump, pretty and compact") {
  struct Row {
    const char* label;
    json doc;
  };
  const std::vector<Row> rows = {
      {"empty object", json::object()},
      {"empty array", json::array()},
      {"scalars", json{{"s", "plain"}, {"t", true}, {"f", false}, {"n", nullptr}, {"i", -42}, {"u", 18446744073709551615ull}}},
      {"doubles", json{{"a", 1.0}, {"b", 0.25}, {"c", 1e-7}, {"d", 123456.789}, {"e", -0.0}}},
      {"escapes", json{{"q", "say \"hi\"\\ now"}, {"ctl", std::string("a\x01\tb\n\r\b\f\x1f", 10)}, {"del", "x\x7fy"}}},
      {"UTF-8 kept", json{{"u", "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x93\xA7"}}},
      {"invalid UTF-8 replaced", json{{"bad", "a\xC3(b\xFF\xE2\x80"}, {"lone", "\x80"}}},
      {"nested, empty inside", json{{"a", json::array({json::object(), json::array(), json::array({1, 2})})},
                                    {"o", json{{"x", json{{"y", json::array({"z"})}}}}}}},
      // Longer than a word: the eight-bytes-at-once test must still see every byte that needs a look.
      {"long plain", json{{"s", std::string(100, 'a')}}},
      {"long, a quote at 37", json{{"s", std::string(37, 'a') + "\"" + std::string(40, 'b')}}},
      {"long, a backslash at 16", json{{"s", std::string(16, 'a') + "\\" + std::string(20, 'b')}}},
      {"long, a control at 63", json{{"s", std::string(63, 'a') + "\x1f" + std::string(9, 'b')}}},
      {"long, DEL and '~' kept", json{{"s", std::string(30, 'a') + "\x7f~" + std::string(30, 'b')}}},
      {"long, UTF-8 at 20", json{{"s", std::string(20, 'a') + "\xC3\xA9" + std::string(20, 'b')}}},
      {"long, invalid UTF-8 at 50", json{{"s", std::string(50, 'a') + "\xFF" + std::string(20, 'b')}}},
      {"array of objects", json::array({json{{"k", 1}}, json{{"k", 2}, {"l", json::array()}}})},
  };
  for (const auto& row : rows) {
    for (std::size_t indent : {0u, 4u}) {
      std::string pretty;
      JsonOut p(pretty, true, indent);
      write_tree(p, row.doc);
      std::string want = indented_dump(row.doc, indent);
      INFO(row.label << ", pretty, indent " << indent << ": got " << pretty << ", want " << want);
      CHECK(pretty == want);
    }
    std::string compact;
    JsonOut c(compact, false);
    write_tree(c, row.doc);
    INFO(row.label << ", compact: got " << compact << ", want " << dump_json(row.doc, false));
    CHECK(compact == dump_json(row.doc, false));
  }
}

TEST_CASE("JsonOut lays a tree out in place") {
  const json inner = {{"b", json::array({1, json{{"c", "d"}}})}, {"e", json::object()}};
  const json whole = {{"a", inner}, {"z", 1}};
  for (bool pretty : {true, false}) {
    std::string out;
    JsonOut w(out, pretty);
    w.begin_object().member("a", inner).member("z", 1).end_object();
    std::string want = dump_json(whole, pretty);
    INFO((pretty ? "pretty" : "compact") << ": got " << out << ", want " << want);
    CHECK(out == want);
  }
}
