/* lib/os.h's calls in the test-only build -Dwindows_model=true: each use
 * is counted and may be the armed failure (fault.c), failing the way the
 * call's documentation says it fails; the calls Windows and Wine answer
 * differently go on to windows.c; the rest are the plain calls.
 * Allocations and the handles lib/ creates are counted, so that a test can
 * tell that nothing leaked. */
#include <errno.h>
#include <stdlib.h>

#include "seam.h"

/* The failure of a call that reports through GetLastError(). */
#define FAIL_WIN32(call, result)     \
  do {                               \
    unsigned long error_;            \
    if (fault_take(call, &error_)) { \
      SetLastError((DWORD) error_);  \
      return result;                 \
    }                                \
  } while (0)
/* ... through WSAGetLastError(). */
#define FAIL_WSA(call, result)       \
  do {                               \
    unsigned long error_;            \
    if (fault_take(call, &error_)) { \
      WSASetLastError((int) error_); \
      return result;                 \
    }                                \
  } while (0)
/* ... through the NTSTATUS it returns. */
#define FAIL_NT(call)              \
  do {                             \
    unsigned long error_;          \
    if (fault_take(call, &error_)) \
      return (NTSTATUS) error_;    \
  } while (0)
/* The CRT's allocators: NULL with errno ENOMEM. */
#define FAIL_ALLOC(call)             \
  do {                               \
    unsigned long error_;            \
    if (fault_take(call, &error_)) { \
      errno = ENOMEM;                \
      return NULL;                   \
    }                                \
  } while (0)

void* os_malloc(size_t size) {
  FAIL_ALLOC(MODEL_MALLOC);
  void* memory = malloc(size);
  if (memory != NULL)
    fault_count_allocation(1);
  return memory;
}

void* os_calloc(size_t count, size_t size) {
  FAIL_ALLOC(MODEL_CALLOC);
  void* memory = calloc(count, size);
  if (memory != NULL)
    fault_count_allocation(1);
  return memory;
}

void os_free(void* memory) {
  if (memory != NULL)
    fault_count_allocation(-1);
  free(memory);
}

HANDLE os_create_io_completion_port(HANDLE file, HANDLE port, ULONG_PTR key,
                                    DWORD threads) {
  FAIL_WIN32(MODEL_CREATE_IO_COMPLETION_PORT, NULL);
  HANDLE result = CreateIoCompletionPort(file, port, key, threads);
  /* Only a new port is a new handle; an association returns `port`. */
  if (result != NULL && port == NULL)
    fault_count_handle(1);
  return result;
}

BOOL os_set_file_completion_notification_modes(HANDLE file, UCHAR flags) {
  FAIL_WIN32(MODEL_SET_FILE_COMPLETION_NOTIFICATION_MODES, FALSE);
  return SetFileCompletionNotificationModes(file, flags);
}

BOOL os_get_queued_completion_status_ex(HANDLE port, OVERLAPPED_ENTRY* entries,
                                        ULONG count, ULONG* removed,
                                        DWORD timeout, BOOL alertable) {
  FAIL_WIN32(MODEL_GET_QUEUED_COMPLETION_STATUS_EX, FALSE);
  return windows_get_queued_completion_status_ex(port, entries, count, removed,
                                                 timeout, alertable);
}

BOOL os_post_queued_completion_status(HANDLE port, DWORD bytes, ULONG_PTR key,
                                      OVERLAPPED* overlapped) {
  FAIL_WIN32(MODEL_POST_QUEUED_COMPLETION_STATUS, FALSE);
  return PostQueuedCompletionStatus(port, bytes, key, overlapped);
}

BOOL os_close_handle(HANDLE handle) {
  FAIL_WIN32(MODEL_CLOSE_HANDLE, FALSE);
  BOOL closed = windows_close_handle(handle);
  if (closed)
    fault_count_handle(-1);
  return closed;
}

HANDLE os_duplicate_handle(HANDLE handle) {
  HANDLE copy = NULL;
  FAIL_WIN32(MODEL_DUPLICATE_HANDLE, NULL);
  if (!DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy,
                       0, FALSE, DUPLICATE_SAME_ACCESS))
    return NULL;
  fault_count_handle(1);
  return copy;
}

HANDLE os_create_event(BOOL manual_reset, BOOL initial_state) {
  FAIL_WIN32(MODEL_CREATE_EVENT, NULL);
  HANDLE event = CreateEventW(NULL, manual_reset, initial_state, NULL);
  if (event != NULL)
    fault_count_handle(1);
  return event;
}

BOOL os_set_event(HANDLE event) {
  FAIL_WIN32(MODEL_SET_EVENT, FALSE);
  return SetEvent(event);
}

BOOL os_reset_event(HANDLE event) {
  FAIL_WIN32(MODEL_RESET_EVENT, FALSE);
  return ResetEvent(event);
}

