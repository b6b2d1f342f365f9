#include "afd.h"

#include <stdint.h>

#include "error.h"
#include "os.h"

#define IOCTL_AFD_POLL 0x00012024

/* Any name under \Device\Afd opens the driver; the suffix only shows up in
 * handle listings, where it tells whose handle this is. */
static const WCHAR afd_device_name[] = L"\\Device\\Afd\\Wepoll";

HANDLE afd_open(HANDLE iocp, ULONG_PTR completion_key) {
  UNICODE_STRING name;
  OBJECT_ATTRIBUTES attributes;
  IO_STATUS_BLOCK iosb;
  HANDLE afd = NULL;
  NTSTATUS status;

  name.Buffer = (PWSTR) afd_device_name;
  name.Length = (USHORT) (sizeof afd_device_name - sizeof(WCHAR));
  name.MaximumLength = (USHORT) sizeof afd_device_name;

  ZeroMemory(&attributes, sizeof attributes);
  attributes.Length = sizeof attributes;
  attributes.ObjectName = &name;

  status = os_nt_create_file(&afd, SYNCHRONIZE, &attributes, &iosb,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0);
  if (status != NT_STATUS_SUCCESS) {
    err_set_ntstatus(status);
    return NULL;
  }

  if (os_create_io_completion_port(afd, iocp, completion_key, 0) == NULL ||
      !os_set_file_completion_notification_modes(
          afd, FILE_SKIP_SET_EVENT_ON_HANDLE |
                   FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)) {
    DWORD error = GetLastError();
    os_close_handle(afd);
    err_set_win32(error);
    return NULL;
  }
  return afd;
}

NTSTATUS afd_poll(HANDLE afd, SOCKET base_socket, ULONG afd_events,
                  afd_poll_info* info, IO_STATUS_BLOCK* iosb, void* context) {
  /* The largest timeout: a poll only ends by firing or being cancelled. */
  info->timeout.QuadPart = INT64_MAX;
  info->number_of_handles = 1;
  info->exclusive = FALSE;
  info->handles[0].handle = (HANDLE) base_socket;
  info->handles[0].events = afd_events;
  info->handles[0].status = 0;

  iosb->Status = NT_STATUS_PENDING;
  return os_nt_device_io_control(afd, context, iosb, IOCTL_AFD_POLL, info,
                                 sizeof *info, info, sizeof *info);
}

BOOL afd_cancel(HANDLE afd, IO_STATUS_BLOCK* iosb) {
  IO_STATUS_BLOCK cancel_iosb;
  NTSTATUS status = os_nt_cancel_io(afd, iosb, &cancel_iosb);
  /* NT_STATUS_NOT_FOUND: the poll completed before it could be cancelled; its
   * packet is on its way, which is all a caller waits for. */
  return status == NT_STATUS_SUCCESS || status == NT_STATUS_NOT_FOUND;
}

BOOL afd_cancel_all(HANDLE afd) {
  /* No request named: NtCancelIoFileEx, as CancelIoEx documents for a NULL
   * lpOverlapped, cancels all of the handle's requests in this process.
   * NT_STATUS_NOT_FOUND: none was outstanding. */
  return afd_cancel(afd, NULL);
}

NTSTATUS afd_status_hint(const IO_STATUS_BLOCK* iosb) {
#ifdef WEPOLL_ASSUME_STATUS_PENDING
  (void) iosb;
  return NT_STATUS_PENDING;
#elif defined(__GNUC__)
  return __atomic_load_n(&iosb->Status, __ATOMIC_ACQUIRE);
#else
  /* An interlocked no-op is a full barrier: at least an acquire load. */
  return (NTSTATUS) InterlockedOr((volatile LONG*) &iosb->Status, 0);
#endif
}
