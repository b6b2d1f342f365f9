#include "ntdll.h"

#include "os.h"

/* The entry points, in the order of ntdll_names; the wait packet calls are
 * optional (Windows 8 and later) and come last. */
typedef enum ntdll_entry {
  NTDLL_CREATE_FILE,
  NTDLL_DEVICE_IO_CONTROL,
  NTDLL_CANCEL_IO,
  NTDLL_QUERY_OBJECT,
  NTDLL_STATUS_TO_WIN32,
  NTDLL_REQUIRED_COUNT,
  NTDLL_CREATE_WAIT_PACKET = NTDLL_REQUIRED_COUNT,
  NTDLL_ASSOCIATE_WAIT_PACKET,
  NTDLL_CANCEL_WAIT_PACKET,
  NTDLL_ENTRY_COUNT
} ntdll_entry;

static const char* const ntdll_names[NTDLL_ENTRY_COUNT] = {
    "NtCreateFile",
    "NtDeviceIoControlFile",
    "NtCancelIoFileEx",
    "NtQueryObject",
    "RtlNtStatusToDosError",
    "NtCreateWaitCompletionPacket",
    "NtAssociateWaitCompletionPacket",
    "NtCancelWaitCompletionPacket",
};

typedef NTSTATUS(NTAPI* ntdll_create_file_fn)(
    HANDLE* file, ACCESS_MASK access, OBJECT_ATTRIBUTES* attributes,
    IO_STATUS_BLOCK* iosb, LARGE_INTEGER* allocation_size, ULONG attrs,
    ULONG share, ULONG create, ULONG options, void* ea, ULONG ea_size);
typedef NTSTATUS(NTAPI* ntdll_device_io_control_fn)(
    HANDLE file, HANDLE event, void* apc_routine, void* apc_context,
    IO_STATUS_BLOCK* iosb, ULONG code, void* in, ULONG in_size, void* out,
    ULONG out_size);
typedef NTSTATUS(NTAPI* ntdll_cancel_io_fn)(HANDLE file,
                                            IO_STATUS_BLOCK* request,
                                            IO_STATUS_BLOCK* iosb);
typedef NTSTATUS(NTAPI* ntdll_query_object_fn)(HANDLE handle,
                                               OBJECT_INFORMATION_CLASS kind,
                                               void* info, ULONG size,
                                               ULONG* returned);
typedef ULONG(NTAPI* ntdll_status_to_win32_fn)(NTSTATUS status);
typedef NTSTATUS(NTAPI* ntdll_create_wait_packet_fn)(HANDLE* packet,
                                                     ACCESS_MASK access,
                                                     void* attributes);
typedef NTSTATUS(NTAPI* ntdll_associate_wait_packet_fn)(
    HANDLE packet, HANDLE iocp, HANDLE object, void* key, void* context,
    NTSTATUS status, ULONG_PTR information, BOOLEAN* already_signaled);
typedef NTSTATUS(NTAPI* ntdll_cancel_wait_packet_fn)(HANDLE packet,
                                                     BOOLEAN remove_signaled);

/* Written once, under ntdll_once; read after it.  A FARPROC is stored as
 * void (*)(void), which converts to any function type without a warning. */
static INIT_ONCE ntdll_once = INIT_ONCE_STATIC_INIT;
static void (*ntdll_procs[NTDLL_ENTRY_COUNT])(void);
static bool ntdll_all_required;
static bool ntdll_all_wait_packets;

static BOOL CALLBACK ntdll_resolve(INIT_ONCE* once, void* param,
                                   void** context) {
  /* ntdll.dll is in every process: no LoadLibrary, nothing to free. */
  HMODULE module = GetModuleHandleW(L"ntdll.dll");
  int i, required = 0, optional = 0;
  (void) once;
  (void) param;
  (void) context;
  for (i = 0; i < NTDLL_ENTRY_COUNT && module != NULL; i++) {
    ntdll_procs[i] =
        (void (*)(void)) os_get_proc_address(module, ntdll_names[i]);
    if (ntdll_procs[i] != NULL && i < NTDLL_REQUIRED_COUNT)
      required++;
    else if (ntdll_procs[i] != NULL)
      optional++;
  }
  ntdll_all_required = required == NTDLL_REQUIRED_COUNT;
  /* All three wait packet calls or none: a partial set counts as absent. */
  ntdll_all_wait_packets =
      optional == NTDLL_ENTRY_COUNT - NTDLL_REQUIRED_COUNT;
  return TRUE;
}

