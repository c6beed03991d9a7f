// read_inputs: files, mbox splitting, Maildir, errors per message.
#include <catch2/catch.hpp>
#include <fstream>

#include "message/input.hpp"
#include "test_support.hpp"

using namespace mailaudit;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("mailaudit-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

std::vector<RawMessage> read_all(const std::vector<std::string>& inputs, ParseLimits limits = {}) {
  std::vector<RawMessage> out;
  read_inputs(inputs, limits, [&](RawMessage&& m) { out.push_back(std::move(m)); });
  return out;
}

}  // namespace

TEST_CASE("an mbox is split into its messages, one bad message does not stop the rest", "[unit]") {
  fs::path dir = temp_dir("mbox");
  write(dir / "box",
        "From a@example.com Fri Nov 27 09:00:00 2026\nFrom: a@example.com\nSubject: one\n\n"
        ">From the start\nbody one\n\n"
        "From b@example.com Fri Nov 27 09:00:01 2026\nnot a header line\n\n"
        "From c@example.com Fri Nov 27 09:00:02 2026\nFrom: c@example.com\nSubject: three\n\nbody three\n");
  auto msgs = read_all({(dir / "box").string()});
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[0].error.empty());
  CHECK(msgs[0].bytes.find("From the start") != std::string::npos);  // mboxrd unescaped
  CHECK(msgs[0].bytes.find(">From") == std::string::npos);
  CHECK(msgs[0].bytes.substr(msgs[0].bytes.size() - 9) == "body one\n");
  CHECK_FALSE(msgs[1].error.empty());
  CHECK(msgs[2].error.empty());
  CHECK(msgs[2].index == 2);
  CHECK(msgs[2].source == (dir / "box").string() + "#2");
  fs::remove_all(dir);
}

TEST_CASE("a Maildir is read from new/ and cur/; other folders are errors", "[unit]") {
  fs::path dir = temp_dir("maildir");
  fs::create_directories(dir / "cur");
  fs::create_directories(dir / "new");
  fs::create_directories(dir / "tmp");
  write(dir / "new" / "1.host", "From: a@example.com\n\none\n");
  write(dir / "cur" / "2.host:2,S", "From: b@example.com\n\ntwo\n");
  write(dir / "cur" / "3.host:2,S", "");
  auto msgs = read_all({dir.string()});
  REQUIRE(msgs.size() == 3);
  std::size_t errors = std::count_if(msgs.begin(), msgs.end(), [](const auto& m) { return !m.error.empty(); });
  CHECK(errors == 1);

  fs::path plain = temp_dir("plain");
  auto bad = read_all({plain.string()});
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].error.find("not a Maildir") != std::string::npos);
  fs::remove_all(dir);
  fs::remove_all(plain);
}

TEST_CASE("file errors are one line each", "[unit]") {
  fs::path dir = temp_dir("errors");
  write(dir / "empty.eml", "");
  write(dir / "big.eml", "From: a@example.com\n\n" + std::string(5000, 'x'));
  write(dir / "binary.bin", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  ParseLimits limits;
  limits.max_message_bytes = 1000;
  struct Row {
    std::string label, path, want;
  };
  const Row rows[] = {
      {"missing", (dir / "nope.eml").string(), "No such file"},
      {"empty", (dir / "empty.eml").string(), "empty file"},
      {"too large", (dir / "big.eml").string(), "over the limit"},
      {"binary", (dir / "binary.bin").string(), "binary data"},
  };
  for (const auto& row : rows) {
    auto msgs = read_all({row.path}, limits);
    REQUIRE(msgs.size() == 1);
    INFO(row.label << ": got \"" << msgs[0].error << "\", want it to contain \"" << row.want << "\"");
    CHECK(msgs[0].error.find(row.want) != std::string::npos);
    CHECK(msgs[0].error.find('\n') == std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("mbox: a long line read in pieces is not split where a piece starts with \"From \"", "[unit]") {
  fs::path dir = temp_dir("mbox-long");
  // Put "From " where a 64 KiB read would start a second piece of the body line, and make a line longer
  // than several reads (handed on in pieces) with "From " where each piece would start.
  std::string body_line = std::string(65535, 'x') + "From the middle of a line" + std::string(100, 'y') + "\n";
  for (int piece = 0; piece < 4; ++piece) body_line += std::string(65536 - 5, 'z') + "From ";
  body_line += "\n";
  write(dir / "box", "From a@example.com Fri Nov 27 09:00:00 2026\nFrom: a@example.com\nSubject: long\n\n" + body_line +
                         "\nFrom b@example.com Fri Nov 27 09:00:01 2026\nFrom: b@example.com\n\nsecond\n");
  auto msgs = read_all({(dir / "box").string()});
  INFO("got " << msgs.size() << " messages");
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].bytes.find("xFrom the middle") != std::string::npos);
  CHECK(msgs[0].bytes.find(body_line) != std::string::npos);
  CHECK(msgs[1].bytes.find("second") != std::string::npos);
  fs::remove_all(dir);
}
