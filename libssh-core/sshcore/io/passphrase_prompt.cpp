#include "sshcore/io/passphrase_prompt.hpp"

#include <fcntl.h>
#include <signal.h>
#include <strings.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sshcore/base/log.hpp"

namespace sshcore::io {
namespace {

// OpenSSH reads into a 1024-byte buffer: at most 1023 characters survive.
constexpr std::size_t kMaxPassphrase = 1023;

// The signals readpassphrase(3) catches so the terminal is never left with echo off.
constexpr std::array kCaughtSignals{SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT,
                                    SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
volatile std::sig_atomic_t g_signal_seen[NSIG];

extern "C" void note_signal(int signo) {
  if (signo > 0 && signo < NSIG) g_signal_seen[signo] = 1;
}

void write_fd(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool env_nonempty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

}  // namespace

std::optional<SecretBytes> read_from_terminal(std::string_view prompt, bool echo, bool require_tty) {
  for (;;) {
    for (auto& seen : g_signal_seen) seen = 0;

    int input = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    int output = input;
    if (input < 0) {
      if (require_tty) {
        errno = ENOTTY;
        return std::nullopt;
      }
      input = STDIN_FILENO;
      output = STDERR_FILENO;
    }

    // Echo is switched off before the handlers go in: a background process
    // touching the terminal gets SIGTTOU, which must act normally here.
    termios old_term{};
    bool restore_term = false;
    bool echo_off = false;  // the user's Enter was not echoed: end the line ourselves
    if (input != STDIN_FILENO && ::tcgetattr(input, &old_term) == 0) {
      termios term = old_term;
      if (!echo) term.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL);
      echo_off = (term.c_lflag & ECHO) == 0;
      restore_term = (term.c_lflag != old_term.c_lflag);
      if (restore_term) ::tcsetattr(input, TCSAFLUSH, &term);
    }

    struct sigaction catcher {};
    catcher.sa_handler = note_signal;
    sigemptyset(&catcher.sa_mask);
    catcher.sa_flags = 0;  // no SA_RESTART: a signal must end the read
    std::array<struct sigaction, kCaughtSignals.size()> saved{};
    for (std::size_t i = 0; i < kCaughtSignals.size(); ++i)
      ::sigaction(kCaughtSignals[i], &catcher, &saved[i]);

    write_fd(output, prompt);

    SecretBytes answer;
    bool read_failed = false;
    int read_errno = 0;
    for (;;) {
      std::uint8_t ch = 0;
      ssize_t n = ::read(input, &ch, 1);
      if (n < 0) {
        read_failed = true;
        read_errno = errno;
        break;
      }
      if (n == 0 || ch == '\n' || ch == '\r') break;
      if (answer.size() < kMaxPassphrase) answer.append(ByteView(&ch, 1));
      ch = 0;
    }
    if (echo_off) write_fd(output, "\n");

    if (restore_term) {
      while (::tcsetattr(input, TCSAFLUSH, &old_term) == -1 && errno == EINTR && !g_signal_seen[SIGTTOU]) {
      }
    }
    for (std::size_t i = 0; i < kCaughtSignals.size(); ++i)
      ::sigaction(kCaughtSignals[i], &saved[i], nullptr);
    if (input != STDIN_FILENO) ::close(input);

    // Deliver what interrupted us now that the terminal is sane again; after a
    // stop signal the user continued us, so ask again.
    bool restart = false;
    for (int s = 1; s < NSIG; ++s) {
      if (!g_signal_seen[s]) continue;
      ::kill(::getpid(), s);
      if (s == SIGTSTP || s == SIGTTIN || s == SIGTTOU) restart = true;
    }
    if (restart) continue;
    if (read_failed) {
      errno = read_errno;
      return std::nullopt;
    }
    return answer;
  }
}

std::optional<SecretBytes> run_askpass(std::string_view askpass, std::string_view prompt) {
  std::fflush(stdout);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    log::error("ssh_askpass: pipe: {}", std::strerror(errno));
    return std::nullopt;
  }
  std::string program(askpass);
  std::string message(prompt);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  struct sigaction old_chld {};
  ::sigaction(SIGCHLD, &dfl, &old_chld);
  pid_t pid = ::fork();
  if (pid < 0) {
    log::error("ssh_askpass: fork: {}", std::strerror(errno));
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    ::sigaction(SIGCHLD, &old_chld, nullptr);
    return std::nullopt;
  }
  if (pid == 0) {
    if (::dup2(pipefd[1], STDOUT_FILENO) < 0) ::_exit(255);
    ::execlp(program.c_str(), program.c_str(), message.c_str(), static_cast<char*>(nullptr));
    std::string err = "ssh_askpass: exec(" + program + "): " + std::strerror(errno) + "\r\n";
    write_fd(STDERR_FILENO, err);
    ::_exit(255);
  }
  ::close(pipefd[1]);

