#include "sshcore/io/event_loop.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <string>
#include <vector>

#include "sshcore/io/file_io.hpp"

namespace sshcore::io {
namespace {

short poll_events(unsigned interest) {
  short events = 0;
  if (interest & kRead) events |= POLLIN;
  if (interest & kWrite) events |= POLLOUT;
  return events;
}

// poll(2) takes whole milliseconds; rounding up keeps the loop from waking just
// before a deadline and spinning through zero-timeout polls until it passes.
int poll_timeout_ms(std::optional<EventLoop::TimePoint> until) {
  if (!until) return -1;
  auto left = *until - EventLoop::Clock::now();
  if (left <= EventLoop::Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

// Consumes any pending instance of `signo` so that unblocking it cannot run its
// default action (SIGUSR1 and SIGTERM would end the process).
void discard_pending(int signo) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signo);
  const timespec zero{0, 0};
  while (::sigtimedwait(&one, nullptr, &zero) == signo) {
  }
}

void unblock(int signo) {
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, signo);
  ::sigprocmask(SIG_UNBLOCK, &one, nullptr);
}

}  // namespace

EventLoop::~EventLoop() {
  std::vector<int> watched;
  for (const auto& [signo, callback] : signals_) watched.push_back(signo);
  for (int signo : watched) unwatch_signal(signo);
}

// ---- descriptors -----------------------------------------------------------------

Result<void> EventLoop::watch(int fd, unsigned interest, FdCallback callback) {
  if (fd < 0) return fail(Errc::kInvalidArgument, "negative file descriptor");
  if (!callback) return fail(Errc::kInvalidArgument, "empty callback");
  if (fds_.contains(fd)) {
    return fail(Errc::kInvalidArgument, "file descriptor " + std::to_string(fd) + " already watched");
  }
  fds_.emplace(fd, Watch{interest, next_generation_++,
                         std::make_shared<FdCallback>(std::move(callback))});
  return {};
}

Result<void> EventLoop::set_interest(int fd, unsigned interest) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) {
    return fail(Errc::kNotFound, "file descriptor " + std::to_string(fd) + " not watched");
  }
  it->second.interest = interest;
  return {};
}

bool EventLoop::unwatch(int fd) { return fds_.erase(fd) > 0; }

// ---- timers ----------------------------------------------------------------------

EventLoop::TimerId EventLoop::add_timer(TimePoint deadline, TimerCallback callback) {
  TimerId id = next_timer_id_++;
  timer_order_.emplace(deadline, id);
  timers_.emplace(id, std::make_pair(deadline, std::move(callback)));
  return id;
}

EventLoop::TimerId EventLoop::add_timer_after(Clock::duration delay, TimerCallback callback) {
  return add_timer(Clock::now() + delay, std::move(callback));
}

bool EventLoop::cancel_timer(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return false;
  timer_order_.erase({it->second.first, id});
  timers_.erase(it);
  return true;
}

std::optional<EventLoop::TimePoint> EventLoop::next_deadline() const {
  std::optional<TimePoint> earliest = wake_by_;
  if (!timer_order_.empty()) {
    TimePoint t = timer_order_.begin()->first;
    if (!earliest || t < *earliest) earliest = t;
  }
  return earliest;
}

void EventLoop::wake_by(TimePoint deadline) {
  if (!wake_by_ || deadline < *wake_by_) wake_by_ = deadline;
}

std::size_t EventLoop::run_due_timers() {
  const TimePoint now = Clock::now();
  // Collected first: a timer added by a callback for "now" runs next round, so a
  // callback that re-arms itself cannot starve the descriptors.
  std::vector<TimerId> due;
  for (const auto& [deadline, id] : timer_order_) {
    if (deadline > now) break;
    due.push_back(id);
  }
  std::size_t ran = 0;
  for (TimerId id : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled by an earlier callback
    TimerCallback callback = std::move(it->second.second);
    timer_order_.erase({it->second.first, id});
    timers_.erase(it);
    if (callback) callback();
    ++ran;
  }
  return ran;
}

// ---- signals ---------------------------------------------------------------------

Result<void> EventLoop::watch_signal(int signo, SignalCallback callback) {
  if (!callback) return fail(Errc::kInvalidArgument, "empty callback");
  if (signo == SIGKILL || signo == SIGSTOP) {
    return fail(Errc::kInvalidArgument, "signal " + std::to_string(signo) + " cannot be caught");
  }
  sigset_t one;
  sigemptyset(&one);
  if (sigaddset(&one, signo) != 0) {
    return fail(Errc::kInvalidArgument, "invalid signal " + std::to_string(signo));
  }
  if (!blocked_by_us_init_) {
    sigemptyset(&blocked_by_us_);
    blocked_by_us_init_ = true;
  }
  // Blocked before the signalfd exists, so no instance slips past to a handler.
  sigset_t old;
  if (::sigprocmask(SIG_BLOCK, &one, &old) != 0) return fail(system_error(errno));
  if (!sigismember(&old, signo)) sigaddset(&blocked_by_us_, signo);

  auto previous = signals_.find(signo);
  std::shared_ptr<SignalCallback> replaced;
  if (previous != signals_.end()) replaced = previous->second;
  signals_[signo] = std::make_shared<SignalCallback>(std::move(callback));
  if (auto r = update_signal_fd(); !r) {
    if (replaced) {
      signals_[signo] = replaced;
    } else {
      unwatch_signal(signo);
    }
    return r;
  }
  return {};
}

