// sshd_config(5) as OpenSSH 9.2's servconf.c reads it: one keyword table (sshd_keywords.cpp)
// drives parsing, defaults, Match copying and the `sshd -T` dump.
//
// Like OpenSSH the file is parsed twice: once at load time (global settings, syntax of
// every Match block), and again for each connection, where only the Match blocks whose
// criteria hold are applied on top of the global values (copy-on-Match). The texts of
// the main file and every included file are kept, so the second pass reads no files.
//
// Values are kept as the text `sshd -T` prints (canonical choice words, seconds for
// times, assembled algorithm lists), and typed accessors read them back.
//
// No I/O here: files and globbing come through a FileSource supplied by the caller
// (io::read_file plus glob(3) in the daemon, an in-memory map in tests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/result.hpp"

namespace sshcore::config {

struct FileSource {
  // The whole file; its Error detail (strerror text) is reported as OpenSSH's perror.
  std::function<Result<std::string>(const std::string& path)> read;
  // Paths matching a glob(7) pattern in lexical order; empty when nothing matches.
  std::function<Result<std::vector<std::string>>(const std::string& pattern)> glob;
};

// The connection a Match block is tested against (sshd -C user=,host=,addr=,laddr=,lport=,
// rdomain=). Missing attributes never match.
struct ConnectionSpec {
  std::optional<std::string> user;
  std::optional<std::string> host;
  std::optional<std::string> address;
  std::optional<std::string> laddress;
  std::optional<std::string> rdomain;
  int lport = -1;
  // The user's group names (primary and supplementary) for Match Group; nullopt when
  // the user does not exist. Unset: no groups.
  std::function<std::optional<std::vector<std::string>>(const std::string& user)> groups;
};

struct SshdLoadOptions {
  std::string base_dir = "/etc/ssh";  // relative Include paths are taken from here (SSHDIR)
  std::string cwd;                    // relative HostKey/PidFile/... paths are made absolute
                                      // against this (sshd uses getcwd); empty: kept relative
  int max_include_depth = 16;         // SERVCONF_MAX_DEPTH
};

class SshdOptions {
 public:
  // The values of `keyword` (canonical name or alias, case-insensitive): what the
  // configuration set, else the default. Unknown keywords give an empty list.
  const std::vector<std::string>& values(std::string_view keyword) const;
  // The first value, or "" when there is none.
  std::string_view value(std::string_view keyword) const;
  // value() == "yes" (flags; also "yes" in multistate keywords such as PermitRootLogin).
  bool flag(std::string_view keyword) const;
  // value() as a number (integers and times in seconds); nullopt when not numeric.
  std::optional<long long> number(std::string_view keyword) const;
  // Whether a config line set it (as opposed to the default).
  bool is_set(std::string_view keyword) const;

  // `sshd -T`: "keyword value" lines in OpenSSH's order, each ending with '\n'.
  std::string dump() const;

  // Internal state: one slot per row of the keyword table.
  struct Slot {
    bool set = false;
    std::vector<std::string> values;
  };
  std::vector<Slot> slots;
};

class SshdConfig {
 public:
  // Reads `path` (and its Includes) through `files`. On failure the Error's detail holds
  // every message OpenSSH would print, one per line, e.g.
  // "f: line 3: Bad configuration option: Portt\nf: terminating, 1 bad configuration options".
  static Result<SshdConfig> load(const std::string& path, const FileSource& files,
                                 const SshdLoadOptions& options = {});
  // The same for text already in memory, reported under `filename`.
  static Result<SshdConfig> parse(std::string_view text, const std::string& filename, const FileSource& files,
                                  const SshdLoadOptions& options = {});

  // The options at start-up (global lines only, defaults filled in).
  const SshdOptions& global() const { return global_; }
  // The effective options for one connection: global values overridden by every
  // matching Match block (first value wins among them).
  Result<SshdOptions> for_connection(const ConnectionSpec& connection) const;
  // Non-fatal lines OpenSSH logs while parsing ("f line 2: Deprecated option RSAAuthentication").
  const std::vector<std::string>& notices() const { return notices_; }

  struct IncludeItem {
    std::string selector;  // the glob as written (made absolute)
    std::string filename;  // empty for a glob that matched nothing
    std::string contents;
  };

 private:
  std::string filename_;
  std::string contents_;
  std::vector<IncludeItem> includes_;
  SshdLoadOptions load_options_;
  SshdOptions global_;
  std::vector<std::string> notices_;
};

// `sshd -C user=fred,host=h,addr=a,laddr=l,lport=22,rdomain=r` (servconf.c
// parse_server_match_testspec). Errors (kInvalidArgument) hold OpenSSH's texts:
// "Invalid test mode specification x=1", "Invalid port 'p' in test mode specification lport=p".
// `groups` is left for the caller to set.
Result<ConnectionSpec> parse_connection_spec(std::string_view spec);

// Every keyword the table knows (canonical names and aliases), in table order.
std::vector<std::string_view> sshd_keyword_names();

}  // namespace sshcore::config
