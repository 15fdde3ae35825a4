// Run a program and capture what it prints: the tests' window on real binaries.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sshpp::test {

struct RunResult {
  int exit_code = -1;      // exit status, or 128+signal when killed
  std::string out;         // standard output
  std::string err;         // standard error
};

struct RunOptions {
  std::string stdin_data;                     // fed to the child's standard input, then closed
  std::map<std::string, std::string> env;     // added to (or replacing) the inherited environment
  std::vector<std::string> unset_env;         // removed from the environment
  std::string cwd;                            // working directory ("" = inherit)
  bool new_session = false;                   // setsid(): no controlling tty (forces askpass/stdin paths)
  int timeout_seconds = 120;                  // killed after this
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});
// useradd, usermod, userdel and chpasswd fail at once ("cannot lock /etc/passwd")
// while another test process edits the account files: run, retrying for a while.
RunResult run_account_tool(const std::vector<std::string>& argv, const RunOptions& options = {});

// Path of one of our built programs (build/bin/NAME).
std::string our_bin(const std::string& name);
// Path of a file under tests/data.
std::string test_data(const std::string& relative);
// Read a whole file; fails the current test when it cannot.
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text, int mode = 0600);

}  // namespace sshpp::test
