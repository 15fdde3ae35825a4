#include "session_environment.hpp"

#include <gtest/gtest.h>

#include <random>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using sshd::ClientEnvironment;
using sshd::SessionEnvironmentInput;
using Entries = std::vector<std::string>;

SessionEnvironmentInput alice() {
  SessionEnvironmentInput in;
  in.user = "alice";
  in.uid = 1000;
  in.home = "/home/alice";
  in.shell = "/bin/bash";
  in.remote_address = "127.0.0.1";
  in.remote_port = 49998;
  in.local_address = "127.0.0.1";
  in.local_port = 22917;
  return in;
}

Entries build(const SessionEnvironmentInput& in) {
  auto env = sshd::build_session_environment(in);
  EXPECT_TRUE(env.has_value());
  return env ? env->entries() : Entries{};
}

// The order Debian's sshd 9.2 (UsePAM no) produced for `ssh -o SendEnv='FOOBAR LANG'
// host 'cat /proc/$$/environ'` with AcceptEnv LANG LC_* FOO*.
TEST(SessionEnvironment, MatchesDebianSshdOrderForACommand) {
  auto in = alice();
  in.client_variables = {{"LANG", "C.UTF-8"}, {"FOOBAR", "x"}};
  EXPECT_EQ(build(in),
            (Entries{"LANG=C.UTF-8", "FOOBAR=x", "USER=alice", "LOGNAME=alice", "HOME=/home/alice",
                     "PATH=/usr/local/bin:/usr/bin:/bin:/usr/games", "MAIL=/var/mail/alice",
                     "SHELL=/bin/bash", "SSH_CLIENT=127.0.0.1 49998 22917",
                     "SSH_CONNECTION=127.0.0.1 49998 127.0.0.1 22917"}));
}

TEST(SessionEnvironment, PtySessionOfRootAddsTermAndTtyAndSuperuserPath) {
  auto in = alice();
  in.user = "root";
  in.uid = 0;
  in.home = "/root";
  in.term = "xterm";
  in.tty = "/dev/pts/0";
  in.client_variables = {{"LANG", "C.UTF-8"}};
  EXPECT_EQ(build(in),
            (Entries{"LANG=C.UTF-8", "USER=root", "LOGNAME=root", "HOME=/root",
                     "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "MAIL=/var/mail/root", "SHELL=/bin/bash", "TERM=xterm",
                     "SSH_CLIENT=127.0.0.1 49998 22917",
                     "SSH_CONNECTION=127.0.0.1 49998 127.0.0.1 22917", "SSH_TTY=/dev/pts/0"}));
}

TEST(SessionEnvironment, PamSuppliesMailAndCannotForgeConnection) {
  auto in = alice();
  in.use_pam = true;
  in.pam_environment = {"MOTD_SHOWN=pam", "SSH_CONNECTION=forged", "SSH_AUTH_INFO_0=x", "junk"};
  const auto env = build(in);
  EXPECT_EQ(std::count(env.begin(), env.end(), "MOTD_SHOWN=pam"), 1);
  for (const auto& e : env) {
    EXPECT_FALSE(e.starts_with("MAIL=")) << e;
    EXPECT_FALSE(e.starts_with("SSH_AUTH_INFO_0")) << e;
  }
  EXPECT_EQ(env.back(), "SSH_CONNECTION=127.0.0.1 49998 127.0.0.1 22917");
}

TEST(SessionEnvironment, ClientCannotOverrideUserButSetEnvCan) {
  auto in = alice();
  in.client_variables = {{"USER", "mallory"}, {"LANG", "C"}};
  in.set_env = {"LANG=de_DE.UTF-8", "EXTRA=a=b"};
  in.tz = "Europe/Berlin";
  in.original_command = "rsync --server";
  in.shell = "";
  sshd::Environment env;
  auto built = sshd::build_session_environment(in);
  ASSERT_TRUE(built);
  EXPECT_EQ(built->get("USER"), "alice");
  EXPECT_EQ(built->get("LANG"), "de_DE.UTF-8");
  EXPECT_EQ(built->get("EXTRA"), "a=b");
  EXPECT_EQ(built->get("TZ"), "Europe/Berlin");
  EXPECT_EQ(built->get("SHELL"), "/bin/sh");
  EXPECT_EQ(built->get("SSH_ORIGINAL_COMMAND"), "rsync --server");
  EXPECT_EQ(built->entries().front(), "USER=alice");  // the client's slot, reused in place
  EXPECT_FALSE(built->get("SSH_TTY"));
}

