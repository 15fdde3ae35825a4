#include "sshcore/apps/sftp/sftp_server.hpp"

#include <algorithm>
#include <cerrno>

#include "sshcore/base/log.hpp"
#include "sshcore/wire/writer.hpp"

// The SSH_FXP_EXTENDED requests of the server engine (PROTOCOL section 4); the
// plain SFTP v3 requests are in sftp_server.cpp.
namespace sshcore::apps::sftp {

// ---- extensions (PROTOCOL section 4)

Result<void> SftpServer::on_posix_rename(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(old_view, r.cstring());
  SSH_TRY(new_view, r.cstring());
  std::string old_path(old_view), new_path(new_view);
  log::debug3("request {}: posix-rename", id);
  log::info("posix-rename old \"{}\" new \"{}\"", old_path, new_path);
  send_errno(id, fs_.posix_rename(old_path, new_path));
  return {};
}

Result<void> SftpServer::on_statvfs(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(path_view, r.cstring());
  std::string path(path_view);
  log::debug3("request {}: statvfs", id);
  log::info("statvfs \"{}\"", path);
  auto st = fs_.statvfs(path);
  if (!st.ok()) {
    send_errno(id, st.error);
    return {};
  }
  reply(PacketType::kExtendedReply, id, [&](wire::Writer& w) { write_statvfs(w, st.value); });
  return {};
}

Result<void> SftpServer::on_fstatvfs(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  Handle* h = find_handle(wire_handle, false);
  if (h == nullptr) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  log::debug1("request {}: fstatvfs \"{}\" (handle {})", id, h->name, load_be32(wire_handle.data()));
  auto st = h->file->statvfs();
  if (!st.ok()) {
    send_errno(id, st.error);
    return {};
  }
  reply(PacketType::kExtendedReply, id, [&](wire::Writer& w) { write_statvfs(w, st.value); });
  return {};
}

Result<void> SftpServer::on_hardlink(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(old_view, r.cstring());
  SSH_TRY(new_view, r.cstring());
  std::string old_path(old_view), new_path(new_view);
  log::debug3("request {}: hardlink", id);
  log::info("hardlink old \"{}\" new \"{}\"", old_path, new_path);
  send_errno(id, fs_.hard_link(old_path, new_path));
  return {};
}

Result<void> SftpServer::on_fsync(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(wire_handle, r.string());
  auto index = handle_index(wire_handle);
  log::debug3("request {}: fsync (handle {})", id, index ? *index : ~0u);
  if (!index) {
    send_status(id, StatusCode::kNoSuchFile);
    return {};
  }
  Handle* h = handles_[*index].get();
  log::verbose("fsync \"{}\"", h->name);
  send_errno(id, h->is_dir ? EBADF : h->file->sync());
  return {};
}

Result<void> SftpServer::on_limits(std::uint32_t id, wire::Reader&) {
  log::debug1("request {}: limits", id);
  Limits limits{kMaxPacketLength, kMaxReadLength, kMaxReadLength, options_.max_open_handles};
  reply(PacketType::kExtendedReply, id, [&](wire::Writer& w) { write_limits(w, limits); });
  return {};
}

// OpenSSH resolves "~" and "~/..." against the current directory (the start
// directory, normally the home), "~user/..." with that user's home.
Result<void> SftpServer::on_expand_path(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(path_view, r.cstring());
  std::string path(path_view);
  log::debug3("request {}: expand, original \"{}\"", id, path);
  auto cwd = fs_.real_path(".");
  if (!cwd.ok()) {
    send_errno(id, cwd.error);
    return {};
  }
  if (path.empty()) {
    path = ".";
  } else if (path == "~") {
    path = cwd.value;
  } else if (path.starts_with("~/")) {
    path = cwd.value + "/" + path.substr(2);
  } else if (path.front() == '~') {
    auto expanded = fs_.expand_tilde(path);
    if (!expanded.ok()) {
      send_status(id, status_from_errno(ENOENT), "no such user");
      return {};
    }
    path = expanded.value;
  } else if (path.front() != '/') {
    path = cwd.value + "/" + path;
  }
  log::verbose("expand \"{}\"", path);
  auto resolved = fs_.real_path(path);
  if (!resolved.ok()) {
    send_errno(id, resolved.error);
    return {};
  }
  send_name(id, resolved.value);
  return {};
}

Result<void> SftpServer::on_copy_data(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(read_wire, r.string());
  SSH_TRY(read_offset, r.u64());
  SSH_TRY(length, r.u64());
  SSH_TRY(write_wire, r.string());
  SSH_TRY(write_offset, r.u64());
  auto read_index = handle_index(read_wire);
  auto write_index = handle_index(write_wire);
  Handle* src = find_handle(read_wire, false);
  Handle* dst = find_handle(write_wire, false);
  log::debug1("request {}: copy-data from \"{}\" (handle {}) off {} len {} to \"{}\" (handle {}) off {}", id,
              src ? src->name : "", read_index ? *read_index : ~0u, read_offset, length, dst ? dst->name : "",
              write_index ? *write_index : ~0u, write_offset);
  // As OpenSSH: never the same handle or the same file on both sides.
  if (src == nullptr || dst == nullptr || src == dst || src->name == dst->name) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  bool until_eof = length == 0;  // a length of 0 copies to the end of the source
  Bytes buffer(64 * 1024);
  while (until_eof || length > 0) {
    std::size_t want = until_eof ? buffer.size() : static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length));
    auto got = src->file->read(read_offset, std::span<std::uint8_t>(buffer.data(), want));
    if (!got.ok()) {
      send_errno(id, got.error);
      return {};
    }
    if (got.value == 0) break;
    read_offset += got.value;
    src->bytes_read += got.value;
    if (!until_eof) length -= got.value;
    auto wrote = dst->file->write(write_offset, ByteView(buffer.data(), got.value));
    if (!wrote.ok()) {
      send_errno(id, wrote.error);
      return {};
    }
    if (wrote.value != got.value) {
      send_status(id, StatusCode::kFailure);
      return {};
    }
    write_offset += wrote.value;
    dst->bytes_written += wrote.value;
  }
  send_status(id, StatusCode::kOk);
  return {};
}

