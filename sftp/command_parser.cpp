// OpenSSH's makeargv() and parse_args() with the 9.2 command table.
#include "command_parser.hpp"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <strings.h>

namespace sftp_program {
namespace {

constexpr std::size_t kMaxArgs = 128;
constexpr std::size_t kMaxArgLength = 8192;
constexpr std::string_view kWhitespace = " \t\r\n";

struct CommandRow {
  std::string_view name;
  CommandKind kind;
  PathSide paths;  // what tab completion completes after it
};

// The order matters: the first case-insensitive match wins, as in OpenSSH's cmds[].
constexpr CommandRow kCommands[] = {
    {"bye", CommandKind::kQuit, PathSide::kNone},
    {"cd", CommandKind::kChdir, PathSide::kRemote},
    {"chdir", CommandKind::kChdir, PathSide::kRemote},
    {"chgrp", CommandKind::kChgrp, PathSide::kRemote},
    {"chmod", CommandKind::kChmod, PathSide::kRemote},
    {"chown", CommandKind::kChown, PathSide::kRemote},
    {"copy", CommandKind::kCopy, PathSide::kRemote},
    {"cp", CommandKind::kCopy, PathSide::kRemote},
    {"df", CommandKind::kDf, PathSide::kRemote},
    {"dir", CommandKind::kLs, PathSide::kRemote},
    {"exit", CommandKind::kQuit, PathSide::kNone},
    {"get", CommandKind::kGet, PathSide::kRemote},
    {"help", CommandKind::kHelp, PathSide::kNone},
    {"lcd", CommandKind::kLchdir, PathSide::kLocal},
    {"lchdir", CommandKind::kLchdir, PathSide::kLocal},
    {"lls", CommandKind::kLls, PathSide::kLocal},
    {"lmkdir", CommandKind::kLmkdir, PathSide::kLocal},
    {"ln", CommandKind::kLink, PathSide::kRemote},
    {"lpwd", CommandKind::kLpwd, PathSide::kLocal},
    {"ls", CommandKind::kLs, PathSide::kRemote},
    {"lumask", CommandKind::kLumask, PathSide::kNone},
    {"mkdir", CommandKind::kMkdir, PathSide::kRemote},
    {"mget", CommandKind::kGet, PathSide::kRemote},
    {"mput", CommandKind::kPut, PathSide::kLocal},
    {"progress", CommandKind::kProgress, PathSide::kNone},
    {"put", CommandKind::kPut, PathSide::kLocal},
    {"pwd", CommandKind::kPwd, PathSide::kRemote},
    {"quit", CommandKind::kQuit, PathSide::kNone},
    {"reget", CommandKind::kReget, PathSide::kRemote},
    {"rename", CommandKind::kRename, PathSide::kRemote},
    {"reput", CommandKind::kReput, PathSide::kLocal},
    {"rm", CommandKind::kRm, PathSide::kRemote},
    {"rmdir", CommandKind::kRmdir, PathSide::kRemote},
    {"symlink", CommandKind::kSymlink, PathSide::kRemote},
    {"version", CommandKind::kVersion, PathSide::kNone},
    {"!", CommandKind::kShell, PathSide::kNone},
    {"?", CommandKind::kHelp, PathSide::kNone},
};

bool is_glob_char(char c) { return c == '?' || c == '[' || c == '*'; }

// A minimal BSD getopt over words[1..]: flags until the first non-flag or "--".
// Returns the index of the first operand, or nullopt with the bad flag in `bad`.
std::optional<std::size_t> get_flags(const std::vector<std::string>& words, std::string_view allowed,
                                     std::string& seen, char& bad) {
  std::size_t i = 1;
  for (; i < words.size(); i++) {
    const std::string& w = words[i];
    if (w.size() < 2 || w[0] != '-') break;
    if (w == "--") return i + 1;
    for (std::size_t k = 1; k < w.size(); k++) {
      if (allowed.find(w[k]) == std::string_view::npos) {
        bad = w[k];
        return std::nullopt;
      }
      seen += w[k];
    }
  }
  return i;
}

}  // namespace

std::optional<std::vector<std::string>> split_command_words(std::string_view arg, std::string& error) {
  enum State { kStart, kSingle, kDouble, kUnquoted };
  std::vector<std::string> argv;
  if (arg.size() > kMaxArgLength - 1) {
    error = "string too long";
    return std::nullopt;
  }
  State state = kStart;
  std::string cur;
  auto at = [&](std::size_t i) -> char { return i < arg.size() ? arg[i] : '\0'; };
  for (std::size_t i = 0;; i++) {
    if (argv.size() >= kMaxArgs + 1) {
      error = "Too many arguments.";
      return std::nullopt;
    }
    char c = at(i);
    if (c != '\0' && std::isspace(static_cast<unsigned char>(c))) {
      if (state == kUnquoted) {
        argv.push_back(std::move(cur));
        cur.clear();
        state = kStart;
      } else if (state != kStart) {
        cur += c;
      }
    } else if (c == '"' || c == '\'') {
      State q = c == '"' ? kDouble : kSingle;
      if (state == kStart) {
        state = q;
      } else if (state == kUnquoted) {
        state = q;
      } else if (state == q) {
        state = kUnquoted;
      } else {
        cur += c;
      }
    } else if (c == '\\') {
      if (state == kSingle || state == kDouble) {
        char quote = state == kSingle ? '\'' : '"';
        char next = at(i + 1);
        if (next == quote) {
          i++;
          cur += next;
        } else if (is_glob_char(next)) {
          // Doubly escaped: the glob undoes one level.
          i++;
          cur += '\\';
          cur += '\\';
          cur += '\\';
          cur += next;
        } else {
          cur += c;
          if (next != '\0') {
            i++;
            cur += next;
          }
        }
      } else {
        if (state == kStart) state = kUnquoted;
        char next = at(i + 1);
        if (is_glob_char(next) || next == '\\') {
          i++;
          cur += '\\';
          cur += next;
        } else if (next != '\0') {
          i++;
          cur += next;
        }
      }
    } else if (c == '#') {
      if (state == kSingle || state == kDouble) {
        cur += c;
      } else {
        if (state == kUnquoted) argv.push_back(std::move(cur));
        return argv;
      }
    } else if (c == '\0') {
      if (state == kSingle || state == kDouble) {
        error = "Unterminated quoted argument";
        return std::nullopt;
      }
      if (state == kUnquoted) argv.push_back(std::move(cur));
      return argv;
    } else {
      if (state == kStart) state = kUnquoted;
      if ((state == kSingle || state == kDouble) && is_glob_char(c)) cur += '\\';
      cur += c;
    }
    if (cur.size() > kMaxArgLength) {
      error = "string too long";
      return std::nullopt;
    }
  }
}

std::string undo_glob_escape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); i++) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (i + 1 >= s.size()) {
      out += '\\';
      break;
    }
    char next = s[i + 1];
    if (is_glob_char(next) || next == '\\') {
      out += next;
    } else {
      out += '\\';
      out += next;
    }
    i++;
  }
  return out;
}

