// Peers other than OpenSSH for the SFTP interop tests: a paramiko SFTPClient script
// that walks every request paramiko 2.12 has and reports what it observed, so that the
// same run against two servers can be compared line by line, and PuTTY's psftp/pscp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace sshpp::test {

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
