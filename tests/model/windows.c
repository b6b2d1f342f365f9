/* Windows's documented answers where Wine's differ, played for the
 * test-only build -Dwindows_model=true.  A model of Windows, not Windows:
 * the native Windows workflow remains the proof.
 *
 * Until a behaviour is played here, its call is the plain one. */
#include <stdlib.h>

#include "seam.h"

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

bool windows_wait_packets_found(void) {
  return ntdll_wait_packets_found();
}

NTSTATUS windows_create_wait_packet(HANDLE* packet, ACCESS_MASK access) {
  return ntdll_create_wait_packet(packet, access);
}

NTSTATUS windows_associate_wait_packet(HANDLE packet, HANDLE port,
                                       HANDLE object, void* key, void* context,
                                       NTSTATUS status, ULONG_PTR information,
                                       BOOLEAN* already_signaled) {
  return ntdll_associate_wait_packet(packet, port, object, key, context,
                                     status, information, already_signaled);
}

NTSTATUS windows_cancel_wait_packet(HANDLE packet, BOOLEAN remove_signaled) {
  return ntdll_cancel_wait_packet(packet, remove_signaled);
}

BOOL windows_get_queued_completion_status_ex(HANDLE port,
                                             OVERLAPPED_ENTRY* entries,
                                             ULONG count, ULONG* removed,
                                             DWORD timeout, BOOL alertable) {
  return GetQueuedCompletionStatusEx(port, entries, count, removed, timeout,
                                     alertable);
}

BOOL windows_close_handle(HANDLE handle) {
  return CloseHandle(handle);
}

int windows_wsa_ioctl(SOCKET sock, DWORD code, void* in, DWORD in_size,
                      void* out, DWORD out_size, DWORD* returned) {
  return WSAIoctl(sock, code, in, in_size, out, out_size, returned, NULL,
                  NULL);
}
