/* The seam between lib/ and the system: every call that lib/ makes to the
 * allocator, kernel32, ws2_32 or ntdll and that can fail goes through one
 * of the os_* functions below.
 *
 * In every build that ships, each os_* function is the plain call and
 * compiles away.  The test-only build -Dwindows_model=true defines
 * WEPOLL_OS_MODEL and links tests/model/, which can make any of these
 * calls fail on its n-th use and plays Windows's documented answer where
 * Wine's differs.  This file is the only place in lib/ that knows. */
#ifndef WEPOLL_OS_H_
#define WEPOLL_OS_H_

#include <stdbool.h>

#include <windows.h>
#include <winsock2.h>

#include "ntdll.h"
#include "os_alloc.h"

#ifdef WEPOLL_OS_MODEL

HANDLE os_create_io_completion_port(HANDLE file, HANDLE port, ULONG_PTR key,
                                    DWORD threads);
BOOL os_set_file_completion_notification_modes(HANDLE file, UCHAR flags);
BOOL os_get_queued_completion_status_ex(HANDLE port, OVERLAPPED_ENTRY* entries,
                                        ULONG count, ULONG* removed,
                                        DWORD timeout, BOOL alertable);
BOOL os_post_queued_completion_status(HANDLE port, DWORD bytes, ULONG_PTR key,
                                      OVERLAPPED* overlapped);
BOOL os_close_handle(HANDLE handle);
HANDLE os_duplicate_handle(HANDLE handle);
HANDLE os_create_event(BOOL manual_reset, BOOL initial_state);
BOOL os_set_event(HANDLE event);
BOOL os_reset_event(HANDLE event);
DWORD os_wait_for_single_object(HANDLE handle, DWORD timeout);
BOOL os_register_wait(HANDLE* wait, HANDLE object,
                      WAITORTIMERCALLBACK callback, void* context,
                      ULONG timeout, ULONG flags);
BOOL os_unregister_wait(HANDLE wait, HANDLE completion_event);

int os_wsa_startup(WORD version, WSADATA* data);
int os_getsockopt(SOCKET sock, int level, int name, char* value, int* length);
int os_wsa_ioctl(SOCKET sock, DWORD code, void* in, DWORD in_size, void* out,
                 DWORD out_size, DWORD* returned);

NTSTATUS os_nt_create_file(HANDLE* file, ACCESS_MASK access,
                           OBJECT_ATTRIBUTES* attributes,
                           IO_STATUS_BLOCK* iosb, ULONG share, ULONG create,
                           ULONG options);
NTSTATUS os_nt_device_io_control(HANDLE file, void* apc_context,
                                 IO_STATUS_BLOCK* iosb, ULONG code, void* in,
                                 ULONG in_size, void* out, ULONG out_size);
NTSTATUS os_nt_cancel_io(HANDLE file, IO_STATUS_BLOCK* request,
                         IO_STATUS_BLOCK* iosb);
NTSTATUS os_nt_query_object(HANDLE handle, OBJECT_INFORMATION_CLASS kind,
                            void* info, ULONG size, ULONG* returned);
bool os_nt_wait_packets_found(void);
NTSTATUS os_nt_create_wait_packet(HANDLE* packet, ACCESS_MASK access);
NTSTATUS os_nt_associate_wait_packet(HANDLE packet, HANDLE port, HANDLE object,
                                     void* key, void* context, NTSTATUS status,
                                     ULONG_PTR information,
                                     BOOLEAN* already_signaled);
NTSTATUS os_nt_cancel_wait_packet(HANDLE packet, BOOLEAN remove_signaled);

/* ntdll.c's look-up of its entry points: below the os_nt_* calls, so that
 * what the model plays there runs through ntdll.c's own wrappers. */
FARPROC os_get_proc_address(HMODULE module, const char* name);

#else /* the plain calls */

static inline HANDLE os_create_io_completion_port(HANDLE file, HANDLE port,
                                                  ULONG_PTR key,
                                                  DWORD threads) {
  return CreateIoCompletionPort(file, port, key, threads);
}
static inline BOOL os_set_file_completion_notification_modes(HANDLE file,
                                                             UCHAR flags) {
  return SetFileCompletionNotificationModes(file, flags);
}
static inline BOOL os_get_queued_completion_status_ex(
    HANDLE port, OVERLAPPED_ENTRY* entries, ULONG count, ULONG* removed,
    DWORD timeout, BOOL alertable) {
  return GetQueuedCompletionStatusEx(port, entries, count, removed, timeout,
                                     alertable);
}
static inline BOOL os_post_queued_completion_status(HANDLE port, DWORD bytes,
                                                    ULONG_PTR key,
                                                    OVERLAPPED* overlapped) {
  return PostQueuedCompletionStatus(port, bytes, key, overlapped);
}
static inline BOOL os_close_handle(HANDLE handle) {
  return CloseHandle(handle);
}
/* A handle of this process's own for the object `handle` names, with the
 * same access; NULL with the last error set on failure. */
