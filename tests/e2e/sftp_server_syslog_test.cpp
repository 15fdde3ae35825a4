// sftp-server logging to syslog (no -e): -f picks the facility and -l the level, and the
// datagrams that reach /dev/log are the ones Debian's sftp-server sends for the same
// session (priority, tag and text; only the time and pid differ). Each server runs in a
// private mount namespace whose /dev holds our syslog socket.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/syslog_collector.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

using namespace std::chrono_literals;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The datagrams with the time stamp and pid taken out: "<158>sftp-server: text".
std::vector<std::string> normalised(const std::string& raw) {
  static const std::regex kStamp(R"(^(<\d+>)[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([^\[:]+)\[\d+\]: (.*)$)");
  std::vector<std::string> out;
  std::istringstream in(raw);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    out.push_back(std::regex_match(line, m, kStamp) ? m[1].str() + m[2].str() + ": " + m[3].str() : "?" + line);
  }
  return out;
}

struct Logged {
  int exit_code;
  std::vector<std::string> lines;
  std::string raw;
};

// Runs `sftp -D` against `server flags...` in a namespace with our /dev/log; the batch
// makes a file, reads it and renames it.
Logged session_through_syslog(const std::string& server, const std::vector<std::string>& flags,
                              const std::string& expect_last) {
  TempDir dir;
  TempDir dev;
  SyslogCollector syslog(dev.path());
  EXPECT_TRUE(syslog.ready());
  std::vector<std::string> argv{server};
  argv.insert(argv.end(), flags.begin(), flags.end());
  std::string script = "#!/bin/sh\nexec";
  for (const std::string& a : syslog.in_private_dev(argv)) script += " " + shell_quote(a);
  write_text(dir.path() + "/server", script + "\n", 0755);
  write_text(dir.path() + "/f", std::string(5000, 'x'), 0644);
  write_text(dir.path() + "/batch",
             "put " + dir.path() + "/f " + dir.path() + "/g\nget " + dir.path() + "/g " + dir.path() +
                 "/h\nrename " + dir.path() + "/g " + dir.path() + "/k\n");
  auto r = run({our_bin("sftp"), "-D", dir.path() + "/server", "-b", dir.path() + "/batch"});
  EXPECT_TRUE(syslog.wait_for(expect_last, 10s)) << syslog.text();
  std::string raw = syslog.text();
  std::string masked = raw;
  // The temporary directory differs between the two runs.
  for (std::size_t at; (at = masked.find(dir.path())) != std::string::npos;) masked.replace(at, dir.path().size(), "DIR");
  return {r.exit_code, normalised(masked), raw};
}

TEST(SftpServerSyslog, FacilityAndLevelFromTheFlagsAsDebiansServer) {
  const std::vector<std::string> flags{"-f", "LOCAL3", "-l", "INFO"};
  auto ours = session_through_syslog(our_bin("sftp-server"), flags, "session closed");
  auto debian = session_through_syslog("/usr/lib/openssh/sftp-server", flags, "session closed");
  EXPECT_EQ(ours.exit_code, 0);
  EXPECT_EQ(debian.exit_code, 0);
  // LOCAL3 (19) * 8 + LOG_INFO (6)
  ASSERT_FALSE(ours.lines.empty()) << ours.raw;
  EXPECT_EQ(ours.lines.front(), "<158>sftp-server: session opened for local user root from [UNKNOWN]") << ours.raw;
  EXPECT_NE(std::find(ours.lines.begin(), ours.lines.end(),
                      "<158>sftp-server: close \"DIR/g\" bytes read 0 written 5000"),
            ours.lines.end())
      << ours.raw;
  EXPECT_EQ(ours.lines, debian.lines) << "ours:\n" << ours.raw << "\nDebian's:\n" << debian.raw;
  EXPECT_GE(ours.lines.size(), 6u) << ours.raw;  // opened, open, close, open, close, rename, closed
  if (::testing::Test::HasFailure() || std::getenv("SHOW_SYSLOG")) std::fprintf(stderr, "%s", ours.raw.c_str());
}

TEST(SftpServerSyslog, DefaultFacilityIsAuthAndVerboseAddsNothingHere) {
  auto ours = session_through_syslog(our_bin("sftp-server"), {"-l", "VERBOSE"}, "session closed");
  auto debian = session_through_syslog("/usr/lib/openssh/sftp-server", {"-l", "VERBOSE"}, "session closed");
  ASSERT_FALSE(ours.lines.empty()) << ours.raw;
  // LOG_AUTH (4) * 8 + LOG_INFO (6)
  EXPECT_EQ(ours.lines.front().substr(0, 4), "<38>") << ours.raw;
  EXPECT_EQ(ours.lines, debian.lines) << "ours:\n" << ours.raw << "\nDebian's:\n" << debian.raw;
}

}  // namespace
}  // namespace sshpp::test
