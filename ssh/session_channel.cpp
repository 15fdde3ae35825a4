#include "session_channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "sshcore/base/log.hpp"
#include "sshcore/base/pattern.hpp"

extern char** environ;

namespace ssh {
namespace {

namespace log = sshcore::log;
namespace conn = sshcore::connection;
using O = sshcore::config::SshOpt;
using sshcore::ByteView;

constexpr std::size_t kStdinReadSize = 256 * 1024;  // bulk input (cat > remote, sftp) in few reads
constexpr int kEscapeNone = -2;

void set_nonblocking(int fd, int& saved) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags == -1) return;
  saved = flags;
  if ((flags & O_NONBLOCK) == 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void write_blocking(int fd, ByteView data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 1000);
      continue;
    }
    return;  // the reader went away: nothing more can be shown
  }
}

// channels.c reason2txt().
std::string_view open_failure_text(std::uint32_t reason) {
  switch (reason) {
    case 1: return "administratively prohibited";
    case 2: return "connect failed";
    case 3: return "unknown channel type";
    case 4: return "resource shortage";
    default: return "unknown reason";
  }
}

}  // namespace

SessionChannel::SessionChannel(sshcore::io::EventLoop& loop, conn::ConnectionSession& connection,
                               const sshcore::config::SshOptions& options, Setup setup, Hooks hooks)
    : loop_(loop),
      connection_(connection),
      options_(options),
      setup_(std::move(setup)),
      hooks_(std::move(hooks)),
      escape_(-1) {
  const int e = static_cast<int>(options_.number(O::kEscapeChar, '~'));
  escapes_ = e != kEscapeNone && (setup_.want_tty || setup_.escape_char_given);
  escape_ = EscapeFilter(escapes_ ? e : -1);
}

SessionChannel::~SessionChannel() {
  if (!finished_) finish(255);
}

sshcore::Result<void> SessionChannel::start() {
  if (setup_.stdio_forward) {
    escape_ = EscapeFilter(-1);
    SSH_TRY(id, connection_.open(conn::DirectTcpipOpen{setup_.stdio_forward->first, setup_.stdio_forward->second,
                                                      "127.0.0.1", 65535}));
    channel_ = id;
    log::debug1("channel {}: new stdio-forward [stdio-forward]", id);
    set_nonblocking(STDOUT_FILENO, saved_flags_[1]);
    hooks_.flush();
    return {};
  }
  if (options_.number(O::kSessionType, sshcore::config::kSessionDefault) == sshcore::config::kSessionNone) {
    log::debug1("Requesting no-more-sessions@openssh.com");
    return {};
  }
  SSH_TRY(id, connection_.open_session());
  channel_ = id;
  log::debug1("channel {}: new session [client-session]", id);
  // The modes sent in pty-req are the terminal's own, read before raw mode changes them.
  if (setup_.want_tty) {
    if (auto modes = terminal_modes(STDIN_FILENO)) {
      if (auto enc = conn::encode_terminal_modes(*modes)) tty_modes_ = std::move(*enc);
    }
    raw_.enter(STDIN_FILENO);
  }
  set_nonblocking(STDOUT_FILENO, saved_flags_[1]);
  set_nonblocking(STDERR_FILENO, saved_flags_[2]);
  (void)loop_.watch_signal(SIGWINCH, [this](int) { on_window_change(); });
  hooks_.flush();
  return {};
}

void SessionChannel::on_open_confirmed() {
  open_ = true;
  if (!setup_.stdio_forward) send_requests();
  if (options_.number(O::kStdinNull, 0) == 1) {
    stdin_eof_ = true;
  } else {
    set_nonblocking(STDIN_FILENO, saved_flags_[0]);
    stdin_active_ = true;
    watch_stdin(true);
  }
  send_pending_input();
  hooks_.flush();
}

