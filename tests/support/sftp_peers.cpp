#include "support/sftp_peers.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>

#include "support/other_peers.hpp"

namespace sshpp::test {

namespace {

// tests/data/peers/ belongs to the other peers' scripts; this one lives with its runner.
constexpr const char* kParamikoSftpScript = R"PY(import argparse
import errno
import stat
import sys

import paramiko

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--user", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--known-hosts", required=True)
ap.add_argument("--remote", required=True)
ap.add_argument("--local", required=True)
ap.add_argument("--report", required=True)
args = ap.parse_args()
R, L = args.remote, args.local
lines = []


def attrs(a):
    # Only what both servers must agree on: no times the script did not set.
    out = "size=%s mode=%o uid=%s gid=%s" % (a.st_size, a.st_mode or 0, a.st_uid, a.st_gid)
    for field in ("atime", "mtime"):
        value = getattr(a, "st_" + field)
        if value is not None and value <= 1100000000:   # a time the script set
            out += " %s=%s" % (field, value)
    return out


def shown(value):
    if isinstance(value, paramiko.SFTPAttributes):
        return attrs(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(shown(v) for v in value) + "]"
    if isinstance(value, bytes):
        return repr(value)
    return str(value)


def step(name, fn):
    try:
        lines.append("%s ok %s" % (name, shown(fn())))
    except IOError as e:
        # paramiko: IOError(errno, text) for NO_SUCH_FILE and PERMISSION_DENIED,
        # IOError(text) for the other statuses; the text is the server's message.
        text = e.strerror if e.errno is not None else (e.args[0] if e.args else "")
        lines.append("%s error errno=%s text=%s" % (name, e.errno, text))
    except paramiko.SFTPError as e:
        lines.append("%s sftp-error %s" % (name, e.args))


def mask_date(longname):
    # The link's own mtime is when the test made it: keep mode, links, owner, size, name.
    f = longname.split()
    return " ".join(f[:5] + ["<date>"] + f[8:])


def write(path, mode, data, seek=None):
    with sftp.open(path, mode) as f:
        if seek is not None:
            f.seek(seek)
        f.write(data)


def read(path):
    with sftp.open(path, "r") as f:
        return f.read()


client = paramiko.SSHClient()
client.load_host_keys(args.known_hosts)
client.set_missing_host_key_policy(paramiko.RejectPolicy())
client.connect("127.0.0.1", port=args.port, username=args.user, key_filename=args.key, look_for_keys=False,
               allow_agent=False, timeout=20, auth_timeout=20, banner_timeout=20)
sftp = client.open_sftp()
home = sftp.normalize(".")
lines.append("home %s" % home)
step("mkdir", lambda: sftp.mkdir(R))
step("mkdir-again", lambda: sftp.mkdir(R))
for name in ("zero", "one", "big"):
    step("put-" + name, lambda: sftp.put(L + "/" + name, R + "/" + name))
    step("get-" + name, lambda: sftp.get(R + "/" + name, L + "/back-" + name))
step("utime", lambda: sftp.utime(R + "/one", (1000000000, 1100000000)))
step("stat-one", lambda: sftp.stat(R + "/one"))
step("chmod", lambda: sftp.chmod(R + "/one", 0o640))
step("stat-chmod", lambda: sftp.stat(R + "/one"))
step("chown-self", lambda: sftp.chown(R + "/one", sftp.stat(R + "/one").st_uid, sftp.stat(R + "/one").st_gid))
step("chown-root", lambda: sftp.chown(R + "/one", 0, 0))
step("stat-missing", lambda: sftp.stat(R + "/missing"))
step("lstat-missing", lambda: sftp.lstat(R + "/missing"))
step("open-missing", lambda: sftp.open(R + "/missing", "r"))
step("remove-missing", lambda: sftp.remove(R + "/missing"))
step("listdir-missing", lambda: sftp.listdir(R + "/missing"))
step("rename-missing", lambda: sftp.rename(R + "/missing", R + "/other"))
step("stat-denied", lambda: sftp.stat("/root/.profile"))
step("open-denied", lambda: sftp.open("/etc/shadow", "r"))
step("write-denied", lambda: sftp.open("/etc/sshpp-denied", "w"))
step("rename", lambda: sftp.rename(R + "/one", R + "/uno"))
step("rename-onto-existing", lambda: sftp.rename(R + "/zero", R + "/uno"))
step("stat-uno", lambda: sftp.stat(R + "/uno"))
step("posix-rename-onto-existing", lambda: sftp.posix_rename(R + "/zero", R + "/uno"))
step("stat-uno-after", lambda: sftp.stat(R + "/uno"))
step("stat-zero-gone", lambda: sftp.stat(R + "/zero"))
step("symlink", lambda: sftp.symlink("big", R + "/link"))
step("readlink", lambda: sftp.readlink(R + "/link"))
step("lstat-link", lambda: sftp.lstat(R + "/link"))
step("stat-link", lambda: sftp.stat(R + "/link"))
step("symlink-dangling", lambda: sftp.symlink("nowhere", R + "/dangling"))
step("readlink-dangling", lambda: sftp.readlink(R + "/dangling"))
step("stat-dangling", lambda: sftp.stat(R + "/dangling"))
step("symlink-onto-existing", lambda: sftp.symlink("big", R + "/uno"))
step("readlink-not-link", lambda: sftp.readlink(R + "/big"))
step("mkdir-mode", lambda: sftp.mkdir(R + "/sub", 0o750))
step("stat-sub", lambda: "%o" % sftp.stat(R + "/sub").st_mode)
step("mkdir-umask", lambda: sftp.mkdir(R + "/wide", 0o777))
step("stat-wide", lambda: "%o" % sftp.stat(R + "/wide").st_mode)
step("rmdir-wide", lambda: sftp.rmdir(R + "/wide"))
step("write-in-sub", lambda: write(R + "/sub/f", "w", b"in sub"))
step("rmdir-nonempty", lambda: sftp.rmdir(R + "/sub"))
step("remove-dir", lambda: sftp.remove(R + "/sub"))
step("rmdir-file", lambda: sftp.rmdir(R + "/big"))
step("remove-in-sub", lambda: sftp.remove(R + "/sub/f"))
step("rmdir", lambda: sftp.rmdir(R + "/sub"))
step("rmdir-gone", lambda: sftp.rmdir(R + "/sub"))
step("write-new", lambda: write(R + "/text", "w", b"hello"))
step("append", lambda: write(R + "/text", "a", b" world"))
step("read-append", lambda: read(R + "/text"))
step("overwrite-middle", lambda: write(R + "/text", "r+", b"XY", seek=2))
step("read-middle", lambda: read(R + "/text"))
step("truncate", lambda: sftp.truncate(R + "/text", 3))
step("read-truncated", lambda: read(R + "/text"))
step("open-exclusive-existing", lambda: sftp.open(R + "/text", "wx"))
step("open-exclusive-new", lambda: write(R + "/fresh", "wx", b"new"))
step("fstat", lambda: sftp.open(R + "/big", "r").stat())
step("read-range", lambda: sftp.open(R + "/big", "r").readv([(0, 4), (4194300, 100)]).__next__())
step("check-file", lambda: sftp.open(R + "/big", "r").check("sha256", 0, 0, 0))
step("normalize-dots", lambda: sftp.normalize(R + "/./sub/../big"))
step("normalize-missing", lambda: sftp.normalize(R + "/missing"))
step("normalize-missing-parent", lambda: sftp.normalize(R + "/missing/deeper"))
step("chdir", lambda: sftp.chdir(R))
step("relative-stat", lambda: sftp.stat("big"))
step("getcwd", lambda: sftp.getcwd())
step("chdir-file", lambda: sftp.chdir(R + "/big"))
for name in ("big", "uno", "text", "fresh"):
    step("utime-" + name, lambda: sftp.utime(R + "/" + name, (1000000000, 1000000000 + len(name))))
step("utime-dir", lambda: sftp.utime(R, (1000000000, 1000000000)))
step("listdir", lambda: sorted(sftp.listdir(R)))
for a in sorted(sftp.listdir_attr(R), key=lambda a: a.filename):
    longname = a.longname if not stat.S_ISLNK(a.st_mode) else mask_date(a.longname)
    lines.append("entry %s %s longname=%s" % (a.filename, attrs(a), longname))
step("stat-dir", lambda: sftp.stat(R))
sftp.close()
client.close()
with open(args.report, "w") as f:
    f.write("\n".join(lines) + "\n")
)PY";

}  // namespace

