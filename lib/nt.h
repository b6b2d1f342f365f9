/* The NT native types and status values wepoll needs beyond what MinGW's
 * <winternl.h> provides.  Values are facts of the NT API.  The calls
 * themselves are reached through ntdll.h, never linked. */
#ifndef WEPOLL_NT_H_
#define WEPOLL_NT_H_

#include <windows.h>
#include <winternl.h>

/* Status values as NTSTATUS: MinGW's STATUS_* macros are DWORDs, which
 * compare badly with the signed NTSTATUS the NT calls return. */
#define NT_STATUS_SUCCESS ((NTSTATUS) 0x00000000L)
#define NT_STATUS_PENDING ((NTSTATUS) 0x00000103L)
#define NT_STATUS_HANDLES_CLOSED ((NTSTATUS) 0x8000000AL)
#define NT_STATUS_BUFFER_OVERFLOW ((NTSTATUS) 0x80000005L)
#define NT_STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS) 0xC0000004L)
#define NT_STATUS_INVALID_HANDLE ((NTSTATUS) 0xC0000008L)
#define NT_STATUS_NO_MEMORY ((NTSTATUS) 0xC0000017L)
#define NT_STATUS_QUOTA_EXCEEDED ((NTSTATUS) 0xC0000044L)
#define NT_STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS) 0xC000009AL)
#define NT_STATUS_OBJECT_TYPE_MISMATCH ((NTSTATUS) 0xC0000024L)
#define NT_STATUS_CANCELLED ((NTSTATUS) 0xC0000120L)
#define NT_STATUS_NOT_FOUND ((NTSTATUS) 0xC0000225L)
#define NT_STATUS_PROCEDURE_NOT_FOUND ((NTSTATUS) 0xC000007AL)

#ifndef NT_ERROR
#define NT_ERROR(status) ((((ULONG) (status)) >> 30) == 3)
#endif

#endif /* WEPOLL_NT_H_ */