  std::array<std::uint8_t, kMaxPassphrase + 1> buf{};
  std::size_t len = 0;
  while (len < kMaxPassphrase) {
    ssize_t n = ::read(pipefd[0], buf.data() + len, kMaxPassphrase - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += static_cast<std::size_t>(n);
  }
  ::close(pipefd[0]);
  int status = 0;
  pid_t waited;
  while ((waited = ::waitpid(pid, &status, 0)) == -1 && errno == EINTR) {
  }
  ::sigaction(SIGCHLD, &old_chld, nullptr);

  std::optional<SecretBytes> result;
  if (waited != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::size_t end = 0;
    while (end < len && buf[end] != '\r' && buf[end] != '\n') ++end;
    result = SecretBytes(ByteView(buf.data(), end));
  }
  secure_wipe(buf.data(), buf.size());
  return result;
}

std::optional<SecretBytes> read_passphrase(std::string_view prompt, unsigned flags) {
  bool allow_askpass = env_nonempty("DISPLAY");
  bool use_askpass = false;
  if (const char* req = std::getenv("SSH_ASKPASS_REQUIRE")) {
    if (::strcasecmp(req, "force") == 0) {
      use_askpass = true;
      allow_askpass = true;
    } else if (::strcasecmp(req, "prefer") == 0) {
      use_askpass = allow_askpass;
    } else if (::strcasecmp(req, "never") == 0) {
      allow_askpass = false;
    }
  }

  bool require_tty = false;
  if (use_askpass) {
    log::debug1("read_passphrase: requested to askpass");
  } else if (flags & kPromptUseAskpass) {
    use_askpass = true;
  } else if (flags & kPromptAllowStdin) {
    if (!::isatty(STDIN_FILENO)) {
      log::debug1("read_passphrase: stdin is not a tty");
      use_askpass = true;
    }
  } else {
    require_tty = true;
    int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty >= 0) {
      // Start the prompt at the left margin, over anything typed ahead.
      write_fd(tty, "\r");
      ::close(tty);
    } else {
      log::debug1("read_passphrase: can't open /dev/tty: {}", std::strerror(errno));
      use_askpass = true;
    }
  }

  auto failed = [&]() -> std::optional<SecretBytes> {
    if (flags & kPromptAllowEof) return std::nullopt;
    return SecretBytes{};
  };

  if ((flags & kPromptUseAskpass) && !allow_askpass) return failed();

  if (use_askpass && allow_askpass) {
    const char* program = std::getenv("SSH_ASKPASS");
    std::string_view askpass = program != nullptr ? std::string_view(program) : kDefaultAskpass;
    auto answer = run_askpass(askpass, prompt);
    if (!answer) return failed();
    return answer;
  }

  auto answer = read_from_terminal(prompt, (flags & kPromptEcho) != 0, require_tty);
  if (!answer) return failed();
  return answer;
}

}  // namespace sshcore::io
