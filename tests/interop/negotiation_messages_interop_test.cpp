// What ssh and sshd print when key-exchange negotiation fails, what `ssh -v` says about
// the peer's identification, and ssh_config's debug lines: each compared with Debian's
// OpenSSH 9.2 in the same situation (same server, same client options, same config file).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace {

using sshpp::test::BackgroundProcess;
using sshpp::test::our_bin;
using sshpp::test::run;
using sshpp::test::RunResult;
using sshpp::test::TempDir;
using sshpp::test::write_text;

constexpr const char* kDebianSsh = "/usr/bin/ssh";
constexpr const char* kDebianSshd = "/usr/sbin/sshd";

// One algorithm of each kind only, so a client can ask for something the server lacks.
constexpr const char* kRestrictedConfig =
    "ListenAddress 127.0.0.1\nPidFile none\nUsePAM no\nStrictModes no\nLogLevel VERBOSE\n"
    "KexAlgorithms curve25519-sha256\nCiphers aes128-ctr,aes256-ctr\n"
    "MACs hmac-sha2-256,hmac-sha1\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n";

// `program` (Debian's sshd or ours) -D -e on a free port with kRestrictedConfig and an
// Ed25519 host key in `dir`.
class RestrictedServer {
 public:
  RestrictedServer(const std::string& program, const std::string& dir) {
    std::string key = dir + "/ssh_host_ed25519_key";
    EXPECT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key}).exit_code, 0);
    write_text(dir + "/sshd_config", std::string(kRestrictedConfig) + "HostKey " + key + "\n", 0644);
    mkdir("/run/sshd", 0755);  // Debian's sshd needs its privilege separation directory
    port_ = sshpp::test::free_port();
    process_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{program, "-D", "-e", "-f", dir + "/sshd_config", "-p", std::to_string(port_)},
        dir + "/sshd.log");
    EXPECT_TRUE(process_->wait_for_log("Server listening on", std::chrono::seconds(10))) << process_->log();
  }
  int port() const { return port_; }
  // The first log line holding `text`, with the client's port replaced by "N" (it differs
  // between runs) and without its line end; "" if none came within a few seconds.
  std::string log_line(const std::string& text) const {
    process_->wait_for_log(text, std::chrono::seconds(5));
    std::istringstream in(process_->log());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();  // -e writes CR LF
      if (line.find(text) != std::string::npos)
        return std::regex_replace(line, std::regex("127\\.0\\.0\\.1 port [0-9]+"), "127.0.0.1 port N");
    }
    return "";
  }

 private:
  int port_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
};

std::vector<std::string> client_argv(const std::string& program, int port, const std::vector<std::string>& options) {
  std::vector<std::string> argv{program, "-F", "none", "-p", std::to_string(port),
                                "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
                                "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes",
                                "-o", "PubkeyAuthentication=no", "-o", "ConnectTimeout=10"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("127.0.0.1");
  argv.push_back("true");
  return argv;
}

// Lines of `text` starting with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with(prefix)) out.push_back(line);
  }
  return out;
}

struct Refusal {
  std::vector<std::string> client_options;
  const char* expected;  // OpenSSH's words (kex.c / ssh_err()), before ". Their offer: "
};

const Refusal kRefusals[] = {
    {{"-o", "Ciphers=aes128-cbc"}, "no matching cipher found"},
    {{"-o", "KexAlgorithms=diffie-hellman-group14-sha256"}, "no matching key exchange method found"},
    {{"-o", "MACs=hmac-sha2-512", "-o", "Ciphers=aes128-ctr"}, "no matching MAC found"},
    {{"-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256"}, "no matching host key type found"},
};

// ssh: "Unable to negotiate with 127.0.0.1 port N: no matching cipher found. Their offer: ..."
// on stderr and exit 255, exactly as Debian's ssh prints against the same server.
TEST(NegotiationMessagesInterop, OurSshReportsAFailedNegotiationLikeDebianSsh) {
  TempDir dir;
  RestrictedServer server(kDebianSshd, dir.path());
  for (const Refusal& r : kRefusals) {
    RunResult theirs = run(client_argv(kDebianSsh, server.port(), r.client_options));
    RunResult ours = run(client_argv(our_bin("ssh"), server.port(), r.client_options));
    EXPECT_EQ(theirs.exit_code, 255) << theirs.err;
    EXPECT_EQ(ours.exit_code, 255) << ours.err;
    std::string prefix = "Unable to negotiate with 127.0.0.1 port " + std::to_string(server.port()) + ": " +
                         r.expected + ". Their offer: ";
    EXPECT_TRUE(theirs.err.starts_with(prefix)) << theirs.err;
    EXPECT_EQ(ours.err, theirs.err) << r.expected;
  }
}

