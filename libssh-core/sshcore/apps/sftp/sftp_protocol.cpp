#include "sshcore/apps/sftp/sftp_protocol.hpp"

#include <array>
#include <cerrno>

namespace sshcore::apps::sftp {
namespace {

struct StatusTexts {
  StatusCode code;
  std::string_view server_message;  // sftp-server.c status_to_message()
  std::string_view client_text;     // sftp-common.c fx2txt()
};

constexpr std::array<StatusTexts, 9> kStatusTexts{{
    {StatusCode::kOk, "Success", "No error"},
    {StatusCode::kEof, "End of file", "End of file"},
    {StatusCode::kNoSuchFile, "No such file", "No such file or directory"},
    {StatusCode::kPermissionDenied, "Permission denied", "Permission denied"},
    {StatusCode::kFailure, "Failure", "Failure"},
    {StatusCode::kBadMessage, "Bad message", "Bad message"},
    {StatusCode::kNoConnection, "No connection", "No connection"},
    {StatusCode::kConnectionLost, "Connection lost", "Connection lost"},
    {StatusCode::kOpUnsupported, "Operation unsupported", "Operation unsupported"},
}};

const StatusTexts* find_status(StatusCode code) {
  for (const auto& t : kStatusTexts)
    if (t.code == code) return &t;
  return nullptr;
}

constexpr std::uint32_t kTypeMask = 0170000;

}  // namespace

std::string_view status_message(StatusCode code) {
  const auto* t = find_status(code);
  return t ? t->server_message : "Unknown error";
}

std::string_view status_text(StatusCode code) {
  const auto* t = find_status(code);
  return t ? t->client_text : "Unknown status";
}

StatusCode status_from_errno(int err) {
  switch (err) {
    case 0:
      return StatusCode::kOk;
    case ENOENT:
    case ENOTDIR:
    case EBADF:
    case ELOOP:
      return StatusCode::kNoSuchFile;
    case EPERM:
    case EACCES:
    case EFAULT:
      return StatusCode::kPermissionDenied;
    case ENAMETOOLONG:
    case EINVAL:
      return StatusCode::kBadMessage;
    case ENOSYS:
      return StatusCode::kOpUnsupported;
    default:
      return StatusCode::kFailure;
  }
}

bool FileAttributes::is_directory() const { return permissions && (*permissions & kTypeMask) == 0040000; }
bool FileAttributes::is_regular() const { return permissions && (*permissions & kTypeMask) == 0100000; }
bool FileAttributes::is_symlink() const { return permissions && (*permissions & kTypeMask) == 0120000; }

Result<FileAttributes> read_attributes(wire::Reader& r) {
  FileAttributes a;
  SSH_TRY(flags, r.u32());
  if (flags & kAttrSize) {
    SSH_TRY(size, r.u64());
    a.size = size;
  }
  if (flags & kAttrUidGid) {
    SSH_TRY(uid, r.u32());
    SSH_TRY(gid, r.u32());
    a.uid = uid;
    a.gid = gid;
  }
  if (flags & kAttrPermissions) {
    SSH_TRY(perm, r.u32());
    a.permissions = perm;
  }
  if (flags & kAttrAcModTime) {
    SSH_TRY(atime, r.u32());
    SSH_TRY(mtime, r.u32());
    a.atime = atime;
    a.mtime = mtime;
  }
  if (flags & kAttrExtended) {
    SSH_TRY(count, r.u32());
    // Each pair needs at least 8 bytes: refuse counts the packet cannot hold.
    if (count > r.remaining() / 8) return fail(Errc::kTruncated, "SFTP extended attribute count");
    for (std::uint32_t i = 0; i < count; ++i) {
      SSH_TRY(type, r.string());
      SSH_TRY(data, r.string());
      a.extended.push_back({to_string(type), to_string(data)});
    }
  }
  return a;
}

void write_attributes(wire::Writer& w, const FileAttributes& a) {
  std::uint32_t flags = 0;
  if (a.size) flags |= kAttrSize;
  if (a.uid && a.gid) flags |= kAttrUidGid;
  if (a.permissions) flags |= kAttrPermissions;
  if (a.atime && a.mtime) flags |= kAttrAcModTime;
  if (!a.extended.empty()) flags |= kAttrExtended;
  w.u32(flags);
  if (flags & kAttrSize) w.u64(*a.size);
  if (flags & kAttrUidGid) {
    w.u32(*a.uid);
    w.u32(*a.gid);
  }
  if (flags & kAttrPermissions) w.u32(*a.permissions);
  if (flags & kAttrAcModTime) {
    w.u32(*a.atime);
    w.u32(*a.mtime);
  }
  if (flags & kAttrExtended) {
    w.u32(static_cast<std::uint32_t>(a.extended.size()));
    for (const auto& e : a.extended) {
      w.string(e.type);
      w.string(e.data);
    }
  }
}

Result<StatVfs> read_statvfs(wire::Reader& r) {
  StatVfs s;
  for (std::uint64_t* field : {&s.bsize, &s.frsize, &s.blocks, &s.bfree, &s.bavail, &s.files, &s.ffree,
                               &s.favail, &s.fsid, &s.flag, &s.namemax}) {
    SSH_TRY(v, r.u64());
    *field = v;
  }
  return s;
}

void write_statvfs(wire::Writer& w, const StatVfs& s) {
  for (std::uint64_t v : {s.bsize, s.frsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.favail, s.fsid,
                          s.flag, s.namemax})
    w.u64(v);
}

Result<Limits> read_limits(wire::Reader& r) {
  Limits l;
  for (std::uint64_t* field : {&l.max_packet_length, &l.max_read_length, &l.max_write_length, &l.max_open_handles}) {
    SSH_TRY(v, r.u64());
    *field = v;
  }
  return l;
}

void write_limits(wire::Writer& w, const Limits& l) {
  w.u64(l.max_packet_length);
  w.u64(l.max_read_length);
  w.u64(l.max_write_length);
  w.u64(l.max_open_handles);
}

void PacketFramer::feed(ByteView bytes) {
  // Drop what was handed out before growing, so a long stream does not accumulate.
  if (offset_ > 0 && (offset_ == buffer_.size() || offset_ > buffer_.size() / 2)) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
    offset_ = 0;
  }
  append(buffer_, bytes);
}

Result<std::optional<ByteView>> PacketFramer::next() {
  std::size_t avail = buffer_.size() - offset_;
  if (avail < 4) return std::optional<ByteView>{};
  std::uint32_t length = load_be32(buffer_.data() + offset_);
  if (length == 0) return fail(Errc::kInvalidFormat, "SFTP packet of length 0");
  if (length > max_length_) return fail(Errc::kTooLarge, "SFTP packet length " + std::to_string(length));
  if (avail - 4 < length) return std::optional<ByteView>{};
  ByteView payload(buffer_.data() + offset_ + 4, length);
  offset_ += 4 + length;
  return std::optional<ByteView>{payload};
}

void frame_packet(Bytes& out, ByteView payload) {
  std::uint8_t len[4];
  store_be32(len, static_cast<std::uint32_t>(payload.size()));
  out.insert(out.end(), len, len + 4);
  append(out, payload);
}

}  // namespace sshcore::apps::sftp
