// The legacy scp protocol's byte pipe and its error conventions (OpenSSH's
// response(), run_err(), note_err(), lostconn()): one object per peer, shared by
// the source and the sink. `remote` is OpenSSH's iamremote: the `scp -t`/`-f` side
// started by sshd, which prints nothing to its own stderr.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bandwidth_limit.hpp"

namespace scp {

// A legacy transfer stops at once (OpenSSH exits there) when a step returns kAbort.
enum class Flow : bool { kContinue, kAbort };

class LegacyChannel {
 public:
  LegacyChannel(int in_fd, int out_fd, bool remote, std::uint64_t limit_bps);

  bool remote() const { return remote_; }
  int errors() const { return errors_; }
  void add_error() { ++errors_; }

  // Whole writes and reads; false on a closed or failed pipe.
  bool write_all(std::string_view data);
  bool read_exact(char* buf, std::size_t n);
  // read(2) once (up to n bytes): 0 on EOF, -1 on error.
  long read_some(char* buf, std::size_t n);
  // One control line without its '\n', or nullopt at EOF before its first byte.
  // `truncated` reports an EOF in mid-line (OpenSSH's "lost connection").
  std::optional<std::string> read_line(bool& lost);

  // response(): reads one status byte. 0 = ok; 1 + message = error (printed unless
  // remote, counted, returns kContinue with `ok` false); 2 or any other byte + line =
  // fatal (prints, returns kAbort). EOF: prints "lost connection", kAbort.
  Flow response(bool& ok);

  // run_err(): "\1scp: <msg>\n" to the peer, and to stderr unless remote.
  void run_err(const std::string& message);
  // note_err(): remember the first error of a file; flush_noted() sends it.
  void note_err(const std::string& message);
  bool flush_noted();  // true when an error had been noted (and is now sent)

  void lost_connection();  // prints "lost connection" unless remote

  BandwidthLimit& limiter() { return limit_; }

 private:
  int in_;
  int out_;
  bool remote_;
  int errors_ = 0;
  std::optional<std::string> noted_;
  BandwidthLimit limit_;
};

// Text for stderr as OpenSSH's fmprintf/snmprintf: control bytes made visible.
std::string printable(std::string_view s);

}  // namespace scp
