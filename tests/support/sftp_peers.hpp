// Peers other than OpenSSH for the SFTP interop tests: a paramiko SFTPClient script
// that walks every request paramiko 2.12 has and reports what it observed, so that the
// same run against two servers can be compared line by line, and PuTTY's psftp/pscp.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {

constexpr const char* kDebianSftpServer = "/usr/lib/openssh/sftp-server";

// One SFTP server under test in its own directory: our sshd with `subsystem` as its
// Subsystem sftp line, or (subsystem empty) Debian's sshd with Debian's sftp-server.
struct SftpPeerServer {
  std::unique_ptr<OurSshd> ours;
  std::unique_ptr<DebianSshd> debian;
  std::string dir;

  // `extra` is appended to our sshd's configuration (not used for Debian's).
  static SftpPeerServer start(const std::string& dir, const std::string& subsystem, const std::string& extra = "");
  int port() const { return ours ? ours->port() : debian->port(); }
  std::string log() const { return ours ? ours->log() : debian->log(); }
  std::vector<std::string> host_key_files() const;
  // A known_hosts file (in dir) pinning every host key of the server.
  std::string known_hosts() const;
  std::vector<std::string> fingerprints() const;  // "SHA256:..." of each host key
};

// What the peer suites share: a throw-away user (`prefix` + pid, see TestUser) with a
// password set (a locked account may not log in) and an Ed25519 key in its
// authorized_keys; each test works in ~/t, absent at the start and removed at the end,
// and starts servers in directories of its own.
class SftpPeerFixture : public ::testing::Test {
 protected:
  static void create_user_and_key(const char* prefix);
  static void remove_user_and_key();
  void SetUp() override;
  void TearDown() override;

  SftpPeerServer start(const std::string& subsystem, const std::string& extra = "");
  // An empty user-owned remote_ directory for the next run.
  void fresh_remote();

  static TestUser* user_;
  static TempDir* keys_;  // id, id.pub
  std::vector<std::unique_ptr<TempDir>> server_dirs_;
  std::string remote_;
};

struct ParamikoSftpRun {
  RunResult process;
  std::string report;   // "STEP ok VALUE" / "STEP error errno=N text=SERVER TEXT" lines, "entry ..." lines
};

// Logs in with `key` (known_hosts pins the server's keys) and works in `remote` (made by
// the script, so absent beforehand); `local` holds zero, one and big, fetched back as
// back-zero, back-one, back-big.
ParamikoSftpRun run_paramiko_sftp(const std::string& dir, int port, const std::string& user, const std::string& key,
                                  const std::string& known_hosts, const std::string& remote,
                                  const std::string& local);

// PuTTY's psftp/pscp options for 127.0.0.1:port: -batch, the .ppk key, every pinned
// host key fingerprint ("SHA256:...").
std::vector<std::string> putty_options(int port, const std::string& ppk, const std::vector<std::string>& host_keys);

// Transcripts compared line by line: the lines of a text; EXPECT_EQ per line that
// differs (whole reports as one EXPECT_EQ print two walls of text); `ls -l` style lines
// with their date fields (6-8) masked, since they carry the minute a file was written.
std::vector<std::string> lines_of(const std::string& text);
void expect_same_lines(const std::string& ours, const std::string& openssh);
std::string mask_dates(const std::string& text);

// Deterministic pseudo-random bytes, and a file's sha256 in hex.
std::string seeded_bytes(std::size_t size, std::uint64_t seed);
std::string sha256_of(const std::string& path);

}  // namespace sshpp::test
