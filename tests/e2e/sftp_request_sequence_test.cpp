// The requests our sftp sends for everyday commands are the ones Debian's sftp sends
// (read from the server's own DEBUG1 log), no more: an extra STAT or REALPATH is a round
// trip on a slow link. Only the timing differs: our REALPATH "." travels with
// limits@openssh.com instead of after its reply.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transfer_output.hpp"

namespace sshpp::test {
namespace {

// The server's log of each request ("request N: ...", and the INFO lines such as
// `open "x" flags ...` and `set "x" size N`), with the ids dropped (OpenSSH's scp reuses
// one) and the temporary directory masked. READs are left out: Debian's client sends one
// more past the end of a file than ours.
std::vector<std::string> requests(const std::string& log, const std::string& dir) {
  static const std::regex kRequest(R"((request \d+: (?!read ).*)|^(open|close|set|remove|rename|mkdir) .*)");
  static const std::regex kId(R"(request \d+: )");
  std::vector<std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, kRequest)) continue;
    std::string r = std::regex_replace(m.str(), kId, "");
    if (r.starts_with("sent data len")) continue;
    for (std::size_t at; (at = r.find(dir)) != std::string::npos;) r.replace(at, dir.size(), "DIR");
    out.push_back(r);
  }
  return out;
}

std::string with_dir(std::string text, const std::string& dir) {
  for (std::size_t at; (at = text.find("DIR")) != std::string::npos;) text.replace(at, 3, dir);
  return text;
}

// Runs `program -D server args...` ("DIR" in args and batch is a fresh directory holding a
// 300000-byte "src"); the server's request lines.
std::vector<std::string> run_direct(const std::string& program, const std::vector<std::string>& args,
                                    const std::string& batch_text = "") {
  TempDir dir;
  write_text(dir.path() + "/server", "#!/bin/sh\nexec " + our_bin("sftp-server") + " -e -l DEBUG1\n", 0755);
  write_text(dir.path() + "/src", std::string(300000, 's'), 0644);
  std::vector<std::string> argv{program, "-D", dir.path() + "/server"};
  if (!batch_text.empty()) {
    write_text(dir.path() + "/batch", with_dir(batch_text, dir.path()));
    argv.insert(argv.end(), {"-b", dir.path() + "/batch"});
  }
  for (const std::string& a : args) argv.push_back(with_dir(a, dir.path()));
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return requests(r.err, dir.path());
}

void expect_same(const std::vector<std::string>& ours, const std::vector<std::string>& debian) {
  ASSERT_FALSE(ours.empty());
  std::string both;
  for (std::size_t i = 0; i < std::max(ours.size(), debian.size()); ++i)
    both += (i < ours.size() ? ours[i] : "-") + "  |  " + (i < debian.size() ? debian[i] : "-") + "\n";
  EXPECT_EQ(ours, debian) << "ours  |  Debian's\n" << both;
}

TEST(SftpRequestSequence, GetPutLsAndPwdAsDebians) {
  const std::string batch =
      "get DIR/src DIR/got\nput DIR/src DIR/put\nls -l DIR\npwd\nrename DIR/put DIR/p2\nrm DIR/p2\nmkdir DIR/d\n"
      "rmdir DIR/d\nchmod 600 DIR/got\nreget DIR/src DIR/got\n";
  expect_same(run_direct(our_bin("sftp"), {}, batch), run_direct("/usr/bin/sftp", {}, batch));
}

TEST(SftpRequestSequence, ScpDownloadAndUploadAsDebians) {
  expect_same(run_direct(our_bin("scp"), {"host:DIR/src", "DIR/down"}),
              run_direct("/usr/bin/scp", {"host:DIR/src", "DIR/down"}));
  expect_same(run_direct(our_bin("scp"), {"DIR/src", "host:DIR/up"}),
              run_direct("/usr/bin/scp", {"DIR/src", "host:DIR/up"}));
}

// scp's -X buffer= caps every READ and WRITE (the server's log shows each length), and
// -l (Kbit/s) slows the copy to its rate, through the binary.
TEST(SftpRequestSequence, ScpBufferAndLimitFlags) {
  TempDir dir;
  write_text(dir.path() + "/server", "#!/bin/sh\nexec " + our_bin("sftp-server") + " -e -l DEBUG1\n", 0755);
  write_text(dir.path() + "/src", std::string(300000, 's'), 0644);
  for (std::string_view buffer : {"buffer=16384", ""}) {
    for (const auto& [from, to] : {std::pair{"host:DIR/src", "DIR/down"}, std::pair{"DIR/src", "host:DIR/up"}}) {
      std::vector<std::string> argv{our_bin("scp"), "-D", dir.path() + "/server"};
      if (!buffer.empty()) argv.insert(argv.end(), {"-X", std::string(buffer), "-X", "nrequests=3"});
      argv.insert(argv.end(), {with_dir(from, dir.path()), with_dir(to, dir.path())});
      auto r = run(argv);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto [largest, count] = sftp_request_lengths(r.err);
      if (buffer.empty()) {
        EXPECT_GT(largest, 16384u) << from;
      } else {
        EXPECT_EQ(largest, 16384u) << from;
        EXPECT_GE(count, 19u) << from;  // 300000 bytes in pieces of 16384
      }
    }
  }
  // 800 Kbit/s is 100 000 bytes a second: 300 000 bytes take about 3 s.
  auto started = std::chrono::steady_clock::now();
  auto slow = run({our_bin("scp"), "-l", "800", "-D", dir.path() + "/server", "host:" + dir.path() + "/src",
                   dir.path() + "/slow"});
  EXPECT_EQ(slow.exit_code, 0) << slow.err;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2000));
  EXPECT_EQ(read_text(dir.path() + "/slow"), std::string(300000, 's'));
}

}  // namespace
}  // namespace sshpp::test
