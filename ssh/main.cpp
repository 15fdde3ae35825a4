// ssh(1): the OpenSSH-compatible client. Everything lives in ssh_lib (ssh_main.cpp).
#include <string>
#include <vector>

#include "ssh_main.hpp"

int main(int argc, char** argv) {
  return ssh::ssh_main(std::vector<std::string>(argv, argv + argc));
}