void SessionChannel::send_requests() {
  if (setup_.want_tty) {
    conn::PtyRequest pty;
    const char* term = std::getenv("TERM");
    pty.term = term != nullptr ? term : "";
    const WindowSize ws = window_size(STDIN_FILENO);
    pty.cols = ws.cols;
    pty.rows = ws.rows;
    pty.width_px = ws.width_px;
    pty.height_px = ws.height_px;
    pty.modes = tty_modes_;
    if (pty.modes.empty()) pty.modes = sshcore::Bytes{conn::tty_op::kEnd};
    (void)connection_.send_request(channel_, pty, true);
    replies_.push_back(Pending::kPty);
  }
  auto send_env = [this](const std::string& name, const std::string& value) {
    log::debug1("channel {}: setting env {} = \"{}\"", channel_, name, value);
    (void)connection_.send_request(channel_, conn::EnvRequest{name, value}, false);
  };
  const auto& patterns = options_.list(O::kSendEnv);
  if (!patterns.empty()) {
    log::debug1("Sending environment.");
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view entry(*e);
      const std::size_t eq = entry.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string name(entry.substr(0, eq));
      bool matched = false;
      for (const std::string& p : patterns) matched = matched || sshcore::match_pattern(name, p);
      if (!matched) {
        log::debug3("Ignored env {}", name);
        continue;
      }
      send_env(name, std::string(entry.substr(eq + 1)));
    }
  }
  for (const std::string& kv : options_.list(O::kSetEnv)) {
    const std::size_t eq = kv.find('=');
    if (eq != std::string::npos) send_env(kv.substr(0, eq), kv.substr(eq + 1));
  }
  std::string command = setup_.command;
  if (!setup_.has_command)
    if (const std::string* rc = options_.text(O::kRemoteCommand)) command = *rc;
  if (!command.empty()) {
    const std::string shown = command.substr(0, 900);
    if (options_.number(O::kSessionType, sshcore::config::kSessionDefault) == sshcore::config::kSessionSubsystem) {
      log::debug1("Sending subsystem: {}", shown);
      (void)connection_.send_request(channel_, conn::SubsystemRequest{command}, true);
    } else {
      log::debug1("Sending command: {}", shown);
      (void)connection_.send_request(channel_, conn::ExecRequest{command}, true);
    }
  } else {
    (void)connection_.send_request(channel_, conn::ShellRequest{}, true);
  }
  replies_.push_back(Pending::kCommand);
}

void SessionChannel::on_reply(bool success) {
  if (replies_.empty()) return;
  const Pending what = replies_.front();
  replies_.pop_front();
  if (success) return;
  if (what == Pending::kPty) {
    log::error("PTY allocation request failed on channel {}", channel_);
    raw_.leave();
    return;
  }
  const bool subsystem =
      options_.number(O::kSessionType, sshcore::config::kSessionDefault) == sshcore::config::kSessionSubsystem;
  const bool shell = setup_.command.empty() && !options_.text(O::kRemoteCommand);
  log::error("{} request failed on channel {}", subsystem ? "subsystem" : shell ? "shell" : "exec", channel_);
  finish_output();
  hooks_.quit(255);
}

void SessionChannel::handle_event(const conn::ConnectionEvent& event) {
  const conn::ConnectionEvent* ev = &event;
  // Channel events of another channel (none should reach here) are not the session's.
  if (event.kind != conn::ConnectionEventKind::kChannelOpenRequest && event.channel != channel_) return;
  {
    using K = conn::ConnectionEventKind;
    switch (ev->kind) {
      case K::kOpenConfirmed:
        if (ev->channel == channel_) on_open_confirmed();
        break;
      case K::kOpenFailed:
        log::error("channel {}: open failed: {}{}{}", ev->channel, open_failure_text(ev->failure_reason),
                   ev->description.empty() ? "" : ": ", ev->description);
        if (setup_.stdio_forward) log::error("stdio forwarding failed");
        hooks_.quit(255);
        break;
      case K::kChannelReply: on_reply(ev->success); break;
      case K::kData: on_data(ev->data, stdout_); break;
      case K::kExtendedData: on_data(ev->data, stderr_); break;
      case K::kEof: log::debug2("channel {}: rcvd eof", ev->channel); break;
      case K::kClose:
        if (ev->channel == channel_) {
          closed_ = true;
          log::debug2("channel {}: rcvd close", ev->channel);
          // A stdio forward has no exit status: its end is a normal end.
          hooks_.quit(setup_.stdio_forward ? 0 : exit_status_.value_or(255));
        }
        break;
      case K::kChannelRequest: {
        const auto& req = ev->request;
        log::debug1("client_input_channel_req: channel {} rtype {} reply {}", ev->channel, req.type,
                    req.want_reply ? 1 : 0);
        if (auto st = req.body<conn::ExitStatusRequest>()) exit_status_ = static_cast<int>(st->exit_status);
        if (req.want_reply) (void)connection_.reply_failure(ev->channel);
        break;
      }
      case K::kGlobalRequest:
      case K::kGlobalReply: break;  // ClientSession's
      case K::kWindowAvailable:
        send_pending_input();
        break;
      case K::kChannelOpenRequest:
        (void)connection_.reject_open(ev->channel, conn::OpenFailureReason::kAdministrativelyProhibited,
                                      "open failed");
        break;
    }
  }
  hooks_.flush();
}

