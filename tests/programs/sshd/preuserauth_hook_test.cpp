// PreUserauthHook (FEATURES.md HOOK-03..HOOK-12) through LocalAuthPolicy::before_method.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "auth_test_fixture.hpp"
#include "support/process.hpp"

namespace sshd::test {
namespace {

using namespace std::chrono_literals;

class PreUserauthHookTest : public AuthTest {
 protected:
  // A root-owned 0500 hook whose body is `script`.
  std::string hook(const std::string& script, mode_t mode = 0500) {
    std::string path = root_ + "/hook";
    write_file(path, "#!/bin/sh\n" + script, mode);
    return path;
  }
  bool before(const std::string& path, const std::string& method, const std::string& user,
              std::chrono::milliseconds timeout = 10s) {
    auto c = config("PreUserauthHook " + path + "\n");
    LocalAuthOptions lo;
    lo.hook_timeout = timeout;
    LocalAuthPolicy policy(c, addresses(), system_auth_os(), lo);
    return policy.before_method(user, method);
  }
  std::string out() const { return root_ + "/out"; }
};

TEST_F(PreUserauthHookTest, ExitZeroProcessesTheMethodAndLogsTheRun) {
  std::string p = hook("exit 0\n");
  EXPECT_TRUE(before(p, "publickey", "alice"));
  EXPECT_TRUE(logged("PreUserauthHook " + p + " publickey alice: exit 0")) << log_text();
}

TEST_F(PreUserauthHookTest, ExitOneRefusesAtInfo) {
  std::string p = hook("exit 1\n");
  EXPECT_FALSE(before(p, "password", "alice"));
  EXPECT_TRUE(logged("PreUserauthHook " + p + " password alice: exit 1")) << log_text();
  EXPECT_TRUE(logged("PreUserauthHook refused password for alice from 192.0.2.7 port 50022")) << log_text();
}

TEST_F(PreUserauthHookTest, ExitTwoRefusesAndIsAnError) {
  std::string p = hook("exit 2\n");
  EXPECT_FALSE(before(p, "none", "alice"));
  EXPECT_TRUE(logged("PreUserauthHook " + p + " none alice: exit 2")) << log_text();
  EXPECT_TRUE(logged("PreUserauthHook refused none for alice")) << log_text();
}

TEST_F(PreUserauthHookTest, KilledBySignalRefuses) {
  std::string p = hook("kill -9 $$\n");
  EXPECT_FALSE(before(p, "publickey", "alice"));
  EXPECT_TRUE(logged("killed by signal 9")) << log_text();
}

TEST_F(PreUserauthHookTest, TimeoutKillsTheHookAndRefuses) {
  std::string p = hook("sleep 30\n");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(before(p, "publickey", "alice", 300ms));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(logged("PreUserauthHook " + p + " publickey alice: timed out")) << log_text();
}

TEST_F(PreUserauthHookTest, ABackgroundChildHoldingStdoutDoesNotDelayTheAnswer) {
  std::string p = hook("sleep 3 &\nexit 0\n");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(before(p, "publickey", "alice", 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(PreUserauthHookTest, WrongModeIsNotRun) {
  std::string p = hook("touch " + out() + "\nexit 0\n", 0755);
  EXPECT_FALSE(before(p, "publickey", "alice"));
  EXPECT_FALSE(std::filesystem::exists(out()));
  EXPECT_TRUE(logged("PreUserauthHook " + p + ": bad ownership or modes")) << log_text();
}

TEST_F(PreUserauthHookTest, Mode0700And4500AreRefusedToo) {
  for (mode_t mode : {0700, 04500, 0555}) {
    std::string p = hook("touch " + out() + "\nexit 0\n", mode);
    chmod(p.c_str(), mode);  // chmod after write keeps the setuid bit
    EXPECT_FALSE(before(p, "publickey", "alice")) << std::oct << mode;
    EXPECT_FALSE(std::filesystem::exists(out()));
  }
}

TEST_F(PreUserauthHookTest, WrongOwnerIsNotRun) {
  std::string p = hook("touch " + out() + "\nexit 0\n");
  ASSERT_EQ(chown(p.c_str(), 65534, 65534), 0);
  EXPECT_FALSE(before(p, "publickey", "alice"));
  EXPECT_FALSE(std::filesystem::exists(out()));
  EXPECT_TRUE(logged("bad ownership or modes")) << log_text();
}

TEST_F(PreUserauthHookTest, GroupWritableDirectoryIsRefused) {
  std::string p = hook("touch " + out() + "\nexit 0\n");
  chmod(root_.c_str(), 0775);
  EXPECT_FALSE(before(p, "publickey", "alice"));
  chmod(root_.c_str(), 0755);
  EXPECT_FALSE(std::filesystem::exists(out()));
  EXPECT_TRUE(logged("PreUserauthHook " + p + ": bad ownership or modes")) << log_text();
}

TEST_F(PreUserauthHookTest, SymlinkIsRefused) {
  std::string target = hook("touch " + out() + "\nexit 0\n");
  std::string link = root_ + "/link";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(before(link, "publickey", "alice"));
  EXPECT_FALSE(std::filesystem::exists(out()));
  EXPECT_TRUE(before(target, "publickey", "alice"));  // the target itself is fine
}

TEST_F(PreUserauthHookTest, ArgumentsAndEnvironment) {
  std::string p = hook("printf '%s|%s|%s\\n' \"$0\" \"$1\" \"$2\" > " + out() + "\nenv | sort >> " + out() +
                       "\nexit 0\n");
  EXPECT_TRUE(before(p, "keyboard-interactive", "we ird;user"));
  std::string text = sshpp::test::read_text(out());
  std::string first = text.substr(0, text.find('\n'));
  // argv[0] is the configured path; a shell sees /dev/fd/N as $0 after fexecve of a script.
  EXPECT_NE(first.find("|keyboard-interactive|we ird;user"), std::string::npos) << text;
  EXPECT_NE(text.find("SSH_CONNECTION=192.0.2.7 50022 192.0.2.1 22\n"), std::string::npos) << text;
  EXPECT_NE(text.find("PATH=/usr/bin:/bin\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("HOME="), std::string::npos) << text;
  EXPECT_EQ(text.find("USER="), std::string::npos) << text;
}

TEST_F(PreUserauthHookTest, OutputGoesToTheDebugLog) {
  std::string p = hook("echo to-stdout\necho to-stderr >&2\nexit 0\n");
  EXPECT_TRUE(before(p, "none", "bob"));
  EXPECT_TRUE(logged("debug1: PreUserauthHook stdout: to-stdout")) << log_text();
  EXPECT_TRUE(logged("debug1: PreUserauthHook stderr: to-stderr")) << log_text();
}

TEST_F(PreUserauthHookTest, RunsForInvalidUsersAndWithoutTheKeywordDoesNothing) {
  std::string p = hook("echo \"$1 $2\" >> " + out() + "\nexit 0\n");
  EXPECT_TRUE(before(p, "none", "no-such-user-xyz"));
  EXPECT_EQ(sshpp::test::read_text(out()), "none no-such-user-xyz\n");
  auto c = config("");
  LocalAuthPolicy policy(c, addresses());
  EXPECT_TRUE(policy.before_method("x", "password"));
}

TEST_F(PreUserauthHookTest, MissingHookRefuses) {
  EXPECT_FALSE(before(root_ + "/absent", "publickey", "alice"));
  EXPECT_TRUE(logged("PreUserauthHook refused publickey for alice")) << log_text();
}

}  // namespace
}  // namespace sshd::test
