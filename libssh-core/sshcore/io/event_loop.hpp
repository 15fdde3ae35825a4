// EventLoop: the one poll(2) loop each process runs (DESIGN.md section 2).
//
// It watches descriptors, runs one-shot timers on the steady clock and delivers
// signals through a signalfd, all as callbacks on the loop's own stack: no
// threads, and no work in a signal handler. Following OpenSSH's ptimeout (ANCHORS
// O17), every component contributes "wake me by T" (a timer, or wake_by() for the
// next poll only) and each poll sleeps until the earliest of them.
//
// Callbacks may watch, unwatch, add or cancel anything, including themselves.
// Signals handed to watch_signal() are blocked in the process mask while watched;
// a child forked from the loop inherits that mask and must restore it before exec.
#pragma once

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshcore::io {

// What a watch wants to hear about; combine as kRead | kWrite.
enum Interest : unsigned {
  kNone = 0,
  kRead = 1,
  kWrite = 2,
};

// What poll(2) reported for a descriptor. hangup and error are reported whatever
// the interest, as poll does, so a reader learns of a dead peer.
struct Readiness {
  bool readable = false;
  bool writable = false;
  bool hangup = false;
  bool error = false;
};

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using FdCallback = std::function<void(Readiness)>;
  using TimerCallback = std::function<void()>;
  using SignalCallback = std::function<void(int signo)>;
  using TimerId = std::uint64_t;

  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  // Unblocks the signals it blocked (discarding any still pending, so a default
  // action such as SIGUSR1's cannot kill the process on the way out).
  ~EventLoop();

  // ---- descriptors (not owned: the caller keeps its Fd alive while watched) ----
  // Fails with kInvalidArgument for a negative fd or one already watched.
  Result<void> watch(int fd, unsigned interest, FdCallback callback);
  // Fails with kNotFound when `fd` is not watched.
  Result<void> set_interest(int fd, unsigned interest);
  // Returns whether `fd` was watched.
  bool unwatch(int fd);
  bool watching(int fd) const { return fds_.contains(fd); }

  // ---- timers (one-shot) -------------------------------------------------------
  // Timers with the same deadline fire in the order they were added.
  TimerId add_timer(TimePoint deadline, TimerCallback callback);
  TimerId add_timer_after(Clock::duration delay, TimerCallback callback);
  // Returns whether the timer was still pending.
  bool cancel_timer(TimerId id);
  // The earliest deadline the next poll will honour, if any.
  std::optional<TimePoint> next_deadline() const;
  // "Wake me by T" for the next poll only, for components that recompute their
  // deadline each round instead of keeping a timer.
  void wake_by(TimePoint deadline);

  // ---- signals -----------------------------------------------------------------
  // Blocks `signo` and delivers it to `callback` from the loop. Replaces an
  // earlier callback for the same signal.
  Result<void> watch_signal(int signo, SignalCallback callback);
  // Returns whether `signo` was watched; restores its blocked state as it was.
  bool unwatch_signal(int signo);

  // ---- running -----------------------------------------------------------------
  // Polls once, waiting at most `timeout` (nullopt: until something happens or a
  // deadline passes), then runs every callback that is due. Returns how many ran.
  Result<std::size_t> run_once(std::optional<Clock::duration> timeout = std::nullopt);
  // Runs until stop() is called or nothing is watched (no fds, timers or signals).
  Result<void> run();
  // Makes run() return after the current round; safe to call from any callback.
  void stop() { stop_requested_ = true; }
  bool has_work() const { return !fds_.empty() || !timers_.empty() || !signals_.empty(); }

 private:
  struct Watch {
    unsigned interest;
    std::uint64_t generation;  // tells a re-watched fd from the one that was polled
    std::shared_ptr<FdCallback> callback;
  };

  Result<void> update_signal_fd();
  std::size_t run_due_timers();
  std::size_t dispatch_signals();

  std::map<int, Watch> fds_;
  std::uint64_t next_generation_ = 1;

  std::set<std::pair<TimePoint, TimerId>> timer_order_;
  std::map<TimerId, std::pair<TimePoint, TimerCallback>> timers_;
  TimerId next_timer_id_ = 1;
  std::optional<TimePoint> wake_by_;

  std::map<int, std::shared_ptr<SignalCallback>> signals_;
  sigset_t blocked_by_us_{};  // signals this loop added to the process mask
  bool blocked_by_us_init_ = false;
  Fd signal_fd_;

  bool stop_requested_ = false;
};

}  // namespace sshcore::io
