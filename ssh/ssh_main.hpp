// The ssh program from argv to exit status (ssh.c main): command line, logging, configuration,
// -G/-V/-Q, the tty decision, the connection and the session.
#pragma once

#include <string>
#include <vector>

namespace ssh {

int ssh_main(const std::vector<std::string>& argv);

// OpenSSH's "SSH_RELEASE, SSH_OPENSSL_VERSION" line (ssh -V, first line of -v).
std::string version_line();

}  // namespace ssh
