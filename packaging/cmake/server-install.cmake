# authkit-server and what an operator needs with it: the SQL migrations, the docs, a systemd
# unit and an example environment file (all in the `server` component).
install(TARGETS authkit-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)

# The server applies the migrations it embeds (`authkit-server migrate`); these copies are for
# DBAs who review or apply the SQL themselves.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/migrations/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/authkit/migrations COMPONENT server
  FILES_MATCHING PATTERN "*.sql" PATTERN "README.md")

install(FILES ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/docs/configuration.md
              ${PROJECT_SOURCE_DIR}/docs/server.md
              ${PROJECT_SOURCE_DIR}/docs/api.md
              ${PROJECT_SOURCE_DIR}/docs/compatibility.md
              ${PROJECT_SOURCE_DIR}/docs/rate-limiting.md
              ${PROJECT_SOURCE_DIR}/docs/packaging.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT server)
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/observability ${CMAKE_CURRENT_SOURCE_DIR}/nginx
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT server)

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/man/authkit-server.8
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT server)

# /etc and the systemd unit directory sit outside /usr. GNUInstallDirs' rule, applied when the
# install runs (cpack installs with the prefix /usr, the tests with a temporary prefix): under
# the prefix /usr they go to /etc/authkit and /lib/systemd/system (Debian 12's unit directory),
# under any other prefix below it, so that `cmake --install --prefix DIR` never writes outside DIR.
set(env_file ${CMAKE_CURRENT_SOURCE_DIR}/authkit.env)
set(unit_file ${CMAKE_CURRENT_SOURCE_DIR}/systemd/authkit-server.service)
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(authkit_etc /etc)
    set(authkit_unit_dir /lib/systemd/system)
  else()
    set(authkit_etc \"\${CMAKE_INSTALL_PREFIX}/etc\")
    set(authkit_unit_dir \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
  endif()
  # Mode 0640: the file will hold the token secrets (the .deb gives it the group authkit).
  file(INSTALL \"${env_file}\" DESTINATION \"\${authkit_etc}/authkit\"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
  file(INSTALL \"${unit_file}\" DESTINATION \"\${authkit_unit_dir}\"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
" COMPONENT server)

# Swagger UI, when embedded into the server for /docs, brings its licence and notices (and those
# of the libraries bundled into its JavaScript): they ship with the binary.
if(AUTHKIT_SERVER_SWAGGER_UI_EMBEDDED)
  set(swagger_package
    ${PROJECT_BINARY_DIR}/examples/server/swagger-ui-dist-${AUTHKIT_SWAGGER_UI_VERSION}/package)
  install(FILES ${swagger_package}/LICENSE ${swagger_package}/NOTICE
                ${swagger_package}/swagger-ui-bundle.js.LICENSE.txt
                ${swagger_package}/swagger-ui-standalone-preset.js.LICENSE.txt
    DESTINATION ${CMAKE_INSTALL_DOCDIR}/swagger-ui COMPONENT server)
endif()
