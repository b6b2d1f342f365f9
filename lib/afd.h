/* Talking to the AFD driver: opening a device handle bound to a completion
 * port, submitting IOCTL_AFD_POLL and cancelling it.  Only kernel calls live
 * here; the bookkeeping around them is in sock.c and poll_group.c. */
#ifndef WEPOLL_AFD_H_
#define WEPOLL_AFD_H_

#include <winsock2.h>
#include <windows.h>

#include "nt.h"

/* Input and output of IOCTL_AFD_POLL for a single socket (layout is a fact
 * of the driver).  AFD overwrites it with the result. */
typedef struct afd_poll_handle_info {
  HANDLE handle;
  ULONG events;
  NTSTATUS status;
} afd_poll_handle_info;

typedef struct afd_poll_info {
  LARGE_INTEGER timeout;
  ULONG number_of_handles;
  ULONG exclusive;
  afd_poll_handle_info handles[1];
} afd_poll_info;

/* Opens an AFD device handle whose completions go to `iocp` with
 * `completion_key`.  Immediate successes queue no completion packet
 * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS).  Returns NULL with errno and last
 * error set on failure. */
HANDLE afd_open(HANDLE iocp, ULONG_PTR completion_key);

/* Submits a poll of `base_socket` for `afd_events`.  Returns NT_STATUS_PENDING
 * when a completion packet will carry the result (with `context` as its
 * overlapped pointer), NT_STATUS_SUCCESS when the result is already in `info`
 * and no packet will come, or an error status. */
NTSTATUS afd_poll(HANDLE afd, SOCKET base_socket, ULONG afd_events,
                  afd_poll_info* info, IO_STATUS_BLOCK* iosb, void* context);

/* Asks AFD to cancel the poll whose status block is `iosb`.  The poll still
 * completes through the completion port (NT_STATUS_CANCELLED, or its result if
 * it fired first).  Returns false when the request could not be cancelled
 * for another reason than having completed already. */
BOOL afd_cancel(HANDLE afd, IO_STATUS_BLOCK* iosb);

/* Asks AFD to cancel every poll outstanding on the device, whichever thread
 * issued it, in one request; each still completes through the port.  False
 * as for afd_cancel(). */
BOOL afd_cancel_all(HANDLE afd);

/* The status of an outstanding request as its status block shows it now,
 * read with acquire ordering (the kernel writes it from another thread).
 * Windows does not document when that block is written for a request
 * whose completion goes to a completion port: it may be only when a thread
 * dequeues the packet.  So the value is a hint: NT_STATUS_PENDING may be
 * stale, and nothing reported may rest on it.  Built with
 * -Dassume_status_pending=true, every read sees NT_STATUS_PENDING, which is
 * how the tests play a Windows that writes status blocks at dequeue. */
NTSTATUS afd_status_hint(const IO_STATUS_BLOCK* iosb);

#endif /* WEPOLL_AFD_H_ */
