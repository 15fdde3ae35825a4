// The read-dispatch loop of sftp: libedit line editing and history on a terminal
// (prompt "sftp> "), otherwise lines from stdin or the -b file, each echoed as
// "sftp> line" as OpenSSH does for non-interactive input.
#pragma once

#include <csignal>
#include <cstdio>

#include "interpreter.hpp"

namespace sftp_program {

// Set by SIGINT while a command runs (OpenSSH's cmd_interrupt): the transfer in
// progress stops, keeps what arrived without gaps for reget/reput, and the command
// fails; sftp itself goes on. Cleared before each command.
extern volatile std::sig_atomic_t g_command_interrupted;

// Returns 0 after EOF or quit, -1 when a batch-mode failure stopped the loop.
// SIGINT is ignored while a line is read and interrupts the command while it runs.
int run_command_loop(SftpInterpreter& interpreter, std::FILE* input, bool batch_mode);

}  // namespace sftp_program
