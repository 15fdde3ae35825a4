// One sftp command line ("get -p 'a b' c") split and checked as OpenSSH's
// makeargv()/parse_args(): sh-like quoting where quoted glob characters stay
// escaped for the glob that follows, a leading '-' ignores the command's failure,
// '#' starts a comment, and each command's flags and operands are validated with
// OpenSSH's error texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sftp_program {

enum class CommandKind {
  kBlank,  // empty line or comment
  kChdir, kChgrp, kChmod, kChown, kCopy, kDf, kGet, kHelp, kLchdir, kLink, kLls, kLmkdir,
  kLpwd, kLs, kLumask, kMkdir, kPut, kPwd, kQuit, kReget, kRename, kReput, kRm, kRmdir,
  kShell, kSymlink, kVersion, kProgress,
};

// ls flags (OpenSSH's LS_* bits).
inline constexpr unsigned kLsLongView = 0x0001;
inline constexpr unsigned kLsShortView = 0x0002;
inline constexpr unsigned kLsNumericView = 0x0004;
inline constexpr unsigned kLsNameSort = 0x0008;
inline constexpr unsigned kLsTimeSort = 0x0010;
inline constexpr unsigned kLsSizeSort = 0x0020;
inline constexpr unsigned kLsReverseSort = 0x0040;
inline constexpr unsigned kLsShowAll = 0x0080;
inline constexpr unsigned kLsSiUnits = 0x0100;
inline constexpr unsigned kLsViewFlags = kLsLongView | kLsShortView | kLsNumericView | kLsSiUnits;
inline constexpr unsigned kLsSortFlags = kLsNameSort | kLsTimeSort | kLsSizeSort;

struct ParsedCommand {
  CommandKind kind = CommandKind::kBlank;
  std::string name;          // the command as in the table ("get", "mget", ...)
  bool ignore_errors = false;  // leading '-'
  bool no_echo = false;        // leading '@': batch mode does not echo the line
  bool aflag = false, fflag = false, hflag = false, iflag = false, pflag = false, rflag = false,
       sflag = false;
  unsigned ls_flags = 0;      // ls, or rename -l (bit 1)
  unsigned long number = 0;   // chmod mode / chown uid / chgrp gid / lumask
  std::optional<std::string> path1, path2;
  std::string rest;           // lls / ! : the rest of the line
};

// makeargv(): the words of `line`, or nullopt after printing nothing; `error` gets
// OpenSSH's message ("Unterminated quoted argument", ...).
std::optional<std::vector<std::string>> split_command_words(std::string_view line, std::string& error);

// undo_glob_escape(): for operands that are not globbed.
std::string undo_glob_escape(std::string_view s);

// The prefix flags of a line: '-' (ignore failure) and '@' (no echo), in any order,
// with blanks around them; `rest` is what follows.
struct CommandPrefix {
  bool ignore_errors = false;
  bool no_echo = false;
  std::string_view rest;
};
CommandPrefix split_command_prefix(std::string_view line);

// parse_args(): nullopt with `error` set to the message OpenSSH prints.
std::optional<ParsedCommand> parse_command(std::string_view line, std::string& error);

// For tab completion: the command names in table order, and whether a command's
// operands are remote or local paths.
enum class PathSide { kNone, kRemote, kLocal };
std::vector<std::string_view> command_names();
PathSide command_path_side(std::string_view word);

// The help text of OpenSSH 9.2's sftp.
std::string_view help_text();

}  // namespace sftp_program