ParamikoSftpRun run_paramiko_sftp(const std::string& dir, int port, const std::string& user, const std::string& key,
                                  const std::string& known_hosts, const std::string& remote,
                                  const std::string& local) {
  std::string script = dir + "/paramiko_sftp.py";
  write_text(script, kParamikoSftpScript, 0600);
  std::string report = dir + "/paramiko_sftp.report";
  RunOptions options;
  options.timeout_seconds = 120;
  ParamikoSftpRun out;
  out.process = run({kSystemPython, script, "--port", std::to_string(port), "--user", user, "--key", key,
                     "--known-hosts", known_hosts, "--remote", remote, "--local", local, "--report", report},
                    options);
  out.report = out.process.exit_code == 0 ? read_text(report) : std::string();
  return out;
}

std::vector<std::string> putty_options(int port, const std::string& ppk, const std::vector<std::string>& host_keys) {
  std::vector<std::string> out{"-batch", "-noagent", "-P", std::to_string(port), "-i", ppk};
  for (const auto& key : host_keys) out.insert(out.end(), {"-hostkey", key});
  return out;
}

std::string seeded_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t v = gen();
    std::memcpy(out.data() + i, &v, std::min<std::size_t>(8, size - i));
  }
  return out;
}

std::string sha256_of(const std::string& path) {
  auto r = run({"/bin/sh", "-c", "/usr/bin/sha256sum < \"$1\"", "sh", path});
  if (r.exit_code != 0) return "unreadable " + path + ": " + r.err;
  return r.out.substr(0, 64);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void expect_same_lines(const std::string& ours, const std::string& openssh) {
  auto a = lines_of(ours), b = lines_of(openssh);
  EXPECT_EQ(a.size(), b.size()) << "ours:\n" << ours << "\nOpenSSH's:\n" << openssh;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    EXPECT_EQ(a[i], b[i]) << "line " << i + 1 << " (ours first, then OpenSSH's)";
}

std::string mask_dates(const std::string& text) {
  std::string out;
  for (const auto& line : lines_of(text)) {
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    bool listing = f.size() >= 9 && f[0].size() == 10 && std::string("-dlcbps").find(f[0][0]) != std::string::npos;
    if (!listing) {
      out += line + "\n";
      continue;
    }
    std::string masked;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i == 6 || i == 7) continue;
      masked += (i ? " " : "") + (i == 5 ? std::string("<date>") : f[i]);
    }
    out += masked + "\n";
  }
  return out;
}

