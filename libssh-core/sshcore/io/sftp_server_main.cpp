#include "sshcore/io/sftp_server_main.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "sshcore/apps/sftp/sftp_request_names.hpp"
#include "sshcore/apps/sftp/sftp_server.hpp"
#include "sshcore/base/log.hpp"
#include "sshcore/config/env_expansion.hpp"
#include "sshcore/config/percent_expand.hpp"
#include "sshcore/io/posix_sftp_filesystem.hpp"

namespace sshcore::io {
namespace {

namespace sftp = apps::sftp;

// One read takes at most a full packet and then some: 256 KiB writes arrive whole.
constexpr std::size_t kReadChunk = 256 * 1024;
// Stop reading while this much output waits, so a client that never reads cannot
// make us buffer without bound.
constexpr std::size_t kMaxPendingOutput = 4 * 1024 * 1024;
// OpenSSH's exit status after fatal().
constexpr int kFatalStatus = 255;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}


int usage(std::string_view program) {
  std::fprintf(stderr,
               "usage: %.*s [-ehR] [-d start_directory] [-f log_facility] [-l log_level]\n"
               "\t[-P denied_requests] [-p allowed_requests] [-u umask]\n"
               "       %.*s -Q protocol_feature\n",
               static_cast<int>(program.size()), program.data(), static_cast<int>(program.size()),
               program.data());
  return 1;
}

struct Flags {
  bool log_stderr = false;
  log::Level level = log::Level::kError;
  int facility = LOG_AUTH;
  std::optional<std::string> start_dir;
  std::optional<std::string> query;
  std::optional<std::string> umask;
  sftp::SftpServerOptions server;
};

// Returns an exit status when the command line ends the program (usage, -Q, bad values).
std::optional<int> parse_flags(std::span<const std::string> argv, std::string_view program, Flags& f) {
  constexpr std::string_view kWithArgument = "dflPpQu";
  constexpr std::string_view kPlain = "cehR";
  std::size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word == "--") {
      ++i;
      break;
    }
    if (word.size() < 2 || word[0] != '-') break;
    for (std::size_t j = 1; j < word.size(); ++j) {
      char flag = word[j];
      if (kPlain.find(flag) != std::string_view::npos) {
        if (flag == 'e') f.log_stderr = true;
        if (flag == 'R') f.server.read_only = true;
        if (flag == 'h') return usage(program);
        continue;  // -c: ignored, as OpenSSH
      }
      // OpenSSH's getopt runs with opterr = 0: a bad flag prints only the usage.
      if (kWithArgument.find(flag) == std::string_view::npos) return usage(program);
      std::string value;
      if (j + 1 < word.size()) {
        value = word.substr(j + 1);
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return usage(program);
      }
      switch (flag) {
        case 'd':
          f.start_dir = value;
          break;
        case 'f':
          // An unknown facility matters only when logging goes to syslog (checked
          // after the flags, as OpenSSH's log_init() does).
          f.facility = log::facility_from_name(value).value_or(-1);
          break;
        case 'l': {
          auto level = log::level_from_name(value);
          if (!level) {
            // What OpenSSH prints: its log_init() gets the "not set" level -1.
            std::fprintf(stderr, "Unrecognized internal syslog level code -1\n");
            return 1;
          }
          f.level = *level;
          break;
        }
        // OpenSSH's fatal() before its log is set up: nothing shown, status 255.
        case 'P':
          if (f.server.denied_requests) return kFatalStatus;
          f.server.denied_requests = value;
          break;
        case 'p':
          if (f.server.allowed_requests) return kFatalStatus;
          f.server.allowed_requests = value;
          break;
        case 'Q':
          f.query = value;
          break;
        case 'u':
          f.umask = value;
          break;
        default:
          break;
      }
      break;  // the argument took the rest of the word
    }
  }
  // Operands after the flags are ignored, as OpenSSH's sftp-server ignores them.
  return std::nullopt;
}

// -Q requests: the names -P and -p accept.
int print_query(const std::string& what) {
  if (!iequals(what, "requests")) {
    std::fprintf(stderr, "Invalid query type\n");
    return 1;
  }
  for (const sftp::RequestName& r : sftp::kRequestNames)
    std::printf("%.*s\n", static_cast<int>(r.name.size()), r.name.data());
  std::fflush(stdout);
  return 0;
}

// -u: octal, at most 0777 (sftp-server.c).
bool apply_umask(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long mask = std::strtol(text.c_str(), &end, 8);
  if (mask < 0 || mask > 0777 || *end != '\0' || errno != 0) return false;
  ::umask(static_cast<mode_t>(mask));
  return true;
}

// Open handles we allow: OpenSSH's limits@openssh.com figure, RLIMIT_NOFILE less
// stdio, syslog and a spare.
std::uint64_t max_open_handles() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 5)
    return rl.rlim_cur - 5;
  return 1019;
}

