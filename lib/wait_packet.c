#include "wait_packet.h"

#include "error.h"
#include "os.h"

/* Mapped by the object type to all of its rights, whatever they are. */
#define WAIT_PACKET_ACCESS GENERIC_ALL

/* The build option force_threadpool_wait, so that Windows CI can test the
 * fallback: the calls are then never made. */
#ifdef WEPOLL_FORCE_THREADPOOL_WAIT
static const bool wait_packet_forced_off = true;
#else
static const bool wait_packet_forced_off = false;
#endif

bool wait_packet_available(void) {
  return !wait_packet_forced_off && os_nt_wait_packets_found();
}

HANDLE wait_packet_create(void) {
  HANDLE packet = NULL;
  NTSTATUS status = os_nt_create_wait_packet(&packet, WAIT_PACKET_ACCESS);
  if (!NT_SUCCESS(status)) {
    err_set_ntstatus(status);
    return NULL;
  }
  return packet;
}

int wait_packet_associate(HANDLE packet, HANDLE iocp, HANDLE object,
                          ULONG_PTR key, void* context) {
  /* Whether the object was signaled already makes no difference: the
   * packet is queued either way. */
  BOOLEAN already_signaled = FALSE;
  NTSTATUS status =
      os_nt_associate_wait_packet(packet, iocp, object, (void*) key, context,
                                  NT_STATUS_SUCCESS, 0, &already_signaled);
  return NT_SUCCESS(status) ? 0 : err_set_ntstatus(status);
}

bool wait_packet_cancel(HANDLE packet) {
  /* STATUS_SUCCESS: the wait was cancelled, or its queued packet removed.
   * STATUS_PENDING: the packet is being queued; STATUS_CANCELLED: it was
   * dequeued already.  Either way a thread has it or will have it. */
  return os_nt_cancel_wait_packet(packet, TRUE) == NT_STATUS_SUCCESS;
}

void wait_packet_free(HANDLE packet) {
  os_close_handle(packet);
}
