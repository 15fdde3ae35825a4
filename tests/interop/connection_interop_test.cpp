// Our connection engine against Debian's OpenSSH 9.2, both roles:
//   Our client (TransportSession + UserauthClient + ConnectionSession) to Debian's
//   sshd: a 20 MB download (stdout) with stderr and exit-status, a 20 MB upload
//   counted by `wc -c` (sshd 9.2 drops data beyond its window, so a wrong count
//   means we overran it), and a pty-req whose terminal modes `stty -a` reports.
//   Debian's ssh against our ConnectionSession in server role: ssh pipes 5 MB
//   through an "exec" that our side echoes back, then exit-status 7.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "sshcore/auth/userauth_client.hpp"
#include "sshcore/auth/userauth_server.hpp"
#include "sshcore/connection/connection_session.hpp"
#include "sshcore/connection/terminal_modes.hpp"
#include "sshcore/keys/key_files.hpp"
#include "sshcore/transport/transport_session.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"
#include "support/transport_pair.hpp"
#include "support/userauth_pair.hpp"

using namespace sshcore;
using namespace sshcore::auth;
using namespace sshcore::connection;
using namespace sshcore::transport;
using namespace sshpp::test;
using Kind = ConnectionEventKind;

namespace {

std::string current_user() { return getpwuid(getuid())->pw_name; }

// What one session on Debian's sshd produced.
struct SessionResult {
  std::string error;
  std::size_t stdout_bytes = 0;
  std::string stdout_text;   // the first 64 KiB
  std::string stderr_text;
  std::optional<std::uint32_t> exit_status;
  bool eof = false, closed = false;
  std::uint32_t max_window = 0;
};

class ConnectionInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    chmod(dir_->path().c_str(), 0755);
    write_text(*dir_ / "authorized_keys",
               keys::format_public_key_line(user_key(keys::KeyType::kEd25519).public_key(), "interop") + "\n",
               0644);
    sshd_ = new DebianSshd(dir_->path(), "AuthorizedKeysFile " + (*dir_ / "authorized_keys") + "\n");
  }
  static void TearDownTestSuite() {
    delete sshd_;
    delete dir_;
  }

  // Logs in, opens a session, sends `requests` (pty-req etc. first, the exec last),
  // uploads `upload` bytes of 'u' then EOF, and collects everything until CLOSE.
  SessionResult session(const std::string& command, std::size_t upload,
                        const std::optional<PtyRequest>& pty = std::nullopt) {
    SessionResult out;
    int fd = connect_loopback(sshd_->port());
    EXPECT_GE(fd, 0);
    if (fd < 0) return out;
    TransportSession s(TransportConfig{}, {}, [](const keys::PublicKey&) -> Result<void> { return {}; });
    s.start();
    ScriptedUi ui;
    std::unique_ptr<UserauthClient> auth;
    std::unique_ptr<ConnectionSession> conn;
    std::vector<std::pair<std::string, std::string>> ext;
    ChannelId channel = 0;
    std::size_t uploaded = 0;
    const Bytes chunk(256 * 1024, 'u');
    auto push = [&]() -> bool {
      while (uploaded < upload) {
        auto n = conn->send_data(channel, ByteView(chunk).first(std::min(chunk.size(), upload - uploaded)));
        EXPECT_TRUE(n);
        if (!n) return false;
        if (*n == 0) return true;
        uploaded += *n;
      }
      EXPECT_TRUE(conn->send_eof(channel));
      return true;
    };
    out.error = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
      if (ev.kind == TransportEventKind::kExtInfo) ext = ev.extensions;
      if (ev.kind == TransportEventKind::kKexComplete) {
        if (conn) conn->on_kex_complete();
        if (!auth) {
          UserauthClientConfig cfg;
          cfg.user = current_user();
          cfg.host = "127.0.0.1";
          cfg.identities = {file_identity(ui, "/tmp/id_ed25519", user_key(keys::KeyType::kEd25519))};
          cfg.session_id = t.session_id();
          cfg.server_host_key = t.server_host_key();
          auth = std::make_unique<UserauthClient>(cfg, ui, [&t](ByteView m) { return t.send(m); });
          auth->on_ext_info(ext);
          EXPECT_TRUE(auth->start());
        }
      }
      if (ev.kind != TransportEventKind::kMessage || !auth) return true;
      std::uint8_t number = ev.message[0];
      if (!conn) {
        auto r = auth->handle(ev.message);
        EXPECT_TRUE(r) << r.error().message();
        if (!r || auth->outcome() == UserauthOutcome::kDenied) return false;
        if (auth->outcome() == UserauthOutcome::kSuccess) {
          ConnectionConfig cc;
          cc.kex_in_progress = [&t] { return t.kex_in_progress(); };
          conn = std::make_unique<ConnectionSession>(Role::kClient, [&t](ByteView m) { return t.send(m); }, cc);
          auto id = conn->open_session();
          EXPECT_TRUE(id);
          channel = *id;
        }
        return true;
      }
      if (number < msg::kFirst) return true;
      auto handled = conn->handle(ev.message);
      EXPECT_TRUE(handled) << handled.error().message();
      if (!handled) return false;
      while (auto e = conn->next_event()) {
        switch (e->kind) {
          case Kind::kOpenConfirmed:
            if (pty) {
              EXPECT_TRUE(conn->send_request(channel, *pty, true));
            }
            EXPECT_TRUE(conn->send_request(channel, ExecRequest{command}, true));
            if (!push()) return false;
            break;
          case Kind::kWindowAvailable:
            if (!push()) return false;
            break;
          case Kind::kChannelReply:
            EXPECT_TRUE(e->success);
            break;
          case Kind::kData:
            if (out.stdout_text.size() < 65536) out.stdout_text += as_chars(e->data);
            out.stdout_bytes += e->data.size();
            out.max_window = std::max(out.max_window, conn->channel(channel)->receive_window().window());
            EXPECT_TRUE(conn->consume(channel, e->data.size()));
            break;
          case Kind::kExtendedData:
            out.stderr_text += as_chars(e->data);
            EXPECT_TRUE(conn->consume(channel, e->data.size()));
            break;
          case Kind::kChannelRequest:
            if (e->request.type == ExitStatusRequest::kType) out.exit_status = e->request.body<ExitStatusRequest>()->exit_status;
            break;
          case Kind::kEof:
            // Not closing here: sshd sends exit-status after EOF, then CLOSE (which
            // the engine answers); closing first could lose the exit status.
            out.eof = true;
            break;
          case Kind::kClose:
            out.closed = true;
            return false;
          default:
            break;
        }
      }
      return true;
    }, std::chrono::seconds(60));
    close(fd);
    return out;
  }

  static TempDir* dir_;
  static DebianSshd* sshd_;
};
TempDir* ConnectionInterop::dir_ = nullptr;
DebianSshd* ConnectionInterop::sshd_ = nullptr;