DWORD os_wait_for_single_object(HANDLE handle, DWORD timeout) {
  FAIL_WIN32(MODEL_WAIT_FOR_SINGLE_OBJECT, WAIT_FAILED);
  return WaitForSingleObject(handle, timeout);
}

BOOL os_register_wait(HANDLE* wait, HANDLE object,
                      WAITORTIMERCALLBACK callback, void* context,
                      ULONG timeout, ULONG flags) {
  FAIL_WIN32(MODEL_REGISTER_WAIT, FALSE);
  BOOL registered = RegisterWaitForSingleObject(wait, object, callback,
                                                context, timeout, flags);
  if (registered)
    fault_count_handle(1);
  return registered;
}

BOOL os_unregister_wait(HANDLE wait, HANDLE completion_event) {
  FAIL_WIN32(MODEL_UNREGISTER_WAIT, FALSE);
  BOOL done = UnregisterWaitEx(wait, completion_event);
  /* ERROR_IO_PENDING: the wait is gone, its callback still running. */
  if (done || GetLastError() == ERROR_IO_PENDING)
    fault_count_handle(-1);
  return done;
}

int os_wsa_startup(WORD version, WSADATA* data) {
  unsigned long error;
  if (fault_take(MODEL_WSA_STARTUP, &error))
    return (int) error; /* WSAStartup returns its error */
  return WSAStartup(version, data);
}

int os_getsockopt(SOCKET sock, int level, int name, char* value, int* length) {
  FAIL_WSA(MODEL_GETSOCKOPT, SOCKET_ERROR);
  return getsockopt(sock, level, name, value, length);
}

int os_wsa_ioctl(SOCKET sock, DWORD code, void* in, DWORD in_size, void* out,
                 DWORD out_size, DWORD* returned) {
  FAIL_WSA(MODEL_WSA_IOCTL, SOCKET_ERROR);
  return windows_wsa_ioctl(sock, code, in, in_size, out, out_size, returned);
}

NTSTATUS os_nt_create_file(HANDLE* file, ACCESS_MASK access,
                           OBJECT_ATTRIBUTES* attributes,
                           IO_STATUS_BLOCK* iosb, ULONG share, ULONG create,
                           ULONG options) {
  FAIL_NT(MODEL_NT_CREATE_FILE);
  NTSTATUS status = ntdll_create_file(file, access, attributes, iosb, share,
                                      create, options);
  if (status == NT_STATUS_SUCCESS)
    fault_count_handle(1);
  return status;
}

NTSTATUS os_nt_device_io_control(HANDLE file, void* apc_context,
                                 IO_STATUS_BLOCK* iosb, ULONG code, void* in,
                                 ULONG in_size, void* out, ULONG out_size) {
  FAIL_NT(MODEL_NT_DEVICE_IO_CONTROL);
  return ntdll_device_io_control(file, apc_context, iosb, code, in, in_size,
                                 out, out_size);
}

NTSTATUS os_nt_cancel_io(HANDLE file, IO_STATUS_BLOCK* request,
                         IO_STATUS_BLOCK* iosb) {
  FAIL_NT(MODEL_NT_CANCEL_IO);
  return ntdll_cancel_io(file, request, iosb);
}

NTSTATUS os_nt_query_object(HANDLE handle, OBJECT_INFORMATION_CLASS kind,
                            void* info, ULONG size, ULONG* returned) {
  FAIL_NT(MODEL_NT_QUERY_OBJECT);
  return ntdll_query_object(handle, kind, info, size, returned);
}

bool os_nt_wait_packets_found(void) {
  return ntdll_wait_packets_found();
}

NTSTATUS os_nt_create_wait_packet(HANDLE* packet, ACCESS_MASK access) {
  FAIL_NT(MODEL_NT_CREATE_WAIT_PACKET);
  NTSTATUS status = ntdll_create_wait_packet(packet, access);
  if (status == NT_STATUS_SUCCESS)
    fault_count_handle(1);
  return status;
}

NTSTATUS os_nt_associate_wait_packet(HANDLE packet, HANDLE port, HANDLE object,
                                     void* key, void* context, NTSTATUS status,
                                     ULONG_PTR information,
                                     BOOLEAN* already_signaled) {
  FAIL_NT(MODEL_NT_ASSOCIATE_WAIT_PACKET);
  return ntdll_associate_wait_packet(packet, port, object, key, context,
                                     status, information, already_signaled);
}

NTSTATUS os_nt_cancel_wait_packet(HANDLE packet, BOOLEAN remove_signaled) {
  FAIL_NT(MODEL_NT_CANCEL_WAIT_PACKET);
  return ntdll_cancel_wait_packet(packet, remove_signaled);
}

FARPROC os_get_proc_address(HMODULE module, const char* name) {
  FAIL_WIN32(MODEL_GET_PROC_ADDRESS, NULL);
  return windows_get_proc_address(module, name);
}
