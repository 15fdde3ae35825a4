// Deliberately wrong: wire/ may not include keys/ nor touch descriptors.
#pragma once
#include <sys/socket.h>
#include "sshcore/keys/thing.hpp"
inline int leak() { return ::close(3); }