bool EventLoop::unwatch_signal(int signo) {
  if (signals_.erase(signo) == 0) return false;
  // Shrinking the mask only narrows what the signalfd reports; it cannot fail
  // for a descriptor we created, and a failure would leave a harmless superset.
  (void)update_signal_fd();
  if (blocked_by_us_init_ && sigismember(&blocked_by_us_, signo)) {
    discard_pending(signo);
    unblock(signo);
    sigdelset(&blocked_by_us_, signo);
  }
  return true;
}

Result<void> EventLoop::update_signal_fd() {
  if (signals_.empty()) {
    signal_fd_.reset();
    return {};
  }
  sigset_t mask;
  sigemptyset(&mask);
  for (const auto& [signo, callback] : signals_) sigaddset(&mask, signo);
  int fd = ::signalfd(signal_fd_.valid() ? signal_fd_.get() : -1, &mask,
                      SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return fail(system_error(errno));
  if (!signal_fd_.valid()) signal_fd_.reset(fd);
  return {};
}

std::size_t EventLoop::dispatch_signals() {
  std::size_t ran = 0;
  for (;;) {
    signalfd_siginfo info;
    ssize_t n = ::read(signal_fd_.get(), &info, sizeof info);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof info)) break;  // EAGAIN: drained
    int signo = static_cast<int>(info.ssi_signo);
    auto it = signals_.find(signo);
    if (it == signals_.end()) continue;
    // Held by a copy so the callback may unwatch its own signal.
    std::shared_ptr<SignalCallback> callback = it->second;
    (*callback)(signo);
    ++ran;
    if (!signal_fd_.valid()) break;  // the last signal was unwatched
  }
  return ran;
}

// ---- running ---------------------------------------------------------------------

Result<std::size_t> EventLoop::run_once(std::optional<Clock::duration> timeout) {
  struct Polled {
    int fd;
    std::uint64_t generation;
  };
  std::vector<pollfd> pfds;
  std::vector<Polled> polled;
  pfds.reserve(fds_.size() + 1);
  polled.reserve(fds_.size());
  for (const auto& [fd, w] : fds_) {
    // An fd with no interest is left out: poll would still report its hangup
    // every round and the loop would spin.
    if (w.interest == kNone) continue;
    pfds.push_back(pollfd{fd, poll_events(w.interest), 0});
    polled.push_back(Polled{fd, w.generation});
  }
  const bool with_signals = signal_fd_.valid();
  if (with_signals) pfds.push_back(pollfd{signal_fd_.get(), POLLIN, 0});

  std::optional<TimePoint> until = next_deadline();
  if (timeout) {
    TimePoint limit = Clock::now() + *timeout;
    if (!until || limit < *until) until = limit;
  }
  wake_by_.reset();

  int n = ::poll(pfds.data(), pfds.size(), poll_timeout_ms(until));
  if (n < 0) {
    if (errno == EINTR) return std::size_t{0};
    return fail(system_error(errno));
  }

  std::size_t ran = 0;
  if (n > 0) {
    for (std::size_t i = 0; i < polled.size(); ++i) {
      const short revents = pfds[i].revents;
      if (revents == 0) continue;
      auto it = fds_.find(polled[i].fd);
      // Unwatched, or closed and re-watched, by an earlier callback this round.
      if (it == fds_.end() || it->second.generation != polled[i].generation) continue;
      Readiness ready;
      ready.readable = (revents & POLLIN) && (it->second.interest & kRead);
      ready.writable = (revents & POLLOUT) && (it->second.interest & kWrite);
      ready.hangup = (revents & POLLHUP) != 0;
      ready.error = (revents & (POLLERR | POLLNVAL)) != 0;
      if (!ready.readable && !ready.writable && !ready.hangup && !ready.error) continue;
      std::shared_ptr<FdCallback> callback = it->second.callback;
      (*callback)(ready);
      ++ran;
    }
    if (with_signals && (pfds.back().revents & POLLIN) && signal_fd_.valid()) {
      ran += dispatch_signals();
    }
  }
  ran += run_due_timers();
  return ran;
}

Result<void> EventLoop::run() {
  Result<void> outcome;
  while (!stop_requested_ && has_work()) {
    if (auto r = run_once(); !r) {
      outcome = fail(std::move(r).error());
      break;
    }
  }
  stop_requested_ = false;
  return outcome;
}

}  // namespace sshcore::io
