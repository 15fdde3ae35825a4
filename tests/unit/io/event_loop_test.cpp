#include "sshcore/io/event_loop.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sshcore/io/fd.hpp"

namespace sshcore::io {
namespace {

using namespace std::chrono_literals;
using Clock = EventLoop::Clock;

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

bool signal_blocked(int signo) {
  sigset_t current;
  ::sigprocmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signo) == 1;
}

// ---- Fd ----------------------------------------------------------------------------

TEST(Fd, ClosesOnDestructionAndMoves) {
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe) << pipe.error().message();
  int raw = pipe->read.get();
  {
    Fd moved(std::move(pipe->read));
    EXPECT_FALSE(pipe->read.valid());
    EXPECT_EQ(moved.get(), raw);
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(Fd, ReleaseKeepsDescriptorOpen) {
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  int raw = pipe->write.release();
  EXPECT_FALSE(pipe->write.valid());
  EXPECT_TRUE(is_open(raw));
  Fd again(raw);  // closes it at the end of the test
}

TEST(Fd, PipeIsNonBlockingAndCloseOnExec) {
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  for (int fd : {pipe->read.get(), pipe->write.get()}) {
    EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  }
  ASSERT_TRUE(set_nonblocking(pipe->read.get(), false));
  EXPECT_FALSE(::fcntl(pipe->read.get(), F_GETFL) & O_NONBLOCK);
  ASSERT_TRUE(set_cloexec(pipe->read.get(), false));
  EXPECT_FALSE(::fcntl(pipe->read.get(), F_GETFD) & FD_CLOEXEC);
  EXPECT_FALSE(set_nonblocking(-1));
}

// ---- timers ------------------------------------------------------------------------

TEST(EventLoopTimers, FireInDeadlineOrderThenRunReturns) {
  EventLoop loop;
  std::vector<std::string> fired;
  auto base = Clock::now();
  loop.add_timer(base + 30ms, [&] { fired.push_back("30"); });
  loop.add_timer(base + 10ms, [&] { fired.push_back("10a"); });
  loop.add_timer(base + 20ms, [&] { fired.push_back("20"); });
  loop.add_timer(base + 10ms, [&] { fired.push_back("10b"); });
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(fired, (std::vector<std::string>{"10a", "10b", "20", "30"}));
  EXPECT_GE(Clock::now() - base, 30ms);
  EXPECT_FALSE(loop.has_work());
}

TEST(EventLoopTimers, CancelledTimersDoNotFire) {
  EventLoop loop;
  std::vector<int> fired;
  auto base = Clock::now();
  auto first = loop.add_timer(base + 5ms, [&] { fired.push_back(1); });
  auto second = loop.add_timer(base + 10ms, [&] { fired.push_back(2); });
  // Due in the same round as the next one, cancelled by it before it can run.
  EventLoop::TimerId fourth = 0;
  loop.add_timer(base + 15ms, [&] {
    fired.push_back(3);
    EXPECT_TRUE(loop.cancel_timer(fourth));
  });
  fourth = loop.add_timer(base + 15ms, [&] { fired.push_back(4); });
  EXPECT_TRUE(loop.cancel_timer(second));
  EXPECT_FALSE(loop.cancel_timer(second));
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_FALSE(loop.cancel_timer(first));
}

TEST(EventLoopTimers, NextDeadlineIsTheMinimumOfTimersAndWakeBy) {
  EventLoop loop;
  EXPECT_FALSE(loop.next_deadline());
  auto base = Clock::now();
  loop.add_timer(base + 10s, [] {});
  EXPECT_EQ(loop.next_deadline(), base + 10s);
  loop.wake_by(base + 5s);
  loop.wake_by(base + 7s);  // a later contribution does not move the minimum
  EXPECT_EQ(loop.next_deadline(), base + 5s);
}

TEST(EventLoopTimers, RunOnceHonoursTimeoutAndWakeBy) {
  EventLoop loop;
  auto start = Clock::now();
  auto ran = loop.run_once(20ms);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 0u);
  EXPECT_GE(Clock::now() - start, 20ms);

  // No timeout given: only the wake_by contribution ends the poll. The guard
  // timer bounds the test if it did not.
  bool guard_fired = false;
  auto guard = loop.add_timer_after(5s, [&] { guard_fired = true; });
  start = Clock::now();
  loop.wake_by(start + 20ms);
  ran = loop.run_once();
  ASSERT_TRUE(ran);
  EXPECT_FALSE(guard_fired);
  EXPECT_GE(Clock::now() - start, 20ms);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(loop.cancel_timer(guard));
}

// ---- descriptors -------------------------------------------------------------------

TEST(EventLoopFds, PipeReadinessAndInterestChanges) {
  EventLoop loop;
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  int reads = 0;
  std::string got;
  ASSERT_TRUE(loop.watch(pipe->read.get(), kRead, [&](Readiness r) {
    EXPECT_TRUE(r.readable);
    ++reads;
    char buf[16];
    ssize_t n = ::read(pipe->read.get(), buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
  }));
  EXPECT_FALSE(loop.watch(pipe->read.get(), kRead, [](Readiness) {}));  // already watched

  auto ran = loop.run_once(0ms);  // nothing written yet
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 0u);

  ASSERT_EQ(::write(pipe->write.get(), "hi", 2), 2);
  ran = loop.run_once(1s);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 1u);
  EXPECT_EQ(got, "hi");