// sshd: "Unable to negotiate with ADDR port N: ... Their offer: X [preauth]" at ERROR level
// (shown at LogLevel VERBOSE without a "debug" mark), the same line as Debian's sshd logs.
TEST(NegotiationMessagesInterop, OurSshdLogsAFailedNegotiationLikeDebianSshd) {
  TempDir debian_dir, our_dir;
  RestrictedServer debian(kDebianSshd, debian_dir.path());
  RestrictedServer ours(our_bin("sshd"), our_dir.path());
  for (const Refusal& r : kRefusals) {
    EXPECT_EQ(run(client_argv(kDebianSsh, debian.port(), r.client_options)).exit_code, 255);
    EXPECT_EQ(run(client_argv(kDebianSsh, ours.port(), r.client_options)).exit_code, 255);
    const std::string needle = std::string(r.expected) + ". Their offer:";
    std::string theirs = debian.log_line(needle);
    EXPECT_TRUE(theirs.starts_with("Unable to negotiate with 127.0.0.1 port N: ")) << theirs;
    EXPECT_TRUE(theirs.ends_with(" [preauth]")) << theirs;
    EXPECT_EQ(ours.log_line(needle), theirs);
  }
}

// ssh -v: the peer's whole software version, comment included, and compat.c's match line.
TEST(NegotiationMessagesInterop, VerboseIdentificationLinesMatchDebianSsh) {
  TempDir dir;
  RestrictedServer server(kDebianSshd, dir.path());
  RunResult theirs = run(client_argv(kDebianSsh, server.port(), {"-v"}));
  RunResult ours = run(client_argv(our_bin("ssh"), server.port(), {"-v"}));
  for (const char* prefix : {"debug1: Remote protocol version ", "debug1: compat_banner: "}) {
    auto want = lines_starting(theirs.err, prefix);
    ASSERT_EQ(want.size(), 1u) << theirs.err;
    EXPECT_NE(want[0].find(" Debian-"), std::string::npos) << want[0];  // the comment is kept
    EXPECT_EQ(lines_starting(ours.err, prefix), want) << ours.err;
  }
  EXPECT_EQ(lines_starting(ours.err, "debug1: Local version string SSH-2.0-sshpp_").size(), 1u) << ours.err;
}

// ssh -v -G: "Reading configuration data", "Applying options for PATTERN" (the first pattern
// that matched), negated Host skips and "include ... matched no files" are all debug1.
TEST(NegotiationMessagesInterop, ConfigDebugLinesMatchDebianSsh) {
  TempDir dir;
  const std::string config = dir / "config";
  write_text(config,
             "Include " + dir.path() + "/none-here*.conf\n"
             "Host other\n  Port 2222\n"
             "Host !nomatch myhost* foo\n  User alice\n"
             "Host *.example.com myhost\n  Compression yes\n"
             "Host myhost !myhost\n  Port 23\n"
             "Match host myhost\n  ForwardAgent yes\n"
             "Host *\n  ServerAliveInterval 5\n",
             0644);
  for (const char* verbosity : {"-v", "-vv"}) {
    RunResult theirs = run({kDebianSsh, verbosity, "-G", "-F", config, "myhost"});
    RunResult ours = run({our_bin("ssh"), verbosity, "-G", "-F", config, "myhost"});
    ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    auto want = lines_starting(theirs.err, "debug1: ");
    ASSERT_EQ(want.size(), 6u) << theirs.err;
    EXPECT_EQ(want[2], "debug1: " + config + " line 4: Applying options for myhost*");
    EXPECT_EQ(lines_starting(ours.err, "debug1: "), want) << ours.err;
  }
}

}  // namespace
