// The progress meter of scp(1) and sftp(1), drawn like OpenSSH's progressmeter.c:
// "name   45%  460MB 153.2MB/s   00:03 ETA" on one line of stdout, redrawn once a
// second (OpenSSH's SIGALRM; here a ticker thread), also while no byte moves, so that
// a transfer that stops shows "- stalled -" after five seconds. Drawn only when stdout
// is a terminal and we are in its foreground group.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace sshcore::io {

// OpenSSH's can_output(): stdout is a tty and our process group is its foreground.
bool progress_meter_possible();

// The text of the meter (no I/O): each line() is one redraw at `now`, which is what
// ages the rate and counts the seconds without progress.
class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  // `start_offset`: bytes already present (resume), counted as done but not in the rate.
  ProgressLine(std::string file_name, std::uint64_t total_bytes, std::uint64_t start_offset, Clock::time_point now);
  void set_done(std::uint64_t bytes_done) { done_ = bytes_done; }
  // "\rname ... ETA" for a terminal `width` columns wide; the final line shows the
  // average over the whole transfer and its total time.
  std::string line(Clock::time_point now, int width, bool final_line);
  Clock::time_point last_drawn() const { return last_draw_; }

 private:
  std::string name_;
  std::uint64_t total_;
  std::uint64_t start_;
  std::uint64_t done_;
  Clock::time_point started_;
  Clock::time_point last_draw_;
  // OpenSSH's aged rate (factor 0.9 per redraw), the position at the last redraw and
  // the seconds without progress ("- stalled -" after 5).
  double bytes_per_second_ = 0;
  std::uint64_t last_drawn_pos_ = 0;
  double stalled_seconds_ = 0;
};

class ProgressMeter {
 public:
  ProgressMeter(std::string file_name, std::uint64_t total_bytes, std::uint64_t start_offset = 0);
  ~ProgressMeter() = default;  // the ticker (last member) is stopped and joined first
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;
  // Records progress; redraws when a second has passed since the last draw.
  void update(std::uint64_t bytes_done);
  // Draws the final line (100%, average rate, total time) and ends it with a newline.
  void finish();
  // The transfer ended short (an error, an interrupt): as OpenSSH's stop_progress_meter(),
  // the line at the position reached, then a newline. Once finished or abandoned, both
  // do nothing.
  void abandon();
  // Stops the once-a-second redraw, e.g. while scp waits for the peer's verdict on a
  // file (OpenSSH's meter is not redrawn then either).
  void stop_ticking();

 private:
  void end(bool complete);
  void draw_locked(bool final_line);
  void tick(std::stop_token stop);
  std::mutex mutex_;
  std::condition_variable_any wake_;
  ProgressLine line_;
  bool finished_ = false;
  std::jthread ticker_;  // last: stopped and joined before the rest goes
};

}  // namespace sshcore::io
