#!/usr/bin/env bash
# Unpacks the .deb packages into a throw-away root (dpkg-deb -x: nothing is installed on this
# machine), checks their metadata, runs authkit-server --version from it and builds the
# consumer against the unpacked libauthkit-dev.
#   deb_root.sh <dir with the .deb files> <work dir>
set -euo pipefail
debs=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
root=$work/root
mkdir -p "$root"

status=0
fail() { echo "deb: $*"; status=1; }
field() { dpkg-deb --field "$1" "$2"; }  # field <deb> <name>

declare -A deb_of
for deb in "$debs"/*.deb; do
  deb_of[$(field "$deb" Package)]=$deb
  dpkg-deb -x "$deb" "$root"
done
for package in libauthkit1 libauthkit-dev authkit-server; do
  [ -n "${deb_of[$package]:-}" ] || { fail "no $package package"; continue; }
  [ -f "$root/usr/share/doc/$package/copyright" ] || fail "$package: no copyright"
  [ -f "$root/usr/share/doc/$package/changelog.Debian.gz" ] || fail "$package: no changelog.Debian.gz"
done
[ "$status" = 0 ] || exit 1
version=$(field "${deb_of[libauthkit1]}" Version)

# Depends: dpkg-shlibdeps found the C library and the libraries' Debian packages; between our
# packages, exact versions.
server_depends=$(field "${deb_of[authkit-server]}" Depends)
for dep in "libauthkit1 (= $version)" "adduser" "libc6" "libcpp-httplib"; do
  [[ $server_depends == *"$dep"* ]] || fail "authkit-server Depends lacks '$dep': $server_depends"
done
[[ $(field "${deb_of[libauthkit-dev]}" Depends) == *"libauthkit1 (= $version)"* ]] \
  || fail "libauthkit-dev does not depend on libauthkit1 (= $version)"
lib_depends=$(field "${deb_of[libauthkit1]}" Depends)
for dep in libc6 libssl3 libsodium23 libsqlite3-0; do
  [[ $lib_depends == *"$dep"* ]] || fail "libauthkit1 Depends lacks '$dep': $lib_depends"
done
# The shlibs file maps the soname to the package for other packages' dpkg-shlibdeps.
dpkg-deb --ctrl-tarfile "${deb_of[libauthkit1]}" | tar -xO ./shlibs | grep -q '^libauthkit 1 libauthkit1' \
  || fail "libauthkit1 has no shlibs entry for libauthkit.so.1"

# authkit-server: conffile, modes, unit, postinst.
control=$work/server-control
mkdir -p "$control"
dpkg-deb -e "${deb_of[authkit-server]}" "$control"
grep -qx /etc/authkit/authkit.env "$control/conffiles" || fail "authkit.env is not a conffile"
[ -x "$control/postinst" ] || fail "authkit-server has no executable postinst"
sh -n "$control/postinst" || fail "postinst has a syntax error"
listing=$(dpkg-deb -c "${deb_of[authkit-server]}")
grep -Eq '^-rw-r----- root/root .* \./etc/authkit/authkit\.env$' <<<"$listing" \
  || fail "etc/authkit/authkit.env is not -rw-r----- root/root"
grep -q ' \./lib/systemd/system/authkit-server\.service$' <<<"$listing" || fail "no systemd unit"
grep -q ' \./usr/bin/authkit-server$' <<<"$listing" || fail "no usr/bin/authkit-server"
grep -q ' \./usr/share/man/man8/authkit-server\.8\.gz$' <<<"$listing" || fail "no compressed manual page"
[ "$status" = 0 ] || exit 1

# The programs run from the unpacked tree on its own libauthkit.
LD_LIBRARY_PATH="$root/usr/lib" "$root/usr/bin/authkit-server" --version | tee "$work/version"
grep -q "^authkit-server ${version%-*} " "$work/version" || { echo "deb: unexpected --version"; exit 1; }
"$here/consumer.sh" "$root/usr" "$work"
