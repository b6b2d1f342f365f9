/* What the parts of the model tell each other (not for tests: they use
 * model.h).  os_model.c defines lib/os.h's calls: each asks fault.c whether
 * this use fails, then hands the calls whose answers Windows and Wine give
 * differently to windows.c, which plays Windows's or makes the real call. */
#ifndef WEPOLL_TEST_MODEL_SEAM_H_
#define WEPOLL_TEST_MODEL_SEAM_H_

#include <stdbool.h>

#include "../../lib/os.h"
#include "model.h"

/* Counts one use of `call`; true when it is the armed failure, with the
 * error to give in *error. */
bool fault_take(model_call call, unsigned long* error);
void fault_count_allocation(long change);
void fault_count_handle(long change);

/* The calls windows.c answers; each makes the real call for a behaviour
 * not played. */
FARPROC windows_get_proc_address(HMODULE module, const char* name);
BOOL windows_get_queued_completion_status_ex(HANDLE port,
                                             OVERLAPPED_ENTRY* entries,
                                             ULONG count, ULONG* removed,
                                             DWORD timeout, BOOL alertable);
BOOL windows_close_handle(HANDLE handle);
int windows_wsa_ioctl(SOCKET sock, DWORD code, void* in, DWORD in_size,
                      void* out, DWORD out_size, DWORD* returned);

#endif /* WEPOLL_TEST_MODEL_SEAM_H_ */
