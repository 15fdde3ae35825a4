// sshd's configuration as sshd.c assembles it: the command line's option lines,
// then the config file (and its Includes), then -p replacing the file's ports.
//
// The listener reads the files once and records what it read (a snapshot); each
// per-connection process replays the snapshot instead of touching the disk again,
// as OpenSSH passes its config buffer over REEXEC_CONFIG_PASS_FD.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "command_line.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/sshd_config.hpp"

namespace sshd {

// Every file and glob result the start-up pass read.
struct ConfigSnapshot {
  std::vector<std::pair<std::string, std::string>> files;               // path, contents
  std::vector<std::pair<std::string, std::vector<std::string>>> globs;   // pattern, matches

  sshcore::Bytes encode() const;
  static sshcore::Result<ConfigSnapshot> decode(sshcore::ByteView bytes);
};

class ServerConfiguration {
 public:
  // Reads the files (replay == nullptr) or the snapshot. A refusal carries what OpenSSH
  // prints and its exit status: 1 for -o lines and an unreadable file, 255 for bad
  // lines in the file.
  static sshcore::Result<ServerConfiguration> load(const CommandLine& command_line,
                                                   const ConfigSnapshot* replay, CommandLineExit& refusal);

  const sshcore::config::SshdOptions& global() const { return global_; }
  // Global values with the matching Match blocks applied (and -p still in force).
  sshcore::Result<sshcore::config::SshdOptions> for_connection(
      const sshcore::config::ConnectionSpec& connection) const;
  // The parsed files, for the per-connection passes of other parts (LocalAuthPolicy).
  const sshcore::config::SshdConfig& sshd_config() const { return config_; }
  const std::vector<std::string>& notices() const { return config_.notices(); }
  const ConfigSnapshot& snapshot() const { return snapshot_; }

 private:
  ServerConfiguration(sshcore::config::SshdConfig config, ConfigSnapshot snapshot, std::vector<int> ports);
  void apply_command_line_ports(sshcore::config::SshdOptions& options) const;

  sshcore::config::SshdConfig config_;
  ConfigSnapshot snapshot_;
  std::vector<int> ports_;
  sshcore::config::SshdOptions global_;
};

}  // namespace sshd