CommandPrefix split_command_prefix(std::string_view line) {
  auto skip_space = [](std::string_view s) {
    auto at = s.find_first_not_of(kWhitespace);
    return at == std::string_view::npos ? std::string_view{} : s.substr(at);
  };
  CommandPrefix p;
  std::string_view cp = skip_space(line);
  while (!cp.empty() && (cp.front() == '-' || cp.front() == '@')) {
    bool& flag = cp.front() == '-' ? p.ignore_errors : p.no_echo;
    if (flag) break;  // a second '-' belongs to the command
    flag = true;
    cp = skip_space(cp.substr(1));
  }
  p.rest = cp;
  return p;
}

std::optional<ParsedCommand> parse_command(std::string_view line, std::string& error) {
  ParsedCommand cmd;
  auto skip_space = [](std::string_view s) {
    auto at = s.find_first_not_of(kWhitespace);
    return at == std::string_view::npos ? std::string_view{} : s.substr(at);
  };
  CommandPrefix prefix = split_command_prefix(line);
  cmd.ignore_errors = prefix.ignore_errors;
  cmd.no_echo = prefix.no_echo;
  std::string_view cp = prefix.rest;
  if (cp.empty() || cp.front() == '#') return cmd;

  auto words_opt = split_command_words(cp, error);
  if (!words_opt) return std::nullopt;
  auto& words = *words_opt;

  const CommandRow* row = nullptr;
  for (const auto& r : kCommands) {
    if (!words.empty() && words[0].size() == r.name.size() &&
        ::strncasecmp(words[0].c_str(), r.name.data(), r.name.size()) == 0) {
      row = &r;
      break;
    }
  }
  if (cp.front() == '!') {
    cmd.kind = CommandKind::kShell;
    cmd.name = "!";
    cmd.rest = std::string(cp.substr(1));
    return cmd;
  }
  if (row == nullptr) {
    error = "Invalid command.";
    return std::nullopt;
  }
  cmd.kind = row->kind;
  cmd.name = std::string(row->name);
  const std::string& name = cmd.name;

  std::string seen;
  char bad = 0;
  auto flags = [&](std::string_view allowed) -> std::optional<std::size_t> {
    auto at = get_flags(words, allowed, seen, bad);
    if (!at) error = (cmd.kind == CommandKind::kLs ? std::string("ls") : name) + ": Invalid flag -" + bad;
    return at;
  };
  auto has = [&](char c) { return seen.find(c) != std::string::npos; };
  auto two_paths = [&](std::size_t optidx) -> bool {
    if (words.size() - optidx < 2) {
      error = "You must specify two paths after a " + name + " command.";
      return false;
    }
    cmd.path1 = undo_glob_escape(words[optidx]);
    cmd.path2 = undo_glob_escape(words[optidx + 1]);
    return true;
  };

  switch (cmd.kind) {
    case CommandKind::kGet:
    case CommandKind::kReget:
    case CommandKind::kReput:
    case CommandKind::kPut: {
      auto optidx = flags("afPpRr");
      if (!optidx) return std::nullopt;
      cmd.aflag = has('a');
      cmd.fflag = has('f');
      cmd.pflag = has('p') || has('P');
      cmd.rflag = has('r') || has('R');
      if (words.size() - *optidx < 1) {
        error = "You must specify at least one path after a " + name + " command.";
        return std::nullopt;
      }
      cmd.path1 = words[*optidx];
      if (words.size() - *optidx > 1) cmd.path2 = undo_glob_escape(words[*optidx + 1]);
      break;
    }
    case CommandKind::kLink: {
      auto optidx = flags("s");
      if (!optidx) return std::nullopt;
      cmd.sflag = has('s');
      if (!two_paths(*optidx)) return std::nullopt;
      break;
    }
    case CommandKind::kRename: {
      auto optidx = flags("l");
      if (!optidx) return std::nullopt;
      cmd.ls_flags = has('l') ? 1 : 0;
      if (!two_paths(*optidx)) return std::nullopt;
      break;
    }
    case CommandKind::kCopy:
    case CommandKind::kSymlink: {
      auto optidx = flags("");
      if (!optidx) return std::nullopt;
      if (!two_paths(*optidx)) return std::nullopt;
      break;
    }
    case CommandKind::kRm:
    case CommandKind::kMkdir:
    case CommandKind::kRmdir:
    case CommandKind::kLmkdir:
    case CommandKind::kChdir:
    case CommandKind::kLchdir: {
      bool mandatory = cmd.kind != CommandKind::kChdir && cmd.kind != CommandKind::kLchdir;
      auto optidx = flags("");
      if (!optidx) return std::nullopt;
      if (words.size() - *optidx < 1) {
        if (!mandatory) break;
        error = "You must specify a path after a " + name + " command.";
        return std::nullopt;
      }
      cmd.path1 = cmd.kind == CommandKind::kRm ? words[*optidx] : undo_glob_escape(words[*optidx]);
      break;
    }
    case CommandKind::kDf: {
      auto optidx = flags("hi");
      if (!optidx) return std::nullopt;
      cmd.hflag = has('h');
      cmd.iflag = has('i');
      if (words.size() - *optidx >= 1) cmd.path1 = undo_glob_escape(words[*optidx]);
      break;
    }
    case CommandKind::kLs: {
      auto optidx = flags("1Safhlnrt");
      if (!optidx) return std::nullopt;
      unsigned f = kLsNameSort;
      for (char c : seen) {
        switch (c) {
          case '1': f = (f & ~kLsViewFlags) | kLsShortView; break;
          case 'S': f = (f & ~kLsSortFlags) | kLsSizeSort; break;
          case 'a': f |= kLsShowAll; break;
          case 'f': f &= ~kLsSortFlags; break;
          case 'h': f |= kLsSiUnits; break;
          case 'l': f = (f & ~kLsShortView) | kLsLongView; break;
          case 'n': f = (f & ~kLsShortView) | kLsNumericView | kLsLongView; break;
          case 'r': f |= kLsReverseSort; break;
          case 't': f = (f & ~kLsSortFlags) | kLsTimeSort; break;
          default: break;
        }
      }
      cmd.ls_flags = f;
      if (words.size() - *optidx > 0) cmd.path1 = words[*optidx];
      break;
    }
    case CommandKind::kLls: {
      // The rest of the line after "lls" goes to ls(1) through the shell.
      std::string_view rest = cp.substr(std::min(cp.size(), words[0].size()));
      cmd.rest = std::string(skip_space(rest));
      break;
    }
    case CommandKind::kLumask:
    case CommandKind::kChmod:
    case CommandKind::kChown:
    case CommandKind::kChgrp: {
      int base = (cmd.kind == CommandKind::kLumask || cmd.kind == CommandKind::kChmod) ? 8 : 10;
      auto optidx = flags(cmd.kind == CommandKind::kLumask ? "" : "h");
      if (!optidx) return std::nullopt;
      cmd.hflag = has('h');
      std::string need = "You must supply a numeric argument to the " + name + " command.";
      if (words.size() - *optidx < 1) {
        error = need;
        return std::nullopt;
      }
      const std::string& n = words[*optidx];
      errno = 0;
      char* end = nullptr;
      long l = std::strtol(n.c_str(), &end, base);
      if (end == n.c_str() || *end != '\0' || ((l == LONG_MIN || l == LONG_MAX) && errno == ERANGE) || l < 0) {
        error = need;
        return std::nullopt;
      }
      cmd.number = static_cast<unsigned long>(l);
      if (cmd.kind == CommandKind::kLumask) break;
      if (words.size() - *optidx < 2) {
        error = "You must specify a path after a " + name + " command.";
        return std::nullopt;
      }
      cmd.path1 = words[*optidx + 1];
      break;
    }
    case CommandKind::kQuit:
    case CommandKind::kPwd:
    case CommandKind::kLpwd:
    case CommandKind::kHelp:
    case CommandKind::kVersion:
    case CommandKind::kProgress: {
      if (!flags("")) return std::nullopt;
      break;
    }
    case CommandKind::kShell:
    case CommandKind::kBlank:
      break;
  }
  return cmd;
}

