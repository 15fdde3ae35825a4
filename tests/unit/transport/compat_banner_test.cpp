// compat.c's table: the first row whose pattern list matches wins, and the debug line
// reads like OpenSSH's ("compat_banner: match: V pat P compat 0x%08x").
#include "sshcore/transport/compat_banner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sshcore/base/log.hpp"
#include "support/process.hpp"

using namespace sshcore::transport;

TEST(CompatBanner, FirstMatchingRowWins) {
  auto debian = compat_banner("OpenSSH_9.2p1 Debian-2+deb12u3");
  ASSERT_TRUE(debian);
  EXPECT_EQ(debian->pattern, "OpenSSH*");
  EXPECT_EQ(debian->flags, 0x04000000u);
  // OpenSSH_7.4 has its own row before the OpenSSH_7.x one.
  auto old = compat_banner("OpenSSH_7.4p1 Debian-10+deb9u7");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->flags, kNewOpenSsh | kBugSigType | kBugSigType74);
  auto putty = compat_banner("PuTTY_Release_0.62");
  ASSERT_TRUE(putty);
  EXPECT_EQ(putty->flags, std::uint32_t{kOldDhGex});
  auto twisted = compat_banner("Twisted_22.4.0");
  ASSERT_TRUE(twisted);
  EXPECT_EQ(twisted->pattern, "Twisted_*");  // before "Twisted*"
  EXPECT_FALSE(compat_banner("dropbear_2022.83"));
  EXPECT_FALSE(compat_banner(""));
  EXPECT_FALSE(compat_banner("\xff garbage,!x"));
}

TEST(CompatBanner, DebugLinesInOpenSshWords) {
  std::string path = std::filesystem::temp_directory_path() / "sshpp-compat-banner-test.log";
  std::filesystem::remove(path);
  sshcore::log::Options o;
  o.level = sshcore::log::Level::kDebug1;
  o.sink = sshcore::log::Sink::kFile;
  o.file = path;
  sshcore::log::init(o);
  (void)compat_banner("OpenSSH_9.2p1 Debian-2+deb12u3");
  (void)compat_banner("dropbear_2022.83");
  sshcore::log::init(sshcore::log::Options{});
  std::string logged = sshpp::test::read_text(path);
  std::filesystem::remove(path);
  EXPECT_NE(logged.find("debug1: compat_banner: match: OpenSSH_9.2p1 Debian-2+deb12u3 pat OpenSSH* "
                        "compat 0x04000000"),
            std::string::npos)
      << logged;
  EXPECT_NE(logged.find("debug1: compat_banner: no match: dropbear_2022.83"), std::string::npos) << logged;
}
