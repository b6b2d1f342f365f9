/* The played wait completion packet calls, on their own: what lib/ relies
 * on them to do, as Microsoft's pages for NtAssociateWaitCompletionPacket
 * and NtCancelWaitCompletionPacket describe it (see play_wait_packet.c).
 * A model of Windows: the native Windows workflow remains the proof. */
#include "../common.h"
#include "../../lib/os.h"
#include "model.h"

static HANDLE port;

/* Reads one packet within `timeout_ms`; false when none came. */
static bool read_packet(OVERLAPPED_ENTRY* entry, DWORD timeout_ms) {
  ULONG count = 0;
  if (!os_get_queued_completion_status_ex(port, entry, 1, &count, timeout_ms,
                                          FALSE)) {
    CHECKF(GetLastError() == WAIT_TIMEOUT, "GetLastError %lu", GetLastError());
    return false;
  }
  CHECK(count == 1);
  return true;
}

static void expect_no_packet(DWORD timeout_ms) {
  OVERLAPPED_ENTRY entry;
  CHECKF(!read_packet(&entry, timeout_ms), "unexpected packet, key %p",
         (void*) entry.lpCompletionKey);
}

static HANDLE new_packet(void) {
  HANDLE packet = NULL;
  CHECK(os_nt_create_wait_packet(&packet, GENERIC_ALL) == NT_STATUS_SUCCESS);
  CHECK(packet != NULL);
  return packet;
}

static NTSTATUS associate(HANDLE packet, HANDLE object, ULONG_PTR key,
                          BOOLEAN* already) {
  return os_nt_associate_wait_packet(packet, port, object, (void*) key,
                                     (void*) (key + 1), (NTSTATUS) 0x1234,
                                     (ULONG_PTR) key * 2, already);
}

/* The packet a signal queued carries what the association gave. */
static void expect_packet(ULONG_PTR key) {
  OVERLAPPED_ENTRY entry;
  CHECKF(read_packet(&entry, 5000), "no packet for key %lu",
         (unsigned long) key);
  CHECK(entry.lpCompletionKey == key);
  CHECK(entry.lpOverlapped == (OVERLAPPED*) (key + 1));
  CHECK(entry.Internal == 0x1234);
  CHECK(entry.dwNumberOfBytesTransferred == key * 2);
}

