// The SFTP requests the server knows, named as OpenSSH's sftp-server names them:
// the names -P/-p filter on and -Q requests prints, in OpenSSH's order (the plain
// requests, then the extensions). `writes` marks what read-only mode (-R) refuses.
#pragma once

#include <string_view>

#include "sshcore/apps/sftp/sftp_protocol.hpp"

namespace sshcore::apps::sftp {

struct RequestName {
  std::string_view name;       // -P/-p/-Q name
  std::string_view extension;  // wire name of an SSH_FXP_EXTENDED request; empty for plain ones
  PacketType type;             // kExtended for extensions
  bool writes;                 // refused by -R (OPEN checks its flags itself)
};

inline constexpr RequestName kRequestNames[] = {
    {"open", "", PacketType::kOpen, false},
    {"close", "", PacketType::kClose, false},
    {"read", "", PacketType::kRead, false},
    {"write", "", PacketType::kWrite, true},
    {"lstat", "", PacketType::kLstat, false},
    {"fstat", "", PacketType::kFstat, false},
    {"setstat", "", PacketType::kSetstat, true},
    {"fsetstat", "", PacketType::kFsetstat, true},
    {"opendir", "", PacketType::kOpendir, false},
    {"readdir", "", PacketType::kReaddir, false},
    {"remove", "", PacketType::kRemove, true},
    {"mkdir", "", PacketType::kMkdir, true},
    {"rmdir", "", PacketType::kRmdir, true},
    {"realpath", "", PacketType::kRealpath, false},
    {"stat", "", PacketType::kStat, false},
    {"rename", "", PacketType::kRename, true},
    {"readlink", "", PacketType::kReadlink, false},
    {"symlink", "", PacketType::kSymlink, true},
    {"posix-rename", kExtPosixRename, PacketType::kExtended, true},
    {"statvfs", kExtStatVfs, PacketType::kExtended, false},
    {"fstatvfs", kExtFstatVfs, PacketType::kExtended, false},
    {"hardlink", kExtHardlink, PacketType::kExtended, true},
    {"fsync", kExtFsync, PacketType::kExtended, true},
    {"lsetstat", kExtLsetstat, PacketType::kExtended, true},
    {"limits", kExtLimits, PacketType::kExtended, false},
    {"expand-path", kExtExpandPath, PacketType::kExtended, false},
    {"copy-data", kExtCopyData, PacketType::kExtended, true},
    {"home-directory", kExtHomeDirectory, PacketType::kExtended, false},
    {"users-groups-by-id", kExtUsersGroupsById, PacketType::kExtended, false},
};

// The row of a plain request type, or of an extension's wire name; nullptr if unknown.
constexpr const RequestName* find_request(PacketType type) {
  for (const RequestName& r : kRequestNames)
    if (r.type == type && r.extension.empty()) return &r;
  return nullptr;
}
constexpr const RequestName* find_extension(std::string_view wire_name) {
  for (const RequestName& r : kRequestNames)
    if (!r.extension.empty() && r.extension == wire_name) return &r;
  return nullptr;
}

}  // namespace sshcore::apps::sftp
