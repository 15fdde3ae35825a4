#include "process_title.hpp"

#include <cstdlib>
#include <cstring>
#include <string>

extern char** environ;

namespace sshd {

namespace {

char* g_area = nullptr;       // start of argv[0]
std::size_t g_area_size = 0;  // bytes up to the end of the last contiguous string
std::string g_progname;

}  // namespace

void init_process_title(int argc, char** argv) {
  if (argc <= 0 || argv == nullptr || argv[0] == nullptr) return;
  const char* name = std::strrchr(argv[0], '/');
  g_progname = name != nullptr ? name + 1 : argv[0];

  // The writable area: argv strings, then environ strings, as long as each starts
  // right after the previous one's NUL (the kernel lays them out so).
  char* end = argv[0] + std::strlen(argv[0]) + 1;
  for (int i = 1; i < argc; ++i) {
    if (argv[i] != end) break;
    end = argv[i] + std::strlen(argv[i]) + 1;
  }
  std::size_t env_count = 0;
  if (environ != nullptr) {
    for (; environ[env_count] != nullptr; ++env_count)
      if (environ[env_count] == end) end = environ[env_count] + std::strlen(environ[env_count]) + 1;
  }
  // environ's strings are about to be overwritten: give the process its own copy.
  // These allocations live for the whole process, like OpenSSH's.
  char** fresh = static_cast<char**>(std::calloc(env_count + 1, sizeof(char*)));
  if (fresh == nullptr) return;
  for (std::size_t i = 0; i < env_count; ++i) fresh[i] = strdup(environ[i]);
  environ = fresh;
  g_area = argv[0];
  g_area_size = static_cast<std::size_t>(end - argv[0]);
}

void set_process_title_text(std::string_view title) {
  if (g_area == nullptr || g_area_size < 2) return;
  std::string text = g_progname + ": ";
  text.append(title);
  const std::size_t n = std::min(text.size(), g_area_size - 1);
  std::memcpy(g_area, text.data(), n);
  std::memset(g_area + n, '\0', g_area_size - n);  // SPT_PADCHAR is NUL on Linux
}

}  // namespace sshd
