// The transport's settings from sshd_config (KexAlgorithms, Ciphers, MACs,
// HostKeyAlgorithms, Compression, RekeyLimit, VersionAddendum, moduli), shared by the
// pre-auth child and the user child that continues the same transport.
#pragma once

#include <vector>

#include "sshcore/config/sshd_config.hpp"
#include "sshcore/transport/moduli.hpp"
#include "sshcore/transport/transport_session.hpp"

namespace sshd {

inline constexpr const char* kModuliFile = "/etc/ssh/moduli";

// Read before the pre-auth child chroots (OpenSSH reads it in the monitor).
std::vector<sshcore::transport::DhGroup> read_moduli(const char* path = kModuliFile);

sshcore::transport::TransportConfig server_transport_config(const sshcore::config::SshdOptions& options,
                                                            std::vector<sshcore::transport::DhGroup> moduli);

}  // namespace sshd
