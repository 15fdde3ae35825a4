#include "legacy_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "sshcore/apps/scp_protocol.hpp"
#include "sshcore/io/progress_meter.hpp"

namespace scp {

namespace proto = sshcore::apps::scp;

namespace {

constexpr std::size_t kCopyBuffer = 256 * 1024;

class Sink {
 public:
  Sink(LegacyChannel& channel, const SinkOptions& options, mode_t mask)
      : ch_(channel), o_(options), mask_(mask) {}
  Flow run(const std::string& target, int depth);
  std::vector<std::string> patterns;

 private:
  Flow screwup(const std::string& why) {
    ch_.run_err("protocol error: " + why);
    return Flow::kAbort;
  }
  Flow receive_file(const proto::Record& rec, const std::string& np, bool exists, const struct stat& old,
                    const std::optional<proto::Record>& times);
  bool verify_directory(const std::string& path);
  LegacyChannel& ch_;
  const SinkOptions& o_;
  mode_t mask_;
  std::vector<char> buf_;
};

bool Sink::verify_directory(const std::string& path) {
  struct stat st;
  int err = ENOTDIR;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
  } else {
    err = errno;
  }
  ch_.run_err(path + ": " + std::strerror(err));
  return false;
}

void set_times(const std::string& path, const proto::Record& t, LegacyChannel& ch, bool note) {
  struct timeval tv[2];
  tv[0].tv_sec = static_cast<time_t>(t.atime);
  tv[0].tv_usec = 0;
  tv[1].tv_sec = static_cast<time_t>(t.mtime);
  tv[1].tv_usec = 0;
  if (::utimes(path.c_str(), tv) == -1 && note) ch.note_err(path + ": set times: " + std::strerror(errno));
}

Flow Sink::run(const std::string& target, int depth) {
  if (o_.target_should_be_directory && !verify_directory(target)) return Flow::kAbort;
  ch_.write_all(std::string_view("\0", 1));
  struct stat st;
  bool target_is_dir = ::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  std::optional<proto::Record> times;
  for (bool first = true;; first = false) {
    bool lost = false;
    std::optional<std::string> line = ch_.read_line(lost);
    if (!line) return Flow::kContinue;  // the source is done
    if (line->empty()) return screwup("unexpected <newline>");
    if (lost) {
      // OpenSSH's "protocol error: lost connection" dies on SIGPIPE writing to the
      // vanished peer; what the user sees is lostconn()'s message.
      ch_.lost_connection();
      ch_.add_error();
      return Flow::kAbort;
    }
    if (o_.verbose) std::fprintf(stderr, "Sink: %s\n", printable(*line).c_str());
    auto parsed = proto::parse_record(*line);
    if (!parsed) {
      // "rcp host:nomatch* ." - the remote shell's own complaint comes first.
      if (first && (*line)[0] != 'C' && (*line)[0] != 'D' && (*line)[0] != 'T') {
        ch_.run_err(*line);
        return Flow::kAbort;
      }
      return screwup(parsed.error().detail);
    }
    proto::Record& rec = *parsed;
    switch (rec.kind) {
      case proto::RecordKind::kWarning:
      case proto::RecordKind::kFatal:
        if (!ch_.remote()) std::fputs(printable(rec.message).c_str(), stderr);
        ch_.add_error();
        if (rec.kind == proto::RecordKind::kFatal) return Flow::kAbort;
        continue;
      case proto::RecordKind::kEndDirectory:
        ch_.write_all(std::string_view("\0", 1));
        return Flow::kContinue;
      case proto::RecordKind::kTimes:
        times = rec;
        if (!rec.times_in_range) times.reset();
        ch_.write_all(std::string_view("\0", 1));
        continue;
      case proto::RecordKind::kFile:
      case proto::RecordKind::kDirectory:
        break;
    }
    if (!o_.preserve) rec.mode &= ~static_cast<std::uint32_t>(mask_);
    if (!proto::name_is_single_component(rec.name)) {
      ch_.run_err("error: unexpected filename: " + rec.name);
      return Flow::kAbort;
    }
    if (!patterns.empty() && !proto::name_matches_request(patterns, rec.name))
      return screwup("filename does not match request");
    std::string np = target_is_dir ? target + (target == "/" ? "" : "/") + rec.name : target;
    struct stat old;
    bool exists = ::stat(np.c_str(), &old) == 0;
    if (rec.kind == proto::RecordKind::kDirectory) {
      if (!o_.recursive) return screwup("received directory without -r");
      bool set_mode = o_.preserve;
      if (exists) {
        if (!S_ISDIR(old.st_mode)) {
          ch_.run_err(np + ": " + std::strerror(ENOTDIR));
          times.reset();
          continue;
        }
        if (o_.preserve) ::chmod(np.c_str(), rec.mode);
      } else {
        set_mode = true;  // a read-only source directory must stay writable until filled
        if (::mkdir(np.c_str(), rec.mode | S_IRWXU) == -1) {
          ch_.run_err(np + ": " + std::strerror(errno));
          times.reset();
          continue;
        }
      }
      if (run(np, depth + 1) == Flow::kAbort) return Flow::kAbort;
      if (times) set_times(np, *times, ch_, false);
      times.reset();
      if (set_mode) ::chmod(np.c_str(), rec.mode);
      continue;
    }
    Flow f = receive_file(rec, np, exists, old, times);
    times.reset();
    if (f == Flow::kAbort) return f;
  }
}

Flow Sink::receive_file(const proto::Record& rec, const std::string& np, bool exists, const struct stat& old,
                        const std::optional<proto::Record>& times) {
  mode_t omode = rec.mode;
  mode_t mode = rec.mode | S_IWUSR;
  int fd = ::open(np.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode);
  if (fd == -1) {
    ch_.run_err(np + ": " + std::strerror(errno));
    return Flow::kContinue;
  }
  ch_.write_all(std::string_view("\0", 1));
  buf_.resize(kCopyBuffer);
  std::unique_ptr<sshcore::io::ProgressMeter> meter;
  if (o_.progress) meter = std::make_unique<sshcore::io::ProgressMeter>(rec.name, rec.size);
  bool write_error = false;
  std::uint64_t offset = 0;
  for (std::uint64_t done = 0; done < rec.size;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), rec.size - done));
    long got = ch_.read_some(buf_.data(), want);
    if (got <= 0) {  // the source went away in mid-file (see the "lost connection" above)
      ::close(fd);
      ch_.lost_connection();
      ch_.add_error();
      return Flow::kAbort;
    }
    done += static_cast<std::uint64_t>(got);
    ch_.limiter().account(static_cast<std::size_t>(got));
    if (meter) meter->update(done);
    // Keep reading after a write error so that we stay in step with the source.
    if (!write_error) {
      std::size_t at = 0;
      while (at < static_cast<std::size_t>(got)) {
        ssize_t n = ::pwrite(fd, buf_.data() + at, static_cast<std::size_t>(got) - at,
                             static_cast<off_t>(offset + at));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ch_.note_err(np + ": " + std::strerror(n == 0 ? EIO : errno));
          write_error = true;
          break;
        }
        at += static_cast<std::size_t>(n);
      }
    }
    offset += static_cast<std::uint64_t>(got);
  }
  if (!write_error && (!exists || S_ISREG(old.st_mode)) && ::ftruncate(fd, static_cast<off_t>(rec.size)) != 0)
    ch_.note_err(np + ": truncate: " + std::strerror(errno));
  if (o_.preserve) {
    if ((exists || omode != mode) && ::fchmod(fd, omode) != 0)
      ch_.note_err(np + ": set mode: " + std::strerror(errno));
  } else if (!exists && omode != mode && ::fchmod(fd, omode & ~mask_) != 0) {
    ch_.note_err(np + ": set mode: " + std::strerror(errno));
  }
  if (::close(fd) == -1) ch_.note_err(np + ": close: " + std::strerror(errno));
  bool ok = false;
  if (meter) meter->stop_ticking();  // no redraw while the source answers (OpenSSH's neither)
  if (ch_.response(ok) == Flow::kAbort) return Flow::kAbort;
  if (meter) meter->finish();
  if (times && !write_error) set_times(np, *times, ch_, true);
  if (!ch_.flush_noted()) ch_.write_all(std::string_view("\0", 1));
  return Flow::kContinue;
}

}  // namespace

std::optional<std::vector<std::string>> accepted_names(const std::string& requested, const SinkOptions& options) {
  if (options.recursive || !options.strict_names) return std::vector<std::string>{};
  auto patterns = proto::requested_name_patterns(requested);
  if (!patterns) return std::nullopt;
  return std::move(*patterns);
}

Flow receive_into(LegacyChannel& channel, const std::vector<std::string>& targets,
                  std::vector<std::string> accepted, const SinkOptions& options) {
  mode_t mask = ::umask(0);
  if (!options.preserve) ::umask(mask);
  if (targets.size() != 1) {
    channel.run_err("ambiguous target");
    return Flow::kAbort;
  }
  Sink sink(channel, options, mask);
  sink.patterns = std::move(accepted);
  return sink.run(targets.front(), 0);
}

}  // namespace scp
