// SftpClientSession's whole-file transfers: many READ or WRITE requests in flight,
// replies taken in any order, local I/O at explicit offsets (pread/pwrite) so the
// order replies come in does not matter. Modelled on OpenSSH's do_download and
// do_upload (sftp-client.c): same resume rules, same truncate-at-highwater on error.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "sshcore/base/log.hpp"
#include "sshcore/io/file_io.hpp"
#include "sshcore/io/sftp_client_session.hpp"
#include "sshcore/io/sftp_client_state.hpp"
#include "sshcore/io/sftp_pipeline_depth.hpp"
#include "sshcore/wire/writer.hpp"

namespace sshcore::io {

using sftp::PacketType;
using sftp::Reply;
using sftp::StatusCode;

namespace {

// -l: as OpenSSH's bandwidth_limit(), sleep whenever the bytes moved since the
// window began are ahead of what the rate allows.
class BandwidthLimiter {
 public:
  explicit BandwidthLimiter(std::uint64_t kbps) : bits_per_second_(kbps * 1024) {}
  void account(std::size_t bytes) {
    if (bits_per_second_ == 0) return;
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    if (!started_) {
      start_ = now;
      started_ = true;
    }
    amount_ += bytes;
    double elapsed = static_cast<double>(now.tv_sec - start_.tv_sec) + (now.tv_nsec - start_.tv_nsec) / 1e9;
    double due = static_cast<double>(amount_) * 8.0 / static_cast<double>(bits_per_second_);
    if (due > elapsed) {
      double wait = due - elapsed;
      timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - static_cast<time_t>(wait)) * 1e9)};
      while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    }
    // A fresh window now and then keeps an idle pause from being "saved up".
    if (elapsed > 1.0) {
      started_ = false;
      amount_ = 0;
    }
  }

 private:
  std::uint64_t bits_per_second_;
  std::uint64_t amount_ = 0;
  timespec start_{};
  bool started_ = false;
};

// The contiguous prefix done so far: a failed transfer truncates (download) or
// resumes from here, and progress reports it.
class Highwater {
 public:
  explicit Highwater(std::uint64_t start) : mark_(start) {}
  void complete(std::uint64_t offset, std::uint64_t length) {
    if (length == 0) return;
    if (offset > mark_) {
      auto [it, inserted] = pending_.emplace(offset, offset + length);
      if (!inserted) it->second = std::max(it->second, offset + length);
      return;
    }
    mark_ = std::max(mark_, offset + length);
    for (auto it = pending_.begin(); it != pending_.end() && it->first <= mark_; it = pending_.erase(it))
      mark_ = std::max(mark_, it->second);
  }
  std::uint64_t mark() const { return mark_; }
  bool reordered() const { return !pending_.empty(); }

 private:
  std::uint64_t mark_;
  std::map<std::uint64_t, std::uint64_t> pending_;  // offset -> end, beyond the mark
};

constexpr std::size_t kMaxQueuedOutput = 1024 * 1024;

struct Span {
  std::uint64_t offset;
  std::uint32_t length;
  SftpPipelineDepth::Clock::time_point sent = SftpPipelineDepth::Clock::now();
  bool probe = false;  // a download's READ past the known size, looking for EOF
};

// Requests in flight by id. A flat vector (at most a few hundred entries) costs no
// allocation per request, unlike a node-based map.
class InFlight {
 public:
  explicit InFlight(std::size_t capacity) { entries_.reserve(capacity); }
  void add(std::uint32_t id, Span span) { entries_.push_back({id, span}); }
  const Span* find(std::uint32_t id) const {
    for (const auto& e : entries_)
      if (e.first == id) return &e.second;
    return nullptr;
  }
  std::optional<Span> take(std::uint32_t id) {
    for (auto& e : entries_) {
      if (e.first != id) continue;
      Span span = e.second;
      e = entries_.back();
      entries_.pop_back();
      return span;
    }
    return std::nullopt;
  }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<std::pair<std::uint32_t, Span>> entries_;
};

