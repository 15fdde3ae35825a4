// SFTP version 3 (draft-ietf-secsh-filexfer-02) as OpenSSH speaks it, with the
// extensions of PROTOCOL section 4: message numbers, flags, status codes, the
// attribute block, and the framing every SFTP packet shares (u32 length, u8 type).
// Both engines (sftp_server, sftp_client) and every program build on this file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/base/bytes.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/wire/reader.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::apps::sftp {

inline constexpr std::uint32_t kProtocolVersion = 3;

// OpenSSH's SFTP_MAX_MSG_LENGTH: the largest packet either side accepts. Peers that
// know limits@openssh.com are told the read/write sizes below it.
inline constexpr std::uint32_t kMaxPacketLength = 256 * 1024;
// OpenSSH's default read/write length when the peer announces no limits (32 KiB).
inline constexpr std::uint32_t kDefaultTransferLength = 32 * 1024;

enum class PacketType : std::uint8_t {
  kInit = 1,
  kVersion = 2,
  kOpen = 3,
  kClose = 4,
  kRead = 5,
  kWrite = 6,
  kLstat = 7,
  kFstat = 8,
  kSetstat = 9,
  kFsetstat = 10,
  kOpendir = 11,
  kReaddir = 12,
  kRemove = 13,
  kMkdir = 14,
  kRmdir = 15,
  kRealpath = 16,
  kStat = 17,
  kRename = 18,
  kReadlink = 19,
  kSymlink = 20,  // OpenSSH sends (and expects) targetpath BEFORE linkpath: the reverse of the draft
  kStatus = 101,
  kHandle = 102,
  kData = 103,
  kName = 104,
  kAttrs = 105,
  kExtended = 200,
  kExtendedReply = 201,
};

// SSH_FXF_* open flags.
inline constexpr std::uint32_t kOpenRead = 0x01;
inline constexpr std::uint32_t kOpenWrite = 0x02;
inline constexpr std::uint32_t kOpenAppend = 0x04;
inline constexpr std::uint32_t kOpenCreate = 0x08;
inline constexpr std::uint32_t kOpenTruncate = 0x10;
inline constexpr std::uint32_t kOpenExclusive = 0x20;

// SSH_FX_* status codes.
enum class StatusCode : std::uint32_t {
  kOk = 0,
  kEof = 1,
  kNoSuchFile = 2,
  kPermissionDenied = 3,
  kFailure = 4,
  kBadMessage = 5,
  kNoConnection = 6,
  kConnectionLost = 7,
  kOpUnsupported = 8,
};

// The message OpenSSH's sftp-server puts in a STATUS reply ("No such file", ...).
std::string_view status_message(StatusCode code);
// The text OpenSSH's sftp client prints for a status (fx2txt: "No such file or directory", ...).
std::string_view status_text(StatusCode code);
// errno -> status code as OpenSSH's errno_to_portable().
StatusCode status_from_errno(int err);

// SSH_FILEXFER_ATTR_* flags.
inline constexpr std::uint32_t kAttrSize = 0x01;
inline constexpr std::uint32_t kAttrUidGid = 0x02;
inline constexpr std::uint32_t kAttrPermissions = 0x04;
inline constexpr std::uint32_t kAttrAcModTime = 0x08;
inline constexpr std::uint32_t kAttrExtended = 0x80000000;

struct ExtendedAttribute {
  std::string type;
  std::string data;
};

// One ATTRS block. Absent fields are std::nullopt; uid and gid travel together.
struct FileAttributes {
  std::optional<std::uint64_t> size;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
  std::optional<std::uint32_t> permissions;  // st_mode bits, file type included
  std::optional<std::uint32_t> atime;
  std::optional<std::uint32_t> mtime;        // atime and mtime travel together
  std::vector<ExtendedAttribute> extended;

  bool is_directory() const;
  bool is_regular() const;
  bool is_symlink() const;
};

Result<FileAttributes> read_attributes(wire::Reader& r);
void write_attributes(wire::Writer& w, const FileAttributes& a);

// statvfs@openssh.com / fstatvfs@openssh.com reply body (PROTOCOL 4.4).
struct StatVfs {
  std::uint64_t bsize = 0, frsize = 0, blocks = 0, bfree = 0, bavail = 0;
  std::uint64_t files = 0, ffree = 0, favail = 0, fsid = 0, flag = 0, namemax = 0;
};
inline constexpr std::uint64_t kStatVfsReadOnly = 0x1;  // SSH2_FXE_STATVFS_ST_RDONLY
inline constexpr std::uint64_t kStatVfsNoSuid = 0x2;    // SSH2_FXE_STATVFS_ST_NOSUID
Result<StatVfs> read_statvfs(wire::Reader& r);
void write_statvfs(wire::Writer& w, const StatVfs& s);

// limits@openssh.com reply body (PROTOCOL 4.8). 0 means "no limit" for the open handles.
struct Limits {
  std::uint64_t max_packet_length = 0;
  std::uint64_t max_read_length = 0;
  std::uint64_t max_write_length = 0;
  std::uint64_t max_open_handles = 0;
};
Result<Limits> read_limits(wire::Reader& r);
void write_limits(wire::Writer& w, const Limits& l);

// Extension names, exactly as on the wire.
inline constexpr std::string_view kExtPosixRename = "posix-rename@openssh.com";
inline constexpr std::string_view kExtStatVfs = "statvfs@openssh.com";
inline constexpr std::string_view kExtFstatVfs = "fstatvfs@openssh.com";
inline constexpr std::string_view kExtHardlink = "hardlink@openssh.com";
inline constexpr std::string_view kExtFsync = "fsync@openssh.com";
inline constexpr std::string_view kExtLsetstat = "lsetstat@openssh.com";
inline constexpr std::string_view kExtLimits = "limits@openssh.com";
inline constexpr std::string_view kExtExpandPath = "expand-path@openssh.com";
inline constexpr std::string_view kExtCopyData = "copy-data";
inline constexpr std::string_view kExtHomeDirectory = "home-directory";
inline constexpr std::string_view kExtUsersGroupsById = "users-groups-by-id@openssh.com";

// Framing: every SFTP packet is u32 length, u8 type, body. The framer collects bytes as
// they arrive and hands out complete payloads (type byte + body). A length over the
// maximum is an error (kTooLarge), so a peer cannot make us buffer without bound.
class PacketFramer {
 public:
  explicit PacketFramer(std::uint32_t max_length = kMaxPacketLength + 1024) : max_length_(max_length) {}
  void feed(ByteView bytes);
  // The next complete payload, or nullopt when more bytes are needed. The view stays
  // valid until the next call to feed() or next().
  Result<std::optional<ByteView>> next();
  std::size_t buffered() const { return buffer_.size() - offset_; }

 private:
  std::uint32_t max_length_;
  Bytes buffer_;
  std::size_t offset_ = 0;
};

// Appends a payload (type byte + body) with its length prefix.
void frame_packet(Bytes& out, ByteView payload);

}  // namespace sshcore::apps::sftp
