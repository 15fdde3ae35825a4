// sftp-server(8): the SFTP subsystem sshd runs for a user, speaking SFTP on its
// standard input and output. Everything but "who am I and who is the client" is in
// the core's sftp_server_main, shared with sshd's internal-sftp.
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sshcore/io/sftp_server_main.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  struct passwd* pw = ::getpwuid(::getuid());
  if (pw == nullptr) {
    std::fprintf(stderr, "No user found for uid %lu\n", static_cast<unsigned long>(::getuid()));
    return 1;
  }
  sshcore::io::SftpServerContext context;
  context.user_name = pw->pw_name;
  context.uid = pw->pw_uid;
  context.home = pw->pw_dir;
  context.client_address = "UNKNOWN";
  // SSH_CONNECTION is "client_ip client_port server_ip server_port": the first field names the client.
  if (const char* connection = std::getenv("SSH_CONNECTION")) {
    std::string text = connection;
    auto space = text.find(' ');
    if (space == std::string::npos) {
      std::fprintf(stderr, "Malformed SSH_CONNECTION variable: \"%s\"\n", connection);
      return 255;
    }
    context.client_address = text.substr(0, space);
  }
  return sshcore::io::sftp_server_main(args, context, STDIN_FILENO, STDOUT_FILENO);
}
