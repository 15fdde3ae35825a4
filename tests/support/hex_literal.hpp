// Known-answer vectors written as hex in test sources, the way RFCs print them:
// spaces, colons and newlines between bytes are ignored.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/encoding.hpp"

namespace sshpp::test {

inline sshcore::Bytes unhex(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != ' ' && c != ':' && c != '\n' && c != '\t') digits.push_back(c);
  auto bytes = sshcore::hex_decode(digits);
  if (!bytes) {
    ADD_FAILURE() << "bad hex in test vector: " << text;
    return {};
  }
  return *bytes;
}

inline std::string hex(sshcore::ByteView bytes) { return sshcore::hex_encode(bytes); }

}  // namespace sshpp::test