void SessionChannel::on_data(ByteView data, Output& out) {
  if (out.closed) {  // nobody reads it any more: drop, but keep the window open
    (void)connection_.consume(channel_, data.size());
    return;
  }
  // Straight from the decrypted packet; only what fd cannot take now is kept
  // (io/write_backlog.hpp).
  sshcore::io::WriteBacklog::Written w = out.backlog.write(out.fd, data);
  if (w.done_with() > 0) (void)connection_.consume(channel_, w.done_with());
  // The reader is gone (EPIPE): the data is dropped as OpenSSH does after a write failure.
  if (w.failed) {
    output_failed(out);
    if (out.watched) loop_.unwatch(out.fd);
    out.watched = false;
  }
  if (!out.backlog.empty() && !out.watched) {
    out.watched = true;
    Output* o = &out;
    (void)loop_.watch(out.fd, sshcore::io::kWrite, [this, o](sshcore::io::Readiness) { on_output_writable(*o); });
  }
}

void SessionChannel::on_output_writable(Output& out) {
  sshcore::io::WriteBacklog::Written w = out.backlog.flush(out.fd);
  if (w.failed) output_failed(out);
  if (out.backlog.empty()) {
    loop_.unwatch(out.fd);
    out.watched = false;
  }
  if (w.done_with() > 0 && !closed_) (void)connection_.consume(channel_, w.done_with());
  hooks_.flush();
}

// nchan.c chan_write_failed(): stdout is gone, so the server is told with eow@openssh.com
// that no more output is wanted (it closes the command's output, which then ends).
void SessionChannel::output_failed(Output& out) {
  if (out.closed) return;
  out.closed = true;
  if (&out == &stdout_ && open_ && !closed_ && !setup_.stdio_forward) {
    log::debug2("channel {}: send eow", channel_);
    (void)connection_.send_request(channel_, conn::EowRequest{}, false);
    hooks_.flush();
  }
}

void SessionChannel::network_drained() {
  if (!std::exchange(waiting_for_network_, false)) return;
  send_pending_input();  // watches stdin again unless the window holds it back
}

void SessionChannel::watch_stdin(bool on) {
  // Reading stdin faster than the socket takes it would only queue the bytes in memory.
  if (on && hooks_.backlogged && hooks_.backlogged()) {
    waiting_for_network_ = true;
    on = false;
  }
  if (!stdin_active_ || on == stdin_watched_) return;
  if (on) {
    if (loop_.watch(STDIN_FILENO, sshcore::io::kRead, [this](sshcore::io::Readiness r) { on_stdin(r); }))
      stdin_watched_ = true;
  } else {
    loop_.unwatch(STDIN_FILENO);
    stdin_watched_ = false;
  }
}

void SessionChannel::on_stdin(sshcore::io::Readiness r) {
  (void)r;
  ssize_t n = 0;
  bool direct = false;
  if (!escapes_ && input_.empty() && open_ && !closed_) {
    // The bulk case: read() straight into the DATA packet being built, no copy.
    auto room = connection_.begin_data(channel_, kStdinReadSize);
    if (room && room->empty()) {  // window closed or key exchange: kWindowAvailable resumes
      watch_stdin(false);
      return;
    }
    if (room) {
      direct = true;
      n = ::read(STDIN_FILENO, room->data(), room->size());
      (void)connection_.finish_data(channel_, n > 0 ? static_cast<std::size_t>(n) : 0);
    }
  }
  if (!direct) {
    if (read_buf_.size() != kStdinReadSize) read_buf_.resize(kStdinReadSize);
    n = ::read(STDIN_FILENO, read_buf_.data(), read_buf_.size());
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {
    log::debug2("channel {}: read<=0 rfd 0 len {}", channel_, n);
    stdin_eof_ = true;
    watch_stdin(false);
    stdin_active_ = false;
    send_pending_input();
    hooks_.flush();
    return;
  }
  if (direct) {
    hooks_.flush();
    send_pending_input();  // keeps stdin watched (unless the socket is backlogged), or sends EOF
  } else {
    handle_input(ByteView(read_buf_.data(), static_cast<std::size_t>(n)));
  }
  hooks_.flush();
}

void SessionChannel::handle_input(ByteView bytes) {
  if (!escapes_) {  // the common bulk case: straight through
    if (input_.empty() && open_ && !closed_) {
      // Straight from the read buffer into the packet; only what the window does not
      // take now is kept.
      auto taken = connection_.send_data(channel_, bytes);
      if (!taken) return send_pending_input();
      bytes = bytes.subspan(*taken);
    }
    input_.insert(input_.end(), bytes.begin(), bytes.end());
    send_pending_input();
    return;
  }
  for (EscapeEvent& ev : escape_.feed(bytes)) {
    if (ev.command == EscapeCommand::kData) {
      input_.insert(input_.end(), ev.data.begin(), ev.data.end());
    } else {
      send_pending_input();
      on_escape(ev.command);
    }
  }
  send_pending_input();
}

void SessionChannel::send_pending_input() {
  if (!open_ || closed_) return;
  if (!input_.empty()) {
    auto taken = connection_.send_data(channel_, input_);
    if (!taken) {
      input_.clear();
    } else {
      input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(*taken));
    }
  }
  if (input_.empty()) {
    if (stdin_eof_ && !eof_sent_) {
      eof_sent_ = true;
      log::debug2("channel {}: send eof", channel_);
      (void)connection_.send_eof(channel_);
    }
    watch_stdin(true);
  } else {
    watch_stdin(false);  // wait for kWindowAvailable
  }
}