  // With no interest the data waits; restoring interest delivers it.
  ASSERT_TRUE(loop.set_interest(pipe->read.get(), kNone));
  ASSERT_EQ(::write(pipe->write.get(), "yo", 2), 2);
  ran = loop.run_once(20ms);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 0u);
  ASSERT_TRUE(loop.set_interest(pipe->read.get(), kRead));
  ran = loop.run_once(1s);
  ASSERT_TRUE(ran);
  EXPECT_EQ(got, "hiyo");
  EXPECT_EQ(reads, 2);

  EXPECT_TRUE(loop.unwatch(pipe->read.get()));
  EXPECT_FALSE(loop.unwatch(pipe->read.get()));
  EXPECT_FALSE(loop.set_interest(pipe->read.get(), kRead));
  EXPECT_FALSE(loop.has_work());
}

TEST(EventLoopFds, WriteInterestAndHangupOnAPipe) {
  EventLoop loop;
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  Readiness seen;
  ASSERT_TRUE(loop.watch(pipe->write.get(), kWrite, [&](Readiness r) { seen = r; }));
  auto ran = loop.run_once(1s);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 1u);
  EXPECT_TRUE(seen.writable);
  EXPECT_FALSE(seen.readable);
  loop.unwatch(pipe->write.get());

  ASSERT_TRUE(loop.watch(pipe->read.get(), kRead, [&](Readiness r) { seen = r; }));
  pipe->write.reset();  // writer gone: the reader sees the hangup
  seen = {};
  ran = loop.run_once(1s);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 1u);
  EXPECT_TRUE(seen.hangup);
}

TEST(EventLoopFds, SocketpairBothDirections) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
  Fd a(sv[0]);
  Fd b(sv[1]);
  EventLoop loop;
  std::string at_a, at_b;
  auto reader = [](int fd, std::string& into) {
    return [fd, &into](Readiness r) {
      if (!r.readable) return;
      char buf[64];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) into.append(buf, static_cast<std::size_t>(n));
    };
  };
  ASSERT_TRUE(loop.watch(a.get(), kRead, reader(a.get(), at_a)));
  ASSERT_TRUE(loop.watch(b.get(), kRead, reader(b.get(), at_b)));
  ASSERT_EQ(::write(a.get(), "to-b", 4), 4);
  ASSERT_EQ(::write(b.get(), "to-a", 4), 4);
  auto deadline = Clock::now() + 2s;
  while ((at_a.size() < 4 || at_b.size() < 4) && Clock::now() < deadline) {
    ASSERT_TRUE(loop.run_once(100ms));
  }
  EXPECT_EQ(at_a, "to-a");
  EXPECT_EQ(at_b, "to-b");
}

TEST(EventLoopFds, CallbackMayUnwatchAnotherReadyFd) {
  auto p1 = make_pipe();
  auto p2 = make_pipe();
  ASSERT_TRUE(p1 && p2);
  ASSERT_EQ(::write(p1->write.get(), "x", 1), 1);
  ASSERT_EQ(::write(p2->write.get(), "x", 1), 1);
  EventLoop loop;
  int calls = 0;
  int r1 = p1->read.get(), r2 = p2->read.get();
  ASSERT_TRUE(loop.watch(r1, kRead, [&](Readiness) { ++calls; loop.unwatch(r2); }));
  ASSERT_TRUE(loop.watch(r2, kRead, [&](Readiness) { ++calls; loop.unwatch(r1); }));
  auto ran = loop.run_once(1s);
  ASSERT_TRUE(ran);
  EXPECT_EQ(*ran, 1u);
  EXPECT_EQ(calls, 1);
}

