/* Control of the test-only build -Dwindows_model=true (see lib/os.h): the
 * tests of tests/model/ reach into the seam through these calls.  None of
 * this exists in a build that ships. */
#ifndef WEPOLL_TEST_MODEL_H_
#define WEPOLL_TEST_MODEL_H_

#include <stdbool.h>

#include <winsock2.h>
#include <windows.h>

/* Every call of lib/os.h, in its order there. */
typedef enum model_call {
  MODEL_MALLOC,
  MODEL_CALLOC,
  MODEL_CREATE_IO_COMPLETION_PORT,
  MODEL_SET_FILE_COMPLETION_NOTIFICATION_MODES,
  MODEL_GET_QUEUED_COMPLETION_STATUS_EX,
  MODEL_POST_QUEUED_COMPLETION_STATUS,
  MODEL_CLOSE_HANDLE,
  MODEL_DUPLICATE_HANDLE,
  MODEL_CREATE_EVENT,
  MODEL_SET_EVENT,
  MODEL_RESET_EVENT,
  MODEL_WAIT_FOR_SINGLE_OBJECT,
  MODEL_REGISTER_WAIT,
  MODEL_UNREGISTER_WAIT,
  MODEL_WSA_STARTUP,
  MODEL_GETSOCKOPT,
  MODEL_WSA_IOCTL,
  MODEL_NT_CREATE_FILE,
  MODEL_NT_DEVICE_IO_CONTROL,
  MODEL_NT_CANCEL_IO,
  MODEL_NT_QUERY_OBJECT,
  MODEL_NT_CREATE_WAIT_PACKET,
  MODEL_NT_ASSOCIATE_WAIT_PACKET,
  MODEL_NT_CANCEL_WAIT_PACKET,
  MODEL_GET_PROC_ADDRESS,
  MODEL_CALL_COUNT
} model_call;

/* The call's name as in lib/os.h ("os_calloc"). */
const char* model_call_name(model_call call);

/* --- Failure injection (tests/model/fault.c) --- */

/* From now on, the nth use of `call` (1: the next one) fails with `error`:
 * a Win32 error for kernel32 calls, a Winsock error for ws2_32 calls, an
 * NTSTATUS for the os_nt_* calls; the allocator's failures ignore it (NULL,
 * errno ENOMEM).  One armed failure per call; arming again replaces it. */
void model_fail_nth(model_call call, unsigned long nth, unsigned long error);
/* Disarms every failure; counting goes on. */
void model_fail_clear(void);
/* True once the armed failure of `call` has been taken. */
bool model_failed(model_call call);
/* How many times lib/ has made the call since the process started. */
unsigned long model_calls(model_call call);

/* What lib/ holds now: allocations not freed, handles the seam created
 * (ports, events, devices, wait packets) not closed. */
long model_live_allocations(void);
long model_live_handles(void);

/* --- Windows's answers, played (tests/model/windows.c) --- */

/* Each bit plays one documented Windows behaviour that Wine lacks. */
enum {
  MODEL_PLAY_WAIT_PACKETS = 1u
                            << 0, /* the three wait completion packet calls */
  MODEL_PLAY_CLOSED_PORT = 1u << 1, /* GQCSEx on a port closed under it */
  MODEL_PLAY_BASE_HANDLE = 1u << 2, /* SIO_BASE_HANDLE's answers */
  MODEL_PLAY_ALL = MODEL_PLAY_WAIT_PACKETS | MODEL_PLAY_CLOSED_PORT |
                   MODEL_PLAY_BASE_HANDLE,
};
/* Which behaviours are played.  The default is what the environment
 * variable WEPOLL_MODEL_PLAY says (a number: the bits above; unset: all),
 * read at the first call of the seam. */
unsigned model_play(void);
/* Set before the first port is made: lib/ asks once per call whether wait
 * completion packets exist, and must get one answer for a port's life. */
void model_set_play(unsigned play);

/* MODEL_PLAY_BASE_HANDLE: SIO_BASE_HANDLE on `layered` answers `base`, as
 * for a socket that a layered service provider wraps around its base
 * provider's socket.  INVALID_SOCKET (or `layered` itself) forgets it. */
void model_set_base_handle(SOCKET layered, SOCKET base);

/* Closes `handle` as a program's own CloseHandle() would, on Windows's
 * terms when MODEL_PLAY_CLOSED_PORT is played: threads waiting in the
 * completion port it names fail with ERROR_ABANDONED_WAIT_0.  The value
 * is held (not reused) until lib/ closes what it holds. */
BOOL model_close_handle(HANDLE handle);
/* MODEL_PLAY_CLOSED_PORT: how many threads are inside
 * GetQueuedCompletionStatusEx on `port` now (a test waits for a waiter to
 * be blocked before it closes the port). */
long model_port_waiters(HANDLE port);

#endif /* WEPOLL_TEST_MODEL_H_ */
