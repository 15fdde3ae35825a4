// The read-dispatch loop of sftp: libedit line editing and history on a terminal
// (prompt "sftp> "), otherwise lines from stdin or the -b file, each echoed as
// "sftp> line" as OpenSSH does for non-interactive input.
#pragma once

#include <cstdio>

#include "interpreter.hpp"

namespace sftp_program {

// Returns 0 after EOF or quit, -1 when a batch-mode failure stopped the loop.
// `on_interrupt` handles SIGINT while a command runs (ignored while reading a line).
int run_command_loop(SftpInterpreter& interpreter, std::FILE* input, bool batch_mode, void (*on_interrupt)(int));

}  // namespace sftp_program