std::string quoted_errno(const char* what, const std::string& path, int err) {
  return std::string(what) + " \"" + path + "\": " + std::strerror(err);
}

// Clears the session's out-of-band hook however a download ends.
struct OutOfBandHook {
  std::function<bool(std::uint32_t, std::uint32_t)>& hook;
  ~OutOfBandHook() { hook = nullptr; }
};

bool interrupted(const TransferOptions& options) { return options.interrupted && *options.interrupted != 0; }

void report(const TransferOptions& options, std::uint64_t done, std::uint64_t total) {
  if (options.progress) options.progress(done, total);
}

}  // namespace

Result<void> SftpClientSession::download(const std::string& remote_path, const std::string& local_path,
                                         const TransferOptions& options) {
  State& s = *state_;
  log::debug2("do_download: download remote \"{}\" to local \"{}\"", remote_path, local_path);
  sftp::FileAttributes attrs;
  if (options.remote_attrs) {
    SSH_TRY_VOID(s.pump_ready());
    attrs = *options.remote_attrs;
  } else {
    SSH_TRY(fetched, stat(remote_path));
    attrs = fetched;
  }
  if (attrs.permissions && !attrs.is_regular()) {
    s.last_status = StatusCode::kFailure;
    return fail(Errc::kInvalidArgument, "Cannot download non-regular file: " + remote_path);
  }
  std::uint64_t size = attrs.size.value_or(0);
  mode_t mode = attrs.permissions ? (*attrs.permissions & 0777) : 0666;

  auto open_id = s.take_ahead_open(remote_path, sftp::kOpenRead, std::nullopt);
  SSH_TRY(handle, s.expect_handle(open_id ? *open_id : s.engine.send_open(remote_path, sftp::kOpenRead, {})));
  SSH_TRY_VOID(s.prepare_transfer());  // the request sizes, nothing sent ahead left in the way
  ByteView handle_bytes = as_bytes(handle);

  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.resume || options.inplace ? 0 : O_TRUNC);
  Fd local(::open(local_path.c_str(), flags, mode | S_IWUSR));
  if (!local) {
    int err = errno;
    (void)s.close_handle(handle);
    s.last_status = StatusCode::kFailure;
    return fail(Errc::kSystem, quoted_errno("open local", local_path, err));
  }
  std::uint64_t offset = 0;
  if (options.resume) {
    struct stat st {};
    if (::fstat(local.get(), &st) != 0) {
      int err = errno;
      (void)s.close_handle(handle);
      return fail(Errc::kSystem, quoted_errno("Unable to stat local file", local_path, err));
    }
    if (static_cast<std::uint64_t>(st.st_size) > size) {
      (void)s.close_handle(handle);
      s.last_status = StatusCode::kFailure;
      return fail(Errc::kInvalidArgument,
                  "Unable to resume download of \"" + local_path + "\": local file is larger than remote");
    }
    offset = static_cast<std::uint64_t>(st.st_size);
  }

  BandwidthLimiter limiter(s.options.limit_kbps);
  Highwater highwater(offset);
  InFlight requests(s.max_in_flight + 1);
  std::uint64_t next_offset = offset;
  bool eof = false;
  std::optional<Error> error;  // the first failure; outstanding replies are still drained
  StatusCode error_status = StatusCode::kOk;
  // OpenSSH starts with one request and adds one per full reply up to a fixed count;
  // we follow the measured bandwidth-delay product instead (sftp_pipeline_depth.hpp).
  SftpPipelineDepth depth(s.read_length, s.max_in_flight, s.options.requests_in_flight != 0);
  report(options, offset, size);
  // A full DATA reply to one of our READs goes from the pipe into the file without a
  // copy (splice_to_file), until the file refuses a splice; the rest as before.
  bool splice = s.from_server_is_pipe;
  OutOfBandHook hook{s.accept_out_of_band};
  if (splice)
    s.accept_out_of_band = [&](std::uint32_t id, std::uint32_t length) {
      const Span* span = requests.find(id);
      return !error && span != nullptr && length == span->length;
    };

  // Past the known size one READ at a time probes for EOF, so a file that grew is still
  // read to its end. The first probe goes at the known end as soon as the window reaches
  // it, in flight with the last blocks: EOF is known when they are in, not a round trip
  // later. It also covers the tail of a short last block.
  std::uint64_t probe_next = std::max(size, offset);
  bool probe_in_flight = false;
  for (;;) {
    if (!error && interrupted(options)) {
      error = Error{Errc::kSystem, "Interrupted"};
      error_status = StatusCode::kFailure;
    }
    while (!eof && !error && requests.size() < depth.requests()) {
      if (next_offset < size) {
        std::uint32_t id = s.engine.send_read(handle_bytes, next_offset, s.read_length);
        requests.add(id, Span{next_offset, s.read_length});
        next_offset += s.read_length;
        continue;
      }
      if (probe_in_flight) break;
      std::uint32_t id = s.engine.send_read(handle_bytes, probe_next, s.read_length);
      requests.add(id, Span{probe_next, s.read_length, {}, true});
      probe_in_flight = true;
    }
    if (requests.empty()) break;
    if (error) s.accept_out_of_band = nullptr;  // draining: whole reads serve better
    auto reply = s.next_reply();
    if (!reply) {
      // The channel is gone: nothing more will arrive.
      error = std::move(reply).error();
      error_status = s.last_status;
      requests.clear();
      break;
    }
    auto taken = requests.take(reply->id);
    if (!taken) {
      error = s.lost(StatusCode::kBadMessage, "Unexpected reply " + std::to_string(reply->id));
      error_status = s.last_status;
      break;
    }
    Span span = *taken;
    if (span.probe) probe_in_flight = false;
    if (reply->type == PacketType::kStatus) {
      if (reply->status == StatusCode::kEof) {
        eof = true;
        continue;
      }
      if (!error) {
        s.status_error(*reply);
        error = Error{Errc::kSystem, "read remote \"" + remote_path + "\" : " +
                                         std::string(sftp::status_text(reply->status))};
        error_status = reply->status;
      }
      continue;
    }
    if (reply->type != PacketType::kData) {
      error = s.unexpected_reply(*reply);
      error_status = s.last_status;
      break;
    }
    if (reply->out_of_band != 0) {
      // The payload is still in the pipe: into the file it goes (or, after an error
      // meanwhile, it is dropped), keeping the stream in step either way.
      auto written = s.take_payload(error ? -1 : local.get(), span.offset, splice);
      if (!written) {
        error = std::move(written).error();
        error_status = s.last_status;
        requests.clear();
        break;
      }
      if (!splice) s.accept_out_of_band = nullptr;  // copying: whole reads serve better
      if (!error && *written != 0) {
        error = Error{Errc::kSystem, quoted_errno("write local", local_path, *written)};
        error_status = StatusCode::kFailure;
      }
    }
    if (error) continue;  // draining
    ByteView data = reply->data;
    std::size_t length = reply->out_of_band != 0 ? reply->out_of_band : data.size();
    if (length > span.length) {
      error = s.lost(StatusCode::kBadMessage, "Received more data than asked for " + std::to_string(length) +
                                                  " > " + std::to_string(span.length));
      error_status = s.last_status;
      break;
    }
    std::size_t written = 0;
    while (written < data.size()) {
      ssize_t w = ::pwrite(local.get(), data.data() + written, data.size() - written,
                           static_cast<off_t>(span.offset + written));
      if (w <= 0) {
        if (w < 0 && errno == EINTR) continue;
        // No progress (0) is taken as a full disk rather than retried forever.
        error = Error{Errc::kSystem, quoted_errno("write local", local_path, w < 0 ? errno : ENOSPC)};
        error_status = StatusCode::kFailure;
        break;
      }
      written += static_cast<std::size_t>(w);
    }
    if (error) continue;
    highwater.complete(span.offset, length);
    limiter.account(length);
    if (span.probe) probe_next = span.offset + length;  // the file grew: probe on from its new end
    if (length == 0) {
      // An empty block would be re-requested forever: take it as the end.
      eof = true;
    } else if (span.probe || (length < span.length && span.offset + length == size)) {
      // A probe's bytes are the file growing, and the tail of a block that ends at the
      // known size is what the probe there asks for: no re-request either way.
    } else if (length < span.length) {
      // Short read: ask again for the missing tail (servers may return less).
      log::debug3("Short data block, re-requesting {} -> {}", span.offset + length, span.offset + span.length - 1);
      std::uint32_t id = s.engine.send_read(handle_bytes, span.offset + length,
                                            span.length - static_cast<std::uint32_t>(length));
      requests.add(id, Span{span.offset + length, span.length - static_cast<std::uint32_t>(length)});
    } else {
      depth.completed(length, span.sent, SftpPipelineDepth::Clock::now());
    }
    report(options, highwater.mark(), std::max(size, highwater.mark()));
  }
  s.accept_out_of_band = nullptr;  // CLOSE and what follows: whole reads again

  if (s.connected) {
    auto closed = s.close_handle(handle);
    if (!closed && !error) {
      error = std::move(closed).error();
      error_status = s.last_status;
    }
  }
  if (error) {
    // Cut at the contiguous prefix so no hole is left behind for a later resume.
    if (::ftruncate(local.get(), static_cast<off_t>(highwater.mark())) != 0) {
      // Nothing more useful to report than the transfer's own error.
    }
    s.last_status = error_status == StatusCode::kOk ? StatusCode::kFailure : error_status;
    return fail(std::move(*error));
  }
  // In place: what the old file had beyond the new bytes goes.
  if (options.inplace && ::ftruncate(local.get(), static_cast<off_t>(highwater.mark())) != 0)
    log::error("{}", quoted_errno("local ftruncate", local_path, errno));
  // As OpenSSH, failing to copy the mode or times or to sync is reported but does
  // not fail a transfer whose data arrived.
  if (options.preserve) {
    if (attrs.permissions && ::fchmod(local.get(), mode) != 0)
      log::error("{}", quoted_errno("local chmod", local_path, errno));
    if (attrs.atime && attrs.mtime) {
      timespec times[2] = {{static_cast<time_t>(*attrs.atime), 0}, {static_cast<time_t>(*attrs.mtime), 0}};
      if (::futimens(local.get(), times) != 0) log::error("{}", quoted_errno("local set times", local_path, errno));
    }
  }
  if (options.fsync && ::fsync(local.get()) != 0) log::error("{}", quoted_errno("local sync", local_path, errno));
  return {};
}

