// The progress meter of scp(1) and sftp(1), drawn like OpenSSH's progressmeter.c:
// "name   45%  460MB 153.2MB/s   00:03 ETA" on one line of stdout, redrawn at most
// once a second, only when stdout is a terminal and we are in its foreground group.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sshcore::io {

// OpenSSH's can_output(): stdout is a tty and our process group is its foreground.
bool progress_meter_possible();

class ProgressMeter {
 public:
  // `start_offset`: bytes already present (resume), counted as done but not in the rate.
  ProgressMeter(std::string file_name, std::uint64_t total_bytes, std::uint64_t start_offset = 0);
  // Records progress; redraws when a second has passed since the last draw.
  void update(std::uint64_t bytes_done);
  // Draws the final line (100%, average rate, total time) and ends it with a newline.
  void finish();

 private:
  void draw(bool final_line);
  std::string name_;
  std::uint64_t total_;
  std::uint64_t start_;
  std::uint64_t done_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_once_ = false;
  // OpenSSH's aged rate (factor 0.9 per redraw), the position at the last redraw and
  // the seconds without progress ("- stalled -" after 5).
  double bytes_per_second_ = 0;
  std::uint64_t last_drawn_pos_ = 0;
  double stalled_seconds_ = 0;
};

}  // namespace sshcore::io
