# Debian's libcaf-dev (CAF 0.17) ships no CMake package config: wrap the plain
# libraries as CAF::core and CAF::io.
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF REQUIRED_VARS CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY)
if(CAF_FOUND AND NOT TARGET CAF::core)
  find_package(Threads REQUIRED)
  add_library(CAF::core INTERFACE IMPORTED)
  set_target_properties(CAF::core PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CAF_CORE_LIBRARY};Threads::Threads")
  add_library(CAF::io INTERFACE IMPORTED)
  set_target_properties(CAF::io PROPERTIES
    INTERFACE_LINK_LIBRARIES "${CAF_IO_LIBRARY};CAF::core")
endif()
