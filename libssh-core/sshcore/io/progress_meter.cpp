// The progress meter line of OpenSSH's progressmeter.c: the file name padded to the
// terminal width minus 36 columns, then " 45%  460MB 153.2MB/s   00:03 ETA". The rate
// is aged (0.9 old, 0.1 new per redraw) so the line does not jitter; the last line
// shows the average over the whole transfer and the total time. A ticker thread plays
// the part of OpenSSH's once-a-second SIGALRM.
#include "sshcore/io/progress_meter.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace sshcore::io {
namespace {

constexpr char kUnits[] = " KMGT";
constexpr double kStallSeconds = 5.0;
constexpr double kAgeFactor = 0.9;

// "%4lld%c%s": at most four digits and a unit (1 KiB steps, rounded).
std::string format_size(std::uint64_t bytes) {
  int i = 0;
  for (; bytes >= 10000 && kUnits[i] != 'T'; i++) bytes = (bytes + 512) / 1024;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%4llu%c%s", static_cast<unsigned long long>(bytes), kUnits[i],
                i != 0 ? "B" : " ");
  return buf;
}

// "%3lld.%1lld%c%s": one decimal, never shown in bytes (KB at least).
std::string format_rate(std::uint64_t bytes) {
  bytes *= 100;
  int i = 0;
  for (; bytes >= 100 * 1000 && kUnits[i] != 'T'; i++) bytes = (bytes + 512) / 1024;
  if (i == 0) {
    i++;
    bytes = (bytes + 512) / 1024;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%3llu.%1llu%c%s", static_cast<unsigned long long>((bytes + 5) / 100),
                static_cast<unsigned long long>((bytes + 5) / 10 % 10), kUnits[i], i != 0 ? "B" : " ");
  return buf;
}

int terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != -1 && ws.ws_col != 0) return ws.ws_col > 512 ? 512 : ws.ws_col;
  return 80;
}

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void write_all(const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(STDOUT_FILENO, s.data() + off, s.size() - off);
    if (n <= 0) return;  // a closed terminal: the meter is best effort
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

bool progress_meter_possible() {
  if (::isatty(STDOUT_FILENO) == 0) return false;
  return ::getpgrp() == ::tcgetpgrp(STDOUT_FILENO);
}

ProgressLine::ProgressLine(std::string file_name, std::uint64_t total_bytes, std::uint64_t start_offset,
                           Clock::time_point now)
    : name_(std::move(file_name)),
      total_(total_bytes),
      start_(start_offset),
      done_(start_offset),
      started_(now),
      last_draw_(now) {}

std::string ProgressLine::line(Clock::time_point now, int width, bool final_line) {
  if (final_line) done_ = total_;
  // As refresh_progress_meter(): the bytes since the last redraw over the time since it,
  // or at the end the whole transfer over the whole time.
  std::uint64_t base = last_drawn_pos_ != 0 ? last_drawn_pos_ : start_;
  double transferred = done_ > base ? static_cast<double>(done_ - base) : 0;
  last_drawn_pos_ = done_;
  std::uint64_t bytes_left = total_ > done_ ? total_ - done_ : 0;
  double elapsed;
  if (bytes_left > 0) {
    elapsed = seconds_between(last_draw_, now);
  } else {
    elapsed = seconds_between(started_, now);
    transferred = static_cast<double>(total_ - std::min(start_, total_));
    bytes_per_second_ = 0;
  }
  double current = elapsed != 0 ? transferred / elapsed : transferred;
  bytes_per_second_ = bytes_per_second_ != 0 ? bytes_per_second_ * kAgeFactor + current * (1.0 - kAgeFactor) : current;
  if (transferred == 0)
    stalled_seconds_ += elapsed;
  else
    stalled_seconds_ = 0;
  double rate = bytes_per_second_;
  last_draw_ = now;

  std::string line = "\r";
  // OpenSSH counts the terminating NUL in its window size, hence the + 1.
  int file_len = width + 1 - 36;
  if (file_len > 0) {
    std::string name = name_.substr(0, static_cast<std::size_t>(file_len));
    name.resize(static_cast<std::size_t>(file_len), ' ');
    line += name;
  }
  int percent = (total_ == 0 || done_ == total_) ? 100
                                                 : static_cast<int>(static_cast<float>(done_) / total_ * 100);
  char head[64];
  std::snprintf(head, sizeof head, " %3d%% ", percent);
  line += head;
  line += format_size(done_);
  line += ' ';
  line += format_rate(static_cast<std::uint64_t>(rate));
  line += "/s ";

  if (stalled_seconds_ >= kStallSeconds) {
    line += "- stalled -";
  } else if (rate == 0 && bytes_left > 0) {
    line += "  --:-- ETA";
  } else {
    int seconds = static_cast<int>(bytes_left > 0 ? static_cast<double>(bytes_left) / rate : elapsed);
    int hours = seconds / 3600;
    seconds -= hours * 3600;
    int minutes = seconds / 60;
    seconds -= minutes * 60;
    char eta[64];
    if (hours != 0)
      std::snprintf(eta, sizeof eta, "%d:%02d:%02d", hours, minutes, seconds);
    else
      std::snprintf(eta, sizeof eta, "  %02d:%02d", minutes, seconds);
    line += eta;
    line += bytes_left > 0 ? " ETA" : "    ";
  }
  return line;
}

ProgressMeter::ProgressMeter(std::string file_name, std::uint64_t total_bytes, std::uint64_t start_offset)
    : line_(std::move(file_name), total_bytes, start_offset, ProgressLine::Clock::now()) {
  std::lock_guard lock(mutex_);
  draw_locked(false);  // OpenSSH draws the 0% line as the transfer starts
  if (!progress_meter_possible()) return;
  // The ticker takes no signal: ^C must interrupt the transfer's own poll(2), and a
  // handler run on the ticker would leave the main thread waiting.
  sigset_t all, before;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &before);
  try {
    ticker_ = std::jthread([this](std::stop_token stop) { tick(stop); });
  } catch (const std::system_error&) {
    // No thread to be had (a process limit): the meter is drawn as data arrives.
  }
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

// OpenSSH's alarm: a redraw every second whether or not bytes moved, so that a
// transfer that hangs ages its rate and says "- stalled -".
void ProgressMeter::tick(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    auto due = line_.last_drawn() + std::chrono::seconds(1);
    wake_.wait_until(lock, stop, due, [] { return false; });  // until due or stopped
    if (stop.stop_requested()) return;
    if (ProgressLine::Clock::now() >= line_.last_drawn() + std::chrono::seconds(1)) draw_locked(false);
  }
}

void ProgressMeter::update(std::uint64_t bytes_done) {
  std::lock_guard lock(mutex_);
  line_.set_done(bytes_done);
  if (ProgressLine::Clock::now() - line_.last_drawn() >= std::chrono::seconds(1)) draw_locked(false);
}

// The wait in tick() wakes on the stop request by itself (condition_variable_any).
void ProgressMeter::stop_ticking() {
  ticker_.request_stop();
  if (ticker_.joinable()) ticker_.join();
}

void ProgressMeter::finish() { end(true); }

void ProgressMeter::abandon() { end(false); }

void ProgressMeter::end(bool complete) {
  stop_ticking();
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw_locked(complete);
  if (progress_meter_possible()) write_all("\n");
}

void ProgressMeter::draw_locked(bool final_line) {
  std::string text = line_.line(ProgressLine::Clock::now(), terminal_width(), final_line);
  if (progress_meter_possible()) write_all(text);
}

}  // namespace sshcore::io