Result<void> SftpClientSession::upload(const std::string& local_path, const std::string& remote_path,
                                       const TransferOptions& options) {
  State& s = *state_;
  SSH_TRY_VOID(s.pump_ready());
  log::debug2("do_upload: upload local \"{}\" to remote \"{}\"", local_path, remote_path);
  Fd local(::open(local_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!local) {
    s.last_status = StatusCode::kFailure;
    return fail(Errc::kSystem, quoted_errno("open local", local_path, errno));
  }
  struct stat st {};
  if (::fstat(local.get(), &st) != 0) {
    s.last_status = StatusCode::kFailure;
    return fail(Errc::kSystem, quoted_errno("fstat local", local_path, errno));
  }
  if (!S_ISREG(st.st_mode)) {
    s.last_status = StatusCode::kFailure;
    return fail(Errc::kInvalidArgument, local_path + " is not a regular file");
  }
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  sftp::FileAttributes create;
  create.permissions = st.st_mode & 0777;
  std::uint64_t offset = 0;
  if (options.resume) {
    SSH_TRY(remote, stat(remote_path));
    if (remote.size.value_or(0) >= size) {
      s.last_status = StatusCode::kFailure;
      return fail(Errc::kInvalidArgument, "destination file bigger or same size as source file");
    }
    offset = *remote.size;
  }
  const std::uint32_t open_flags =
      sftp::kOpenWrite | sftp::kOpenCreate | (options.resume || options.inplace ? 0 : sftp::kOpenTruncate);
  auto open_id = s.take_ahead_open(remote_path, open_flags, create.permissions);
  SSH_TRY(handle, s.expect_handle(open_id ? *open_id : s.engine.send_open(remote_path, open_flags, create)));
  SSH_TRY_VOID(s.prepare_transfer());  // the request sizes, nothing sent ahead left in the way
  ByteView handle_bytes = as_bytes(handle);

  BandwidthLimiter limiter(s.options.limit_kbps);
  Highwater highwater(offset);
  InFlight requests(s.max_in_flight + 1);
  SftpPipelineDepth depth(s.write_length, s.max_in_flight, s.options.requests_in_flight != 0);
  std::uint64_t next_offset = offset;
  bool local_eof = false;
  const bool close_early = !options.inplace && !options.preserve && !options.fsync && !options.resume;
  std::optional<std::uint32_t> close_id;
  std::optional<StatusCode> close_reply;
  std::optional<Error> error;
  StatusCode error_status = StatusCode::kOk;
  report(options, offset, size);
  SplicePipe* stager = s.staging_pipe();
  bool stage = stager != nullptr;

  for (;;) {
    // Queue no more than a little beyond what the pipe can take: requests sitting in
    // our buffer are not in flight, and a huge buffer only costs copies.
    if (!error && interrupted(options)) {
      error = Error{Errc::kSystem, "Interrupted"};
      error_status = StatusCode::kFailure;
    }
    while (!local_eof && !error && requests.size() < depth.requests() &&
           s.engine.queued_output() < kMaxQueuedOutput) {
      // Stage the data by reference when the file and the pipe allow (splice_pipe.hpp).
      // The count is what the file really gave, so a file that shrank yields a shorter
      // WRITE; a pipe that filled first leaves the rest of the WRITE to be copied below.
      std::size_t staged = 0;
      if (stage && stager->held() > 0 && stager->room() < 2 * std::size_t{s.write_length}) break;  // drain first
      if (stage) {
        auto filled = stager->fill_from(local.get(), next_offset, s.write_length);
        if (!filled) {
          stage = false;  // this file cannot be spliced: copy from here on
        } else if (*filled == 0 && stager->held() > 0) {
          // No room after all, or the end of the file: at the known size, a byte's read
          // tells which, so the end is seen now and not once the pipe has drained.
          std::uint8_t probe;
          if (next_offset >= size && ::pread(local.get(), &probe, 1, static_cast<off_t>(next_offset)) == 0)
            local_eof = true;
          break;
        } else {
          staged = *filled;
        }
      }
      if (staged == s.write_length) {
        std::uint32_t id = s.engine.send_write_staged(handle_bytes, next_offset, staged);
        requests.add(id, Span{next_offset, s.write_length});
        next_offset += staged;
        limiter.account(staged);
        continue;
      }
      std::span<std::uint8_t> room = s.engine.begin_write(handle_bytes, next_offset, s.write_length - staged, staged);
      ssize_t n;
      do {
        n = ::pread(local.get(), room.data(), room.size(), static_cast<off_t>(next_offset + staged));
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        error = Error{Errc::kSystem, quoted_errno("read local", local_path, errno)};
        error_status = StatusCode::kFailure;
      }
      std::size_t total = staged + static_cast<std::size_t>(std::max<ssize_t>(n, 0));
      if (total == 0) {
        s.engine.cancel_write();
        if (!error) local_eof = true;
        break;
      }
      // Staged bytes are on their way: their WRITE goes out even when the read failed.
      std::uint32_t id = s.engine.finish_write(total - staged);
      requests.add(id, Span{next_offset, static_cast<std::uint32_t>(total)});
      next_offset += total;
      limiter.account(total);
      if (error) break;
    }
    // A plain upload's CLOSE goes as soon as its last WRITE is out: the server takes
    // requests in order, so its reply comes with the last WRITE's, not a round trip
    // after it. (With -p, -f, resume or in place, what follows the WRITEs depends on
    // how they went, as OpenSSH does it.)
    if (close_early && local_eof && !error && !close_id) close_id = s.engine.send_close(handle_bytes);
    if (requests.empty()) break;
    auto reply = s.next_reply();
    if (!reply) {
      error = std::move(reply).error();
      error_status = s.last_status;
      break;
    }
    if (close_id && reply->id == *close_id && !close_reply) {  // a server that answers out of order
      close_reply = reply->type == PacketType::kStatus ? reply->status : StatusCode::kBadMessage;
      continue;
    }
    auto taken = requests.take(reply->id);
    if (!taken || reply->type != PacketType::kStatus) {
      error = s.lost(StatusCode::kBadMessage, "Expected SSH2_FXP_STATUS");
      error_status = s.last_status;
      break;
    }
    Span span = *taken;
    if (reply->status != StatusCode::kOk) {
      if (!error) {
        s.status_error(*reply);
        error = Error{Errc::kSystem, "write remote \"" + remote_path + "\": " +
                                         std::string(sftp::status_text(reply->status))};
        error_status = reply->status;
      }
      continue;
    }
    highwater.complete(span.offset, span.length);
    depth.completed(span.length, span.sent, SftpPipelineDepth::Clock::now());
    report(options, highwater.mark(), size);
  }

  if (s.connected && ((error && options.resume) || options.inplace)) {
    // A failed resume keeps only the contiguous part, so the next resume is right; an
    // in-place copy drops whatever the old file had beyond what was written.
    sftp::FileAttributes cut;
    cut.size = highwater.mark();
    (void)s.expect_ok(s.engine.send_fsetstat(handle_bytes, cut));
  }
  // As OpenSSH: mode and times, then fsync; neither fails a transfer whose data arrived.
  if (s.connected && options.preserve) {
    sftp::FileAttributes times;
    times.permissions = st.st_mode & 0777;
    times.atime = static_cast<std::uint32_t>(st.st_atime);
    times.mtime = static_cast<std::uint32_t>(st.st_mtime);
    if (auto set = s.expect_ok(s.engine.send_fsetstat(handle_bytes, times)); !set)
      log::error("Couldn't fsetstat: {}", set.error().detail);
  }
  if (s.connected && options.fsync) {
    if (s.has_extension(sftp::kExtFsync)) {
      wire::Writer w;
      w.string(handle_bytes);
      if (auto synced = s.expect_ok(s.engine.send_extended(sftp::kExtFsync, w.view())); !synced)
        log::error("Couldn't sync file: {}", synced.error().detail);
    } else {
      log::error("Server does not support fsync@openssh.com extension");
    }
  }
  if (s.connected) {
    Result<void> closed;
    if (!close_id) {
      closed = s.close_handle(handle);
    } else if (close_reply) {
      if (*close_reply != StatusCode::kOk) {
        sftp::Reply r;
        r.status = *close_reply;
        closed = fail(s.status_error(r));
      }
    } else {
      closed = s.expect_ok(*close_id);
    }
    if (!closed && !error) {
      error = std::move(closed).error();
      error_status = s.last_status;
    }
  }
  if (error) {
    s.last_status = error_status == StatusCode::kOk ? StatusCode::kFailure : error_status;
    return fail(std::move(*error));
  }
  return {};
}

}  // namespace sshcore::io