bool write_all(int fd, sftp::SftpServer& server) {
  while (!server.pending_output().empty()) {
    auto out = server.pending_output();
    ssize_t n = ::write(fd, out.data(), out.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      log::error("write: {}", std::strerror(errno));
      return false;
    }
    server.consume_output(static_cast<std::size_t>(n));
  }
  return true;
}

// The poll loop of sftp-server.c: read requests while output is not backed up,
// write replies as the client takes them.
int serve(sftp::SftpServer& server, int in_fd, int out_fd, std::string_view client, std::string_view user) {
  Bytes buffer(kReadChunk);
  for (;;) {
    pollfd fds[2] = {{in_fd, 0, 0}, {out_fd, 0, 0}};
    bool want_read = server.pending_output().size() < kMaxPendingOutput;
    if (want_read) fds[0].events = POLLIN;
    if (!server.pending_output().empty()) fds[1].events = POLLOUT;
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::error("poll: {}", std::strerror(errno));
      return 1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
      if (n == 0) {
        log::debug1("read eof");
        return write_all(out_fd, server) ? 0 : 1;
      }
      if (n < 0) {
        if (errno != EINTR && errno != EAGAIN) {
          log::error("read: {}", std::strerror(errno));
          return 1;
        }
      } else if (auto r = server.receive(ByteView(buffer.data(), static_cast<std::size_t>(n))); !r) {
        write_all(out_fd, server);
        // OpenSSH: an oversized packet ends the session with status 11, anything
        // unparseable with fatal() (255).
        if (r.error().code == Errc::kTooLarge) {
          log::error("bad message from {} local user {}", client, user);
          return 11;
        }
        log::fatal("{}", r.error().detail);
        return kFatalStatus;
      }
    }
    if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
      auto out = server.pending_output();
      ssize_t n = ::write(out_fd, out.data(), out.size());
      if (n < 0 && errno != EINTR && errno != EAGAIN) {
        log::error("write: {}", std::strerror(errno));
        return 1;
      }
      if (n > 0) server.consume_output(static_cast<std::size_t>(n));
    }
  }
}

}  // namespace

int sftp_server_main(std::span<const std::string> argv, const SftpServerContext& context, int in_fd, int out_fd) {
  std::string program = context.internal ? "internal-sftp" : "sftp-server";
  Flags flags;
  if (auto status = parse_flags(argv, program, flags)) return *status;
  if (flags.query) return print_query(*flags.query);
  if (flags.umask && !apply_umask(*flags.umask)) return kFatalStatus;  // OpenSSH: fatal("Invalid umask")
  if (flags.facility < 0 && !flags.log_stderr && !context.internal) {
    std::fprintf(stderr, "Unrecognized internal syslog facility code -1\n");
    return 1;
  }

  if (context.internal) {
    // sshd's sink stays (it was opened before any chroot; openlog(3) again only
    // changes the tag and facility of a connected socket). As in OpenSSH, the level
    // and facility come from internal-sftp's own flags, not from sshd's.
    log::Options options = log::current_options();
    options.program = program;
    options.level = flags.level;
    if (flags.facility >= 0) options.syslog_facility = flags.facility;
    log::init(options);
  } else {
    log::Options options;
    options.program = program;
    options.level = flags.level;
    options.sink = flags.log_stderr ? log::Sink::kStderr : log::Sink::kSyslog;
    options.syslog_facility = flags.facility < 0 ? LOG_AUTH : flags.facility;
    log::init(options);
  }

  std::optional<std::string> start_dir;
  if (flags.start_dir) {
    auto tilde = config::tilde_expand(*flags.start_dir, context.home);
    if (!tilde) {
      log::error("{}", tilde.error().detail);
      return 1;
    }
    auto expanded = config::expand_tokens(*tilde, {{'d', context.home}, {'u', context.user_name}});
    if (!expanded) {
      log::error("{}", expanded.error().detail);
      return 1;
    }
    start_dir = *expanded;
  }

  std::string client = context.client_address.empty() ? "UNKNOWN" : context.client_address;
  log::info("session opened for local user {} from [{}]", context.user_name, client);
  if (start_dir && ::chdir(start_dir->c_str()) != 0)
    log::error("chdir to \"{}\" failed: {}", *start_dir, std::strerror(errno));

  flags.server.max_open_handles = max_open_handles();
  PosixSftpFilesystem fs;
  sftp::SftpServer server(flags.server, fs);
  int status = serve(server, in_fd, out_fd, client, context.user_name);
  server.close_all_handles();
  log::info("session closed for local user {} from [{}]", context.user_name, client);
  return status;
}

}  // namespace sshcore::io
