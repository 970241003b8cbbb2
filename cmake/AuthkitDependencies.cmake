# Third-party dependencies, all from Debian 12 packages.
# hiredis and cpp-httplib ship no CMake package on Debian: they are found through pkg-config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
# libxcrypt verifies (and, in bcrypt mode, makes) the original service's bcrypt hashes.
pkg_check_modules(xcrypt REQUIRED IMPORTED_TARGET libxcrypt>=4.4)

if(AUTHKIT_WITH_POSTGRES)
  find_package(PostgreSQL REQUIRED)
endif()
if(AUTHKIT_WITH_REDIS)
  pkg_check_modules(hiredis REQUIRED IMPORTED_TARGET hiredis>=0.14)
endif()
if(AUTHKIT_BUILD_SERVER)
  # The .pc file carries CPPHTTPLIB_OPENSSL_SUPPORT and friends: every file that includes
  # httplib.h must see them or its classes will not match the compiled library.
  pkg_check_modules(httplib REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
endif()