int main(void) {
  BOOLEAN already = 2;
  HANDLE auto_event, manual_event, semaphore, packet;
  test_init();
  if (!(model_play() & MODEL_PLAY_WAIT_PACKETS))
    skip("wait completion packets not played (WEPOLL_MODEL_PLAY)");
  CHECK(os_nt_wait_packets_found());
  port = os_create_io_completion_port(INVALID_HANDLE_VALUE, NULL, 0, 0);
  CHECK(port != NULL);
  auto_event = CreateEventW(NULL, FALSE, FALSE, NULL);
  manual_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  semaphore = CreateSemaphoreW(NULL, 0, 10, NULL);
  CHECK(auto_event && manual_event && semaphore);
  packet = new_packet();

  /* Never associated: nothing to cancel. */
  CHECK(os_nt_cancel_wait_packet(packet, TRUE) == NT_STATUS_CANCELLED);

  /* Not signaled at the association: no packet until it is, then one with
   * the association's key, context, status and information; the wait
   * consumed the auto-reset event's signal. */
  CHECK(associate(packet, auto_event, 10, &already) == NT_STATUS_SUCCESS);
  CHECK(already == FALSE);
  expect_no_packet(100);
  /* One association at a time. */
  CHECK(associate(packet, manual_event, 11, NULL) != NT_STATUS_SUCCESS);
  CHECK(SetEvent(auto_event));
  expect_packet(10);
  CHECK(WaitForSingleObject(auto_event, 0) == WAIT_TIMEOUT);
  /* Dequeued: completed, nothing to cancel; free to associate again. */
  CHECK(os_nt_cancel_wait_packet(packet, TRUE) == NT_STATUS_CANCELLED);

  /* Signaled at the association: queued at once, AlreadySignaled TRUE, the
   * signal consumed as by any satisfied wait. */
  CHECK(SetEvent(auto_event));
  CHECK(associate(packet, auto_event, 20, &already) == NT_STATUS_SUCCESS);
  CHECK(already == TRUE);
  CHECK(WaitForSingleObject(auto_event, 0) == WAIT_TIMEOUT);
  expect_packet(20);

  /* A semaphore's wait takes one unit. */
  CHECK(ReleaseSemaphore(semaphore, 2, NULL));
  CHECK(associate(packet, semaphore, 30, &already) == NT_STATUS_SUCCESS);
  CHECK(already == TRUE);
  expect_packet(30);
  CHECK(WaitForSingleObject(semaphore, 0) == WAIT_OBJECT_0);
  CHECK(WaitForSingleObject(semaphore, 0) == WAIT_TIMEOUT);

  /* A manual-reset event stays set: a new association fires again. */
  CHECK(SetEvent(manual_event));
  CHECK(associate(packet, manual_event, 40, &already) == NT_STATUS_SUCCESS);
  expect_packet(40);
  CHECK(associate(packet, manual_event, 41, &already) == NT_STATUS_SUCCESS);
  CHECK(already == TRUE);
  expect_packet(41);
  CHECK(ResetEvent(manual_event));

  /* Cancelled while waiting (either flag): STATUS_SUCCESS, no packet ever,
   * and the signal stays with the object. */
  CHECK(associate(packet, auto_event, 50, &already) == NT_STATUS_SUCCESS);
  CHECK(os_nt_cancel_wait_packet(packet, FALSE) == NT_STATUS_SUCCESS);
  CHECK(SetEvent(auto_event));
  expect_no_packet(100);
  CHECK(WaitForSingleObject(auto_event, 0) == WAIT_OBJECT_0);

  /* Queued, RemoveSignaledPacket TRUE: taken back out of the port. */
  CHECK(SetEvent(auto_event));
  CHECK(associate(packet, auto_event, 60, &already) == NT_STATUS_SUCCESS);
  CHECK(already == TRUE);
  CHECK(os_nt_cancel_wait_packet(packet, TRUE) == NT_STATUS_SUCCESS);
  /* Reusable at once; only the new association's packet comes. */
  CHECK(SetEvent(auto_event));
  CHECK(associate(packet, auto_event, 61, &already) == NT_STATUS_SUCCESS);
  expect_packet(61);
  expect_no_packet(100);

  /* Queued, RemoveSignaledPacket FALSE: STATUS_PENDING, the packet stays,
   * the packet object is in use until it is dequeued. */
  CHECK(SetEvent(auto_event));
  CHECK(associate(packet, auto_event, 70, &already) == NT_STATUS_SUCCESS);
  CHECK(os_nt_cancel_wait_packet(packet, FALSE) == NT_STATUS_PENDING);
  CHECK(associate(packet, auto_event, 71, NULL) != NT_STATUS_SUCCESS);
  expect_packet(70);
  CHECK(os_nt_cancel_wait_packet(packet, FALSE) == NT_STATUS_CANCELLED);

  /* A closed object handle is refused. */
  {
    HANDLE gone = CreateEventW(NULL, FALSE, FALSE, NULL);
    CHECK(CloseHandle(gone));
    CHECK(associate(packet, gone, 80, NULL) == NT_STATUS_INVALID_HANDLE);
  }

  /* Closing the packet with its wait outstanding ends the wait. */
  CHECK(associate(packet, auto_event, 90, &already) == NT_STATUS_SUCCESS);
  CHECK(os_close_handle(packet));
  CHECK(SetEvent(auto_event));
  expect_no_packet(100);
  CHECK(WaitForSingleObject(auto_event, 0) == WAIT_OBJECT_0);

  CHECK(os_close_handle(port));
  CloseHandle(auto_event);
  CloseHandle(manual_event);
  CloseHandle(semaphore);
  printf("PASS model_wait_packet_calls\n");
  return 0;
}
