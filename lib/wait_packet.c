#include "wait_packet.h"

#include "error.h"

typedef NTSTATUS(NTAPI* create_fn)(HANDLE* packet, ACCESS_MASK access,
                                   void* attributes);
typedef NTSTATUS(NTAPI* associate_fn)(HANDLE packet, HANDLE iocp,
                                      HANDLE object, void* key, void* context,
                                      NTSTATUS status, ULONG_PTR information,
                                      BOOLEAN* already_signaled);
typedef NTSTATUS(NTAPI* cancel_fn)(HANDLE packet, BOOLEAN remove_signaled);

/* Mapped by the object type to all of its rights, whatever they are. */
#define WAIT_PACKET_ACCESS GENERIC_ALL

static INIT_ONCE wait_packet_once = INIT_ONCE_STATIC_INIT;
static create_fn wait_packet_create_fn;
static associate_fn wait_packet_associate_fn;
static cancel_fn wait_packet_cancel_fn;

/* Casting a FARPROC to another function type goes through void (*)(void),
 * which GCC accepts without -Wcast-function-type. */
static void (*wait_packet_lookup(HMODULE ntdll, const char* name))(void) {
  return (void (*)(void)) GetProcAddress(ntdll, name);
}

/* The build option force_threadpool_wait, so that Windows CI can test the
 * fallback: the calls are then never looked up. */
#ifdef WEPOLL_FORCE_THREADPOOL_WAIT
static const bool wait_packet_forced_off = true;
#else
static const bool wait_packet_forced_off = false;
#endif

static BOOL CALLBACK wait_packet_init(INIT_ONCE* once, void* param,
                                      void** context) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  create_fn create;
  associate_fn associate;
  cancel_fn cancel;
  (void) once;
  (void) param;
  (void) context;
  if (ntdll == NULL || wait_packet_forced_off)
    return TRUE;
  create =
      (create_fn) wait_packet_lookup(ntdll, "NtCreateWaitCompletionPacket");
  associate = (associate_fn) wait_packet_lookup(
      ntdll, "NtAssociateWaitCompletionPacket");
  cancel =
      (cancel_fn) wait_packet_lookup(ntdll, "NtCancelWaitCompletionPacket");
  /* All three or none: a partial set is treated as absent. */
  if (create != NULL && associate != NULL && cancel != NULL) {
    wait_packet_create_fn = create;
    wait_packet_associate_fn = associate;
    wait_packet_cancel_fn = cancel;
  }
  return TRUE;
}

bool wait_packet_available(void) {
  InitOnceExecuteOnce(&wait_packet_once, wait_packet_init, NULL, NULL);
  return wait_packet_create_fn != NULL;
}

HANDLE wait_packet_create(void) {
  HANDLE packet = NULL;
  NTSTATUS status = wait_packet_create_fn(&packet, WAIT_PACKET_ACCESS, NULL);
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
      wait_packet_associate_fn(packet, iocp, object, (void*) key, context,
                               NT_STATUS_SUCCESS, 0, &already_signaled);
  return NT_SUCCESS(status) ? 0 : err_set_ntstatus(status);
}

bool wait_packet_cancel(HANDLE packet) {
  /* STATUS_SUCCESS: the wait was cancelled, or its queued packet removed.
   * STATUS_PENDING: the packet is being queued; STATUS_CANCELLED: it was
   * dequeued already.  Either way a thread has it or will have it. */
  return wait_packet_cancel_fn(packet, TRUE) == NT_STATUS_SUCCESS;
}

void wait_packet_free(HANDLE packet) {
  CloseHandle(packet);
}
