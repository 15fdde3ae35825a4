#include "scp_main.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "child_process.hpp"
#include "diagnostics.hpp"
#include "legacy_channel.hpp"
#include "legacy_sink.hpp"
#include "legacy_source.hpp"
#include "operands.hpp"
#include "scp_options.hpp"
#include "sftp_transfer.hpp"
#include "ssh_command.hpp"
#include "sshcore/io/progress_meter.hpp"
#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/io/subprocess.hpp"

namespace scp {

namespace io = sshcore::io;

namespace {

// The line OpenSSH's child prints when exec fails, perror(program): "PROGRAM: why".
std::string exec_failure_text(const sshcore::Error& e) {
  constexpr std::string_view kPrefix = "exec: ";  // io::spawn_with_pipes() words it so
  return e.detail.starts_with(kPrefix) ? e.detail.substr(kPrefix.size()) : e.detail;
}

// An ssh (or -D server) subprocess with the SFTP session on its pipes.
struct SftpPeer {
  pid_t pid = -1;
  std::unique_ptr<io::SftpClientSession> session;
};

class Copier {
 public:
  explicit Copier(ScpOptions& o) : o_(o) {
    progress_ = !o.quiet && io::progress_meter_possible();
    target_dir_ = o.operands.size() > 2 || o.target_should_be_directory;
    scp_command_ = remote_scp_command(o, target_dir_);
  }
  int run();

 private:
  void to_remote();
  void to_local();
  void fatal(const std::string& message, int code = 255) {
    print_error(message);
    exit_code_ = code;
  }
  bool stopped() const { return exit_code_.has_value(); }
  // fatal(), unless a fatal error already stopped the copy (and said why).
  void unless_stopped(const std::string& message) {
    if (!stopped()) fatal(message);
  }
  void verbose_exec(const std::string& what, const std::string& program, const Operand& at, const std::string& cmd);
  std::optional<SftpPeer> sftp_connect(const Operand& at);
  void sftp_close(SftpPeer& peer);
  std::optional<io::Subprocess> legacy_connect(const Operand& at, const std::string& command);
  bool parse_source(const std::string& arg, Operand& out);

