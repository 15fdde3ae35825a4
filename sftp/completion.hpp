// Tab completion at the sftp> prompt, as OpenSSH's complete(): command names in the
// first word; after a command, remote or local paths (by the command's table row),
// extended by the matches' common prefix with shell escapes, all listed when ambiguous.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sftp_program {

class CompletionSource {
 public:
  virtual ~CompletionSource() = default;
  // Matches of an absolute remote pattern / a local pattern, directories ending in '/'.
  virtual std::vector<std::string> remote_matches(const std::string& pattern) = 0;
  virtual std::vector<std::string> local_matches(const std::string& pattern) = 0;
  virtual std::string remote_directory() const = 0;
};

struct CompletionResult {
  std::string insert;                   // typed at the cursor
  std::vector<std::string> candidates;  // listed when more than one matches
};

CompletionResult complete_line(std::string_view before_cursor, CompletionSource& source);

}  // namespace sftp_program
