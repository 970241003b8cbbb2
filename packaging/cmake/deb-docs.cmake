# Every Debian package carries usr/share/doc/<package>/copyright and changelog.Debian.gz.
# They are added to each package's staging tree after the install step (CPACK_PRE_BUILD_SCRIPTS)
# rather than by install rules, so that a plain `cmake --install` does not get Debian files.
# Only CPACK_* variables reach the script (through CPackConfig.cmake).
set(CPACK_AUTHKIT_DEBIAN_DIR ${CMAKE_CURRENT_LIST_DIR}/../debian)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/deb-docs-prebuild.cmake)
