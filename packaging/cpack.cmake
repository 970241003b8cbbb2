# CPack: one Debian package per install component, from any configured build directory:
#   cpack --config <build>/CPackConfig.cmake -B <output dir>     (or `make package`)
#
#   component  package          contents
#   runtime    libauthkit1      libauthkit.so.1 (the soname fixes the package name, docs/packaging.md#debian-packages)
#   dev        libauthkit-dev   headers, libauthkit.so, CMake package, authkit.pc
#   server     authkit-server   the server, systemd unit, /etc/authkit/authkit.env, migrations
#   python     python3-authkit  the SWIG module (its install rules come with the bindings)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME authkit)
set(CPACK_PACKAGE_VENDOR "libauthkit maintainers")
set(CPACK_PACKAGE_CONTACT "libauthkit maintainers <maintainers@users.noreply.r-seed-7bee606d.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPack prepends a summary that differs from its default to every component's description,
# which would give all packages the same first line: keep the default, each package has its own.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
# Strip the RelWithDebInfo binaries: the packages ship no debug information.
set(CPACK_STRIP_FILES ON)
# Install with the prefix /usr under DESTDIR, so that the server's /etc and /lib/systemd files
# (which follow the prefix, see cmake/server-install.cmake) land in their Debian places.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debian revision 1: a non-native package, whose changelog is changelog.Debian.gz.
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from dpkg-shlibdeps for the binaries; between our packages, from component DEPENDS.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps must see libauthkit.so.1 to read the server's other needs through it; it is not
# installed on the build machine, so point it at the build tree (src/ builds the library).
# The dependency on libauthkit1 itself comes from the component DEPENDS below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

include(${CMAKE_CURRENT_LIST_DIR}/cmake/deb-docs.cmake)

# --- libauthkit1
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libauthkit1)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# The shlibs file lets dpkg-shlibdeps of other packages map libauthkit.so.1 to libauthkit1.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_LIST_DIR}/debian/libauthkit1/triggers)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "embeddable authentication core - shared library
libauthkit provides server-side sessions, JWT access and refresh tokens,
SHA-256-hashed refresh-token chains with rotation and replay detection,
SQLite and PostgreSQL storage, and Redis or in-memory rate limiting.

This package contains the shared library.")

# --- libauthkit-dev
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libauthkit-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "embeddable authentication core - development files
libauthkit provides server-side sessions, JWT access and refresh tokens,
SHA-256-hashed refresh-token chains with rotation and replay detection,
SQLite and PostgreSQL storage, and Redis or in-memory rate limiting.

This package contains the C++ headers, the CMake package (authkit::authkit)
and the pkg-config file.")

# --- authkit-server
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME authkit-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_COMPONENT_SERVER_DEPENDS runtime)
# postinst creates the system user with adduser.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_LIST_DIR}/debian/authkit-server/conffiles
  ${CMAKE_CURRENT_LIST_DIR}/debian/authkit-server/postinst)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
  "reference HTTP authentication server of libauthkit
authkit-server serves a REST authentication contract (registration,
sessions, JWT access and refresh tokens with rotation and replay
detection) on top of libauthkit, with SQLite or PostgreSQL storage and
Redis rate limiting.

This package contains the server, a systemd unit, an example
configuration in /etc/authkit/authkit.env and the SQL migrations.")

# --- python3-authkit: only once the bindings install something into the `python` component.
set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-authkit)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_COMPONENT_PYTHON_DEPENDS runtime)
# A SWIG extension module does not link libpython, so dpkg-shlibdeps cannot see the interpreter:
# it is built for Debian 12's python3 (3.11) and installs into /usr/lib/python3/dist-packages.
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3 (>= 3.11~), python3 (<< 3.12)")
set(CPACK_COMPONENT_PYTHON_DESCRIPTION
  "embeddable authentication core - Python 3 bindings
libauthkit provides server-side sessions, JWT access and refresh tokens,
SHA-256-hashed refresh-token chains with rotation and replay detection.

This package contains the Python 3 module.")

# Only components that exist in this build become packages (no server when
# AUTHKIT_BUILD_SERVER is off, no python3-authkit before the bindings land); install rules
# without a component are never packaged.
get_cmake_property(authkit_install_components COMPONENTS)
set(CPACK_COMPONENTS_ALL "")
foreach(component IN ITEMS runtime dev server python)
  if(component IN_LIST authkit_install_components)
    list(APPEND CPACK_COMPONENTS_ALL ${component})
  endif()
endforeach()

# A static libauthkit has no runtime package: nothing depends on it then, and linking the
# archive needs the -dev packages of its dependencies (what authkitConfig.cmake finds again).
if(NOT "runtime" IN_LIST CPACK_COMPONENTS_ALL)
  unset(CPACK_COMPONENT_DEV_DEPENDS)
  unset(CPACK_COMPONENT_SERVER_DEPENDS)
  unset(CPACK_COMPONENT_PYTHON_DEPENDS)
  set(static_dev_depends libssl-dev libsodium-dev libcrypt-dev libsqlite3-dev nlohmann-json3-dev
                         pkg-config)
  if(AUTHKIT_WITH_POSTGRES)
    list(APPEND static_dev_depends libpq-dev)
  endif()
  if(AUTHKIT_WITH_REDIS)
    list(APPEND static_dev_depends libhiredis-dev)
  endif()
  list(JOIN static_dev_depends ", " CPACK_DEBIAN_DEV_PACKAGE_DEPENDS)
endif()

include(CPack)