/* The entry point, or NULL if ntdll.dll lacks it. */
static void (*ntdll_proc(ntdll_entry entry))(void) {
  InitOnceExecuteOnce(&ntdll_once, ntdll_resolve, NULL, NULL);
  return ntdll_procs[entry];
}

bool ntdll_ready(void) {
  InitOnceExecuteOnce(&ntdll_once, ntdll_resolve, NULL, NULL);
  return ntdll_all_required;
}

bool ntdll_wait_packets_found(void) {
  InitOnceExecuteOnce(&ntdll_once, ntdll_resolve, NULL, NULL);
  return ntdll_all_wait_packets;
}

NTSTATUS ntdll_create_file(HANDLE* file, ACCESS_MASK access,
                           OBJECT_ATTRIBUTES* attributes,
                           IO_STATUS_BLOCK* iosb, ULONG share, ULONG create,
                           ULONG options) {
  ntdll_create_file_fn fn =
      (ntdll_create_file_fn) ntdll_proc(NTDLL_CREATE_FILE);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(file, access, attributes, iosb, NULL, 0, share, create, options,
            NULL, 0);
}

NTSTATUS ntdll_device_io_control(HANDLE file, void* apc_context,
                                 IO_STATUS_BLOCK* iosb, ULONG code, void* in,
                                 ULONG in_size, void* out, ULONG out_size) {
  ntdll_device_io_control_fn fn =
      (ntdll_device_io_control_fn) ntdll_proc(NTDLL_DEVICE_IO_CONTROL);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(file, NULL, NULL, apc_context, iosb, code, in, in_size, out,
            out_size);
}

NTSTATUS ntdll_cancel_io(HANDLE file, IO_STATUS_BLOCK* request,
                         IO_STATUS_BLOCK* iosb) {
  ntdll_cancel_io_fn fn = (ntdll_cancel_io_fn) ntdll_proc(NTDLL_CANCEL_IO);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(file, request, iosb);
}

NTSTATUS ntdll_query_object(HANDLE handle, OBJECT_INFORMATION_CLASS kind,
                            void* info, ULONG size, ULONG* returned) {
  ntdll_query_object_fn fn =
      (ntdll_query_object_fn) ntdll_proc(NTDLL_QUERY_OBJECT);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(handle, kind, info, size, returned);
}

DWORD ntdll_status_to_win32(NTSTATUS status) {
  ntdll_status_to_win32_fn fn =
      (ntdll_status_to_win32_fn) ntdll_proc(NTDLL_STATUS_TO_WIN32);
  if (fn == NULL)
    return ERROR_PROC_NOT_FOUND;
  return fn(status);
}

NTSTATUS ntdll_create_wait_packet(HANDLE* packet, ACCESS_MASK access) {
  ntdll_create_wait_packet_fn fn =
      (ntdll_create_wait_packet_fn) ntdll_proc(NTDLL_CREATE_WAIT_PACKET);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(packet, access, NULL);
}

NTSTATUS ntdll_associate_wait_packet(HANDLE packet, HANDLE iocp, HANDLE object,
                                     void* key, void* context, NTSTATUS status,
                                     ULONG_PTR information,
                                     BOOLEAN* already_signaled) {
  ntdll_associate_wait_packet_fn fn =
      (ntdll_associate_wait_packet_fn) ntdll_proc(NTDLL_ASSOCIATE_WAIT_PACKET);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(packet, iocp, object, key, context, status, information,
            already_signaled);
}

NTSTATUS ntdll_cancel_wait_packet(HANDLE packet, BOOLEAN remove_signaled) {
  ntdll_cancel_wait_packet_fn fn =
      (ntdll_cancel_wait_packet_fn) ntdll_proc(NTDLL_CANCEL_WAIT_PACKET);
  if (fn == NULL)
    return NT_STATUS_PROCEDURE_NOT_FOUND;
  return fn(packet, remove_signaled);
}
