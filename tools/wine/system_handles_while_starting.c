/* Shows a Wine 8 wineserver out-of-bounds read with no wepoll code involved.
 *
 * The program asks for the system handle table
 * (NtQuerySystemInformation, SystemExtendedHandleInformation) again and
 * again for the given number of seconds.  Wine 8.0's server answers by
 * walking the handle table of every process with an unsigned index up to
 * the table's last used slot; for a process that has no handle yet (one
 * that is just starting) that slot is -1, so the walk runs past the end of
 * the table.  Run it while other programs of the same prefix start and the
 * server soon dies of a segmentation fault ("wineserver crashed, please
 * enable coredumps" on its stderr), taking every program of the prefix with
 * it; AddressSanitizer on a server built from Debian's wine 8.0 source
 * reports a heap-buffer-overflow in enum_handles (server/handle.c), called
 * from the get_system_handles request.
 *
 * The tests count their own handles without this table for that reason
 * (tests/handle_count.h).
 *
 * Build and run (a foreground server with its stderr kept, the query loop,
 * and programs starting beside it):
 *   x86_64-w64-mingw32-gcc system_handles_while_starting.c -o query.exe
 *   wineserver -f -p 2>server.log &
 *   sleep 2; wine64 query.exe 30 &
 *   for i in $(seq 30); do wine64 cmd /c exit; done; cat server.log
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

typedef LONG(WINAPI* query_system_information_fn)(ULONG, PVOID, ULONG,
                                                  PULONG);

enum { SYSTEM_EXTENDED_HANDLE_INFORMATION = 64 };
#define STATUS_INFO_LENGTH_MISMATCH ((LONG) 0xC0000004)

int main(int argc, char** argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 30;
  query_system_information_fn query =
      (query_system_information_fn) (void (*)(void)) GetProcAddress(
          GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
  ULONG size = 1 << 16, needed = 0;
  void* buffer = malloc(size);
  DWORD deadline = GetTickCount() + (DWORD) seconds * 1000;
  unsigned long queries = 0;
  if (query == NULL || buffer == NULL)
    return 1;
  while ((LONG) (GetTickCount() - deadline) < 0) {
    LONG status =
        query(SYSTEM_EXTENDED_HANDLE_INFORMATION, buffer, size, &needed);
    queries++;
    if (status == STATUS_INFO_LENGTH_MISMATCH) {
      size = (needed > size ? needed : size) * 2;
      free(buffer);
      if ((buffer = malloc(size)) == NULL)
        return 1;
    }
  }
  /* Reached only if the server lived through it. */
  printf("%lu queries, the server lived\n", queries);
  return 0;
}
