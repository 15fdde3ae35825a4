#!/usr/bin/env bash
# Make sure the Debian packages sshpp needs are present. As root, install what is
# missing (apt-get); otherwise name exactly the missing packages and fail.
# Usage: scripts/deps.sh [build|test|fuzz|bench|demo]...
set -euo pipefail

build_pkgs=(cmake ninja-build g++ pkg-config make libsodium-dev libssl-dev zlib1g-dev libfmt-dev libseccomp-dev libpam0g-dev libcrypt-dev libedit-dev)
test_pkgs=(libgtest-dev python3 openssh-client openssh-server procps iproute2 systemd dropbear-bin python3-paramiko putty-tools curl sshfs lftp rsync)
fuzz_pkgs=(clang libclang-rt-dev)
bench_pkgs=(libbenchmark-dev openssl openssh-client openssh-server python3)
demo_pkgs=(openssh-client openssh-server python3)

want=()
for what in "${@:-build}"; do
  case "$what" in
    build) want+=("${build_pkgs[@]}") ;;
    test) want+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    fuzz) want+=("${fuzz_pkgs[@]}") ;;
    bench) want+=("${bench_pkgs[@]}") ;;
    demo) want+=("${demo_pkgs[@]}") ;;
    *) echo "deps.sh: unknown group '$what'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "sshpp needs these Debian packages, which are not installed:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
