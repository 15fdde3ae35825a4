// SftpClientSession: the SFTP client as sftp(1) and scp(1) use it. It drives the core
// client engine (apps/sftp/sftp_client.hpp, sans-I/O) over the two pipes of an
// `ssh -s sftp` subprocess (or any server reached through descriptors) and does the
// local file I/O of transfers. Calls block until their reply arrives; transfers keep
// many READ/WRITE requests in flight and accept replies in any order. When the
// server's streams are pipes, file payloads move with splice(2) instead of through
// user memory (sftp_client_pump.cpp); the bytes on the wire are the same either way.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sshcore/apps/sftp/sftp_protocol.hpp"
#include "sshcore/base/result.hpp"
#include "sshcore/io/fd.hpp"

namespace sshcore::io {

namespace sftp = sshcore::apps::sftp;

struct SftpDirEntry {
  std::string name;       // the file name, no directory part
  std::string long_name;  // the server's ls -l style line
  sftp::FileAttributes attrs;
};

struct SftpSessionOptions {
  // -B: bytes per READ/WRITE request; 0 = the server's limits@openssh.com value
  // (capped at what fits one packet), else OpenSSH's 32 KiB default.
  std::uint32_t request_size = 0;
  // -R: requests in flight per transfer; 0 = our default (enough for a 16 MiB window).
  std::uint32_t requests_in_flight = 0;
  // -l: bandwidth limit in Kbit/s, 0 = none.
  std::uint64_t limit_kbps = 0;
  // Ask REALPATH "." together with limits@openssh.com at the start (sftp(1) asks it
  // first thing): the first realpath(".") is then answered without a round trip.
  bool prefetch_working_directory = false;
};

struct TransferOptions {
  // The remote file's attributes when the caller has just fetched them (sftp's get
  // does, for its meter and resume check): download() then sends no STAT of its own.
  std::optional<sftp::FileAttributes> remote_attrs;
  bool preserve = false;  // -p: copy mode and times
  bool resume = false;    // -a / reget / reput: continue from the destination's size
  // OpenSSH's scp in SFTP mode writes in place: the destination is opened without
  // truncation and cut to the bytes written at the end (FSETSTAT size / ftruncate).
  bool inplace = false;
  bool fsync = false;     // -f: fsync@openssh.com (upload) / fsync(2) (download) before close
  // Called as bytes complete (offset of the contiguous prefix done, total size).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // When set and it becomes non-zero (a SIGINT handler's flag, as OpenSSH's
  // `interrupted`): no new requests are sent, the ones in flight are drained, the
  // partial file is cut at the contiguous prefix and the call fails ("Interrupted").
  const volatile std::sig_atomic_t* interrupted = nullptr;
};

// Why start() failed, the three cases OpenSSH's sftp_init() tells apart.
struct SftpStartFailure {
  enum class Kind {
    kConnectionClosed,  // the server's stream ended (ssh died or could not log in)
    kMessageTooLong,    // a "length" over the limit: usually a login script's output
    kBadReply,          // something other than VERSION came back
  };
  Kind kind;
  // kMessageTooLong: OpenSSH's "Received message too long N"; kBadReply: "Invalid
  // packet back from SSH2_FXP_INIT (type N)"; kConnectionClosed: "Connection closed".
  std::string message;
};
SftpStartFailure describe_start_failure(const Error& e);
// The line OpenSSH adds to kMessageTooLong.
inline constexpr std::string_view kLoginScriptHint =
    "Ensure the remote shell produces no output for non-interactive sessions.";

class SftpClientSession {
 public:
  // Takes ownership of the pipes (to_server: the server's input, from_server: its
  // output), sends INIT and reads VERSION; then asks limits@openssh.com if offered.
  // A failure is explained by describe_start_failure().
  static Result<std::unique_ptr<SftpClientSession>> start(Fd to_server, Fd from_server,
                                                          const SftpSessionOptions& options = {});
  ~SftpClientSession();

  std::uint32_t server_version() const;
  // The extensions the server announced in VERSION (name -> data, e.g. "1").
  const std::map<std::string, std::string>& extensions() const;
  bool has_extension(std::string_view name) const;
  const sftp::Limits& limits();  // as announced, or zeros (waits for the reply if still to come)

  // After a failed call: the SSH_FX status the server sent, or kConnectionLost /
  // kBadMessage when the channel itself failed. The Error's detail holds the text to
  // print (status_text() of the code, as OpenSSH's fx2txt()).
  sftp::StatusCode last_status() const;
  // What to print for `e`, the failure of the last call: the text the server sent
  // with its status ("no such user") when it sent one, else e.detail (fx2txt() of the
  // status, or why the stream failed). OpenSSH prints the former for realpath and
  // expand-path failures.
  std::string reason_for(const Error& e) const;
  // False once the server has gone (EOF, bad packet): every later call fails.
  bool connected() const;

