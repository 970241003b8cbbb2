"""Prints where, relative to the install prefix argv[1], Python looks for packages."""
import sys
import sysconfig

prefix = sys.argv[1].rstrip("/") or "/"
names = sysconfig.get_scheme_names()
blank = {"platbase": "", "base": ""}
if prefix == "/usr" and "deb_system" in names:
    # Debian's own packages: /usr/lib/python3/dist-packages.
    path = sysconfig.get_path("platlib", "deb_system", vars=blank)
elif prefix == "/usr/local" and "posix_local" in names:
    # Debian's /usr/local/lib/python3.X/dist-packages (the scheme is written for base /usr).
    path = sysconfig.get_path("platlib", "posix_local", vars=blank)
    path = path[len("/local"):] if path.startswith("/local/") else path
else:
    path = sysconfig.get_path("platlib", "posix_prefix", vars=blank)
print(path.lstrip("/"))
