/*
 * The number of handles this process holds, for the tests that check that
 * nothing leaks.
 *
 * GetProcessHandleCount answers where the system counts (Windows).  Wine
 * 8's answers 0 whatever is open, and the system handle table
 * (NtQuerySystemInformation, SystemExtendedHandleInformation) cannot stand
 * in for it: Wine 8's server reads past the end of the handle table of a
 * process that has no handle yet, one that is just starting, and under
 * parallel tests that kills the server and every program of the prefix.
 * So where GetProcessHandleCount does not count, each handle value is
 * asked in turn whether it is open: GetHandleInformation fails for a value
 * that names no open handle, and handle values are multiples of 4 (the low
 * two bits are not part of a kernel handle).
 */
#ifndef WEPOLL_TESTS_HANDLE_COUNT_H_
#define WEPOLL_TESTS_HANDLE_COUNT_H_

#include "common.h"

/* The probe stops after this many closed values in a row beyond the last
 * open one: a freed run of handles longer than that, below an open one,
 * would hide it.  The tests that count open far fewer at once. */
#define HANDLE_COUNT_PROBE_GAP 4096

static TEST_UNUSED DWORD handle_count_by_probe(void) {
  DWORD count = 0, flags;
  ULONG_PTR value, last_open = 0;
  for (value = 4; value <= last_open + 4 * HANDLE_COUNT_PROBE_GAP;
       value += 4) {
    if (GetHandleInformation((HANDLE) value, &flags)) {
      count++;
      last_open = value;
    }
  }
  return count;
}

/* The count, and in `source` (when not NULL) how it was taken. */
static TEST_UNUSED DWORD process_handle_count(const char** source) {
  DWORD count = 0;
  if (GetProcessHandleCount(GetCurrentProcess(), &count) && count > 0) {
    if (source != NULL)
      *source = "GetProcessHandleCount";
    return count;
  }
  if (source != NULL)
    *source = "each handle value probed with GetHandleInformation";
  return handle_count_by_probe();
}

#endif
