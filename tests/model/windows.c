/* Windows's documented answers where Wine's differ, played for the
 * test-only build -Dwindows_model=true.  A model of Windows, not Windows:
 * the native Windows workflow remains the proof.
 *
 * This file decides, from model_play(), which answers are played; each is
 * played by its own file, which cites the Microsoft page it follows:
 *   MODEL_PLAY_WAIT_PACKETS  play_wait_packet.c
 *   MODEL_PLAY_CLOSED_PORT   play_closed_port.c
 *   MODEL_PLAY_BASE_HANDLE   play_base_handle.c
 * A behaviour not played is the plain call. */
#include <stdlib.h>

#include "play.h"

static volatile LONG windows_play_read;
static volatile LONG windows_play_bits;

unsigned model_play(void) {
  if (!InterlockedCompareExchange(&windows_play_read, 0, 0)) {
    const char* text = getenv("WEPOLL_MODEL_PLAY");
    LONG bits = text != NULL ? (LONG) strtoul(text, NULL, 0) : MODEL_PLAY_ALL;
    InterlockedCompareExchange(&windows_play_bits, bits, 0);
    InterlockedExchange(&windows_play_read, 1);
  }
  return (unsigned) InterlockedCompareExchange(&windows_play_bits, 0, 0);
}

void model_set_play(unsigned play) {
  InterlockedExchange(&windows_play_bits, (LONG) play);
  InterlockedExchange(&windows_play_read, 1);
}

static bool windows_plays(unsigned bit) {
  return (model_play() & bit) != 0;
}

/* ntdll.dll's entry point; where it lacks a wait completion packet call
 * (Wine 8), the played one, which ntdll.c then calls as it would call
 * Windows's.  The real look-up is made first either way, so that a test
 * that hooks it sees every name asked for. */
FARPROC windows_get_proc_address(HMODULE module, const char* name) {
  FARPROC found = GetProcAddress(module, name);
  if (found == NULL && windows_plays(MODEL_PLAY_WAIT_PACKETS))
    found = play_packet_entry(name);
  if (found == NULL)
    SetLastError(ERROR_PROC_NOT_FOUND);
  return found;
}

/* The time left of a wait that started at `start`. */
static DWORD windows_time_left(DWORD timeout, ULONGLONG start) {
  ULONGLONG spent;
  if (timeout == INFINITE)
    return INFINITE;
  spent = GetTickCount64() - start;
  return spent >= timeout ? 0 : (DWORD) (timeout - spent);
}

/* The real call, less the packets the model queued for itself (played
 * packets a cancel took back, a close's wake-ups), with the rest rewritten
 * as Windows would have dequeued them.  A call left with nothing waits on
 * for its time left, as it would not have returned on Windows. */
BOOL windows_get_queued_completion_status_ex(HANDLE port,
                                             OVERLAPPED_ENTRY* entries,
                                             ULONG count, ULONG* removed,
                                             DWORD timeout, BOOL alertable) {
  bool closed_port = windows_plays(MODEL_PLAY_CLOSED_PORT);
  bool abandoned = false;
  ULONGLONG start = GetTickCount64();
  DWORD wait_ms = timeout;
  DWORD error = 0;
  ULONG got = 0;
  BOOL ok;

  if (closed_port && !play_port_enter(port)) {
    SetLastError(ERROR_INVALID_HANDLE); /* closed before the call */
    return FALSE;
  }
  for (;;) {
    ULONG taken = 0;
    ok = GetQueuedCompletionStatusEx(port, entries, count, &taken, wait_ms,
                                     alertable);
    error = ok ? 0 : GetLastError();
    got = ok ? play_packet_deliver(entries, taken) : 0;
    /* Closed while this call was outstanding, with nothing taken. */
    abandoned = closed_port && play_port_leave(port, entries, &got);
    if (abandoned || !ok || got > 0)
      break;
    /* Only the model's own packets: wait on for the time left. */
    wait_ms = windows_time_left(timeout, start);
    if (wait_ms == 0) {
      ok = FALSE;
      error = WAIT_TIMEOUT;
      break;
    }
    if (closed_port && !play_port_enter(port)) {
      abandoned = true; /* closed in between: still this call's wait */
      break;
    }
  }
  if (abandoned) {
    ok = FALSE;
    error = ERROR_ABANDONED_WAIT_0;
    got = 0;
  }
  *removed = got;
  if (!ok)
    SetLastError(error);
  return ok;
}

BOOL windows_close_handle(HANDLE handle) {
  BOOL closed;
  if (play_packet_close(handle, &closed))
    return closed;
  if (windows_plays(MODEL_PLAY_CLOSED_PORT) &&
      play_port_close(handle, false, &closed))
    return closed;
  return CloseHandle(handle);
}

BOOL model_close_handle(HANDLE handle) {
  BOOL closed;
  if (windows_plays(MODEL_PLAY_CLOSED_PORT) &&
      play_port_close(handle, true, &closed)) {
    if (closed)
      fault_count_handle(-1);
    return closed;
  }
  closed = CloseHandle(handle);
  if (closed)
    fault_count_handle(-1);
  return closed;
}

int windows_wsa_ioctl(SOCKET sock, DWORD code, void* in, DWORD in_size,
                      void* out, DWORD out_size, DWORD* returned) {
  if (code == SIO_BASE_HANDLE && windows_plays(MODEL_PLAY_BASE_HANDLE))
    return play_base_handle(sock, out, out_size, returned);
  return WSAIoctl(sock, code, in, in_size, out, out_size, returned, NULL,
                  NULL);
}
