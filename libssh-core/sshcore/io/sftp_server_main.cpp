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
#include "sshcore/io/splice_pipe.hpp"
#include "sshcore/io/sftp_request_reader.hpp"

namespace sshcore::io {
namespace {

namespace sftp = apps::sftp;

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

// Capacity asked for the READ staging pipe: what kMaxPendingOutput lets wait anyway.
constexpr std::size_t kSpliceCapacity = 4 * 1024 * 1024;

// Sends the engine's output in order, its bytes with write(2) and its staged runs from
// the staging pipe. `wait` (at the end) polls until everything is out; otherwise it
// stops when the output has no room. False after logging a write error.
bool flush(sftp::SftpServer& server, int out_fd, SplicePipe* splice, bool wait) {
  while (server.pending_size() > 0) {
    ByteView out = server.pending_output();
    if (!out.empty()) {
      ssize_t n = ::write(out_fd, out.data(), out.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) {
          log::error("write: {}", std::strerror(errno));
          return false;
        }
        n = 0;
      }
      server.consume_output(static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) == out.size()) continue;
    } else if (std::size_t run = server.pending_staged(); run > 0 && splice != nullptr) {
      auto moved = splice->drain_to(out_fd, run);
      if (!moved) {
        log::error("write: {}", moved.error().detail);
        return false;
      }
      server.consume_staged(*moved);
      if (*moved == run) continue;
    } else {
      return true;  // cannot happen: runs are staged only when there is a pipe
    }
    if (!wait) return true;
    pollfd p{out_fd, POLLOUT, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) {
      log::error("poll: {}", std::strerror(errno));
      return false;
    }
  }
  return true;
}

// The end of a session whose input the engine refused: the replies before the bad
// packet go out, then OpenSSH's status: 11 for an oversized packet, else fatal() (255).
int refused_input(sftp::SftpServer& server, int out_fd, SplicePipe* splice, const Error& error,
                  std::string_view client, std::string_view user) {
  flush(server, out_fd, splice, true);
  if (error.code == Errc::kTooLarge) {
    log::error("bad message from {} local user {}", client, user);
    return 11;
  }
  log::fatal("{}", error.detail);
  return kFatalStatus;
}

// The poll loop of sftp-server.c: read requests while output is not backed up,
// write replies as the client takes them.
int serve(sftp::SftpServer& server, SftpRequestReader& reader, int in_fd, int out_fd, SplicePipe* splice,
          std::string_view client, std::string_view user) {
  for (;;) {
    // A request held back behind staged bytes goes on once they are out.
    if (server.blocked() && server.pending_size() == 0) {
      if (auto r = server.resume(); !r) return refused_input(server, out_fd, splice, r.error(), client, user);
      continue;
    }
    pollfd fds[2] = {{in_fd, 0, 0}, {out_fd, 0, 0}};
    bool want_read = server.pending_size() < kMaxPendingOutput && !server.blocked();
    if (want_read) fds[0].events = POLLIN;
    if (server.pending_size() > 0) fds[1].events = POLLOUT;
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::error("poll: {}", std::strerror(errno));
      return 1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      auto got = reader.read_into(server);
      if (!got) return refused_input(server, out_fd, splice, got.error(), client, user);
      if (*got == SftpRequestReader::Outcome::kFailed) return 1;
      if (*got == SftpRequestReader::Outcome::kEof) {
        log::debug1("read eof");
        // Requests held behind staged bytes are still answered, as OpenSSH answers
        // everything it has read before it sees the end.
        while (server.blocked()) {
          if (!flush(server, out_fd, splice, true)) return 1;
          if (auto r = server.resume(); !r)
            return refused_input(server, out_fd, splice, r.error(), client, user);
        }
        return flush(server, out_fd, splice, true) ? 0 : 1;
      }
    }
    if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
      if (!flush(server, out_fd, splice, false)) return 1;
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
    // ~user as OpenSSH's tilde_expand_filename(): that user's home from passwd.
    auto tilde = config::tilde_expand(*flags.start_dir, context.home, passwd_home);
    if (!tilde) {  // as OpenSSH's fatal() in tilde_expand_filename()/percent_expand()
      log::error("{}", tilde.error().detail);
      return 255;
    }
    auto expanded = config::expand_tokens(
        *tilde, {{'d', context.home}, {'u', context.user_name}, {'U', std::to_string(context.uid)}});
    if (!expanded) {
      log::error("{}", expanded.error().detail);
      return 255;
    }
    start_dir = *expanded;
  }

  std::string client = context.client_address.empty() ? "UNKNOWN" : context.client_address;
  log::info("session opened for local user {} from [{}]", context.user_name, client);
  if (start_dir && ::chdir(start_dir->c_str()) != 0)
    log::error("chdir to \"{}\" failed: {}", *start_dir, std::strerror(errno));

  flags.server.max_open_handles = max_open_handles();
  // READ payloads go from the file to a pipe client (sshd) by splice(2) when they can.
  std::optional<SplicePipe> splice;
  if (is_pipe(out_fd)) splice = SplicePipe::open(kSpliceCapacity);
  SplicePipe* staging = splice ? &*splice : nullptr;
  // WRITE data goes from a pipe client to the file the same way (SftpRequestReader).
  bool splice_writes = is_pipe(in_fd);
  PosixSftpFilesystem fs(staging, splice_writes ? in_fd : -1);
  sftp::SftpServer server(flags.server, fs);
  SftpRequestReader reader(in_fd, splice_writes);
  int status = serve(server, reader, in_fd, out_fd, staging, client, context.user_name);
  server.close_all_handles();
  log::info("session closed for local user {} from [{}]", context.user_name, client);
  return status;
}

}  // namespace sshcore::io