  ScpOptions& o_;
  bool progress_ = false;
  bool target_dir_ = false;
  std::string scp_command_;
  int errors_ = 0;
  std::optional<int> exit_code_;
};

void Copier::verbose_exec(const std::string& what, const std::string& program, const Operand& at,
                          const std::string& cmd) {
  if (o_.verbose == 0) return;
  std::fprintf(stderr, "Executing: %s %s host %s, user %s, command %s\n", what.c_str(), program.c_str(),
               at.host.c_str(), at.user ? at.user->c_str() : "(unspecified)", cmd.c_str());
}

std::optional<SftpPeer> Copier::sftp_connect(const Operand& at) {
  bool direct = !o_.sftp_direct.empty();
  std::vector<std::string> argv = ssh_argv(o_, at, !direct, "sftp");
  verbose_exec("program", argv[0], direct ? Operand{true, std::nullopt, at.host, -1, at.path} : at, "sftp");
  auto proc = io::spawn_with_pipes(argv);
  if (!proc) {
    // OpenSSH's child says perror(ssh_program); the INIT exchange then meets EOF.
    print_plain(exec_failure_text(proc.error()));
    fatal("Connection closed");
    return std::nullopt;
  }
  io::SftpSessionOptions so;
  so.request_size = o_.sftp_buffer;
  so.requests_in_flight = o_.sftp_requests;
  so.limit_kbps = o_.limit_kbps / 1024;
  SftpPeer peer;
  peer.pid = proc->pid;
  guard_child(peer.pid);
  auto session = io::SftpClientSession::start(std::move(proc->to_child), std::move(proc->from_child), so);
  if (!session) {
    // As OpenSSH's sftp_init(): a closed stream or a login script's output is fatal
    // (exit 255 with only its reason); a wrong reply fails this connection only, and
    // the caller says so.
    using Kind = io::SftpStartFailure::Kind;
    auto why = io::describe_start_failure(session.error());
    if (why.kind == Kind::kMessageTooLong) {
      print_error(why.message);
      fatal(std::string(io::kLoginScriptHint));
    } else if (why.kind == Kind::kConnectionClosed) {
      fatal(why.message);
    } else {
      print_error(why.message);
    }
    (void)wait_success(peer.pid);
    return std::nullopt;
  }
  peer.session = std::move(*session);
  return peer;
}

void Copier::sftp_close(SftpPeer& peer) {
  if (peer.session) peer.session->close();
  peer.session.reset();
  if (peer.pid > 0 && !wait_success(peer.pid)) ++errors_;
  peer.pid = -1;
}

std::optional<io::Subprocess> Copier::legacy_connect(const Operand& at, const std::string& command) {
  std::vector<std::string> argv = ssh_argv(o_, at, false, command);
  verbose_exec("program", argv[0], at, command);
  auto proc = io::spawn_with_pipes(argv);
  if (!proc) {
    print_plain(exec_failure_text(proc.error()));
    return std::nullopt;
  }
  guard_child(proc->pid);
  return std::move(*proc);
}

bool Copier::parse_source(const std::string& arg, Operand& out) {
  switch (parse_scp_uri(arg, out)) {
    case UriParse::kInvalid:
      print_plain(arg + ": invalid uri");
      ++errors_;
      return false;
    case UriParse::kParsed:
      break;
    case UriParse::kNotUri:
      if (!parse_user_host_path(arg, out)) out = Operand{false, std::nullopt, "", -1, arg};
      break;
  }
  if (out.user && !user_name_ok(*out.user)) {
    print_plain(*out.user + ": invalid user name");
    ++errors_;
    return false;
  }
  return true;
}

void Copier::to_remote() {
  const std::string& last = o_.operands.back();
  Operand target;
  switch (parse_scp_uri(last, target)) {
    case UriParse::kInvalid:
      print_plain(last + ": invalid uri");
      ++errors_;
      return;
    case UriParse::kParsed:
      break;
    case UriParse::kNotUri:
      if (!parse_user_host_path(last, target)) {
        print_plain(last + ": invalid target");
        ++errors_;
        return;
      }
  }
  SftpTransfers sftp(o_, progress_, target_dir_);
  std::optional<SftpPeer> dest;             // SFTP: one connection to the target for all sources
  std::optional<io::Subprocess> legacy;     // -O: one `scp -t` for all local sources
  std::optional<LegacyChannel> channel;
  SourceOptions so{o_.recursive, o_.preserve, o_.verbose > 0, progress_};
  for (std::size_t i = 0; i + 1 < o_.operands.size() && !stopped(); ++i) {
    Operand src;
    if (!parse_source(o_.operands[i], src)) continue;
    if (src.remote && o_.through_local) {
      if (o_.mode == Mode::kSftp) {
        if (!dest && !(dest = sftp_connect(target))) return unless_stopped("Unable to open destination connection");
        auto origin = sftp_connect(src);
        if (!origin) return unless_stopped("Unable to open source connection");
        sftp.crossload(*origin->session, *dest->session, src.path, target.path);
        sftp_close(*origin);
        if (sftp.exit_now()) return void(exit_code_ = *sftp.exit_now());
        continue;
      }
      auto first = legacy_connect(src, remote_source_command(scp_command_, src.path));
      if (!first) return void(exit_code_ = 1);
      std::vector<std::string> second = second_ssh_argv(o_, target, remote_sink_command(scp_command_, target.path));
      verbose_exec("2nd program", second[0], target, second.back());
      pid_t pid2 = spawn_on_fds(second, first->from_child.get(), first->to_child.get());
      bool second_ok = wait_success(pid2);
      first->from_child.reset();
      first->to_child.reset();
      bool first_ok = wait_success(first->pid);
      if (!second_ok || !first_ok) ++errors_;
    } else if (src.remote) {
      if (target.user && !user_name_ok(*target.user)) {
        print_plain(*target.user + ": invalid user name");
        ++errors_;
        continue;
      }
      if (target.port != -1 && target.port != 22)
        return fatal("target port not supported with two remote hosts and the -R option");
      std::vector<std::string> argv = remote_remote_argv(o_, src, target, scp_command_);
      if (o_.verbose > 0) {
        std::fprintf(stderr, "Executing:");
        for (const std::string& a : argv) std::fprintf(stderr, " %s", a.c_str());
        std::fprintf(stderr, "\n");
      }
      if (run_to_completion(argv) != 0) errors_ = errors_ == 0 ? 1 : errors_;
    } else if (o_.mode == Mode::kSftp) {
      if (!dest && !(dest = sftp_connect(target))) return unless_stopped("Unable to open sftp connection");
      sftp.upload(*dest->session, o_.operands[i], target.path);
      if (sftp.exit_now()) return void(exit_code_ = *sftp.exit_now());
    } else {
      if (!legacy) {
        legacy = legacy_connect(target, remote_sink_command(scp_command_, target.path));
        if (!legacy) {
          print_plain("lost connection");  // OpenSSH's response() meets EOF: lostconn()
          return void(exit_code_ = 1);
        }
        channel.emplace(legacy->from_child.get(), legacy->to_child.get(), false, o_.limit_kbps);
        bool ok = false;
        if (channel->response(ok) == Flow::kAbort || !ok) return void(exit_code_ = 1);
      }
      if (send_paths(*channel, {o_.operands[i]}, so) == Flow::kAbort) return void(exit_code_ = 1);
    }
  }
  if (sftp.failed()) ++errors_;
  if (channel) errors_ += channel->errors();
  if (dest) sftp_close(*dest);
  if (legacy) {
    legacy->to_child.reset();
    legacy->from_child.reset();
    if (!wait_success(legacy->pid) && errors_ == 0) ++errors_;
  }
}

void Copier::to_local() {
  const std::string& target = o_.operands.back();
  SftpTransfers sftp(o_, progress_, target_dir_);
  SinkOptions sink_options{o_.recursive, o_.preserve, o_.verbose > 0, progress_, target_dir_, !o_.no_strict_names};
  for (std::size_t i = 0; i + 1 < o_.operands.size() && !stopped(); ++i) {
    Operand src;
    if (!parse_source(o_.operands[i], src)) continue;
    if (!src.remote) {
      std::vector<std::string> argv{"cp"};
      if (o_.recursive) argv.push_back("-r");
      if (o_.preserve) argv.push_back("-p");
      argv.insert(argv.end(), {"--", o_.operands[i], target});
      if (o_.verbose > 0) {
        std::fprintf(stderr, "Executing:");
        for (const std::string& a : argv) std::fprintf(stderr, " %s", a.c_str());
        std::fprintf(stderr, "\n");
      }
      if (run_to_completion(argv) != 0) ++errors_;
      continue;
    }
    if (o_.mode == Mode::kSftp) {
      auto peer = sftp_connect(src);
      if (!peer) {
        if (stopped()) break;
        print_error("sftp connection failed");
        ++errors_;
        continue;
      }
      sftp.download(*peer->session, src.path, target);
      sftp_close(*peer);
      continue;
    }
    // A request whose braces do not expand is fatal, as OpenSSH's brace_expand() in sink().
    auto accepted = accepted_names(src.path, sink_options);
    if (!accepted) return fatal("brace_expand: invalid brace pattern \"" + src.path + "\"");
    auto proc = legacy_connect(src, remote_source_command(scp_command_, src.path));
    if (!proc) {
      ++errors_;
      continue;
    }
    LegacyChannel channel(proc->from_child.get(), proc->to_child.get(), false, o_.limit_kbps);
    Flow f = receive_into(channel, {target}, std::move(*accepted), sink_options);
    errors_ += channel.errors();
    proc->from_child.reset();
    proc->to_child.reset();
    bool ok = wait_success(proc->pid);
    if (f == Flow::kAbort) return void(exit_code_ = 1);
    if (!ok && errors_ == 0) ++errors_;
  }
  if (sftp.failed()) ++errors_;
}

int Copier::run() {
  if (find_host_colon(o_.operands.back()) != std::string::npos) {
    to_remote();
  } else {
    if (target_dir_) {
      struct stat st;
      int err = ENOTDIR;
      if (::stat(o_.operands.back().c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) err = 0;
      } else {
        err = errno;
      }
      if (err != 0) {
        print_plain(o_.operands.back() + ": " + std::strerror(err));
        return 1;
      }
    }
    to_local();
  }
  if (exit_code_) return *exit_code_;
  return errors_ != 0 ? 1 : 0;
}

// `scp -f` / `scp -t`, started by sshd (or any ssh) for a legacy-protocol client.
int run_remote_side(const ScpOptions& o) {
  LegacyChannel channel(STDIN_FILENO, STDOUT_FILENO, true, o.limit_kbps);
  if (o.source_mode) {
    bool ok = false;
    if (channel.response(ok) == Flow::kAbort) return 1;
    SourceOptions so{o.recursive, o.preserve, o.verbose > 0, false};
    if (send_paths(channel, o.operands, so) == Flow::kAbort) return 1;
    return channel.errors() != 0 ? 1 : 0;
  }
  SinkOptions si{o.recursive, o.preserve, o.verbose > 0, false, o.target_should_be_directory, !o.no_strict_names};
  if (receive_into(channel, o.operands, {}, si) == Flow::kAbort) return 1;
  return channel.errors() != 0 ? 1 : 0;
}

}  // namespace

int scp_main(const std::vector<std::string>& argv) {
  if (!argv.empty()) set_program_name(argv[0]);
  ParsedCommandLine parsed = parse_command_line(argv);
  if (parsed.error) {
    const UsageError& e = *parsed.error;
    if (!e.message.empty()) print_error(e.message);
    if (e.print_usage) std::fputs(std::string(usage_text()).c_str(), stderr);
    return e.exit_code;
  }
  // A peer that goes away shows up as a failed write, reported where it happens.
  ::signal(SIGPIPE, SIG_IGN);
  ScpOptions& o = parsed.options;
  if (o.source_mode || o.sink_mode) return run_remote_side(o);
  if (o.operands.size() < 2) {
    std::fputs(std::string(usage_text()).c_str(), stderr);
    return 1;
  }
  Copier copier(o);
  return copier.run();
}

}  // namespace scp