static inline HANDLE os_duplicate_handle(HANDLE handle) {
  HANDLE copy = NULL;
  if (!DuplicateHandle(GetCurrentProcess(), handle, GetCurrentProcess(), &copy,
                       0, FALSE, DUPLICATE_SAME_ACCESS))
    return NULL;
  return copy;
}
static inline HANDLE os_create_event(BOOL manual_reset, BOOL initial_state) {
  return CreateEventW(NULL, manual_reset, initial_state, NULL);
}
static inline BOOL os_set_event(HANDLE event) {
  return SetEvent(event);
}
static inline BOOL os_reset_event(HANDLE event) {
  return ResetEvent(event);
}
static inline DWORD os_wait_for_single_object(HANDLE handle, DWORD timeout) {
  return WaitForSingleObject(handle, timeout);
}
static inline BOOL os_register_wait(HANDLE* wait, HANDLE object,
                                    WAITORTIMERCALLBACK callback,
                                    void* context, ULONG timeout,
                                    ULONG flags) {
  return RegisterWaitForSingleObject(wait, object, callback, context, timeout,
                                     flags);
}
static inline BOOL os_unregister_wait(HANDLE wait, HANDLE completion_event) {
  return UnregisterWaitEx(wait, completion_event);
}

static inline int os_wsa_startup(WORD version, WSADATA* data) {
  return WSAStartup(version, data);
}
static inline int os_getsockopt(SOCKET sock, int level, int name, char* value,
                                int* length) {
  return getsockopt(sock, level, name, value, length);
}
static inline int os_wsa_ioctl(SOCKET sock, DWORD code, void* in,
                               DWORD in_size, void* out, DWORD out_size,
                               DWORD* returned) {
  return WSAIoctl(sock, code, in, in_size, out, out_size, returned, NULL,
                  NULL);
}

static inline NTSTATUS os_nt_create_file(HANDLE* file, ACCESS_MASK access,
                                         OBJECT_ATTRIBUTES* attributes,
                                         IO_STATUS_BLOCK* iosb, ULONG share,
                                         ULONG create, ULONG options) {
  return ntdll_create_file(file, access, attributes, iosb, share, create,
                           options);
}
static inline NTSTATUS os_nt_device_io_control(HANDLE file, void* apc_context,
                                               IO_STATUS_BLOCK* iosb,
                                               ULONG code, void* in,
                                               ULONG in_size, void* out,
                                               ULONG out_size) {
  return ntdll_device_io_control(file, apc_context, iosb, code, in, in_size,
                                 out, out_size);
}
static inline NTSTATUS os_nt_cancel_io(HANDLE file, IO_STATUS_BLOCK* request,
                                       IO_STATUS_BLOCK* iosb) {
  return ntdll_cancel_io(file, request, iosb);
}
static inline NTSTATUS os_nt_query_object(HANDLE handle,
                                          OBJECT_INFORMATION_CLASS kind,
                                          void* info, ULONG size,
                                          ULONG* returned) {
  return ntdll_query_object(handle, kind, info, size, returned);
}
static inline bool os_nt_wait_packets_found(void) {
  return ntdll_wait_packets_found();
}
static inline NTSTATUS os_nt_create_wait_packet(HANDLE* packet,
                                                ACCESS_MASK access) {
  return ntdll_create_wait_packet(packet, access);
}
static inline NTSTATUS os_nt_associate_wait_packet(
    HANDLE packet, HANDLE port, HANDLE object, void* key, void* context,
    NTSTATUS status, ULONG_PTR information, BOOLEAN* already_signaled) {
  return ntdll_associate_wait_packet(packet, port, object, key, context,
                                     status, information, already_signaled);
}
static inline NTSTATUS os_nt_cancel_wait_packet(HANDLE packet,
                                                BOOLEAN remove_signaled) {
  return ntdll_cancel_wait_packet(packet, remove_signaled);
}

static inline FARPROC os_get_proc_address(HMODULE module, const char* name) {
  return GetProcAddress(module, name);
}

#endif /* WEPOLL_OS_MODEL */

#endif /* WEPOLL_OS_H_ */
