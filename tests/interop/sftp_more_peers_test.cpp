// Two more SFTP clients against our sshd + sftp-server (FEATURES SFTPC-14): sshfs 3.7
// (a FUSE mount, package sshfs) and lftp 4.9 (package lftp). Each sequence runs once
// against Debian's sshd with /usr/lib/openssh/sftp-server and once against ours, and
// what the client saw plus what was left on the server's disk must be identical.
//
// sshfs: the mount is always undone (fusermount3 -u, then -uz) by SshfsMount's
// destructor, which runs before the temp dir holding the mount point is removed, so a
// failing test never leaves a mount behind nor removes files through one.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/sftp_peers.hpp"
#include "support/temp_dir.hpp"
#include "support/transport_driver.hpp"

namespace sshpp::test {
namespace {

constexpr const char* kUserPrefix = "sftpm";  // + pid: see TestUser
constexpr std::size_t kMiB = 1024 * 1024;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

// "NAME ok" or "NAME errno=N": one line of what a client-side call returned.
std::string outcome(const std::string& name, int rc) {
  return name + (rc == 0 ? std::string(" ok") : " errno=" + std::to_string(errno)) + "\n";
}

// Every entry under `root`, sorted: type, mode, size, links, target or sha256.
std::string describe_tree(const std::string& root) {
  std::vector<std::string> rows;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string path = it->path().string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    std::ostringstream row;
    row << path.substr(root.size()) << " mode=" << std::oct << st.st_mode << std::dec << " nlink=" << st.st_nlink;
    if (S_ISLNK(st.st_mode)) row << " -> " << std::filesystem::read_symlink(path, ec).string();
    if (S_ISREG(st.st_mode)) row << " size=" << st.st_size << " sha256=" << sha256_of(path);
    rows.push_back(row.str());
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

using Server = SftpPeerServer;

// An sshfs mount, undone when this goes away, whatever happened in between.
class SshfsMount {
 public:
  explicit SshfsMount(std::string point) : point_(std::move(point)) {}
  ~SshfsMount() { unmount(); }
  SshfsMount(const SshfsMount&) = delete;
  SshfsMount& operator=(const SshfsMount&) = delete;
  void set_mounted() { mounted_ = true; }
  bool is_mounted() const {
    for (const auto& line : lines_of(read_text("/proc/self/mounts")))
      if (line.find(" " + point_ + " fuse.sshfs ") != std::string::npos) return true;
    return false;
  }
  // Unmounting makes sshfs (and its ssh) exit; a lazy unmount when the first is refused.
  void unmount() {
    if (!mounted_ && !is_mounted()) return;
    if (run({"/usr/bin/fusermount3", "-u", point_}).exit_code != 0) run({"/usr/bin/fusermount3", "-u", "-z", point_});
    mounted_ = false;
  }

 private:
  std::string point_;
  bool mounted_ = false;
};

class SftpMorePeersTest : public SftpPeerFixture {
 protected:
  static void SetUpTestSuite() { create_user_and_key(kUserPrefix); }
  static void TearDownTestSuite() { remove_user_and_key(); }

  Server start(bool ours) { return SftpPeerFixture::start(ours ? our_bin("sftp-server") : ""); }

  // Debian's ssh with our key; host keys are fresh per server, so not pinned.
  std::string ssh_command() const {
    return "/usr/bin/ssh -F none -i " + *keys_ / "id" +
           " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes"
           " -o BatchMode=yes -o LogLevel=ERROR";
  }

  TempDir local_, home_;
};

// Through an sshfs mount: a 5 MiB write and read, mkdir, rename (posix-rename@openssh.com
// onto an existing file), hard link (hardlink@openssh.com), symlink + readlink, chmod,
// utimes, truncate down and up, statvfs (statvfs@openssh.com) and df, failures, removal.
TEST_F(SftpMorePeersTest, SshfsMountMatchesOpenSsh) {
  const std::string big = seeded_bytes(5 * kMiB, 7);
  write_text(local_ / "big", big, 0644);
  std::string seen[2], disk[2];
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "Debian's sftp-server" : "our sftp-server");
    fresh_remote();
    Server s = start(i == 1);
    TempDir mount_dir;   // destroyed after `mount` below: nothing is ever removed through a mount
    const std::string m = mount_dir / "m";
    ASSERT_EQ(::mkdir(m.c_str(), 0755), 0);
    SshfsMount mount(m);
    // No caches (sshfs's nor the kernel's): each stat shows the server's answer, so the
    // hard link's mode after the chmod of its other name is not a timing matter.
    // sshfs daemonizes once mounted; its ssh inherits stderr, so that goes to a file
    // (a pipe would keep run() waiting until the unmount).
    const std::string sshfs_log = mount_dir / "sshfs.log";
    RunResult mounted = run({"/bin/sh", "-c",
                             "exec /usr/bin/sshfs -o dir_cache=no,attr_timeout=0,entry_timeout=0 -o 'ssh_command=" + ssh_command() + " -p " +
                                 std::to_string(s.port()) + "' " + user_->name() + "@127.0.0.1:" + remote_ + " " +
                                 m + " </dev/null >'" + sshfs_log + "' 2>&1"});
    mount.set_mounted();
    ASSERT_EQ(mounted.exit_code, 0) << read_text(sshfs_log) << s.log();
    ASSERT_TRUE(mount.is_mounted()) << read_text(sshfs_log);

    std::string& t = seen[i];
    // 5 MiB through write(2), then read back through the mount.
    {
      int fd = ::open((m + "/big").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
      ASSERT_GE(fd, 0) << errno;
      std::size_t done = 0;
      while (done < big.size()) {
        ssize_t n = ::write(fd, big.data() + done, std::min<std::size_t>(big.size() - done, 200000));
        ASSERT_GT(n, 0) << errno;
        done += static_cast<std::size_t>(n);
      }
      t += outcome("close-big", ::close(fd));
    }
    EXPECT_EQ(sha256_of(m + "/big"), sha256_of(local_ / "big"));
    write_text(m + "/one", "1", 0644);
    write_text(m + "/two", "22", 0644);
    t += outcome("mkdir-sub", ::mkdir((m + "/sub").c_str(), 0750));
    t += outcome("mkdir-existing", ::mkdir((m + "/sub").c_str(), 0750));
    t += outcome("rename-big", ::rename((m + "/big").c_str(), (m + "/sub/big").c_str()));
    t += outcome("rename-onto-existing", ::rename((m + "/one").c_str(), (m + "/two").c_str()));
    t += outcome("rename-missing", ::rename((m + "/none").c_str(), (m + "/x").c_str()));
    t += outcome("link", ::link((m + "/sub/big").c_str(), (m + "/hard").c_str()));
    t += outcome("symlink", ::symlink("sub/big", (m + "/soft").c_str()));
    t += outcome("symlink-dangling", ::symlink("nowhere", (m + "/dangling").c_str()));
    std::error_code ec;
    t += "readlink " + std::filesystem::read_symlink(m + "/soft", ec).string() + "\n";
    char target[64];
    t += outcome("readlink-not-link", ::readlink((m + "/two").c_str(), target, sizeof target) < 0 ? -1 : 0);
    EXPECT_EQ(sha256_of(m + "/soft"), sha256_of(local_ / "big"));   // followed by the server
    t += outcome("chmod", ::chmod((m + "/sub/big").c_str(), 0600));
    const timespec times[2] = {{1000000000, 0}, {1000000007, 0}};
    t += outcome("utimes", ::utimensat(AT_FDCWD, (m + "/two").c_str(), times, 0));
    write_text(m + "/trunc", seeded_bytes(100, 8), 0644);
    t += outcome("truncate-down", ::truncate((m + "/trunc").c_str(), 10));
    t += outcome("truncate-up", ::truncate((m + "/trunc").c_str(), 70000));
    t += outcome("open-missing", ::open((m + "/missing").c_str(), O_RDONLY) < 0 ? -1 : 0);
    t += outcome("rmdir-not-empty", ::rmdir((m + "/sub").c_str()));
    t += outcome("unlink-dir", ::unlink((m + "/sub").c_str()));
    struct statvfs vfs {};
    t += outcome("statvfs", ::statvfs(m.c_str(), &vfs));
    t += "statvfs bsize=" + std::to_string(vfs.f_bsize) + " frsize=" + std::to_string(vfs.f_frsize) +
         " blocks=" + std::to_string(vfs.f_blocks) + " files=" + std::to_string(vfs.f_files) +
         " namemax=" + std::to_string(vfs.f_namemax) + "\n";
    EXPECT_GT(vfs.f_blocks, 0u);
    RunResult df = run({"/usr/bin/df", "-P", "-k", m});
    auto df_lines = lines_of(df.out);
    std::istringstream df_row(df_lines.size() > 1 ? df_lines[1] : "");
    std::string fs, blocks;
    df_row >> fs >> blocks;
    t += "df exit=" + std::to_string(df.exit_code) + " fs=" + replace_all(fs, user_->name(), "USER") +
         " 1k-blocks=" + blocks + "\n";
    t += describe_tree(m);
    // Removal.
    write_text(m + "/gone", "x", 0644);
    t += outcome("unlink", ::unlink((m + "/gone").c_str()));
    t += outcome("unlink-again", ::unlink((m + "/gone").c_str()));
    write_text(m + "/sub2-file", "", 0644);
    t += outcome("mkdir-sub2", ::mkdir((m + "/sub2").c_str(), 0755));
    t += outcome("rmdir-sub2", ::rmdir((m + "/sub2").c_str()));
    mount.unmount();
    EXPECT_FALSE(mount.is_mounted());

    disk[i] = describe_tree(remote_);
    EXPECT_EQ(sha256_of(remote_ + "/sub/big"), sha256_of(local_ / "big"));
    EXPECT_EQ(read_text(remote_ + "/two"), "1");   // posix-rename replaced it
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/one"));
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/gone"));
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/sub2"));
    struct stat st {};
    ASSERT_EQ(::stat((remote_ + "/hard").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 2u);   // a real hard link, not a copy
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(st.st_uid, user_->uid());
    ASSERT_EQ(::stat((remote_ + "/two").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 1000000007);
    ASSERT_EQ(::stat((remote_ + "/trunc").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 70000);
    EXPECT_EQ(read_text(remote_ + "/trunc"), seeded_bytes(100, 8).substr(0, 10) + std::string(69990, '\0'));
    EXPECT_EQ(std::filesystem::read_symlink(remote_ + "/soft", ec).string(), "sub/big");
    EXPECT_EQ(df.exit_code, 0) << df.err;
  }
  expect_same_lines(seen[1], seen[0]);
  expect_same_lines(disk[1], disk[0]);
  EXPECT_NE(seen[1].find("link ok\n"), std::string::npos) << seen[1];
  EXPECT_NE(seen[1].find("rename-onto-existing ok\n"), std::string::npos) << seen[1];
  EXPECT_NE(seen[1].find("readlink sub/big\n"), std::string::npos) << seen[1];
  EXPECT_NE(seen[1].find("open-missing errno=2\n"), std::string::npos) << seen[1];
}

// lftp's sftp:// with Debian's ssh as its connect-program: put/get (a few MiB both
// ways, a resumed put), listings, mkdir/mv/chmod/ln -s/rm/rmdir and failures; the
// transcript (stdout, stderr, exit code) compared with the same script against Debian's.
TEST_F(SftpMorePeersTest, LftpMatchesOpenSsh) {
  const std::string L = local_.path();
  write_text(local_ / "big", seeded_bytes(3 * kMiB + 17, 9), 0644);
  write_text(local_ / "one", "1", 0644);
  write_text(local_ / "zero", "", 0644);
  std::string transcripts[2], disk[2];
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i == 0 ? "Debian's sftp-server" : "our sftp-server");
    fresh_remote();
    write_text(remote_ + "/partial", read_text(local_ / "big").substr(0, kMiB + 5), 0644);
    ASSERT_EQ(::chown((remote_ + "/partial").c_str(), user_->uid(), user_->gid()), 0);
    for (std::string name : {"back-big", "back-one", "back-zero", "back-missing"})
      std::filesystem::remove(local_ / name);
    Server s = start(i == 1);
    const std::string script =
        "set sftp:connect-program \"" + ssh_command() + "\"\n"
        "set net:max-retries 1\n"
        "set net:timeout 20\n"
        "set xfer:clobber on\n"
        "open -u " + user_->name() + ", -p " + std::to_string(s.port()) + " sftp://127.0.0.1\n"
        "cd " + remote_ + "\n"
        "pwd\n"
        "put " + L + "/big -o big\n"
        "put " + L + "/one -o one\n"
        "put " + L + "/zero -o zero\n"
        "put -c " + L + "/big -o partial\n"
        "mkdir sub\n"
        "mkdir sub\n"
        "mv one sub/one\n"
        "mv missing other\n"
        "chmod 600 big\n"
        "ln -s big link\n"
        "ls\n"
        "cls -1\n"
        "ls sub\n"
        "get big -o " + L + "/back-big\n"
        "get sub/one -o " + L + "/back-one\n"
        "get zero -o " + L + "/back-zero\n"
        "get missing -o " + L + "/back-missing\n"
        "cat sub/one\n"
        "echo\n"
        "rm missing\n"
        "rmdir sub\n"
        "rm sub/one\n"
        "rmdir sub\n"
        "mv zero zero2\n"
        "rm zero2\n"
        "find .\n"
        "ls\n";
    write_text(home_ / "script", script, 0600);
    RunOptions options;
    options.env["HOME"] = home_.path();   // lftp keeps its history and cache under ~
    options.timeout_seconds = 120;
    RunResult r = run({"/usr/bin/lftp", "-f", home_ / "script"}, options);
    transcripts[i] = replace_all(
        mask_dates("exit " + std::to_string(r.exit_code) + "\n" + r.out + "--- stderr\n" + r.err),
        ":" + std::to_string(s.port()), ":PORT");
    EXPECT_EQ(sha256_of(local_ / "back-big"), sha256_of(local_ / "big")) << r.out << r.err << s.log();
    EXPECT_EQ(sha256_of(local_ / "back-one"), sha256_of(local_ / "one"));
    EXPECT_EQ(sha256_of(local_ / "back-zero"), sha256_of(local_ / "zero"));
    EXPECT_EQ(sha256_of(remote_ + "/big"), sha256_of(local_ / "big"));
    EXPECT_EQ(sha256_of(remote_ + "/partial"), sha256_of(local_ / "big"));   // resumed at 1 MiB + 5
    EXPECT_EQ(std::filesystem::read_symlink(remote_ + "/link").string(), "big");
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/sub"));
    EXPECT_FALSE(std::filesystem::exists(remote_ + "/zero"));
    struct stat st {};
    ASSERT_EQ(::stat((remote_ + "/big").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    disk[i] = describe_tree(remote_);
  }
  expect_same_lines(transcripts[1], transcripts[0]);
  expect_same_lines(disk[1], disk[0]);
  EXPECT_NE(transcripts[1].find("\n1\n"), std::string::npos) << transcripts[1];   // cat sub/one
}

}  // namespace
}  // namespace sshpp::test