TEST(SessionEnvironment, BadSetEnvFails) {
  auto in = alice();
  in.set_env = {"NOEQUALS"};
  EXPECT_FALSE(sshd::build_session_environment(in));
}

TEST(SessionEnvironment, AcceptEnvPatterns) {
  ClientEnvironment client;
  const std::vector<std::string> accept = {"LANG", "LC_*", "X?Z"};
  EXPECT_TRUE(client.accept("LANG", "C", accept));
  EXPECT_TRUE(client.accept("LC_ALL", "C", accept));
  EXPECT_TRUE(client.accept("XYZ", "1", accept));
  EXPECT_FALSE(client.accept("XYYZ", "1", accept));
  EXPECT_FALSE(client.accept("LANGUAGE", "C", accept));
  EXPECT_FALSE(client.accept("lang", "C", accept));  // case-sensitive
  EXPECT_FALSE(client.accept("LC_X=Y", "C", accept));
  EXPECT_FALSE(client.accept("PATH", "/evil", {}));
  EXPECT_EQ(client.variables().size(), 3u);
}

TEST(SessionEnvironment, AcceptEnvStopsAfter129Variables) {
  ClientEnvironment client;
  int accepted = 0;
  for (int i = 0; i < 200; ++i) accepted += client.accept("V" + std::to_string(i), "x", {"*"});
  EXPECT_EQ(accepted, 129);
}

TEST(SessionEnvironment, PermitUserEnvironmentReadsKeyOptionsThenFile) {
  sshpp::test::TempDir dir;
  sshpp::test::write_text(
      dir / "environment",
      "# comment\n\n  FROMFILE=1\nBADLINE\nSHARED=file\nPATH=/mine\n\tTABBED=yes\n");
  auto in = alice();
  in.user_environment_file = dir / "environment";
  in.key_environment = {"SHARED=key", "KEYONLY=k"};
  in.set_env = {"PATH=/admin"};

  // Off: neither the key options nor the file count.
  for (const auto& e : build(in))
    EXPECT_FALSE(e.starts_with("FROMFILE") || e.starts_with("KEYONLY"));

  in.permit_user_environment = true;
  auto env = sshd::build_session_environment(in);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->get("FROMFILE"), "1");
  EXPECT_EQ(env->get("TABBED"), "yes");
  EXPECT_EQ(env->get("KEYONLY"), "k");
  EXPECT_EQ(env->get("SHARED"), "file");  // the file is read after the key options
  EXPECT_EQ(env->get("PATH"), "/admin");  // SetEnv comes last
  EXPECT_FALSE(env->get("BADLINE"));

  in.permit_user_environment_allowlist = "FROM*,KEY*";
  env = sshd::build_session_environment(in);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->get("FROMFILE"), "1");
  EXPECT_EQ(env->get("KEYONLY"), "k");
  EXPECT_FALSE(env->get("SHARED"));
  EXPECT_FALSE(env->get("TABBED"));
}

TEST(SessionEnvironment, EnvironmentFileOfTooManyLinesFails) {
  sshpp::test::TempDir dir;
  std::string text;
  for (int i = 0; i < 1001; ++i) text += "# line\n";
  sshpp::test::write_text(dir / "environment", text);
  sshd::Environment env;
  EXPECT_FALSE(sshd::read_environment_file(env, dir / "environment", std::nullopt));
}

TEST(SessionEnvironment, GarbageEnvironmentFileIsSurvived) {
  sshpp::test::TempDir dir;
  std::mt19937 rng(4);
  for (int round = 0; round < 10; ++round) {
    std::string junk(static_cast<std::size_t>(rng() % 2000), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    sshpp::test::write_text(dir / "environment", junk);
    sshd::Environment env;
    auto r = sshd::read_environment_file(env, dir / "environment", std::string("*"));
    if (r) {
      for (const auto& e : env.entries()) EXPECT_NE(e.find('='), std::string::npos);
    }
  }
}

TEST(SessionEnvironment, EnvpIsNullTerminated) {
  sshd::Environment env;
  env.set("A", "1");
  env.set("B", "2");
  env.set("A", "3");
  auto p = env.envp();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_STREQ(p[0], "A=3");
  EXPECT_STREQ(p[1], "B=2");
  EXPECT_EQ(p[2], nullptr);
}

}  // namespace
