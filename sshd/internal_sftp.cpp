#include "internal_sftp.hpp"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "process_title.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/io/sftp_server_main.hpp"

namespace sshd {

namespace log = sshcore::log;

namespace {

constexpr std::string_view kInternalSftpName = "internal-sftp";

// session.c splits with strtok(args, " "): runs of spaces separate, tabs do not.
std::vector<std::string> split_on_spaces(const std::string& command) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < command.size()) {
    const auto start = command.find_first_not_of(' ', at);
    if (start == std::string::npos) break;
    const auto end = command.find(' ', start);
    words.push_back(command.substr(start, end == std::string::npos ? end : end - start));
    at = end == std::string::npos ? command.size() : end;
  }
  return words;
}

// glibc's syslog connection: an AF_UNIX datagram socket connected to a named socket
// (/dev/log, or journald's /run/systemd/journal/dev-log behind it). The monitor's
// socketpair has no peer name, so it is never mistaken for it.
bool is_syslog_socket(int fd) {
  int type = 0;
  socklen_t type_len = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_DGRAM) return false;
  sockaddr_un peer{};
  socklen_t peer_len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  return peer.sun_family == AF_UNIX && peer_len > sizeof(sa_family_t) && peer.sun_path[0] == '/';
}

[[noreturn]] void flush_and_exit(int status) {
  std::fflush(nullptr);
  _exit(status);
}

}  // namespace

bool is_internal_sftp(std::string_view command) {
  if (!command.starts_with(kInternalSftpName)) return false;
  if (command.size() == kInternalSftpName.size()) return true;
  const char next = command[kInternalSftpName.size()];
  return next == ' ' || next == '\t';
}

void close_descriptors_keeping_syslog() {
  rlimit limit{};
  int highest = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    highest = static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 65536));
  int keep = -1;
  for (int fd = STDERR_FILENO + 1; fd < highest && keep < 0; ++fd)
    if (is_syslog_socket(fd)) keep = fd;
  if (keep < 0) {
    ::close_range(STDERR_FILENO + 1, ~0u, 0);
    return;
  }
  if (keep > STDERR_FILENO + 1) ::close_range(STDERR_FILENO + 1, static_cast<unsigned>(keep - 1), 0);
  ::close_range(static_cast<unsigned>(keep + 1), ~0u, 0);
}

void serve_internal_sftp(const std::string& command, const InternalSftpUser& user) {
  set_process_title("{}@{}", user.name, kInternalSftpName);
  // OpenSSH's lines read "internal-sftp[PID]: ..."; glibc keeps the connected socket
  // when openlog only changes the tag, so nothing is reopened inside the chroot.
  if (log::current_options().sink == log::Sink::kSyslog) {
    log::Options renamed = log::current_options();
    renamed.program = std::string(kInternalSftpName);
    log::init(renamed);
  }
  std::vector<std::string> argv = split_on_spaces(command);
  if (argv.empty()) argv.emplace_back(kInternalSftpName);
  sshcore::io::SftpServerContext context;
  context.user_name = user.name;
  context.uid = user.uid;
  context.home = user.home;
  context.client_address = user.remote_address.empty() ? "UNKNOWN" : user.remote_address;
  context.internal = true;
  flush_and_exit(sshcore::io::sftp_server_main(argv, context, STDIN_FILENO, STDOUT_FILENO));
}

void refuse_non_sftp_session(const InternalSftpUser& user) {
  log::error("Connection from {} port {}: refusing non-sftp session", user.remote_address, user.remote_port);
  std::printf("This service allows sftp connections only.\n");
  flush_and_exit(1);
}

}  // namespace sshd
