# Warning and sanitizer flags shared by every target of the project.

# authkit_set_warnings(<target>): the project's warning set; errors when AUTHKIT_WERROR is on.
function(authkit_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wformat=2 -Wimplicit-fallthrough)
  if(AUTHKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# authkit_set_c_warnings(<target>): the same for targets written in C.
function(authkit_set_c_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion)
  if(AUTHKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(AUTHKIT_SANITIZE)
  # Halt on the first report so that a sanitizer finding always fails the test that caused it.
  add_compile_options(-fsanitize=${AUTHKIT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${AUTHKIT_SANITIZE})
endif()

# libFuzzer (the `fuzz` preset, `make fuzz`): every object gets clang's coverage instrumentation,
# so the fuzzer sees the edges of the library, not only of the target; tests/fuzz links the
# targets with -fsanitize=fuzzer. Meant with AUTHKIT_SANITIZE=address,undefined.
option(AUTHKIT_LIBFUZZER "Build the tests/fuzz targets against libFuzzer (clang only)" OFF)
if(AUTHKIT_LIBFUZZER)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AUTHKIT_LIBFUZZER needs clang (libFuzzer); the compiler is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Hardening as Debian's dpkg-buildflags applies it: stack protector and stack-clash probes,
# fortified libc calls, full RELRO (lintian's hardening-no-fortify-functions and
# hardening-no-bindnow). _FORTIFY_SOURCE needs optimisation, so Debug builds (the sanitizer
# presets) go without it.
option(AUTHKIT_HARDENING "Build with Debian's hardening flags" ON)
if(AUTHKIT_HARDENING)
  add_compile_options(-fstack-protector-strong -fstack-clash-protection
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