void SessionChannel::write_stderr_now(const std::string& text) {
  write_blocking(STDERR_FILENO, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void SessionChannel::on_escape(EscapeCommand c) {
  const char e = static_cast<char>(escape_.escape_char());
  const std::string esc(1, e);
  switch (c) {
    case EscapeCommand::kTerminate:
      // OpenSSH queues "~." for stderr but quits before it is shown.
      hooks_.quit(255);
      return;
    case EscapeCommand::kSuspend:
      write_stderr_now(esc + "^Z [suspend ssh]\r\n");
      suspend();
      return;
    case EscapeCommand::kBackground:
      write_stderr_now(esc + "& [backgrounded]\n");
      raw_.leave();
      if (pid_t pid = ::fork(); pid > 0) {
        // The shell gets its terminal back as it was, blocking.
        for (int fd = 0; fd < 3; ++fd)
          if (saved_flags_[fd] != -1) ::fcntl(fd, F_SETFL, saved_flags_[fd]);
        ::_exit(0);
      }
      // The child goes on serving the session with no input, as ssh does.
      stdin_eof_ = true;
      watch_stdin(false);
      stdin_active_ = false;
      return;
    case EscapeCommand::kSendBreak:
      write_stderr_now(esc + "B\r\n");
      (void)connection_.send_request(channel_, conn::BreakRequest{1000}, false);
      return;
    case EscapeCommand::kRekey:
      hooks_.rekey();
      return;
    case EscapeCommand::kLogLess:
    case EscapeCommand::kLogMore: {
      int level = static_cast<int>(log::level());
      if (c == EscapeCommand::kLogLess && level > static_cast<int>(log::Level::kQuiet)) --level;
      if (c == EscapeCommand::kLogMore && level < static_cast<int>(log::Level::kDebug3)) ++level;
      log::Options lo;
      lo.program = "ssh";
      lo.level = static_cast<log::Level>(level);
      log::init(lo);
      write_stderr_now(esc + (c == EscapeCommand::kLogLess ? "V" : "v") + " [LogLevel " +
                       std::string(log::level_name(lo.level)) + "]\r\n");
      return;
    }
    case EscapeCommand::kListConnections: {
      std::string text = esc + "#\r\nThe following connections are open:\r\n";
      text += "  #" + std::to_string(channel_) + " client-session (t4 [session] r" + std::to_string(channel_) +
              " i0/0 o0/0 e[write]/0 fd 0/1/2 sock -1 cc -1 io 0x01/0x01)\r\n";
      write_stderr_now(text);
      return;
    }
    case EscapeCommand::kHelp: write_stderr_now(escape_help_text(escape_.escape_char())); return;
    case EscapeCommand::kCommandLine: write_stderr_now("commandline disabled\r\n"); return;
    case EscapeCommand::kData: return;
  }
}

void SessionChannel::suspend() {
  finish_output();
  const bool was_raw = raw_.active();
  raw_.leave();
  ::kill(::getpid(), SIGTSTP);
  // Continued: the terminal may have changed size while we were stopped.
  if (was_raw) raw_.enter(STDIN_FILENO);
  on_window_change();
}

void SessionChannel::on_window_change() {
  if (!setup_.want_tty || !open_ || closed_) return;
  const WindowSize ws = window_size(STDIN_FILENO);
  log::debug2("client_check_window_change: changed");
  (void)connection_.send_request(channel_, conn::WindowChangeRequest{ws.cols, ws.rows, ws.width_px, ws.height_px},
                                 false);
  hooks_.flush();
}

void SessionChannel::finish_output() {
  for (Output* out : {&stdout_, &stderr_}) {
    (void)out->backlog.drain(out->fd);
    if (out->watched) loop_.unwatch(out->fd);
    out->watched = false;
  }
}

int SessionChannel::finish(int fallback_status) {
  if (finished_) return exit_status_.value_or(fallback_status);
  finished_ = true;
  finish_output();
  watch_stdin(false);
  loop_.unwatch_signal(SIGWINCH);
  const bool had_pty = setup_.want_tty;
  raw_.leave();
  for (int fd = 0; fd < 3; ++fd)
    if (saved_flags_[fd] != -1) ::fcntl(fd, F_SETFL, saved_flags_[fd]);
  if (had_pty && log::enabled(log::Level::kInfo))
    write_stderr_now("Connection to " + setup_.host + " closed.\r\n");
  return exit_status_.value_or(fallback_status);
}

}  // namespace ssh
