// The pre-auth sandbox in forked children: the seccomp allow-list lets the
// transport's work through and kills the process (SIGSYS) on anything else; the
// privilege drop to a throw-away system user in an empty chroot cannot be undone.
#include "preauth_sandbox.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

// Runs `body` in a forked child; returns the raw wait status.
int in_child(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// Allowed work: malloc (brk/mmap), getrandom, a write to a pipe, a read back.
int allowed_work(int pipe_write) {
  std::vector<char> big(4 * 1024 * 1024, 'x');  // mmap-sized allocation
  auto* small = static_cast<char*>(std::malloc(100));
  unsigned char random[32];
  if (getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) return 3;
  if (write(pipe_write, "ok", 2) != 2) return 4;
  std::free(small);
  return big[100] == 'x' ? 0 : 5;
}

using Forbidden = void (*)();
void do_open() { syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY); }
void do_socket() { syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); }
void do_execve() {
  const char* argv[] = {"/bin/true", nullptr};
  syscall(SYS_execve, "/bin/true", argv, nullptr);
}

}  // namespace

TEST(PreauthSandbox, AllowedWorkRunsUnderTheFilter) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  int status = in_child([&] {
    if (!sshd::install_preauth_seccomp_filter()) return 2;
    return allowed_work(p[1]);
  });
  close(p[1]);
  char buf[2] = {};
  EXPECT_EQ(read(p[0], buf, 2), 2);
  close(p[0]);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(PreauthSandbox, ForbiddenSyscallsKillWithSigsys) {
  for (Forbidden f : {&do_open, &do_socket, &do_execve}) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    int status = in_child([&] {
      if (!sshd::install_preauth_seccomp_filter()) return 2;
      if (allowed_work(p[1]) != 0) return 3;
      f();
      return 0;  // not reached: the filter kills first
    });
    close(p[1]);
    char buf[2] = {};
    EXPECT_EQ(read(p[0], buf, 2), 2);  // the allowed part ran
    close(p[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
    EXPECT_EQ(WTERMSIG(status), SIGSYS);
  }
}

TEST(PreauthSandbox, FilterSetsNoNewPrivsAndSeccompMode) {
  int go[2], ready[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  if (pid == 0) {
    if (!sshd::install_preauth_seccomp_filter()) _exit(2);
    if (write(ready[1], "r", 1) != 1) _exit(3);
    char c;
    (void)read(go[0], &c, 1);  // wait while the parent looks at /proc
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  std::string status = sshpp::test::read_text("/proc/" + std::to_string(pid) + "/status");
  EXPECT_NE(status.find("NoNewPrivs:\t1"), std::string::npos);
  EXPECT_NE(status.find("Seccomp:\t2"), std::string::npos);  // filter mode
  ASSERT_EQ(write(go[1], "g", 1), 1);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  for (int fd : {go[0], go[1], ready[0], ready[1]}) close(fd);
}

TEST(PreauthSandbox, UnknownPrivsepUserIsAnError) {
  int status = in_child([] {
    auto r = sshd::drop_to_privsep_user("no-such-user-sshpp", "/");
    return !r && r.error().code == sshcore::Errc::kNotFound ? 0 : 1;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(PreauthSandbox, DropToPrivsepUserInAnEmptyChroot) {
  sshpp::test::TempDir dir;
  std::string chroot_dir = dir / "empty";
  ASSERT_EQ(mkdir(chroot_dir.c_str(), 0755), 0);
  if (geteuid() != 0) {  // without root the drop must fail, not pretend
    int status = in_child([&] { return sshd::drop_to_privsep_user("nobody", chroot_dir) ? 1 : 0; });
    EXPECT_EQ(WEXITSTATUS(status), 0);
    return;
  }
  const std::string user = "sshpp-privsep-" + std::to_string(getpid());
  auto added = sshpp::test::run_account_tool({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const passwd* pw = getpwnam(user.c_str());
  ASSERT_NE(pw, nullptr);
  const uid_t uid = pw->pw_uid;
  int status = in_child([&] {
    if (auto r = sshd::drop_to_privsep_user(user, chroot_dir); !r) return 10;
    if (getuid() != uid || geteuid() != uid) return 11;
    if (setuid(0) == 0 || seteuid(0) == 0) return 12;  // root cannot come back
    if (access("/etc/passwd", F_OK) == 0) return 13;   // inside the empty chroot
    char cwd[64] = {};
    if (getcwd(cwd, sizeof cwd) == nullptr || std::string(cwd) != "/") return 14;
    return 0;
  });
  auto removed = sshpp::test::run_account_tool({"userdel", user});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}