SftpPeerServer SftpPeerServer::start(const std::string& dir, const std::string& subsystem, const std::string& extra) {
  SftpPeerServer s;
  s.dir = dir;
  if (subsystem.empty()) {
    s.debian = std::make_unique<DebianSshd>(dir, std::string("Subsystem sftp ") + kDebianSftpServer + "\n");
  } else {
    s.ours = std::make_unique<OurSshd>(dir, "Subsystem sftp " + subsystem + "\n" + extra);
    EXPECT_TRUE(s.ours->listening());
  }
  return s;
}

std::vector<std::string> SftpPeerServer::host_key_files() const {
  if (ours) return {dir + "/ssh_host_ed25519_key.pub"};
  std::vector<std::string> out;
  for (std::string type : {"ed25519", "ecdsa", "rsa", "ecdsa384", "ecdsa521"})
    out.push_back(dir + "/ssh_host_" + type + "_key.pub");
  return out;
}

std::string SftpPeerServer::known_hosts() const {
  std::string path = dir + "/paramiko_known_hosts", text;
  for (const auto& pub : host_key_files()) text += "[127.0.0.1]:" + std::to_string(port()) + " " + read_text(pub);
  write_text(path, text, 0644);
  return path;
}

std::vector<std::string> SftpPeerServer::fingerprints() const {
  std::vector<std::string> out;
  for (const auto& pub : host_key_files()) out.push_back(key_fingerprint(pub));
  return out;
}

TestUser* SftpPeerFixture::user_ = nullptr;
TempDir* SftpPeerFixture::keys_ = nullptr;

void SftpPeerFixture::create_user_and_key(const char* prefix) {
  user_ = new TestUser(prefix);
  ASSERT_TRUE(user_->created());
  ASSERT_TRUE(user_->set_password("Unus3d-but-unlocked"));  // a locked account may not log in
  keys_ = new TempDir;
  ASSERT_EQ(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", *keys_ / "id"}).exit_code, 0);
}

void SftpPeerFixture::remove_user_and_key() {
  delete user_;
  user_ = nullptr;
  delete keys_;
  keys_ = nullptr;
}

void SftpPeerFixture::SetUp() {
  ASSERT_NE(user_, nullptr);
  user_->write_authorized_keys(read_text(*keys_ / "id.pub"));
  remote_ = user_->home() + "/t";
  std::filesystem::remove_all(remote_);
}

void SftpPeerFixture::TearDown() { std::filesystem::remove_all(remote_); }

SftpPeerServer SftpPeerFixture::start(const std::string& subsystem, const std::string& extra) {
  return SftpPeerServer::start(server_dirs_.emplace_back(std::make_unique<TempDir>())->path(), subsystem, extra);
}

void SftpPeerFixture::fresh_remote() {
  std::filesystem::remove_all(remote_);
  ASSERT_EQ(::mkdir(remote_.c_str(), 0755), 0);
  ASSERT_EQ(::chown(remote_.c_str(), user_->uid(), user_->gid()), 0);
}

}  // namespace sshpp::test
