/* Failure injection and accounting of the model build: one counter and at
 * most one armed failure per call of lib/os.h.  Calls come from any
 * thread, so every field is touched with interlocked operations. */
#include <windows.h>

#include "seam.h"

typedef struct fault_state {
  volatile LONG64 calls;   /* uses so far */
  volatile LONG64 fail_at; /* the use that fails; 0: none armed */
  volatile LONG64 error;   /* what it fails with */
  volatile LONG taken;     /* the armed failure happened */
} fault_state;

static fault_state fault_table[MODEL_CALL_COUNT];
static volatile LONG64 fault_allocations;
static volatile LONG64 fault_handles;

static const char* const fault_names[MODEL_CALL_COUNT] = {
    "os_malloc",
    "os_calloc",
    "os_create_io_completion_port",
    "os_set_file_completion_notification_modes",
    "os_get_queued_completion_status_ex",
    "os_post_queued_completion_status",
    "os_close_handle",
    "os_duplicate_handle",
    "os_create_event",
    "os_set_event",
    "os_reset_event",
    "os_wait_for_single_object",
    "os_register_wait",
    "os_unregister_wait",
    "os_wsa_startup",
    "os_getsockopt",
    "os_wsa_ioctl",
    "os_nt_create_file",
    "os_nt_device_io_control",
    "os_nt_cancel_io",
    "os_nt_query_object",
    "os_nt_create_wait_packet",
    "os_nt_associate_wait_packet",
    "os_nt_cancel_wait_packet",
    "os_get_proc_address",
};

const char* model_call_name(model_call call) {
  return call < MODEL_CALL_COUNT ? fault_names[call] : "?";
}

bool fault_take(model_call call, unsigned long* error) {
  fault_state* s = &fault_table[call];
  LONG64 use = InterlockedIncrement64(&s->calls);
  LONG64 fail_at = InterlockedCompareExchange64(&s->fail_at, 0, 0);
  if (fail_at == 0 || use != fail_at)
    return false;
  *error = (unsigned long) InterlockedCompareExchange64(&s->error, 0, 0);
  InterlockedExchange(&s->taken, 1);
  return true;
}

void model_fail_nth(model_call call, unsigned long nth, unsigned long error) {
  fault_state* s = &fault_table[call];
  InterlockedExchange(&s->taken, 0);
  InterlockedExchange64(&s->fail_at, 0);
  InterlockedExchange64(&s->error, (LONG64) error);
  if (nth > 0)
    InterlockedExchange64(
        &s->fail_at,
        InterlockedCompareExchange64(&s->calls, 0, 0) + (LONG64) nth);
}

void model_fail_clear(void) {
  for (int i = 0; i < MODEL_CALL_COUNT; i++)
    InterlockedExchange64(&fault_table[i].fail_at, 0);
}

bool model_failed(model_call call) {
  return InterlockedCompareExchange(&fault_table[call].taken, 0, 0) != 0;
}

unsigned long model_calls(model_call call) {
  return (unsigned long) InterlockedCompareExchange64(&fault_table[call].calls,
                                                      0, 0);
}

void fault_count_allocation(long change) {
  InterlockedExchangeAdd64(&fault_allocations, change);
}

void fault_count_handle(long change) {
  InterlockedExchangeAdd64(&fault_handles, change);
}

long model_live_allocations(void) {
  return (long) InterlockedCompareExchange64(&fault_allocations, 0, 0);
}

long model_live_handles(void) {
  return (long) InterlockedCompareExchange64(&fault_handles, 0, 0);
}
