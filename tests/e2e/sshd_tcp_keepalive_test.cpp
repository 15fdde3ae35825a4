// TCPKeepAlive: sshd sets SO_KEEPALIVE on each accepted connection unless the config
// says no, as OpenSSH's sshd.c does. The kernel shows the keepalive timer of the server's
// socket to `ss -o` ("timer:(keepalive,...)").
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "support/our_sshd.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sshpp::test {
namespace {

// The `ss -o` line of sshd's end of a fresh connection, once sshd has sent its banner.
std::string server_socket_line(const OurSshd& sshd) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(sshd.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out = "connect failed";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    pollfd p{fd, POLLIN, 0};
    char buf[256];
    if (poll(&p, 1, 5000) == 1 && read(fd, buf, sizeof buf) > 0) {  // the banner: options are set by now
      out = run({"ss", "-tnoH", "state", "established", "( sport = :" + std::to_string(sshd.port()) + " )"}).out;
    }
  }
  close(fd);
  return out;
}

TEST(SshdTcpKeepAliveTest, SetByDefault) {
  TempDir dir;
  OurSshd sshd(dir.path(), "");
  ASSERT_TRUE(sshd.listening()) << sshd.log();
  std::string line = server_socket_line(sshd);
  EXPECT_NE(line.find("timer:(keepalive"), std::string::npos) << line;
}

TEST(SshdTcpKeepAliveTest, NotSetWhenTurnedOff) {
  TempDir dir;
  OurSshd sshd(dir.path(), "TCPKeepAlive no\n");
  ASSERT_TRUE(sshd.listening()) << sshd.log();
  std::string line = server_socket_line(sshd);
  EXPECT_NE(line.find(":" + std::to_string(sshd.port())), std::string::npos) << line;
  EXPECT_EQ(line.find("keepalive"), std::string::npos) << line;
}

}  // namespace
}  // namespace sshpp::test
