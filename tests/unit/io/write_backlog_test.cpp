// WriteBacklog against real pipes and sockets: what the receiver cannot take is held
// (in a private pipe when the receiver is a pipe, then a queue) and arrives later in
// order and complete; a receiver that goes away drops everything with an exact count.
#include "sshcore/io/write_backlog.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "sshcore/io/fd.hpp"

using sshcore::Bytes;
using sshcore::ByteView;
using sshcore::io::WriteBacklog;

namespace {

Bytes random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& c : b) c = static_cast<std::uint8_t>(rng());
  return b;
}

// Reads what is there now (non-blocking).
void read_available(int fd, Bytes& into) {
  std::uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return;
    into.insert(into.end(), buf, buf + n);
  }
}

struct IgnoreSigpipe {
  IgnoreSigpipe() { ::signal(SIGPIPE, SIG_IGN); }
};

}  // namespace

TEST(WriteBacklog, PipeReceiverGetsEverythingInOrderThroughThePrivatePipeAndTheQueue) {
  auto ends = sshcore::io::make_pipe();
  ASSERT_TRUE(ends);
  ASSERT_GE(::fcntl(ends->write.get(), F_SETPIPE_SZ, 64 * 1024), 0);
  const int to = ends->write.get(), from = ends->read.get();
  Bytes sent, got;
  std::size_t delivered = 0;
  WriteBacklog backlog;
  // 3 MiB in 255 KiB packets while nobody reads: 64 KiB go through, 1 MiB waits in the
  // private pipe, the rest in the queue.
  for (unsigned i = 0; i < 12; ++i) {
    Bytes packet = random_bytes(255 * 1024, i);
    sent.insert(sent.end(), packet.begin(), packet.end());
    WriteBacklog::Written w = backlog.write(to, packet);
    ASSERT_FALSE(w.failed);
    delivered += w.delivered;
  }
  EXPECT_EQ(delivered, 64u * 1024);
  EXPECT_EQ(backlog.held(), sent.size() - delivered);
  EXPECT_GE(backlog.staged(), 512u * 1024);  // the private pipe holds part (pipe-max-size is 1 MiB)
  EXPECT_GT(backlog.held(), backlog.staged());  // and the queue the rest
  // The reader drains in turns; new data keeps arriving meanwhile.
  for (unsigned i = 12; i < 16 || !backlog.empty(); ++i) {
    read_available(from, got);
    WriteBacklog::Written w = backlog.flush(to);
    ASSERT_FALSE(w.failed);
    delivered += w.delivered;
    if (i < 16) {
      Bytes packet = random_bytes(100 * 1024 + i, i);
      sent.insert(sent.end(), packet.begin(), packet.end());
      w = backlog.write(to, packet);
      ASSERT_FALSE(w.failed);
      delivered += w.delivered;
    }
  }
  read_available(from, got);
  EXPECT_EQ(delivered, sent.size());
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_TRUE(got == sent);
}

TEST(WriteBacklog, SocketReceiverQueuesInOrder) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
  sshcore::io::Fd a(sv[0]), b(sv[1]);
  Bytes sent, got;
  WriteBacklog backlog;
  for (unsigned i = 0; i < 20; ++i) {
    Bytes packet = random_bytes(200 * 1024, 100 + i);
    sent.insert(sent.end(), packet.begin(), packet.end());
    ASSERT_FALSE(backlog.write(a.get(), packet).failed);
  }
  EXPECT_GT(backlog.held(), 0u);
  EXPECT_EQ(backlog.staged(), 0u);  // no private pipe for a socket
  while (!backlog.empty()) {
    read_available(b.get(), got);
    ASSERT_FALSE(backlog.flush(a.get()).failed);
  }
  read_available(b.get(), got);
  EXPECT_TRUE(got == sent);
}

TEST(WriteBacklog, GoneReaderDropsWhatIsHeldAndTheRestWithACount) {
  IgnoreSigpipe ignore;
  auto ends = sshcore::io::make_pipe();
  ASSERT_TRUE(ends);
  ASSERT_GE(::fcntl(ends->write.get(), F_SETPIPE_SZ, 64 * 1024), 0);
  WriteBacklog backlog;
  Bytes packet = random_bytes(255 * 1024, 7);
  WriteBacklog::Written first = backlog.write(ends->write.get(), packet);
  ASSERT_FALSE(first.failed);
  std::size_t held = backlog.held();
  EXPECT_EQ(first.delivered + held, packet.size());
  ends->read.reset();  // the reader exits
  WriteBacklog::Written w = backlog.write(ends->write.get(), packet);
  EXPECT_TRUE(w.failed);
  EXPECT_EQ(w.delivered, 0u);
  EXPECT_EQ(w.dropped, held + packet.size());
  EXPECT_TRUE(backlog.empty());
}

TEST(WriteBacklog, DrainWaitsUntilTheReaderHasTakenEverything) {
  auto ends = sshcore::io::make_pipe();
  ASSERT_TRUE(ends);
  WriteBacklog backlog;
  Bytes packet = random_bytes(3 * 1024 * 1024, 9);
  std::size_t delivered = backlog.write(ends->write.get(), packet).delivered;
  ASSERT_GT(backlog.held(), 0u);
  Bytes got;
  std::thread reader([&] {
    std::uint8_t buf[65536];
    ASSERT_EQ(::fcntl(ends->read.get(), F_SETFL, 0), 0);  // blocking reads
    while (got.size() < packet.size()) {
      ssize_t n = ::read(ends->read.get(), buf, sizeof buf);
      if (n <= 0) break;
      got.insert(got.end(), buf, buf + n);
    }
  });
  WriteBacklog::Written w = backlog.drain(ends->write.get());
  reader.join();
  EXPECT_FALSE(w.failed);
  EXPECT_EQ(delivered + w.delivered, packet.size());
  EXPECT_TRUE(got == packet);
}
