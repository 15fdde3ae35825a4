// Drive a program through a pseudo-terminal, as a user at a keyboard would:
// wait for a prompt, type an answer, read everything it printed.
//
// The child runs in a new session with the pty as its controlling terminal
// (so /dev/tty is the pty), stdin/stdout/stderr all on the pty.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sshpp::test {

class PtySession {
 public:
  explicit PtySession(const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env = {},
                      const std::vector<std::string>& unset_env = {});
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  bool started() const { return pid_ > 0; }
  // Reads until `text` appears in the output after the last matched point; false
  // (with the output so far in output()) on timeout or when the program ends first.
  bool expect(std::string_view text, int timeout_ms = 20000);
  // Types `text` (add "\n" for Enter).
  void send(std::string_view text);
  // Sets the terminal's size (TIOCSWINSZ on our side): the program gets SIGWINCH, as
  // when a user resizes the window.
  void resize(unsigned short rows, unsigned short cols);
  // Closes our side after draining the output; returns the exit status
  // (128+signal when killed; -1 if it did not end within the timeout).
  int wait(int timeout_ms = 60000);
  // Everything the program printed so far, as the terminal received it ("\r\n" line ends).
  const std::string& output() const { return output_; }

 private:
  bool read_some(int timeout_ms);
  int master_ = -1;
  pid_t pid_ = -1;
  std::string output_;
  std::size_t matched_ = 0;
  bool eof_ = false;
};

}  // namespace sshpp::test
