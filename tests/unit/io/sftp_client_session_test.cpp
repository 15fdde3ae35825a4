// SftpClientSession against a scripted server in a thread: it answers each batch of
// READs in reverse order and always short (777 bytes at most), so the download must
// re-request tails, accept replies out of order and still write every byte at its
// offset; a server that turns to garbage mid-transfer must fail the call cleanly
// and leave only the contiguous prefix behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"
#include "support/temp_dir.hpp"

using namespace sshcore;
using namespace sshcore::io;
using namespace sshpp::test;
namespace sftp = sshcore::apps::sftp;

namespace {

constexpr std::size_t kShortRead = 777;

class ScriptedServer {
 public:
  ScriptedServer(std::string content, std::size_t garbage_after) : content_(std::move(content)),
                                                                  garbage_after_(garbage_after) {}

  // Runs until the client closes its end; in_fd/out_fd are the server's ends.
  void serve(int in_fd, int out_fd) {
    sftp::PacketFramer framer;
    Bytes buf(65536);
    for (;;) {
      // Block for the first bytes, then take whatever else is queued: one batch.
      ssize_t n = ::read(in_fd, buf.data(), buf.size());
      if (n <= 0) break;
      framer.feed(ByteView(buf.data(), static_cast<std::size_t>(n)));
      pollfd p{in_fd, POLLIN, 0};
      while (::poll(&p, 1, 20) > 0 && (p.revents & POLLIN)) {
        n = ::read(in_fd, buf.data(), buf.size());
        if (n <= 0) break;
        framer.feed(ByteView(buf.data(), static_cast<std::size_t>(n)));
      }
      std::vector<Bytes> replies;
      for (;;) {
        auto payload = framer.next();
        if (!payload || !*payload) break;
        replies.push_back(answer(**payload));
      }
      // Reverse order: the last request of the batch is answered first.
      Bytes out;
      for (auto it = replies.rbegin(); it != replies.rend(); ++it) sftp::frame_packet(out, *it);
      if (served_ > garbage_after_) out.assign(64, 0xee);
      for (std::size_t off = 0; off < out.size();) {
        ssize_t w = ::write(out_fd, out.data() + off, out.size() - off);
        if (w <= 0) return;
        off += static_cast<std::size_t>(w);
      }
    }
  }

 private:
  Bytes answer(ByteView payload) {
    wire::Reader r(payload);
    auto type = static_cast<sftp::PacketType>(*r.u8());
    wire::Writer w;
    if (type == sftp::PacketType::kInit) {
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kVersion));
      w.u32(3);
      return to_bytes(w.view());
    }
    std::uint32_t id = *r.u32();
    auto status = [&](sftp::StatusCode code) {
      w.u8(static_cast<std::uint8_t>(sftp::PacketType::kStatus));
      w.u32(id);
      w.u32(static_cast<std::uint32_t>(code));
      w.string(std::string_view(""));
      w.string(std::string_view(""));
    };
    switch (type) {
      case sftp::PacketType::kStat: {
        w.u8(static_cast<std::uint8_t>(sftp::PacketType::kAttrs));
        w.u32(id);
        sftp::FileAttributes a;
        a.size = content_.size();
        a.permissions = 0100644;
        sftp::write_attributes(w, a);
        break;
      }
      case sftp::PacketType::kOpen:
        w.u8(static_cast<std::uint8_t>(sftp::PacketType::kHandle));
        w.u32(id);
        w.string(std::string_view("H"));
        break;
      case sftp::PacketType::kRead: {
        (void)r.string();
        std::uint64_t offset = *r.u64();
        std::uint32_t length = *r.u32();
        if (offset >= content_.size()) {
          status(sftp::StatusCode::kEof);
          break;
        }
        std::size_t n = std::min<std::size_t>({length, kShortRead, content_.size() - offset});
        w.u8(static_cast<std::uint8_t>(sftp::PacketType::kData));
        w.u32(id);
        w.string(std::string_view(content_).substr(offset, n));
        served_ += n;
        break;
      }
      default:
        status(sftp::StatusCode::kOk);
    }
    return to_bytes(w.view());
  }

  std::string content_;
  std::size_t garbage_after_;
  std::size_t served_ = 0;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Rig {
  std::thread thread;
  std::unique_ptr<SftpClientSession> session;
  Rig(ScriptedServer& server, const SftpSessionOptions& options) {
    int to_server[2], from_server[2];
    EXPECT_EQ(::pipe2(to_server, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(from_server, O_CLOEXEC), 0);
    thread = std::thread([&server, in = to_server[0], out = from_server[1]] {
      server.serve(in, out);
      ::close(in);
      ::close(out);
    });
    auto s = SftpClientSession::start(Fd(to_server[1]), Fd(from_server[0]), options);
    EXPECT_TRUE(s);
    if (s) session = std::move(*s);
  }
  ~Rig() {
    if (session) session->close();
    thread.join();
  }
};

std::string pattern_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return s;
}

}  // namespace

TEST(SftpClientSession, ReorderedShortRepliesStillReassemble) {
  TempDir dir;
  std::string content = pattern_bytes(200000);
  ScriptedServer server(content, SIZE_MAX);
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 16;
  Rig rig(server, options);
  ASSERT_TRUE(rig.session);
  EXPECT_EQ(rig.session->server_version(), 3u);
  EXPECT_TRUE(rig.session->extensions().empty());
  std::uint64_t last = 0;
  TransferOptions t;
  t.progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_GE(done, last);
    EXPECT_EQ(total, 200000u);
    last = done;
  };
  auto r = rig.session->download("/x", dir / "out", t);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(last, 200000u);
  EXPECT_TRUE(slurp(dir / "out") == content);
}

TEST(SftpClientSession, GarbageMidTransferFailsAndKeepsPrefix) {
  TempDir dir;
  std::string content = pattern_bytes(300000);
  ScriptedServer server(content, 50000);
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 8;
  Rig rig(server, options);
  ASSERT_TRUE(rig.session);
  auto r = rig.session->download("/x", dir / "out");
  ASSERT_FALSE(r);
  EXPECT_FALSE(rig.session->connected());
  EXPECT_EQ(rig.session->last_status(), sftp::StatusCode::kBadMessage);
  std::string partial = slurp(dir / "out");
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), content.size());
  EXPECT_TRUE(content.compare(0, partial.size(), partial) == 0);
  EXPECT_FALSE(rig.session->stat("/x"));
}

TEST(SftpClientSession, InterruptStopsDrainsAndCutsAtPrefix) {
  TempDir dir;
  std::string content = pattern_bytes(400000);
  ScriptedServer server(content, SIZE_MAX);
  SftpSessionOptions options;
  options.request_size = 4096;
  options.requests_in_flight = 8;
  Rig rig(server, options);
  ASSERT_TRUE(rig.session);
  volatile std::sig_atomic_t flag = 0;
  TransferOptions t;
  t.interrupted = &flag;
  t.progress = [&](std::uint64_t done, std::uint64_t) {
    if (done > 100000) flag = 1;
  };
  auto r = rig.session->download("/x", dir / "out", t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail, "Interrupted");
  EXPECT_TRUE(rig.session->connected());  // drained: the session stays usable
  std::string partial = slurp(dir / "out");
  EXPECT_GT(partial.size(), 100000u);
  EXPECT_LT(partial.size(), content.size());
  EXPECT_TRUE(content.compare(0, partial.size(), partial) == 0);
  EXPECT_TRUE(rig.session->stat("/x"));
}
