// The interactive or command session of ssh (ssh.c ssh_session2_setup, clientloop.c): one
// "session" channel with pty-req (local terminal modes and size), env (SendEnv/SetEnv),
// exec/shell/subsystem; stdin to the channel (EOF -> channel EOF), channel data to stdout and
// extended data to stderr, raw tty mode, SIGWINCH -> window-change, escape sequences, and
// the remote exit status.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <deque>

#include "escape_filter.hpp"
#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/config/ssh_options.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/io/event_loop.hpp"
#include "sshcore/io/write_backlog.hpp"
#include "terminal.hpp"

namespace ssh {

class SessionChannel {
 public:
  struct Setup {
    bool want_tty = false;
    std::string command;
    bool has_command = false;
    bool escape_char_given = false;  // -e on the command line: escapes even without a pty
    std::string host;                // "Connection to HOST closed."
    // -W host:port: a direct-tcpip channel joined to stdin/stdout instead of a session.
    std::optional<std::pair<std::string, std::uint16_t>> stdio_forward;
  };
  struct Hooks {
    std::function<void()> flush;            // write the transport's output
    std::function<void()> rekey;            // ~R
    std::function<void(int status)> quit;   // the session is over
    // True while the transport holds so much unsent output that stdin waits
    // (network_drained() resumes it); empty: never.
    std::function<bool()> backlogged;
  };

  SessionChannel(sshcore::io::EventLoop& loop, sshcore::connection::ConnectionSession& connection,
                 const sshcore::config::SshOptions& options, Setup setup, Hooks hooks);
  ~SessionChannel();
  SessionChannel(const SessionChannel&) = delete;
  SessionChannel& operator=(const SessionChannel&) = delete;

  // Opens the channel (nothing for SessionType none).
  sshcore::Result<void> start();
  // One connection event that is not port forwarding's (ClientSession routes them).
  void handle_event(const sshcore::connection::ConnectionEvent& ev);
  // Writes what is buffered for stdout and stderr, blocking.
  void finish_output();
  // The transport's backlog went down: stdin is read again if it waited for that.
  void network_drained();
  // Restores the terminal and descriptors, flushes, prints "Connection to HOST closed." for
  // a pty session; returns the exit status (the remote one when it sent one).
  int finish(int fallback_status);
  std::optional<int> exit_status() const { return exit_status_; }

 private:
  struct Output {
    int fd;
    sshcore::io::WriteBacklog backlog;  // what fd has not taken yet
    bool watched = false;
    bool closed = false;  // a write failed (EPIPE): the rest is dropped
  };
  enum class Pending : std::uint8_t { kPty, kCommand };

  void on_open_confirmed();
  void send_requests();
  void on_reply(bool success);
  void on_data(sshcore::ByteView data, Output& out);
  void on_output_writable(Output& out);
  void output_failed(Output& out);
  void on_stdin(sshcore::io::Readiness r);
  void handle_input(sshcore::ByteView bytes);
  void send_pending_input();
  void watch_stdin(bool on);
  void on_escape(EscapeCommand c);
  void suspend();
  void write_stderr_now(const std::string& text);
  void on_window_change();
  void close_after_failure();

  sshcore::io::EventLoop& loop_;
  sshcore::connection::ConnectionSession& connection_;
  const sshcore::config::SshOptions& options_;
  Setup setup_;
  Hooks hooks_;
  sshcore::connection::ChannelId channel_ = 0;
  bool open_ = false;
  bool escapes_ = false;
  EscapeFilter escape_;
  RawMode raw_;
  sshcore::Bytes tty_modes_;      // encoded modes of the local terminal before raw mode
  Output stdout_{1, {}};
  Output stderr_{2, {}};
  sshcore::Bytes input_;          // read from stdin, not yet taken by the channel
  sshcore::Bytes read_buf_;       // reused for each read of stdin
  bool stdin_watched_ = false;
  bool stdin_eof_ = false;        // read returned 0 (or -n): EOF goes out once input_ is sent
  bool eof_sent_ = false;
  bool stdin_active_ = false;
  bool waiting_for_network_ = false;  // stdin unwatched until network_drained()
  std::deque<Pending> replies_;   // what each want_reply request was, in order
  std::optional<int> exit_status_;
  int saved_flags_[3] = {-1, -1, -1};
  bool finished_ = false;
  bool closed_ = false;
};

}  // namespace ssh
