# authkitConfig.cmake + authkitConfigVersion.cmake: find_package(authkit CONFIG) -> authkit::authkit.
include(CMakePackageConfigHelpers)

set(AUTHKIT_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/authkit)

# A shared libauthkit carries its dependencies in its DT_NEEDED entries and no public header
# includes a third-party header, so consumers need nothing more. A static one is only an archive
# of objects: the export set names its private dependencies ($<LINK_ONLY:...>), which the config
# file must then find again (with the same PostgreSQL/Redis choices as this build).
if(BUILD_SHARED_LIBS)
  set(AUTHKIT_CONFIG_STATIC OFF)
else()
  set(AUTHKIT_CONFIG_STATIC ON)
endif()

install(EXPORT authkitTargets NAMESPACE authkit:: FILE authkitTargets.cmake
  DESTINATION ${AUTHKIT_CMAKE_INSTALL_DIR} COMPONENT dev)

configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/authkitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/authkitConfig.cmake
  INSTALL_DESTINATION ${AUTHKIT_CMAKE_INSTALL_DIR})
# 1.x promises one ABI (soname libauthkit.so.1): any 1.y satisfies a request for 1.x, x <= y.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/authkitConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/authkitConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/authkitConfigVersion.cmake
  DESTINATION ${AUTHKIT_CMAKE_INSTALL_DIR} COMPONENT dev)
