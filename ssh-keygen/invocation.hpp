// One run of ssh-keygen: the parsed command line plus the user facts OpenSSH
// reads at start-up (passwd entry, host name). Every command takes it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sshcore/crypto/digest.hpp"
#include "sshcore/keys/key_files.hpp"

namespace sshkeygen {

// -e / -i formats (-m).
enum class ConvertFormat { kRfc4716, kPkcs8, kPem };

struct Options {
  // Modes, in the order main() dispatches them.
  bool find_host = false;           // -F
  bool delete_host = false;         // -R
  bool hash_hosts = false;          // -H
  bool print_fingerprint = false;   // -l
  bool print_bubblebabble = false;  // -B
  bool change_passphrase = false;   // -p
  bool change_comment = false;      // -c
  bool convert_to = false;          // -e
  bool convert_from = false;        // -i / -X
  bool print_public = false;        // -y
  bool gen_all_hostkeys = false;    // -A

  bool quiet = false;               // -q
  bool print_generic = false;       // -g
  int verbose = 0;                  // number of -v

  std::string identity_file;        // -f
  bool have_identity = false;
  std::optional<std::string> identity_passphrase;      // -P
  std::optional<std::string> identity_new_passphrase;  // -N
  std::optional<std::string> identity_comment;         // -C
  std::optional<std::string> rr_hostname;              // -F, -R or -r (last wins, as in OpenSSH)
  std::optional<std::string> key_type_name;            // -t
  std::uint32_t bits = 0;                              // -b
  std::uint32_t rounds = 0;                            // -a (0: the format's default)
  std::optional<std::string> cipher;                   // -Z
  sshcore::crypto::DigestAlg fingerprint_hash = sshcore::crypto::DigestAlg::kSha256;  // -E
  ConvertFormat convert_format = ConvertFormat::kRfc4716;                             // -m
  sshcore::keys::PrivateKeyFormat private_key_format = sshcore::keys::PrivateKeyFormat::kOpenSSH;

  std::vector<std::string> arguments;  // operands after the options
};

struct Invocation {
  Options options;
  std::string user_name;   // pw_name
  std::string home_dir;    // pw_dir (not $HOME, as OpenSSH)
  uid_t uid = 0;
  std::string hostname;    // gethostname()
};

// The commands; each returns the exit status (fatal errors exit directly).
int do_known_hosts(Invocation& inv);           // -F / -R / -H      known_hosts_commands.cpp
int do_fingerprint(Invocation& inv);           // -l / -B           fingerprint_print.cpp
int do_change_passphrase(Invocation& inv);     // -p                passphrase_change.cpp
int do_change_comment(Invocation& inv);        // -c                comment_change.cpp
int do_convert_to(Invocation& inv);            // -e                convert.cpp
int do_convert_from(Invocation& inv);          // -i                convert.cpp
int do_print_public(Invocation& inv);          // -y                print_public.cpp
int do_print_resource_records(Invocation& inv);  // -r              sshfp.cpp
int do_gen_all_hostkeys(Invocation& inv);      // -A                host_keys.cpp
int do_generate(Invocation& inv);              // (default)         generate.cpp

}  // namespace sshkeygen
