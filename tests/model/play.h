/* What windows.c asks of the files that each play one of Windows's
 * documented answers (not for tests: they use model.h).  windows.c decides
 * from model_play() whether a behaviour is played; these files only play.
 * Each keeps its own registry keyed by handle value, under its own lock;
 * none calls another while holding it. */
#ifndef WEPOLL_TEST_MODEL_PLAY_H_
#define WEPOLL_TEST_MODEL_PLAY_H_

#include <stdbool.h>

#include "seam.h"

#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022
#endif

/* --- Wait completion packets (play_wait_packet.c) --- */

NTSTATUS play_packet_create(HANDLE* packet);
NTSTATUS play_packet_associate(HANDLE packet, HANDLE port, HANDLE object,
                               void* key, void* context, NTSTATUS status,
                               ULONG_PTR information,
                               BOOLEAN* already_signaled);
NTSTATUS play_packet_cancel(HANDLE packet, BOOLEAN remove_signaled);
/* The played call named `name` ("NtCreateWaitCompletionPacket", ...), with
 * the signature ntdll.dll's has, or NULL for any other name. */
FARPROC play_packet_entry(const char* name);
/* Closes `handle` when it is a played packet (true, with CloseHandle's
 * answer in *closed); false when it is none. */
bool play_packet_close(HANDLE handle, BOOL* closed);
/* Rewrites the played packets among `count` dequeued entries into what
 * Windows would have dequeued, drops those a cancel took back, and returns
 * how many entries are left (moved to the front). */
ULONG play_packet_deliver(OVERLAPPED_ENTRY* entries, ULONG count);

/* --- A completion port closed under its waiters (play_closed_port.c) --- */

/* A thread enters GetQueuedCompletionStatusEx on `port`: false when the
 * port was closed already (the call then fails as on a closed handle). */
bool play_port_enter(HANDLE port);
/* Drops the wake-ups of a close among the `*count` dequeued entries and
 * says whether the call must fail with ERROR_ABANDONED_WAIT_0. */
bool play_port_leave(HANDLE port, OVERLAPPED_ENTRY* entries, ULONG* count);
/* Closes `handle` when it is a port some thread waits in, or one closed
 * before by model_close_handle (true, with the answer in *closed); false
 * when the plain CloseHandle is the answer.  `by_program`: the close a
 * program makes, after which lib/ may still close the handle it holds. */
bool play_port_close(HANDLE handle, bool by_program, BOOL* closed);

/* --- SIO_BASE_HANDLE (play_base_handle.c) --- */

/* WSAIoctl's answer to SIO_BASE_HANDLE. */
int play_base_handle(SOCKET sock, void* out, DWORD out_size, DWORD* returned);

#endif /* WEPOLL_TEST_MODEL_PLAY_H_ */
