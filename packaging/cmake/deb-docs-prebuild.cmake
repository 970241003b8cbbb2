# CPack pre-build script (cpack.cmake): writes usr/share/doc/<package>/{copyright,
# changelog.Debian.gz} into the staging tree of every component being packaged, and compresses
# its manual pages.

# The changelog's latest entry must be the version being packaged: a version bump without a
# changelog entry fails here instead of shipping a stale changelog.
set(expected "${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
file(STRINGS ${CPACK_AUTHKIT_DEBIAN_DIR}/changelog first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^[a-z0-9.+-]+ \\(([^)]+)\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: unreadable first line: ${first_line}")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL expected)
  message(FATAL_ERROR "packaging/debian/changelog: latest entry is ${CMAKE_MATCH_1}, "
                      "the packages are ${expected}: add an entry")
endif()

find_program(GZIP gzip REQUIRED)
foreach(component IN LISTS CPACK_COMPONENTS_ALL)
  string(TOUPPER ${component} upper)
  set(package "${CPACK_DEBIAN_${upper}_PACKAGE_NAME}")
  # With CPACK_SET_DESTDIR the tree of each component is <temporary dir>/<component>.
  set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/${component}")
  if(NOT IS_DIRECTORY "${root}")
    message(FATAL_ERROR "deb-docs: no staging tree for ${component} at ${root}")
  endif()
  set(doc "${root}/usr/share/doc/${package}")
  file(MAKE_DIRECTORY "${doc}")
  file(COPY_FILE ${CPACK_AUTHKIT_DEBIAN_DIR}/copyright "${doc}/copyright")
  # gzip -9n: maximal compression, no name or timestamp in the header (reproducible, as
  # Debian policy 12.7 and lintian ask).
  execute_process(COMMAND ${GZIP} -9n -c ${CPACK_AUTHKIT_DEBIAN_DIR}/changelog
    OUTPUT_FILE "${doc}/changelog.Debian.gz" COMMAND_ERROR_IS_FATAL ANY)
  file(CHMOD "${doc}/copyright" "${doc}/changelog.Debian.gz"
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  # Debian ships manual pages compressed (policy 12.1); a plain install keeps them as they are.
  file(GLOB man_pages "${root}/usr/share/man/man*/*.[1-9]")
  foreach(page IN LISTS man_pages)
    execute_process(COMMAND ${GZIP} -9n "${page}" COMMAND_ERROR_IS_FATAL ANY)
  endforeach()
endforeach()