  Result<std::string> realpath(const std::string& path);
  Result<std::string> expand_path(const std::string& path);  // expand-path@openssh.com, else realpath
  Result<std::string> home_directory(const std::string& user = "");  // home-directory extension
  Result<sftp::FileAttributes> stat(const std::string& path);
  Result<sftp::FileAttributes> lstat(const std::string& path);
  Result<void> setstat(const std::string& path, const sftp::FileAttributes& attrs);
  Result<void> lsetstat(const std::string& path, const sftp::FileAttributes& attrs);  // lsetstat@openssh.com
  Result<std::vector<SftpDirEntry>> read_directory(const std::string& path);  // OPENDIR/READDIR.../CLOSE
  Result<void> mkdir(const std::string& path, const sftp::FileAttributes& attrs = {});
  Result<void> rmdir(const std::string& path);
  Result<void> remove(const std::string& path);
  // posix-rename@openssh.com when `posix` and offered (replaces an existing target), else RENAME.
  Result<void> rename(const std::string& from, const std::string& to, bool posix = true);
  // Creates `link_path` pointing at `target` (sent in OpenSSH's reversed order).
  Result<void> symlink(const std::string& target, const std::string& link_path);
  Result<void> hardlink(const std::string& target, const std::string& link_path);  // hardlink@openssh.com
  Result<std::string> readlink(const std::string& path);
  Result<sftp::StatVfs> statvfs(const std::string& path);  // statvfs@openssh.com
  // Server-side copy of a whole file with the copy-data extension.
  Result<void> copy_remote(const std::string& from, const std::string& to, bool preserve);
  // users-groups-by-id@openssh.com: names for ids ("" where the server has none).
  Result<std::pair<std::vector<std::string>, std::vector<std::string>>> users_groups_by_id(
      const std::vector<std::uint32_t>& uids, const std::vector<std::uint32_t>& gids);

  // Whole-file transfers, pipelined. A download writes to `local_path` (created as
  // OpenSSH does: the remote permission bits | u+w, & ~umask; with preserve the exact
  // mode and times are applied after); a failed download leaves the contiguous part
  // it received (for resume) and returns the error. Resume appends from the
  // destination's current size; it refuses (kInvalidArgument) a download whose local
  // file is larger than the remote one and an upload whose remote file is as large
  // or larger, with OpenSSH's texts. Error details are OpenSSH's texts for what the
  // transfer itself decides ("read remote \"x\" : ...", "write local \"x\": ...");
  // a refused OPEN/STAT gives the bare status_text().
  Result<void> download(const std::string& remote_path, const std::string& local_path,
                        const TransferOptions& options = {});
  Result<void> upload(const std::string& local_path, const std::string& remote_path,
                      const TransferOptions& options = {});

  // Round trips saved where the next calls are known. A get of a plain path makes a
  // LSTAT (remote_glob), a STAT and an OPEN for reading (download), each waiting for
  // the last: send_ahead() sends them together, and those calls then take the replies
  // instead of asking again. The server sees the same requests in the same order.
  // settle_ahead() collects what nobody took (closing a handle opened ahead); call it
  // before requests of other kinds on that path are made.
  enum class AheadRequests { kLstatStat, kLstatStatOpen };
  void send_ahead(const std::string& path, AheadRequests which);
  // A put of one regular file to `path`: its STAT (is it a directory?) and, at the same
  // time, the OPEN that follows when it is not (write, create, truncate, with the local
  // file's `permissions`). When it is a directory that OPEN fails and is not used.
  void send_ahead_for_upload(const std::string& path, std::uint32_t permissions);
  void settle_ahead();
  // Ends the session: closes the pipe to the server (the server sees EOF).
  void close();

 private:
  struct State;
  explicit SftpClientSession(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Remote globbing for sftp and scp: expands a pattern with *, ? and [..] (backslash
// escapes a metacharacter) in every path component against the server. A pattern
// with no metacharacters yields itself (unescaped) if it exists. Results are sorted.
struct RemoteGlobMatch {
  std::string path;
  sftp::FileAttributes attrs;  // from READDIR or LSTAT; a symlink's are its target's (STAT) if it resolves
};
Result<std::vector<RemoteGlobMatch>> remote_glob(SftpClientSession& session, const std::string& pattern);
bool has_glob_metacharacters(std::string_view s);
// The one path remote_glob() looks up (LSTAT) for a pattern without metacharacters.
std::optional<std::string> remote_glob_literal(const std::string& pattern);

// A get of `pattern` (sftp's get, scp's downloads): when it is a plain path, its LSTAT,
// STAT and OPEN go out together (send_ahead), one round trip instead of three; not the
// OPEN when `recursive`, where the path is usually a directory. What was not taken is
// collected when the scope ends (settle_ahead).
class LookupsAheadForGet {
 public:
  LookupsAheadForGet(SftpClientSession& session, const std::string& pattern, bool recursive);
  ~LookupsAheadForGet() { session_.settle_ahead(); }
  LookupsAheadForGet(const LookupsAheadForGet&) = delete;
  LookupsAheadForGet& operator=(const LookupsAheadForGet&) = delete;

 private:
  SftpClientSession& session_;
};

// A put of `local_path` to the named destination `remote_path`: when the local file is
// a readable regular file, the destination's STAT and the OPEN that follows when it is
// not a directory go out together (send_ahead_for_upload). Settled when the scope ends.
class LookupsAheadForPut {
 public:
  LookupsAheadForPut(SftpClientSession& session, const std::string& local_path, const std::string& remote_path);
  ~LookupsAheadForPut() { session_.settle_ahead(); }
  LookupsAheadForPut(const LookupsAheadForPut&) = delete;
  LookupsAheadForPut& operator=(const LookupsAheadForPut&) = delete;

 private:
  SftpClientSession& session_;
};

}  // namespace sshcore::io
