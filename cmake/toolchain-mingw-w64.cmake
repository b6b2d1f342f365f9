# CMake toolchain file for cross-compiling to Windows with MinGW-w64 from a
# Linux host (Debian's gcc-mingw-w64), programs run with Wine.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw-w64.cmake \
#         -DMINGW_TRIPLE=x86_64-w64-mingw32 ...      (or i686-w64-mingw32)
#
# MINGW_TRIPLE defaults to x86_64-w64-mingw32 (also read from the
# environment).  Libraries and headers are looked up only under the MinGW
# sysroot and CMAKE_FIND_ROOT_PATH; packages (find_package) also through
# CMAKE_PREFIX_PATH as given, so a staged install of wepoll can be named
# with -DCMAKE_PREFIX_PATH=<stage>/<prefix>.

if(NOT MINGW_TRIPLE)
  if(DEFINED ENV{MINGW_TRIPLE})
    set(MINGW_TRIPLE "$ENV{MINGW_TRIPLE}")
  else()
    set(MINGW_TRIPLE x86_64-w64-mingw32)
  endif()
endif()
# try_compile() runs this file again in a fresh project: pass the triple on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MINGW_TRIPLE)

set(CMAKE_SYSTEM_NAME Windows)
if(MINGW_TRIPLE MATCHES "^i[3-6]86-")
  set(CMAKE_SYSTEM_PROCESSOR x86)
else()
  set(CMAKE_SYSTEM_PROCESSOR AMD64)
endif()

set(CMAKE_C_COMPILER ${MINGW_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${MINGW_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# add_test() programs and try_run() run under Wine.
find_program(WINE_PROGRAM NAMES wine wine64)
if(WINE_PROGRAM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WINE_PROGRAM})
endif()
