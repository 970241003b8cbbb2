#!/usr/bin/env bash
# fresh-root-check.sh [ROOT]: what `make run` and `make test` install on a fresh Debian 12, and
# how long `make run` takes there to answer /health. The figures in docs/development.md come from
# it. Not run by CI: it needs root, debootstrap (apt-get install debootstrap), the Debian archive
# and about a gigabyte in ROOT (default /var/tmp/authkit-fresh-root, which must not exist).
#
#   1. debootstrap --variant=minbase bookworm ROOT, with the apt sources of the debian:12 image
#   2. the repository's HEAD (committed files only) copied to ROOT/src
#   3. in a chroot: apt-get install make (the one tool the README takes for granted), then
#      `make run` in the background with a free PORT; the time until GET /health answers and the
#      packages (`dpkg -l | grep -c ^ii`) before and after
#   4. the server stopped; `scripts/install-deps.sh` (every group, what `make test` installs
#      first): the packages it adds; then `cmake --preset dev` must configure
#
# The log goes to ROOT.log. ROOT is removed at the end unless KEEP_ROOT=1.
set -euo pipefail

root=${1:-/var/tmp/authkit-fresh-root}
repo=$(cd "$(dirname "$0")/.." && pwd)
log=$root.log
health_timeout=${HEALTH_TIMEOUT:-3600}

[ "$(id -u)" -eq 0 ] || { echo "fresh-root-check: run as root (debootstrap, chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "fresh-root-check: apt-get install debootstrap" >&2; exit 1; }
[ ! -e "$root" ] || { echo "fresh-root-check: $root exists; give a new directory" >&2; exit 1; }
: > "$log"

server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  for m in sys dev/pts dev proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m" || umount -l "$root/$m"; fi
  done
  if [ "${KEEP_ROOT:-0}" != 1 ] && [ -d "$root" ]; then
    # Only once nothing is mounted below it: never remove through a bind mount of /dev.
    if ! grep -q " $root/" /proc/mounts; then rm -rf --one-file-system "$root"; fi
  fi
}
trap cleanup EXIT

say() { echo "fresh-root-check: $*" | tee -a "$log"; }
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "$1"
}
packages() { in_root 'dpkg -l | grep -c ^ii'; }
# The Installed-Size of every installed package, in MiB.
installed_mib() { in_root "dpkg-query -W -f='\${Installed-Size}\n' | awk '{s+=\$1} END {print int(s/1024)}'"; }

say "debootstrap bookworm (minbase) into $root"
t0=$(date +%s)
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >> "$log" 2>&1
say "debootstrap: $(( $(date +%s) - t0 ))s"
cat > "$root/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t sysfs sysfs "$root/sys"

mkdir "$root/src"
git -C "$repo" archive HEAD | tar -x -C "$root/src"
say "source: $(git -C "$repo" rev-parse --short HEAD) ($(git -C "$repo" log -1 --format=%s | cut -c1-60))"

base=$(packages)
say "packages in the minbase root: $base ($(installed_mib) MiB)"
in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make' >> "$log" 2>&1
before_run=$(packages)
before_run_mib=$(installed_mib)
say "packages after apt-get install make: $before_run"

# A free loopback port for the server (the chroot shares this machine's network).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "make run (PORT=$port) in the background"
start=$(date +%s)
setsid chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb PORT="$port" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  make -C /src run >> "$log" 2>&1 &
server_pid=$!

deps_done=""
answered=""
while [ $(( $(date +%s) - start )) -lt "$health_timeout" ]; do
  kill -0 "$server_pid" 2>/dev/null || { say "make run ended before /health answered (see $log)"; exit 1; }
  # The run preset's build directory appears once install-deps.sh is done and cmake starts.
  if [ -z "$deps_done" ] && [ -d "$root/src/build/run" ]; then deps_done=$(( $(date +%s) - start )); fi
  if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
    answered=$(( $(date +%s) - start ))
    break
  fi
  sleep 2
done
[ -n "$answered" ] || { say "/health did not answer within ${health_timeout}s (see $log)"; exit 1; }
say "GET /health answered $(curl -fsS -m 2 "http://127.0.0.1:$port/health")"
after_run=$(packages)
after_run_mib=$(installed_mib)

kill -TERM -- "-$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

say "scripts/install-deps.sh (every group, as make test)"
t0=$(date +%s)
in_root 'cd /src && scripts/install-deps.sh' >> "$log" 2>&1
deps_all_seconds=$(( $(date +%s) - t0 ))
after_all=$(packages)
after_all_mib=$(installed_mib)
in_root 'cd /src && cmake --preset dev >/dev/null' >> "$log" 2>&1
say "cmake --preset dev configures with every group installed"

say "summary"
{
  echo "  minbase root:                         $base packages"
  echo "  + make:                               $before_run packages"
  echo "  make run installed:                   $(( after_run - before_run )) packages," \
    "$(( after_run_mib - before_run_mib )) MiB ($after_run in all)"
  echo "  make run: deps installed after        ${deps_done:-?}s"
  echo "  make run: /health answered after      ${answered}s"
  echo "  install-deps.sh (all groups) added:   $(( after_all - after_run )) packages," \
    "$(( after_all_mib - after_run_mib )) MiB in ${deps_all_seconds}s ($after_all in all)"
  echo "  all groups from the same start:       $(( after_all - before_run )) packages"
} | tee -a "$log"
