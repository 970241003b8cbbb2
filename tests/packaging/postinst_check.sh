#!/usr/bin/env bash
# authkit-server's postinst, run against stub commands that record their calls (nothing on this
# machine changes): a first install creates the user and the env file's override, an upgrade
# with both in place changes nothing, other actions do nothing.
#   postinst_check.sh <postinst>
set -euo pipefail
postinst=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
# getent/dpkg-statoverride --list answer from STUB_USER / STUB_OVERRIDE; every call is logged.
cat >"$work/bin/stub" <<'STUB'
#!/bin/sh
echo "$(basename "$0") $*" >>"$STUB_LOG"
case "$(basename "$0") $1" in
  "getent passwd") [ "$STUB_USER" = yes ] ;;
  "dpkg-statoverride --list") [ "$STUB_OVERRIDE" = yes ] ;;
  *) exit 0 ;;
esac
STUB
chmod +x "$work/bin/stub"
for command in getent adduser install dpkg-statoverride; do
  ln -s stub "$work/bin/$command"
done

run() {  # run <user exists> <override exists> <postinst arguments...>
  : >"$work/log"
  STUB_LOG=$work/log STUB_USER=$1 STUB_OVERRIDE=$2 PATH="$work/bin:$PATH" sh -e "$postinst" "${@:3}"
}
status=0
expect() {  # expect <description> <grep pattern> [absent]
  if [ "${3:-}" = absent ]; then
    ! grep -q -- "$2" "$work/log" || { echo "postinst: $1: unexpected '$2'"; cat "$work/log"; status=1; }
  else
    grep -q -- "$2" "$work/log" || { echo "postinst: $1: no '$2'"; cat "$work/log"; status=1; }
  fi
}

run no no configure ""
expect "first install" "^adduser --system --group --home /var/lib/authkit .*authkit$"
expect "first install" "^dpkg-statoverride --update --add root authkit 0640 /etc/authkit/authkit.env$"

run yes yes configure 1.0.0-1
expect "upgrade" "^adduser" absent
expect "upgrade" "^dpkg-statoverride --update" absent

run no no abort-upgrade 1.0.0-1
[ ! -s "$work/log" ] || { echo "postinst: abort-upgrade did something:"; cat "$work/log"; status=1; }

[ "$status" = 0 ] && echo "postinst: first install, upgrade and abort-upgrade behave"
exit $status
