// Algorithm lists as OpenSSH's configuration spells them (ssh_config(5)
// Ciphers/MACs/KexAlgorithms/HostKeyAlgorithms):
//   "a,b"   exactly these, in this order
//   "+a,b"  the defaults, then these
//   "^a,b"  these, then the rest of the defaults
//   "-a*,b" the defaults without these (wildcards allowed only here)
// One function for every kind, reading the tables; `ssh -Q` prints all_*().
#pragma once

#include <string>
#include <string_view>

#include "sshcore/base/result.hpp"

namespace sshcore::transport {

enum class AlgorithmKind : std::uint8_t { kCipher, kMac, kKex, kHostKey, kCompression };

// Every name we implement of that kind, comma-separated, in table order.
std::string all_algorithms(AlgorithmKind kind);
std::string default_algorithms(AlgorithmKind kind);

// OpenSSH's kex_assemble_names() with readconf.c's validation in front of it.
// Errors (kInvalidArgument) read like OpenSSH's: "Bad SSH2 cipher spec 'foo'."
// (the config layer puts "file line N: " in front).
Result<std::string> assemble_algorithm_list(AlgorithmKind kind, std::string_view spec);
// The same over explicit default and complete lists.
Result<std::string> assemble_algorithm_list(std::string_view spec, std::string_view defaults,
                                            std::string_view all, std::string_view bad_spec_phrase);

}  // namespace sshcore::transport
