// Checking a server's host key against known_hosts files, as OpenSSH 9.2's ssh does
// (hostfile.c load_hostkeys / check_key_in_hostkeys, sshconnect.c other_hostkeys_message).
//
// The files are read by the caller (ssh reads UserKnownHostsFile and GlobalKnownHostsFile);
// this holds their parsed entries and answers the questions ssh's check_host_key() asks:
//
//   auth::KnownHostsDatabase db;
//   for (path : user files)   db.add_file(path, display_path, text);   // in configured order
//   for (path : global files) db.add_file(path, display_path, text);
//   auto name = auth::known_host_name(host, port);       // "[host]:2222" unless port 22
//   auto host_check = db.check(name, server_key);         // kOk / kNew / kChanged / kRevoked
//   auto ip_check = db.check(auth::known_host_name(ip, port), server_key);  // CheckHostIP
//   auto others = db.other_names(server_key);  // "This host key is known by ..."
//
// @cert-authority lines are not used (host certificates are not supported yet).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/auth/known_hosts.hpp"
#include "sshcore/keys/public_key.hpp"

namespace sshcore::auth {

// OpenSSH's HostStatus.
enum class HostKeyStatus : std::uint8_t {
  kOk,       // an entry for the name holds this key
  kNew,      // no plain entry for the name
  kChanged,  // entries for the name exist, none holds this key (any key type)
  kRevoked,  // a matching @revoked entry holds this key
};

// Where an entry came from, for "Found key in FILE:LINE" and "Offending ED25519 key in FILE:LINE".
struct KnownHostLocation {
  std::string path;          // the path as given to add_file (OpenSSH prints the expanded path)
  std::size_t line = 0;      // 1-based
  keys::PublicKey key;       // the entry's key (its type names the "Offending TYPE key")
  std::string hosts;         // the entry's hosts field
};

struct HostKeyCheck {
  HostKeyStatus status = HostKeyStatus::kNew;
  // kOk: the matching entry; kChanged: the last non-matching entry (as OpenSSH reports);
  // empty for kNew and kRevoked.
  std::optional<KnownHostLocation> found;
};

// In OpenSSH at most this many other names are listed before "(N additional names omitted)".
inline constexpr std::size_t kMaxOtherHostNames = 8;

class KnownHostsDatabase {
 public:
  // Adds one file's text. `display_path` is used for other_names() (OpenSSH shows "~/..." there).
  // Invalid lines and entries whose key we cannot parse are ignored, as load_hostkeys() does.
  void add_file(std::string path, std::string display_path, std::string_view text);

  // check_key_in_hostkeys() over every file's entries matching `name` (a known_host_name()).
  HostKeyCheck check(std::string_view name, const keys::PublicKey& key) const;

  // The key types of plain entries for `name`, in file order, once each: ssh puts host key
  // algorithms of these types first (sshconnect2.c order_hostkeyalgs).
  std::vector<keys::KeyType> known_key_types(std::string_view name) const;

  // Whether any valid entry (any marker) names `name`.
  bool knows(std::string_view name) const;

  // hostkeys_find_by_key(): "DISPLAY_PATH:LINE: HOSTS" for every plain entry holding `key`
  // ("[hashed name]" for a hashed hosts field), in file order. ssh asks only when the
  // name itself is unknown, so these are the key's other names.
  std::vector<std::string> other_names(const keys::PublicKey& key) const;

  std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string path;
    std::string display_path;
    std::vector<KnownHostsEntry> entries;
  };
  std::vector<File> files_;
};

// The "This key is not known by any other names." / "This host key is known by the following
// other names/addresses:" paragraph of ssh's confirmation prompt (lines joined with '\n').
std::string other_names_message(const std::vector<std::string>& names);

}  // namespace sshcore::auth
