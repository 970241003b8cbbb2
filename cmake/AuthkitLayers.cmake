# The library's layers (docs/architecture.md): one folder, one internal target, declared
# dependencies. A wrong-way #include fails to compile.
#
# All layers share two include roots in the source tree: include/ (the public headers) and src/
# (each folder's own headers, as "storage/sql/sql_store.hpp"). Putting both roots on every
# target would let any file include any header. Instead each layer compiles against a view of
# its own, build/layers/<name>, holding symbolic links to exactly
#   - the public headers it owns (authkit/<header>), and
#   - the headers of its own folder (<folder>/<header>, not those of its subfolders, which are
#     layers of their own),
# and sees the views of the layers it depends on through their usage requirements. A header of a
# layer that is not below it is simply not there: "No such file or directory".
#
# The layers' objects all go into the one library users link, authkit, and into authkit_internal
# (src/CMakeLists.txt makes both); the layer targets exist only to compile them with the right view.

set(AUTHKIT_LAYERS_DIR ${PROJECT_BINARY_DIR}/layers)

# authkit_layer(<name>
#   [SOURCES <file>...]          compiled into libauthkit
#   [PUBLIC_HEADERS <name>...]   headers of include/authkit/ this layer owns (and installs)
#   [LAYERS <layer>...]          the layers it may include (their own dependencies come along)
#   [LIBRARIES <target>...])     third-party libraries its sources or headers use
# Makes the OBJECT library authkit_<name> from the current folder.
function(authkit_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PUBLIC_HEADERS;LAYERS;LIBRARIES")
  set(target authkit_${name})
  set(view ${AUTHKIT_LAYERS_DIR}/${name})

  # The view is rebuilt at each configure: a header added to the folder appears (the glob below
  # re-runs cmake when one does), a removed one disappears.
  file(REMOVE_RECURSE ${view})
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
  if(folder MATCHES "^\\.\\.")
    file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  file(GLOB own_headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  foreach(header IN LISTS own_headers)
    get_filename_component(file ${header} NAME)
    authkit_link_into_view(${header} ${view}/${folder}/${file})
  endforeach()
  foreach(header IN LISTS arg_PUBLIC_HEADERS)
    set(source ${PROJECT_SOURCE_DIR}/include/authkit/${header})
    if(NOT EXISTS ${source})
      set(source ${PROJECT_BINARY_DIR}/include/authkit/${header})  # generated (version.hpp)
    endif()
    if(NOT EXISTS ${source})
      message(FATAL_ERROR "layer ${name}: no public header authkit/${header}")
    endif()
    authkit_link_into_view(${source} ${view}/authkit/${header})
    set_property(GLOBAL APPEND PROPERTY AUTHKIT_OWNED_HEADERS ${header})
  endforeach()

  add_library(${target} OBJECT ${arg_SOURCES})
  target_include_directories(${target} PUBLIC ${view})
  list(TRANSFORM arg_LAYERS PREPEND authkit_ OUTPUT_VARIABLE layer_targets)
  target_link_libraries(${target} PUBLIC ${layer_targets} ${arg_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_compile_definitions(${target} PRIVATE AUTHKIT_BUILDING_LIBRARY
    $<$<NOT:$<BOOL:${BUILD_SHARED_LIBS}>>:AUTHKIT_STATIC_DEFINE>)
  authkit_set_warnings(${target})

  # Into the two libraries made in src/CMakeLists.txt.
  target_sources(authkit PRIVATE $<TARGET_OBJECTS:${target}>)
  target_sources(authkit_internal PRIVATE $<TARGET_OBJECTS:${target}>)
  target_link_libraries(authkit PRIVATE ${arg_LIBRARIES})
  target_link_libraries(authkit_internal PUBLIC ${arg_LIBRARIES})
endfunction()

function(authkit_link_into_view source link)
  get_filename_component(dir ${link} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  file(CREATE_LINK ${source} ${link} SYMBOLIC)
endfunction()

# Every public header belongs to exactly one layer (or to the C ABI, which owns authkit.h).
function(authkit_check_header_ownership)
  get_property(owned GLOBAL PROPERTY AUTHKIT_OWNED_HEADERS)
  file(GLOB public RELATIVE ${PROJECT_SOURCE_DIR}/include/authkit CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/include/authkit/*.hpp ${PROJECT_SOURCE_DIR}/include/authkit/*.h)
  foreach(header IN LISTS public)
    list(LENGTH owned count_before)
    list(FILTER owned EXCLUDE REGEX "^${header}$")
    list(LENGTH owned count_after)
    math(EXPR owners "${count_before} - ${count_after}")
    if(NOT owners EQUAL 1)
      message(FATAL_ERROR "include/authkit/${header} is owned by ${owners} layers: name it in "
                          "the PUBLIC_HEADERS of exactly one authkit_layer()")
    endif()
  endforeach()
endfunction()
