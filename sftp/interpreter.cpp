// parse_dispatch_command(): one line in, the command's effect and OpenSSH's texts out.
// Transfers live in transfer_commands.cpp, ls and df in listing_commands.cpp.
#include "interpreter.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "remote_path.hpp"
#include "terminal_text.hpp"

namespace sftp_program {

namespace sftp = sshcore::apps::sftp;

void print_error(std::string_view message) {
  std::fflush(stdout);
  std::string line(message);
  line += "\r\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

namespace {

std::string error_text(const sshcore::Error& e) { return e.detail; }

// local_do_shell(): $SHELL -c args, or an interactive shell for a bare '!'.
void run_local_shell(const std::string& args) {
  const char* shell = std::getenv("SHELL");
  if (shell == nullptr || *shell == '\0') shell = "/bin/sh";
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid == -1) {
    print_error(std::string("Couldn't fork: ") + std::strerror(errno));
    return;
  }
  if (pid == 0) {
    if (!args.empty())
      ::execl(shell, shell, "-c", args.c_str(), static_cast<char*>(nullptr));
    else
      ::execl(shell, shell, static_cast<char*>(nullptr));
    std::fprintf(stderr, "Couldn't execute \"%s\": %s\n", shell, std::strerror(errno));
    ::_exit(1);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1) {
    if (errno != EINTR) return;
  }
  if (!WIFEXITED(status))
    print_error("Shell exited abnormally");
  else if (WEXITSTATUS(status) != 0)
    print_error("Shell exited with status " + std::to_string(WEXITSTATUS(status)));
}

}  // namespace

SftpInterpreter::SftpInterpreter(sshcore::io::SftpClientSession& session, std::optional<std::string> start_directory,
                                 InterpreterOptions options)
    : session_(session), pwd_(start_directory), start_directory_(std::move(start_directory)), options_(options) {}

std::string SftpInterpreter::absolute(const std::string& path) const {
  return !path.empty() && path.front() == '/' ? path : make_absolute(path, pwd());
}

const std::string& SftpInterpreter::pwd() const {
  // Asked when first needed (OpenSSH asks at start-up): a first command with absolute
  // paths is then on its way in the same round trip as the answer.
  if (!pwd_) {
    auto cwd = session_.realpath(".");
    if (!cwd) {
      std::fflush(stdout);
      std::fputs("Need cwd\r\n", stderr);
      std::exit(255);
    }
    pwd_ = *cwd;
    start_directory_ = *cwd;
  }
  return *pwd_;
}

DispatchResult SftpInterpreter::dispatch(std::string_view line, bool err_abort, bool echo) {
  std::string parse_error;
  auto parsed = parse_command(line, parse_error);
  CommandPrefix prefix = split_command_prefix(line);
  if (prefix.ignore_errors) err_abort = false;
  // OpenSSH echoes after parsing, so a parse error comes out before the echo.
  if (!parsed) print_error(parse_error);
  if (echo && !prefix.no_echo) print_out("sftp> " + std::string(line) + "\n");
  int err = 0;
  bool quit = false;
  if (!parsed) {
    err = -1;
  } else {
    const ParsedCommand& cmd = *parsed;
    switch (cmd.kind) {
      case CommandKind::kBlank:
        break;
      case CommandKind::kGet:
        err = do_get(cmd, cmd.aflag);
        break;
      case CommandKind::kReget:
        err = do_get(cmd, true);
        break;
      case CommandKind::kPut:
        err = do_put(cmd, cmd.aflag);
        break;
      case CommandKind::kReput:
        err = do_put(cmd, true);
        break;
      case CommandKind::kLs:
        err = do_ls(cmd);
        break;
      case CommandKind::kDf:
        err = do_df(cmd);
        break;
      case CommandKind::kChdir:
        err = do_cd(cmd);
        break;
      case CommandKind::kChmod:
      case CommandKind::kChown:
      case CommandKind::kChgrp:
        err = do_attribute_change(cmd, err_abort);
        break;
      case CommandKind::kRm:
        err = do_rm(cmd, err_abort);
        break;
      case CommandKind::kRename:
      case CommandKind::kCopy:
      case CommandKind::kLink:
      case CommandKind::kSymlink:
      case CommandKind::kMkdir:
      case CommandKind::kRmdir:
        err = do_simple_remote(cmd);
        break;
      case CommandKind::kLchdir:
      case CommandKind::kLmkdir:
      case CommandKind::kLls:
      case CommandKind::kShell:
      case CommandKind::kLumask:
      case CommandKind::kLpwd:
        err = do_local(cmd);
        break;
      case CommandKind::kPwd:
        print_out("Remote working directory: " + pwd() + "\n");
        break;
      case CommandKind::kQuit:
        quit = true;
        break;
      case CommandKind::kHelp:
        print_out(help_text());
        break;
      case CommandKind::kVersion:
        print_out("SFTP protocol version " + std::to_string(session_.server_version()) + "\n");
        break;
      case CommandKind::kProgress:
        options_.show_progress = !options_.show_progress;
        print_out(options_.show_progress ? "Progress meter enabled\n" : "Progress meter disabled\n");
        break;
    }
  }
  std::fflush(stdout);
  if (err_abort && err != 0) return DispatchResult::kAbort;
  if (quit) return DispatchResult::kQuit;
  // A server that went away ends the session like OpenSSH's fatal "Connection closed".
  if (!session_.connected()) return DispatchResult::kAbort;
  return DispatchResult::kContinue;
}

DispatchResult SftpInterpreter::start_with_path(const std::string& path, const std::optional<std::string>& local) {
  std::string dir = absolute(path);
  auto attrs = session_.stat(dir);
  bool is_dir = attrs && attrs->permissions && attrs->is_directory();
  if (is_dir && !local) {
    if (!options_.quiet) print_out("Changing to: " + dir + "\n");
    ParsedCommand cd;
    cd.kind = CommandKind::kChdir;
    cd.name = "cd";
    cd.path1 = dir;
    return do_cd(cd) == 0 ? DispatchResult::kContinue : DispatchResult::kAbort;
  }
  ParsedCommand get;
  get.kind = CommandKind::kGet;
  get.name = "get";
  get.path1 = dir;
  get.path2 = local;
  int err = do_get(get, false);
  std::fflush(stdout);
  return err == 0 ? DispatchResult::kQuit : DispatchResult::kAbort;
}

int SftpInterpreter::do_cd(const ParsedCommand& cmd) {
  std::string path = cmd.path1 && !cmd.path1->empty() ? *cmd.path1 : (pwd(), *start_directory_);
  path = absolute(path);
  auto real = session_.realpath(path);
  if (!real) {
    print_error("realpath " + path + ": " + session_.reason_for(real.error()));  // do_realpath_expand()
    return 1;
  }
  auto attrs = session_.stat(*real);
  if (!attrs) {
    print_error("stat remote: " + error_text(attrs.error()));
    return 1;
  }
  if (!attrs->permissions) {
    print_error("Can't change directory: Can't check target");
    return 1;
  }
  if (!attrs->is_directory()) {
    print_error("Can't change directory: \"" + *real + "\" is not a directory");
    return 1;
  }
  pwd_ = *real;
  return 0;
}

int SftpInterpreter::do_rm(const ParsedCommand& cmd, bool err_abort) {
  std::string path = absolute(*cmd.path1);
  auto matches = sshcore::io::remote_glob(session_, path);
  std::vector<std::string> paths;
  if (matches && !matches->empty()) {
    for (auto& m : *matches) paths.push_back(m.path);
  } else {
    paths.push_back(undo_glob_escape(path));  // GLOB_NOCHECK
  }
  int err = 0;
  for (const auto& p : paths) {
    if (!options_.quiet) print_out("Removing " + p + "\n");
    auto r = session_.remove(p);
    err = 0;
    if (!r) {
      print_error("remote delete " + p + ": " + error_text(r.error()));
      err = -1;
      if (err_abort) break;
    }
  }
  return err;
}

int SftpInterpreter::do_attribute_change(const ParsedCommand& cmd, bool err_abort) {
  std::string path = absolute(*cmd.path1);
  auto matches = sshcore::io::remote_glob(session_, path);
  std::vector<std::string> paths;
  if (matches && !matches->empty()) {
    for (auto& m : *matches) paths.push_back(m.path);
  } else {
    paths.push_back(undo_glob_escape(path));
  }
  bool no_follow = cmd.hflag;
  int err = 0;
  for (const auto& p : paths) {
    sftp::FileAttributes attrs;
    if (cmd.kind == CommandKind::kChmod) {
      if (!options_.quiet) print_out("Changing mode on " + p + "\n");
      attrs.permissions = static_cast<std::uint32_t>(cmd.number);
    } else {
      auto current = no_follow ? session_.lstat(p) : session_.stat(p);
      if (!current) {
        print_error("stat remote: " + error_text(current.error()));
        if (err_abort) return -1;
        continue;
      }
      if (!current->uid || !current->gid) {
        print_error("Can't get current ownership of remote file \"" + p + "\"");
        if (err_abort) return -1;
        continue;
      }
      attrs.uid = current->uid;
      attrs.gid = current->gid;
      if (cmd.kind == CommandKind::kChown) {
        if (!options_.quiet) print_out("Changing owner on " + p + "\n");
        attrs.uid = static_cast<std::uint32_t>(cmd.number);
      } else {
        if (!options_.quiet) print_out("Changing group on " + p + "\n");
        attrs.gid = static_cast<std::uint32_t>(cmd.number);
      }
    }
    auto r = no_follow ? session_.lsetstat(p, attrs) : session_.setstat(p, attrs);
    err = 0;
    if (!r) {
      print_error(std::string(no_follow ? "remote lsetstat \"" : "remote setstat \"") + p +
                  "\": " + error_text(r.error()));
      err = -1;
      if (err_abort) break;
    }
  }
  return err;
}

int SftpInterpreter::do_simple_remote(const ParsedCommand& cmd) {
  std::string p1 = cmd.path1 ? *cmd.path1 : std::string();
  std::string p2 = cmd.path2 ? *cmd.path2 : std::string();
  switch (cmd.kind) {
    case CommandKind::kRename: {
      p1 = absolute(p1);
      p2 = absolute(p2);
      auto r = session_.rename(p1, p2, cmd.ls_flags == 0);
      if (!r) {
        print_error("remote rename \"" + p1 + "\" to \"" + p2 + "\": " + error_text(r.error()));
        return -1;
      }
      return 0;
    }
    case CommandKind::kCopy: {
      p1 = absolute(p1);
      p2 = absolute(p2);
      if (!session_.has_extension(sftp::kExtCopyData)) {
        print_error("Server does not support copy-data extension");
        return -1;
      }
      auto st = session_.stat(p1);
      if (!st) {
        print_error("stat remote: " + error_text(st.error()));
        return -1;
      }
      if (!st->is_regular()) {
        print_error("Cannot copy non-regular file: " + p1);
        return -1;
      }
      auto r = session_.copy_remote(p1, p2, false);
      if (!r) {
        print_error("copy-data \"" + p1 + "\" to \"" + p2 + "\": " + error_text(r.error()));
        return -1;
      }
      return 0;
    }
    case CommandKind::kSymlink:
    case CommandKind::kLink: {
      bool symbolic = cmd.kind == CommandKind::kSymlink || cmd.sflag;
      if (!symbolic) p1 = absolute(p1);
      p2 = absolute(p2);
      if (symbolic) {
        auto r = session_.symlink(p1, p2);
        if (!r) {
          print_error("remote symlink file \"" + p1 + "\" to \"" + p2 + "\": " + error_text(r.error()));
          return -1;
        }
      } else {
        if (!session_.has_extension(sftp::kExtHardlink)) {
          print_error("Server does not support hardlink@openssh.com extension");
          return -1;
        }
        auto r = session_.hardlink(p1, p2);
        if (!r) {
          print_error("remote link \"" + p1 + "\" to \"" + p2 + "\": " + error_text(r.error()));
          return -1;
        }
      }
      return 0;
    }
    case CommandKind::kMkdir: {
      p1 = absolute(p1);
      sftp::FileAttributes attrs;
      attrs.permissions = 0777;
      auto r = session_.mkdir(p1, attrs);
      if (!r) {
        print_error("remote mkdir \"" + p1 + "\": " + error_text(r.error()));
        return -1;
      }
      return 0;
    }
    case CommandKind::kRmdir: {
      p1 = absolute(p1);
      auto r = session_.rmdir(p1);
      if (!r) {
        print_error("remote rmdir \"" + p1 + "\": " + error_text(r.error()));
        return -1;
      }
      return 0;
    }
    default:
      return -1;
  }
}

int SftpInterpreter::do_local(const ParsedCommand& cmd) {
  switch (cmd.kind) {
    case CommandKind::kLchdir: {
      std::string path = cmd.path1 && !cmd.path1->empty() ? *cmd.path1 : std::string("~");
      path = expand_local_tilde(path);
      if (::chdir(path.c_str()) == -1) {
        print_error("Couldn't change local directory to \"" + path + "\": " + std::strerror(errno));
        return 1;
      }
      return 0;
    }
    case CommandKind::kLmkdir:
      if (::mkdir(cmd.path1->c_str(), 0777) == -1) {
        print_error("Couldn't create local directory \"" + *cmd.path1 + "\": " + std::strerror(errno));
        return 1;
      }
      return 0;
    case CommandKind::kLls:
      run_local_shell(cmd.rest.empty() ? std::string("ls") : "ls " + cmd.rest);
      return 0;
    case CommandKind::kShell:
      run_local_shell(cmd.rest);
      return 0;
    case CommandKind::kLumask: {
      ::umask(static_cast<mode_t>(cmd.number));
      char buf[64];
      std::snprintf(buf, sizeof buf, "Local umask: %03lo\n", cmd.number);
      print_out(buf);
      return 0;
    }
    case CommandKind::kLpwd: {
      char buf[PATH_MAX];
      if (::getcwd(buf, sizeof buf) == nullptr) {
        print_error(std::string("Couldn't get local cwd: ") + std::strerror(errno));
        return -1;
      }
      print_out(std::string("Local working directory: ") + buf + "\n");
      return 0;
    }
    default:
      return -1;
  }
}

}  // namespace sftp_program