Result<void> SftpServer::on_home_directory(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(user_view, r.cstring());
  std::string user(user_view);
  log::debug3("request {}: home-directory \"{}\"", id, user);
  auto home = fs_.home_directory(user);
  if (!home) {
    send_status(id, StatusCode::kFailure);
    return {};
  }
  log::verbose("home-directory \"{}\"", *home);
  send_name(id, *home);
  return {};
}

Result<void> SftpServer::on_users_groups_by_id(std::uint32_t id, wire::Reader& r) {
  SSH_TRY(uids, r.nested());
  SSH_TRY(gids, r.nested());
  log::debug1("process_extended_get_users_groups_by_id: uids len = {}, gids len = {}", uids.remaining(),
              gids.remaining());
  wire::Writer users(kMaxPacketLength), groups(kMaxPacketLength);
  std::uint32_t nusers = 0, ngroups = 0;
  while (!uids.empty()) {
    SSH_TRY(uid, uids.u32());
    std::string name = fs_.user_name(uid).value_or("");
    log::debug3("process_extended_get_users_groups_by_id: uid {} => \"{}\"", uid, name);
    users.string(name);
    ++nusers;
  }
  while (!gids.empty()) {
    SSH_TRY(gid, gids.u32());
    std::string name = fs_.group_name(gid).value_or("");
    log::debug3("process_extended_get_users_groups_by_id: gid {} => \"{}\"", gid, name);
    groups.string(name);
    ++nusers;  // sic: OpenSSH 9.2 counts groups as users in its log line; kept so logs match

  }
  log::verbose("users-groups-by-id: {} users, {} groups", nusers, ngroups);
  reply(PacketType::kExtendedReply, id, [&](wire::Writer& w) {
    w.string(users.view());
    w.string(groups.view());
  });
  return {};
}

}  // namespace sshcore::apps::sftp
