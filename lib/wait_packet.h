/* Wait completion packets: the NT objects (Windows 8 and later) that queue
 * a packet to a completion port when a waitable object is signaled, with
 * no thread waiting.  The calls are ntdll.dll's, looked up by ntdll.c;
 * wait_packet_available() says once per process whether they are there
 * (and whether the build forces the thread-pool fallback instead). */
#ifndef WEPOLL_WAIT_PACKET_H_
#define WEPOLL_WAIT_PACKET_H_

#include <stdbool.h>

#include <windows.h>

#include "nt.h"

bool wait_packet_available(void);

/* A new wait completion packet object, or NULL with errors set.  Only when
 * wait_packet_available(). */
HANDLE wait_packet_create(void);

/* Queues (key, context) to `iocp` once `object` is signaled; the wait
 * consumes the signal as WaitForSingleObject would.  0, or -1 with errors
 * set. */
int wait_packet_associate(HANDLE packet, HANDLE iocp, HANDLE object,
                          ULONG_PTR key, void* context);

/* Cancels the wait, or takes its packet back out of the port if it was
 * queued and not yet dequeued.  True when no packet will be (or has been)
 * dequeued for it; false when one was dequeued or is on its way. */
bool wait_packet_cancel(HANDLE packet);

void wait_packet_free(HANDLE packet);

#endif /* WEPOLL_WAIT_PACKET_H_ */
