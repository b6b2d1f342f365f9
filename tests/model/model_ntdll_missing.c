/* ntdll.c's own answer when one of its entry points is missing: the call
 * through the missing one does nothing and returns
 * NT_STATUS_PROCEDURE_NOT_FOUND (ERROR_PROC_NOT_FOUND for the status
 * translation), and the library as a whole says what that costs: no port
 * without a required call (ENOSYS), and waitable handles through the thread
 * pool without a wait completion packet call.
 *
 * The look-up of entry point INDEX (ntdll.c's order: 0 NtCreateFile, ...,
 * 7 NtCancelWaitCompletionPacket) fails, as GetProcAddress fails for a
 * name the module does not export; each index runs in a process of its
 * own, since the entry points are looked up once per process.
 *
 *   model_ntdll_missing.exe INDEX */
#include "../../lib/ntdll.h"
#include "../common.h"
#include "model.h"

enum { REQUIRED = 5, ENTRIES = 8 };

/* Calls entry point `index` through ntdll.c with harmless arguments (none
 * is looked at when the entry point is missing); its answer. */
static NTSTATUS call_entry(int index) {
  HANDLE handle = NULL;
  IO_STATUS_BLOCK iosb;
  BOOLEAN signaled = FALSE;
  switch (index) {
    case 0:
      return ntdll_create_file(&handle, 0, NULL, &iosb, 0, 0, 0);
    case 1:
      return ntdll_device_io_control(NULL, NULL, &iosb, 0, NULL, 0, NULL, 0);
    case 2:
      return ntdll_cancel_io(NULL, &iosb, &iosb);
    case 3:
      return ntdll_query_object(NULL, ObjectTypeInformation, NULL, 0, NULL);
    case 4: /* its answer is a Win32 error, checked below */
      return (NTSTATUS) ntdll_status_to_win32(NT_STATUS_PROCEDURE_NOT_FOUND);
    case 5:
      return ntdll_create_wait_packet(&handle, 0);
    case 6:
      return ntdll_associate_wait_packet(NULL, NULL, NULL, NULL, NULL, 0, 0,
                                         &signaled);
    default:
      return ntdll_cancel_wait_packet(NULL, FALSE);
  }
}

int main(int argc, char** argv) {
  int index = argc > 1 ? atoi(argv[1]) : -1;
  NTSTATUS answer;

  CHECKF(index >= 0 && index < ENTRIES, "usage: model_ntdll_missing INDEX");
  /* Before anything looks ntdll.dll up. */
  model_fail_nth(MODEL_GET_PROC_ADDRESS, (unsigned long) index + 1,
                 ERROR_PROC_NOT_FOUND);
  test_init();

  CHECK(ntdll_ready() == (index >= REQUIRED));
  CHECK(!ntdll_wait_packets_found() || index < REQUIRED);
  CHECKF(model_failed(MODEL_GET_PROC_ADDRESS),
         "entry point %d was not looked up", index);

  answer = call_entry(index);
  if (index == 4)
    CHECKF((DWORD) answer == ERROR_PROC_NOT_FOUND,
           "status translation without its entry point: %lu",
           (unsigned long) answer);
  else
    CHECKF(answer == NT_STATUS_PROCEDURE_NOT_FOUND,
           "entry point %d missing: status 0x%08lx", index,
           (unsigned long) answer);

  if (index < REQUIRED) {
    CHECK_FAILS_NULL(epoll_create1(0), ENOSYS, ERROR_PROC_NOT_FOUND);
  } else {
    /* A handle is reported through the thread pool. */
    HANDLE ep = epoll_create1(0);
    HANDLE event = CreateEventW(NULL, FALSE, TRUE, NULL);
    struct epoll_event ev, out;
    CHECK(ep != NULL && event != NULL);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u64 = 5;
    CHECK(wepoll_ctl_handle(ep, EPOLL_CTL_ADD, event, &ev) == 0);
    CHECK(epoll_wait(ep, &out, 1, 2000) == 1 && out.data.u64 == 5);
    CHECK(model_calls(MODEL_REGISTER_WAIT) > 0 ||
          model_calls(MODEL_WAIT_FOR_SINGLE_OBJECT) > 0);
    CHECK(epoll_close(ep) == 0);
    CloseHandle(event);
  }
  printf("model_ntdll_missing %d: OK\n", index);
  return 0;
}
