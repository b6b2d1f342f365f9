/* The ntdll.dll calls the library makes, looked up once per process at run
 * time, so that neither the program nor the library needs ntdll's import
 * library: linking ws2_32 (and kernel32) is enough, as with wepoll 1.x.
 * Every entry point is in one table in ntdll.c.
 *
 * ntdll_ready() is asked before a port is made: once it is true every call
 * below is there.  Should one be called anyway when its entry point is
 * missing, it does nothing and returns NT_STATUS_PROCEDURE_NOT_FOUND
 * (ntdll_status_to_win32: ERROR_PROC_NOT_FOUND). */
#ifndef WEPOLL_NTDLL_H_
#define WEPOLL_NTDLL_H_

#include <stdbool.h>

#include <windows.h>

#include "nt.h"

/* True when every call the library cannot do without was found. */
bool ntdll_ready(void);

/* True when the wait completion packet calls (Windows 8 and later) were
 * all found; the library then waits for handles without the thread pool. */
bool ntdll_wait_packets_found(void);

NTSTATUS ntdll_create_file(HANDLE* file, ACCESS_MASK access,
                           OBJECT_ATTRIBUTES* attributes,
                           IO_STATUS_BLOCK* iosb, ULONG share, ULONG create,
                           ULONG options);
NTSTATUS ntdll_device_io_control(HANDLE file, void* apc_context,
                                 IO_STATUS_BLOCK* iosb, ULONG code, void* in,
                                 ULONG in_size, void* out, ULONG out_size);
NTSTATUS ntdll_cancel_io(HANDLE file, IO_STATUS_BLOCK* request,
                         IO_STATUS_BLOCK* iosb);
NTSTATUS ntdll_query_object(HANDLE handle, OBJECT_INFORMATION_CLASS kind,
                            void* info, ULONG size, ULONG* returned);
/* The Win32 error for an NTSTATUS. */
DWORD ntdll_status_to_win32(NTSTATUS status);

NTSTATUS ntdll_create_wait_packet(HANDLE* packet, ACCESS_MASK access);
NTSTATUS ntdll_associate_wait_packet(HANDLE packet, HANDLE iocp, HANDLE object,
                                     void* key, void* context, NTSTATUS status,
                                     ULONG_PTR information,
                                     BOOLEAN* already_signaled);
NTSTATUS ntdll_cancel_wait_packet(HANDLE packet, BOOLEAN remove_signaled);

#endif /* WEPOLL_NTDLL_H_ */
