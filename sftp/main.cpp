// sftp(1): parse the command line, start ssh (or the -D server) on two pipes, open an
// SFTP session over them and run the command loop; exit 0, 1 after a failed batch
// command or fetch, 255 on a fatal error, as OpenSSH's sftp.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "command_line.hpp"
#include "command_loop.hpp"
#include "interpreter.hpp"
#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/io/subprocess.hpp"

namespace {

volatile pid_t g_server_pid = -1;
volatile sig_atomic_t g_quiet = 0;

[[noreturn]] void fatal(const std::string& message) {
  std::fflush(stdout);
  std::string line = message + "\r\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::exit(255);
}

// OpenSSH's killchild(): a signal ends ssh and then us.
void kill_server_and_exit(int) {
  if (g_server_pid > 1) {
    ::kill(g_server_pid, SIGTERM);
    ::waitpid(g_server_pid, nullptr, 0);
  }
  ::_exit(1);
}

// OpenSSH's suspchild(): Ctrl-Z (or SIGTTIN/SIGTTOU) stops ssh first, then us; both go on
// with the SIGCONT of `fg`.
void suspend_server_then_self(int signo) {
  int saved = errno;
  if (g_server_pid > 1) {
    ::kill(g_server_pid, signo);
    while (::waitpid(g_server_pid, nullptr, WUNTRACED) == -1 && errno == EINTR) {
    }
  }
  ::kill(::getpid(), SIGSTOP);
  errno = saved;
}

// What OpenSSH's sigchld_handler() writes when ssh dies under us.
constexpr char kServerGone[] = "\rConnection closed.  \n";

// OpenSSH's sigchld_handler(): say so at once when ssh dies under us.
void report_server_exit(int) {
  int saved = errno;
  pid_t pid;
  while ((pid = ::waitpid(g_server_pid, nullptr, WNOHANG)) == -1 && errno == EINTR) {
  }
  if (pid == g_server_pid && g_server_pid > 1) {
    if (g_quiet == 0) (void)!::write(STDERR_FILENO, kServerGone, sizeof kServerGone - 1);
    g_server_pid = -1;
  }
  errno = saved;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sftp_program;
  // As OpenSSH's msetlocale(): the user's character type, else UTF-8 rather than
  // plain C, so that line editing accepts non-ASCII file names.
  const char* ctype = std::setlocale(LC_CTYPE, "");
  if (ctype == nullptr || std::string_view(ctype) == "C" || std::string_view(ctype) == "POSIX")
    std::setlocale(LC_CTYPE, "C.UTF-8");
  std::vector<std::string> args(argv + 1, argv + argc);
  CommandLineError cl_error{};
  auto cl = parse_command_line(args, cl_error);
  if (!cl) {
    if (cl_error.kind == CommandLineFailure::kUsage) {
      std::fputs(std::string(usage_text()).c_str(), stderr);
      return 1;
    }
    fatal(cl_error.message);
  }

  std::FILE* input = stdin;
  bool batch_mode = cl->batch_file.has_value();
  if (batch_mode && *cl->batch_file != "-") {
    input = std::fopen(cl->batch_file->c_str(), "r");
    if (input == nullptr) fatal(std::string(std::strerror(errno)) + " (" + *cl->batch_file + ").");
  }
  if (::isatty(STDERR_FILENO) == 0) cl->show_progress = false;

  // ssh inherits an ignored SIGINT (ours ends both of us), but dies by SIGTERM.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  auto child = sshcore::io::spawn_with_pipes(cl->server_argv);
  if (!child) {
    // What OpenSSH shows when its child's exec fails: the child's own line, the child
    // watcher's, then the fatal end of the INIT exchange.
    std::fprintf(stderr, "%s\n", child.error().detail.c_str());
    if (!cl->quiet) std::fputs(kServerGone, stderr);
    fatal("Connection closed");
  }
  g_server_pid = child->pid;
  g_quiet = cl->quiet ? 1 : 0;
  struct sigaction on_child {};
  on_child.sa_handler = report_server_exit;
  on_child.sa_flags = SA_RESTART;
  ::sigaction(SIGCHLD, &on_child, nullptr);
  std::signal(SIGINT, kill_server_and_exit);
  std::signal(SIGTERM, kill_server_and_exit);
  std::signal(SIGHUP, kill_server_and_exit);
  struct sigaction on_stop {};
  on_stop.sa_handler = suspend_server_then_self;
  on_stop.sa_flags = SA_RESTART;
  for (int s : {SIGTSTP, SIGTTIN, SIGTTOU}) ::sigaction(s, &on_stop, nullptr);

  sshcore::io::SftpSessionOptions session_options;
  session_options.request_size = cl->buffer_size;
  session_options.requests_in_flight = cl->requests;
  session_options.limit_kbps = cl->limit_kbps;
  session_options.prefetch_working_directory = true;  // "Need cwd" below
  // SIGCHLD waits until the start is judged: when the server answered wrongly, we end
  // the session and OpenSSH says only why, not "Connection closed." as well.
  sigset_t chld, before;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, &before);
  auto session = sshcore::io::SftpClientSession::start(std::move(child->to_child), std::move(child->from_child),
                                                       session_options);
  if (!session) {
    using Kind = sshcore::io::SftpStartFailure::Kind;
    auto why = sshcore::io::describe_start_failure(session.error());
    if (why.kind == Kind::kMessageTooLong) fatal(why.message + "\r\n" + std::string(sshcore::io::kLoginScriptHint));
    if (why.kind == Kind::kBadReply) {
      std::fprintf(stderr, "%s\r\n", why.message.c_str());
      fatal("Couldn't initialise connection to server");
    }
    // The pipe's EOF can beat SIGCHLD: give a dying ssh a moment so that the
    // "Connection closed." line comes first, as it does with OpenSSH.
    ::sigprocmask(SIG_SETMASK, &before, nullptr);
    for (int i = 0; i < 100 && g_server_pid > 1; i++) {
      report_server_exit(SIGCHLD);
      if (g_server_pid > 1) ::usleep(10000);
    }
    fatal(why.message);
  }
  ::sigprocmask(SIG_SETMASK, &before, nullptr);
  if (!cl->quiet) {
    if (cl->direct_server)
      std::fprintf(stderr, "Attached to %s.\n", cl->direct_server->c_str());
    else
      std::fprintf(stderr, "Connected to %s.\n", cl->host.c_str());
  }

  InterpreterOptions options;
  options.quiet = cl->quiet;
  options.show_progress = cl->show_progress;
  options.recursive = cl->recursive;
  options.resume = cl->resume;
  options.preserve = cl->preserve;
  options.fsync = cl->fsync;
  SftpInterpreter interpreter(**session, std::nullopt, options);  // the cwd is asked when first needed

  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int err = 0;
  bool run_loop = true;
  if (cl->remote_path) {
    DispatchResult r = interpreter.start_with_path(*cl->remote_path, cl->local_path);
    if (r == DispatchResult::kAbort) {
      err = -1;
      run_loop = false;
    } else if (r == DispatchResult::kQuit) {
      run_loop = false;
    }
  }
  if (run_loop) err = run_command_loop(interpreter, input, batch_mode);

  // A server that went away mid-session is OpenSSH's fatal "Connection closed" (255).
  bool lost = !(*session)->connected();
  // Our own close ends the server: no "Connection closed." for that.
  std::signal(SIGCHLD, SIG_DFL);
  (*session)->close();
  if (input != stdin) std::fclose(input);
  if (g_server_pid > 1) (void)sshcore::io::wait_for_exit(child->pid);
  if (lost) return 255;
  return err == 0 ? 0 : 1;
}
