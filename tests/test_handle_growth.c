/* No handle growth: 1,000 cycles of create port / create socket / ADD / wait
 * / close socket (with or without DEL) / close port leave the process handle
 * count where it was (a slack of 5).
 *
 * The count comes from GetProcessHandleCount; where that does not count
 * (Wine 8 returns a constant), from the system handle table
 * (NtQuerySystemInformation, SystemExtendedHandleInformation).  Either way
 * the counter is first shown to move when 10 handles are opened. */
#include "common.h"

#define CYCLES 1000
#define SLACK 5

/* SystemExtendedHandleInformation and its entries (documented layout). */
#define SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS 64
typedef struct {
  PVOID object;
  ULONG_PTR pid;
  ULONG_PTR handle;
  ULONG access;
  USHORT backtrace_index;
  USHORT type_index;
  ULONG attributes;
  ULONG reserved;
} handle_entry_ex;
typedef struct {
  ULONG_PTR count;
  ULONG_PTR reserved;
  handle_entry_ex handles[1];
} handle_info_ex;
typedef LONG(WINAPI* query_system_information_fn)(ULONG, PVOID, ULONG, PULONG);

static int use_table;

static int count_from_table(DWORD* out) {
  static query_system_information_fn query;
  static void* buf;
  static ULONG size = 1 << 20;
  ULONG_PTR i, mine = 0;
  ULONG needed = 0;
  LONG status;
  int tries;
  if (query == NULL) {
    query = (query_system_information_fn) (void (*)(void)) GetProcAddress(
        GetModuleHandleA("ntdll.dll"), "NtQuerySystemInformation");
    if (query == NULL)
      return 0;
  }
  for (tries = 0; tries < 8; tries++) {
    if (buf == NULL)
      buf = malloc(size);
    if (buf == NULL)
      return 0;
    status =
        query(SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS, buf, size, &needed);
    if (status == 0)
      break;
    if (status != (LONG) 0xC0000004)
      return 0; /* not length mismatch */
    free(buf);
    buf = NULL;
    size = (needed > size ? needed : size) * 2;
  }
  if (status != 0)
    return 0;
  for (i = 0; i < ((handle_info_ex*) buf)->count; i++)
    if (((handle_info_ex*) buf)->handles[i].pid == GetCurrentProcessId())
      mine++;
  *out = (DWORD) mine;
  return 1;
}

static int handle_count(DWORD* out) {
  if (use_table)
    return count_from_table(out);
  return GetProcessHandleCount(GetCurrentProcess(), out) ? 1 : 0;
}

/* Does the counter move when 10 handles are opened? */
static int counter_works(void) {
  HANDLE evs[10];
  DWORD before = 0, with = 0;
  int i;
  if (!handle_count(&before))
    return 0;
  for (i = 0; i < 10; i++)
    CHECK((evs[i] = CreateEventA(NULL, 0, 0, NULL)));
  if (!handle_count(&with))
    return 0;
  for (i = 0; i < 10; i++)
    CloseHandle(evs[i]);
  printf("%s: %lu handles, %lu with 10 more\n",
         use_table ? "system handle table" : "GetProcessHandleCount",
         (unsigned long) before, (unsigned long) with);
  return with >= before + 10;
}

static void cycle(int i) {
  HANDLE ep = epoll_create1(0);
  SOCKET a, b;
  struct epoll_event evs[2];
  CHECK(ep != NULL);
  udp_pair(AF_INET, &a, &b);
  ep_add(ep, a, EPOLLIN | EPOLLOUT, 1);
  CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  if (i % 3 == 0)
    ep_del(ep, a);
  if (i % 3 == 1)
    send_all(b, "x", 1);
  closesocket(a);
  closesocket(b);
  if (i % 2)
    CHECK(ep_wait(ep, evs, 2, 0) >= 0);
  CHECK(epoll_close(ep) == 0);
}

int main(void) {
  DWORD before = 0, after = 0;
  int i;
  test_init();

  if (!counter_works()) {
    CHECKF(is_wine(), "GetProcessHandleCount does not count handles");
    use_table = 1;
    if (!counter_works())
      skip_wine(
          "neither GetProcessHandleCount nor the system handle table "
          "counts handles");
  }
  /* Warm up: first-use allocations (Winsock, AFD device handles) are not
   * growth. */
  for (i = 0; i < 20; i++)
    cycle(i);
  CHECK(handle_count(&before));
  for (i = 0; i < CYCLES; i++)
    cycle(i);
  CHECK(handle_count(&after));
  printf("handles: %lu before, %lu after %d cycles\n", (unsigned long) before,
         (unsigned long) after, CYCLES);
  CHECKF(after <= before + SLACK, "grew by %ld handles",
         (long) after - (long) before);
  printf("ok\n");
  return 0;
}
