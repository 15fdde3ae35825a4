// scp(1): secure copy. Everything lives in scp_lib (scp_main.cpp).
#include <string>
#include <vector>

#include "scp_main.hpp"

int main(int argc, char** argv) {
  return scp::scp_main(std::vector<std::string>(argv, argv + argc));
}
