#include "command_loop.hpp"

#include <glob.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "completion.hpp"
#include "ls_listing.hpp"
#include "terminal_text.hpp"

namespace sftp_program {
namespace {

const char* prompt(EditLine*) { return "sftp> "; }

// One line from `input` without its newline; nullopt at EOF.
std::optional<std::string> read_plain_line(std::FILE* input) {
  std::string line;
  int c;
  bool any = false;
  while ((c = std::fgetc(input)) != EOF) {
    any = true;
    if (c == '\n') return line;
    line += static_cast<char>(c);
  }
  if (!any) return std::nullopt;
  return line;
}

// Completion candidates from the live session and the local file system.
class SessionCompletionSource : public CompletionSource {
 public:
  explicit SessionCompletionSource(SftpInterpreter& interpreter) : interpreter_(interpreter) {}
  std::vector<std::string> remote_matches(const std::string& pattern) override {
    std::vector<std::string> out;
    auto matches = sshcore::io::remote_glob(interpreter_.session(), pattern);
    if (!matches) return out;
    for (auto& m : *matches) {
      bool dir = m.attrs.permissions && m.attrs.is_directory();
      out.push_back(dir && !m.path.ends_with("/") ? m.path + "/" : m.path);
    }
    return out;
  }
  std::vector<std::string> local_matches(const std::string& pattern) override {
    std::vector<std::string> out;
    glob_t g{};
    if (::glob(pattern.c_str(), GLOB_MARK, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; i++) out.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    return out;
  }
  std::string remote_directory() const override { return interpreter_.remote_directory(); }

 private:
  SftpInterpreter& interpreter_;
};

// Bound to TAB: complete the word before the cursor, list the choices if several.
unsigned char complete_at_cursor(EditLine* el, int) {
  void* data = nullptr;
  if (::el_get(el, EL_CLIENTDATA, &data) != 0 || data == nullptr) return CC_ERROR;
  auto* source = static_cast<CompletionSource*>(data);
  const LineInfo* info = ::el_line(el);
  std::string_view before(info->buffer, static_cast<std::size_t>(info->cursor - info->buffer));
  CompletionResult r = complete_line(before, *source);
  if (!r.candidates.empty()) {
    std::size_t longest = 0;
    for (const auto& c : r.candidates) longest = std::max(longest, c.size());
    // complete_display(): a newline, the columns, and a newline after them even when
    // the last row was full.
    unsigned width = listing_width();
    std::size_t columns = std::max<std::size_t>(1, width / (longest + 2));
    std::string text = "\n" + format_columns(r.candidates, width, longest);
    if (r.candidates.size() % columns == 0) text += "\n";
    print_out(text);
    std::fflush(stdout);
  }
  if (!r.insert.empty() && ::el_insertstr(el, r.insert.c_str()) == -1) return CC_ERROR;
  return CC_REDISPLAY;
}

class LineEditor {
 public:
  explicit LineEditor(CompletionSource* completion) {
    history_ = ::history_init();
    HistEvent ev;
    ::history(history_, &ev, H_SETSIZE, 100);
    el_ = ::el_init("sftp", stdin, stdout, stderr);
    if (el_ == nullptr) return;
    ::el_set(el_, EL_HIST, history, history_);
    ::el_set(el_, EL_PROMPT, prompt);
    ::el_set(el_, EL_EDITOR, "emacs");
    ::el_set(el_, EL_TERMINAL, nullptr);
    ::el_set(el_, EL_SIGNAL, 1);
    ::el_source(el_, nullptr);
    ::el_set(el_, EL_ADDFN, "ftp-complete", "Context sensitive argument completion", complete_at_cursor);
    ::el_set(el_, EL_CLIENTDATA, static_cast<void*>(completion));
    ::el_set(el_, EL_BIND, "^I", "ftp-complete", nullptr);
    // Ctrl-arrows move by words; ^W deletes the previous word, as in ksh (and OpenSSH's sftp).
    ::el_set(el_, EL_BIND, "\\e[1;5C", "em-next-word", nullptr);
    ::el_set(el_, EL_BIND, "\\e[5C", "em-next-word", nullptr);
    ::el_set(el_, EL_BIND, "\\e[1;5D", "ed-prev-word", nullptr);
    ::el_set(el_, EL_BIND, "\\e\\e[D", "ed-prev-word", nullptr);
    ::el_set(el_, EL_BIND, "^w", "ed-delete-prev-word", nullptr);
  }
  ~LineEditor() {
    if (el_ != nullptr) ::el_end(el_);
    if (history_ != nullptr) ::history_end(history_);
  }
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;
  bool ok() const { return el_ != nullptr; }

  std::optional<std::string> read() {
    int count = 0;
    const char* line = ::el_gets(el_, &count);
    if (line == nullptr || count <= 0) return std::nullopt;
    HistEvent ev;
    ::history(history_, &ev, H_ENTER, line);
    std::string s(line);
    if (auto nl = s.rfind('\n'); nl != std::string::npos) s.erase(nl);
    return s;
  }

 private:
  EditLine* el_ = nullptr;
  History* history_ = nullptr;
};

}  // namespace

volatile std::sig_atomic_t g_command_interrupted = 0;

namespace {

void on_command_interrupt(int) {
  const char message[] = "\rInterrupt  \n";
  int saved = errno;
  ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
  (void)ignored;
  g_command_interrupted = 1;
  errno = saved;
}

}  // namespace

int run_command_loop(SftpInterpreter& interpreter, std::FILE* input, bool batch_mode) {
  bool interactive = !batch_mode && ::isatty(STDIN_FILENO) != 0;
  SessionCompletionSource completion(interpreter);
  std::unique_ptr<LineEditor> editor;
  if (interactive) {
    editor = std::make_unique<LineEditor>(&completion);
    if (!editor->ok()) editor.reset();
  }
  for (;;) {
    std::signal(SIGINT, SIG_IGN);
    std::optional<std::string> line;
    if (editor) {
      line = editor->read();
      if (!line) {
        std::fputs("\n", stdout);
        break;
      }
    } else {
      if (interactive) {
        std::fputs("sftp> ", stdout);
        std::fflush(stdout);
      }
      line = read_plain_line(input);
      if (!line) {
        if (interactive) std::fputs("\n", stdout);
        break;
      }
    }
    g_command_interrupted = 0;
    std::signal(SIGINT, on_command_interrupt);
    DispatchResult r = interpreter.dispatch(*line, batch_mode, !interactive);
    if (r == DispatchResult::kAbort) return -1;
    if (r == DispatchResult::kQuit) break;
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace sftp_program