TEST_F(ConnectionInterop, OurClientDownloadsWithStderrAndExitStatus) {
  SessionResult r = session("head -c 20000000 /dev/zero; echo oops >&2; exit 3", 0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.stdout_bytes, 20000000u) << sshd_->log();
  // sshd -D -e at DEBUG1 also copies its own debug lines of the session to our stderr.
  EXPECT_TRUE(r.stderr_text.ends_with("oops\n")) << r.stderr_text;
  EXPECT_EQ(r.exit_status, 3u);
  EXPECT_TRUE(r.eof);
  EXPECT_TRUE(r.closed);
  EXPECT_GT(r.max_window, kDefaultWindow);  // loopback drains fast: the window grew
  EXPECT_LE(r.max_window, kDefaultMaxWindow);
}

TEST_F(ConnectionInterop, OurClientUploadRespectsSshdWindow) {
  SessionResult r = session("wc -c", 20000000);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.stdout_text, "20000000\n") << sshd_->log();
  EXPECT_EQ(r.exit_status, 0u);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(sshd_->log().find("rcvd too much data"), std::string::npos);
}

TEST_F(ConnectionInterop, OurClientPtyModesReachTheTerminal) {
  std::vector<TerminalMode> modes = {{tty_op::kVintr, 0x07}, {tty_op::kEcho, 0}, {tty_op::kOspeed, 38400},
                                     {tty_op::kIspeed, 38400}};
  PtyRequest pty{"vt100", 91, 33, 0, 0, *encode_terminal_modes(modes)};
  SessionResult r = session("stty -a; echo TERM=$TERM", 0, pty);
  EXPECT_EQ(r.error, "");
  EXPECT_NE(r.stdout_text.find("rows 33; columns 91"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("intr = ^G"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("-echo "), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("TERM=vt100"), std::string::npos) << r.stdout_text;
  EXPECT_EQ(r.exit_status, 0u);
}

// ---- Debian's ssh against our server role ------------------------------------------

TEST(ConnectionInteropServer, DebianSshPipesThroughOurExec) {
  TempDir tmp;
  std::string key_file = tmp / "id_ed25519";
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key_file}).exit_code, 0);
  auto line = keys::parse_public_key_line(read_text(key_file + ".pub"));
  ASSERT_TRUE(line);
  MemoryPolicy policy;
  policy.users["tester"].authorized_keys.push_back(line->key);
  int port = 0;
  int listener = listen_loopback(port);
  ASSERT_GE(listener, 0);
  std::string out_file = tmp / "out";
  std::string ssh = "head -c 5000000 /dev/zero | /usr/bin/ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes "
                    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i " + key_file + " -p " +
                    std::to_string(port) + " tester@127.0.0.1 'cat' > " + out_file + "; echo status=$?";
  BackgroundProcess client({"/bin/sh", "-c", ssh}, tmp / "ssh.log");
  int fd = accept_one(listener, std::chrono::seconds(10));
  close(listener);
  ASSERT_GE(fd, 0);
  auto host_key = TransportPair::host_key(keys::KeyType::kEd25519);
  TransportConfig cfg;
  cfg.role = Role::kServer;
  cfg.server_sig_algs = {"ssh-ed25519"};
  TransportSession s(cfg, {host_key}, {});
  s.start();
  std::unique_ptr<UserauthServer> auth;
  std::unique_ptr<ConnectionSession> conn;
  std::string command;
  Bytes echo;          // received, not yet sent back
  std::size_t echoed = 0, received = 0;
  bool peer_eof = false, finished = false;
  auto flush = [&](ChannelId id) {
    if (!echo.empty()) {
      auto n = conn->send_data(id, echo);
      EXPECT_TRUE(n);
      if (!n) return;
      EXPECT_TRUE(conn->consume(id, *n));  // our "output buffer" drained by n
      echo.erase(echo.begin(), echo.begin() + static_cast<std::ptrdiff_t>(*n));
      echoed += *n;
    }
    if (echo.empty() && peer_eof && !finished) {
      finished = true;
      EXPECT_TRUE(conn->send_request(id, ExitStatusRequest{7}, false));
      EXPECT_TRUE(conn->send_eof(id));
      EXPECT_TRUE(conn->close(id));
    }
  };
  std::string err = drive(s, fd, [&](const TransportEvent& ev, TransportSession& t) {
    if (ev.kind == TransportEventKind::kKexComplete && !auth)
      auth = std::make_unique<UserauthServer>(policy, [&t](ByteView m) { return t.send(m); }, t.session_id(),
                                              std::vector<Bytes>{host_key->public_key().blob()});
    if (ev.kind == TransportEventKind::kKexComplete && conn) conn->on_kex_complete();
    if (ev.kind != TransportEventKind::kMessage || !auth) return true;
    std::uint8_t number = ev.message[0];
    if (number < msg::kFirst) {
      auto r = auth->handle(ev.message);
      EXPECT_TRUE(r);
      if (auth->authenticated() && !conn) {
        EXPECT_TRUE(t.enable_delayed_compression());
        ConnectionConfig cc;
        cc.kex_in_progress = [&t] { return t.kex_in_progress(); };
        conn = std::make_unique<ConnectionSession>(Role::kServer, [&t](ByteView m) { return t.send(m); }, cc);
      }
      return true;
    }
    if (!conn) return false;
    auto handled = conn->handle(ev.message);
    EXPECT_TRUE(handled) << handled.error().message();
    if (!handled) return false;
    while (auto e = conn->next_event()) {
      switch (e->kind) {
        case Kind::kChannelOpenRequest:
          EXPECT_EQ(e->open.type, "session");
          EXPECT_TRUE(conn->accept_open(e->channel));
          break;
        case Kind::kChannelRequest:
          if (e->request.type == ExecRequest::kType) command = e->request.body<ExecRequest>()->command;
          if (e->request.want_reply) {
            EXPECT_TRUE(e->request.type == ExecRequest::kType ? conn->reply_success(e->channel)
                                                              : conn->reply_failure(e->channel));
          }
          break;
        case Kind::kData:
          received += e->data.size();
          append(echo, e->data);  // consumed once echoed
          flush(e->channel);
          break;
        case Kind::kWindowAvailable:
          flush(e->channel);
          break;
        case Kind::kEof:
          peer_eof = true;
          flush(e->channel);
          break;
        case Kind::kClose:
          return false;
        default:
          break;
      }
    }
    return true;
  }, std::chrono::seconds(60));
  close(fd);
  EXPECT_EQ(client.wait(std::chrono::seconds(20)), 0);
  EXPECT_EQ(err, "");
  EXPECT_EQ(command, "cat");
  EXPECT_EQ(received, 5000000u);
  EXPECT_EQ(echoed, 5000000u);
  struct stat st {};
  ASSERT_EQ(stat(out_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 5000000) << client.log();
  EXPECT_NE(client.log().find("status=7"), std::string::npos) << client.log();
}

}  // namespace
