// The `ls -l` line of a directory entry, as OpenSSH's ls_file() (sftp-common.c)
// builds it: the server puts it in READDIR's longname, the sftp client prints it for
// `ls -l` and `ls -n`.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "sshcore/apps/sftp/sftp_protocol.hpp"

namespace sshcore::apps::sftp {

// user/group empty: the numeric uid/gid. link_count nullopt prints "?" (what the
// client does for remote files, which carry no link count). si_units: sizes like
// "1.5K" (OpenBSD's fmt_scaled). now: the clock for the "recent file" time format.
std::string format_long_name(std::string_view name, const FileAttributes& attrs, std::string_view user_name,
                             std::string_view group_name, bool si_units,
                             std::optional<std::uint64_t> link_count = std::nullopt,
                             std::time_t now = std::time(nullptr));

// "drwxr-xr-x" from st_mode (BSD strmode() without its trailing space).
std::string mode_string(std::uint32_t mode);

// OpenBSD's fmt_scaled(): "512B", "1.0K", "10M", "0B".
std::string format_scaled(long long number);

}  // namespace sshcore::apps::sftp