std::vector<std::string_view> command_names() {
  std::vector<std::string_view> names;
  for (const auto& r : kCommands) names.push_back(r.name);
  return names;
}

PathSide command_path_side(std::string_view word) {
  // complete_is_remote(): the first row whose name starts the word.
  for (const auto& r : kCommands) {
    if (word.size() >= r.name.size() && ::strncasecmp(word.data(), r.name.data(), r.name.size()) == 0) return r.paths;
  }
  return PathSide::kNone;
}

std::string_view help_text() {
  return "Available commands:\n"
         "bye                                Quit sftp\n"
         "cd path                            Change remote directory to 'path'\n"
         "chgrp [-h] grp path                Change group of file 'path' to 'grp'\n"
         "chmod [-h] mode path               Change permissions of file 'path' to 'mode'\n"
         "chown [-h] own path                Change owner of file 'path' to 'own'\n"
         "copy oldpath newpath               Copy remote file\n"
         "cp oldpath newpath                 Copy remote file\n"
         "df [-hi] [path]                    Display statistics for current directory or\n"
         "                                   filesystem containing 'path'\n"
         "exit                               Quit sftp\n"
         "get [-afpR] remote [local]         Download file\n"
         "help                               Display this help text\n"
         "lcd path                           Change local directory to 'path'\n"
         "lls [ls-options [path]]            Display local directory listing\n"
         "lmkdir path                        Create local directory\n"
         "ln [-s] oldpath newpath            Link remote file (-s for symlink)\n"
         "lpwd                               Print local working directory\n"
         "ls [-1afhlnrSt] [path]             Display remote directory listing\n"
         "lumask umask                       Set local umask to 'umask'\n"
         "mkdir path                         Create remote directory\n"
         "progress                           Toggle display of progress meter\n"
         "put [-afpR] local [remote]         Upload file\n"
         "pwd                                Display remote working directory\n"
         "quit                               Quit sftp\n"
         "reget [-fpR] remote [local]        Resume download file\n"
         "rename oldpath newpath             Rename remote file\n"
         "reput [-fpR] local [remote]        Resume upload file\n"
         "rm path                            Delete remote file\n"
         "rmdir path                         Remove remote directory\n"
         "symlink oldpath newpath            Symlink remote file\n"
         "version                            Show SFTP version\n"
         "!command                           Execute 'command' in local shell\n"
         "!                                  Escape to local shell\n"
         "?                                  Synonym for help\n";
}

}  // namespace sftp_program