TEST(EventLoopFds, CallbackMayUnwatchItself) {
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  ASSERT_EQ(::write(pipe->write.get(), "x", 1), 1);
  EventLoop loop;
  std::string owned = "captured state";  // would be freed under the callback if not held
  std::string seen;
  int fd = pipe->read.get();
  ASSERT_TRUE(loop.watch(fd, kRead, [&loop, fd, owned, &seen](Readiness) {
    loop.unwatch(fd);
    seen = owned;
  }));
  ASSERT_TRUE(loop.run());  // returns: nothing is watched once the callback ran
  EXPECT_EQ(seen, "captured state");
}

TEST(EventLoopFds, RejectsBadArguments) {
  EventLoop loop;
  EXPECT_FALSE(loop.watch(-1, kRead, [](Readiness) {}));
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  EXPECT_FALSE(loop.watch(pipe->read.get(), kRead, nullptr));
}

// ---- signals -----------------------------------------------------------------------

TEST(EventLoopSignals, RaisedSignalIsDeliveredInTheLoop) {
  ASSERT_FALSE(signal_blocked(SIGUSR1));
  {
    EventLoop loop;
    std::vector<int> got;
    ASSERT_TRUE(loop.watch_signal(SIGUSR1, [&](int signo) { got.push_back(signo); }));
    EXPECT_TRUE(signal_blocked(SIGUSR1));
    ASSERT_EQ(::raise(SIGUSR1), 0);  // blocked: stays pending until the loop reads it
    EXPECT_TRUE(got.empty());
    auto deadline = Clock::now() + 2s;
    while (got.empty() && Clock::now() < deadline) ASSERT_TRUE(loop.run_once(100ms));
    EXPECT_EQ(got, std::vector<int>{SIGUSR1});

    // Unwatching unblocks it again, discarding a pending instance rather than
    // letting its default action end the test.
    ASSERT_EQ(::raise(SIGUSR1), 0);
    EXPECT_TRUE(loop.unwatch_signal(SIGUSR1));
    EXPECT_FALSE(loop.unwatch_signal(SIGUSR1));
    EXPECT_FALSE(signal_blocked(SIGUSR1));
    EXPECT_EQ(got.size(), 1u);
  }
  EXPECT_FALSE(signal_blocked(SIGUSR1));
}

TEST(EventLoopSignals, TwoSignalsAndMaskRestoredByDestructor) {
  {
    EventLoop loop;
    std::vector<int> got;
    ASSERT_TRUE(loop.watch_signal(SIGUSR1, [&](int s) { got.push_back(s); }));
    ASSERT_TRUE(loop.watch_signal(SIGUSR2, [&](int s) { got.push_back(s); }));
    ASSERT_EQ(::raise(SIGUSR2), 0);
    ASSERT_EQ(::raise(SIGUSR1), 0);
    auto deadline = Clock::now() + 2s;
    while (got.size() < 2 && Clock::now() < deadline) ASSERT_TRUE(loop.run_once(100ms));
    std::sort(got.begin(), got.end());
    std::vector<int> want{SIGUSR1, SIGUSR2};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
    ASSERT_EQ(::raise(SIGUSR2), 0);  // left pending when the loop goes away
  }
  EXPECT_FALSE(signal_blocked(SIGUSR1));
  EXPECT_FALSE(signal_blocked(SIGUSR2));
}

TEST(EventLoopSignals, UncatchableSignalsAreRefused) {
  EventLoop loop;
  EXPECT_FALSE(loop.watch_signal(SIGKILL, [](int) {}));
  EXPECT_FALSE(loop.watch_signal(SIGSTOP, [](int) {}));
  EXPECT_FALSE(loop.watch_signal(10000, [](int) {}));
  EXPECT_FALSE(loop.has_work());
}

// ---- stop --------------------------------------------------------------------------

TEST(EventLoopRun, StopEndsRunWhileFdsAreStillWatched) {
  auto pipe = make_pipe();
  ASSERT_TRUE(pipe);
  EventLoop loop;
  ASSERT_TRUE(loop.watch(pipe->read.get(), kRead, [](Readiness) {}));  // never ready
  bool guard_fired = false;
  loop.add_timer_after(5s, [&] {  // bounds the test if stop() did nothing
    guard_fired = true;
    loop.unwatch(pipe->read.get());
  });
  loop.add_timer_after(10ms, [&] { loop.stop(); });
  auto start = Clock::now();
  ASSERT_TRUE(loop.run());
  EXPECT_FALSE(guard_fired);
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(loop.watching(pipe->read.get()));

  // run() can be entered again after a stop.
  loop.add_timer_after(1ms, [&] { loop.stop(); });
  ASSERT_TRUE(loop.run());
  EXPECT_FALSE(guard_fired);
}

}  // namespace
}  // namespace sshcore::io
