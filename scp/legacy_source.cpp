#include "legacy_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
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

class Source {
 public:
  Source(LegacyChannel& channel, const SourceOptions& options) : ch_(channel), o_(options) {}
  Flow send(std::string name);

 private:
  Flow send_directory(const std::string& name, const struct stat& st);
  Flow send_file_data(int fd, const std::string& shown, const std::string& last, const struct stat& st);
  LegacyChannel& ch_;
  const SourceOptions& o_;
  std::vector<char> buf_;
};

Flow Source::send(std::string name) {
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  int fd = ::open(name.c_str(), O_RDONLY | O_NONBLOCK);
  std::string shown = name.find('\n') != std::string::npos ? visible_name(name) : name;
  struct stat st;
  if (fd == -1 || ::fstat(fd, &st) == -1) {
    ch_.run_err(shown + ": " + std::strerror(errno));
    if (fd != -1) ::close(fd);
    return Flow::kContinue;
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags != -1) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  if (S_ISDIR(st.st_mode) && o_.recursive) {
    ::close(fd);
    return send_directory(name, st);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    ch_.run_err(shown + ": not a regular file");
    return Flow::kContinue;
  }
  std::size_t slash = shown.rfind('/');
  std::string last = slash == std::string::npos ? shown : shown.substr(slash + 1);
  bool ok = true;
  if (o_.preserve) {
    ch_.write_all(proto::format_times(st.st_mtime, st.st_atime));
    if (o_.verbose)
      std::fprintf(stderr, "File mtime %lld atime %lld\nSending file timestamps: %s",
                   static_cast<long long>(st.st_mtime), static_cast<long long>(st.st_atime),
                   proto::format_times(st.st_mtime, st.st_atime).c_str());
    if (ch_.response(ok) == Flow::kAbort) {
      ::close(fd);
      return Flow::kAbort;
    }
    if (!ok) {
      ::close(fd);
      return Flow::kContinue;
    }
  }
  std::string header = proto::format_file(st.st_mode, static_cast<std::uint64_t>(st.st_size), last);
  if (o_.verbose) std::fprintf(stderr, "Sending file modes: %s", header.c_str());
  ch_.write_all(header);
  if (ch_.response(ok) == Flow::kAbort) {
    ::close(fd);
    return Flow::kAbort;
  }
  if (!ok) {
    ::close(fd);
    return Flow::kContinue;
  }
  Flow f = send_file_data(fd, shown, last, st);
  return f;
}

Flow Source::send_file_data(int fd, const std::string& shown, const std::string& last, const struct stat& st) {
  buf_.resize(kCopyBuffer);
  std::unique_ptr<sshcore::io::ProgressMeter> meter;
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (o_.progress) meter = std::make_unique<sshcore::io::ProgressMeter>(last, size);
  int read_error = 0;
  bool write_failed = false;
  for (std::uint64_t done = 0; done < size;) {
    std::size_t amount = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), size - done));
    if (read_error == 0) {
      std::size_t got = 0;
      while (got < amount) {
        ssize_t n = ::read(fd, buf_.data() + got, amount - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          read_error = n == 0 ? EIO : errno;
          break;
        }
        got += static_cast<std::size_t>(n);
      }
      // Keep writing after an error, zeros, to stay in step with the sink.
      if (got < amount) std::memset(buf_.data() + got, 0, amount - got);
    } else {
      std::memset(buf_.data(), 0, amount);
    }
    if (!write_failed && !ch_.write_all(std::string_view(buf_.data(), amount))) {
      write_failed = true;
      if (read_error == 0) read_error = errno == 0 ? EPIPE : errno;
    }
    done += amount;
    ch_.limiter().account(amount);
    if (meter) meter->update(done);
  }
  if (::close(fd) == -1 && read_error == 0) read_error = errno;
  if (read_error == 0) ch_.write_all(std::string_view("\0", 1));
  else ch_.run_err(shown + ": " + std::strerror(read_error));
  bool ok = false;
  if (meter) meter->stop_ticking();  // no redraw while the sink answers (OpenSSH's neither)
  Flow f = ch_.response(ok);
  if (meter) meter->finish();
  return f;
}

Flow Source::send_directory(const std::string& name, const struct stat& st) {
  DIR* dir = ::opendir(name.c_str());
  if (dir == nullptr) {
    ch_.run_err(name + ": " + std::strerror(errno));
    return Flow::kContinue;
  }
  std::size_t slash = name.rfind('/');
  std::string last = slash == std::string::npos ? name : name.substr(slash + 1);
  bool ok = false;
  if (o_.preserve) {
    ch_.write_all(proto::format_times(st.st_mtime, st.st_atime));
    Flow times = ch_.response(ok);
    if (times == Flow::kAbort || !ok) {
      ::closedir(dir);
      return times;
    }
  }
  std::string header = proto::format_directory(st.st_mode, last);
  if (o_.verbose) std::fprintf(stderr, "Entering directory: %s", header.c_str());
  ch_.write_all(header);
  Flow f = ch_.response(ok);
  if (f == Flow::kAbort || !ok) {
    ::closedir(dir);
    return f;
  }
  while (struct dirent* e = ::readdir(dir)) {
    if (e->d_ino == 0) continue;
    std::string entry = e->d_name;
    if (entry == "." || entry == "..") continue;
    if (name.size() + 1 + entry.size() >= 4096 - 1) {
      ch_.run_err(name + "/" + entry + ": name too long");
      continue;
    }
    if (send(name + "/" + entry) == Flow::kAbort) {
      ::closedir(dir);
      return Flow::kAbort;
    }
  }
  ::closedir(dir);
  ch_.write_all(proto::kEndDirectoryLine);
  return ch_.response(ok);
}

}  // namespace

std::string visible_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    bool graph = c > 0x20 && c < 0x7f;
    if (c == '\\') {
      out += "\\\\";
    } else if (graph || c == ' ' || c == '\t') {
      out += static_cast<char>(c);
    } else {
      out += '\\';
      if (c & 0200) out += 'M';
      unsigned char low = c & 0177;
      if (low < 0x20 || low == 0x7f) {
        out += '^';
        out += low == 0x7f ? '?' : static_cast<char>(low + '@');
      } else {
        out += '-';
        out += static_cast<char>(low);
      }
    }
  }
  return out;
}

Flow send_paths(LegacyChannel& channel, const std::vector<std::string>& paths, const SourceOptions& options) {
  Source source(channel, options);
  for (const std::string& p : paths)
    if (source.send(p) == Flow::kAbort) return Flow::kAbort;
  return Flow::kContinue;
}

}  // namespace scp
