# authkit.pc for `pkg-config --cflags --libs authkit` (C and C++ consumers without CMake).

# The file finds its prefix from its own place (${pcfiledir}), so the same file works in any
# install prefix: /usr from the .deb, a temporary prefix in the tests, a user's ~/.local.
file(RELATIVE_PATH AUTHKIT_PC_TO_PREFIX
  ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" AUTHKIT_PC_TO_PREFIX "${AUTHKIT_PC_TO_PREFIX}")

# A shared libauthkit records its dependencies itself (DT_NEEDED); Requires.private would only
# make every consumer install their -dev packages, since pkg-config reads it even for --cflags.
# A static one needs them all on the link line of `pkg-config --static --libs`.
set(AUTHKIT_PC_PRIVATE "")
set(AUTHKIT_PC_CFLAGS "")
if(NOT BUILD_SHARED_LIBS)
  set(pc_modules libcrypto libsodium libxcrypt sqlite3)
  # libauthkit is C++: a C program linking the archive needs the C++ runtime too.
  set(libs_private "-pthread -lstdc++")
  if(AUTHKIT_WITH_POSTGRES)
    # Not `libpq` in Requires.private: Debian's libpq.pc lists in its own Libs.private archives
    # that libpq-dev does not ship (pgcommon, pgport), so `--static` could never link. The
    # shared libpq is what a static libauthkit links on Debian.
    string(PREPEND libs_private "-lpq ")
  endif()
  if(AUTHKIT_WITH_REDIS)
    list(APPEND pc_modules hiredis)
  endif()
  list(JOIN pc_modules ", " requires_private)
  set(AUTHKIT_PC_PRIVATE "Requires.private: ${requires_private}\nLibs.private: ${libs_private}\n")
  set(AUTHKIT_PC_CFLAGS " -DAUTHKIT_STATIC_DEFINE")
endif()

configure_file(${CMAKE_CURRENT_SOURCE_DIR}/authkit.pc.in ${CMAKE_CURRENT_BINARY_DIR}/authkit.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/authkit.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
