/* Shows a Wine 8 wineserver use-after-free with no wepoll code involved.
 *
 * Each round, four threads each start an overlapped WSARecv on a UDP socket
 * bound to a completion port and exit at once; the main thread closes the
 * sockets while those threads are still exiting, then reads the
 * cancellations from the port.  Windows documents that a request on a
 * handle bound to a completion port outlives the thread that issued it, so
 * this is correct Win32.  Under Wine 8.0 the wineserver reads and writes a
 * freed block in that race (valgrind: "Invalid write of size 8 ... inside a
 * block of size 256 free'd"), and glibc often aborts it ("malloc():
 * unaligned tcache chunk detected"); every program of the prefix then
 * exits with status 0 wherever it was, or hangs.  Closing the sockets while
 * the threads still run, or after they have gone, or cancelling with
 * CancelIoEx instead, shows nothing.
 *
 * The library meets the same race when epoll_close ends the polls of a
 * port whose waiters are returning EBADF and exiting: any thread that
 * waits may have issued a poll.
 *
 * Build and run (a wineserver under valgrind, then the program):
 *   x86_64-w64-mingw32-gcc close_while_thread_exits.c -o race.exe -lws2_32
 *   valgrind /usr/lib/wine/wineserver64 -f -p10 &
 *   sleep 3; wine race.exe            (prints OK unless the server died)
 */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>

enum { THREADS = 4, ROUNDS = 30 };

static SOCKET sockets[THREADS];
static OVERLAPPED overlapped[THREADS];
static char buffers[THREADS][64];

static DWORD WINAPI start_receive_and_exit(void* arg) {
  int i = (int) (INT_PTR) arg;
  WSABUF buffer;
  DWORD flags = 0, received = 0;
  buffer.buf = buffers[i];
  buffer.len = sizeof buffers[i];
  WSARecv(sockets[i], &buffer, 1, &received, &flags, &overlapped[i], NULL);
  return 0;
}

int main(void) {
  WSADATA wsa;
  int round, i;
  WSAStartup(MAKEWORD(2, 2), &wsa);
  for (round = 0; round < ROUNDS; round++) {
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    HANDLE threads[THREADS];
    OVERLAPPED_ENTRY entries[THREADS];
    ULONG count, cancelled = 0;
    for (i = 0; i < THREADS; i++) {
      struct sockaddr_in local;
      memset(&local, 0, sizeof local);
      local.sin_family = AF_INET;
      local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      sockets[i] = WSASocketW(AF_INET, SOCK_DGRAM, 0, NULL, 0,
                              WSA_FLAG_OVERLAPPED);
      bind(sockets[i], (struct sockaddr*) &local, sizeof local);
      CreateIoCompletionPort((HANDLE) sockets[i], port, i, 0);
      memset(&overlapped[i], 0, sizeof overlapped[i]);
    }
    for (i = 0; i < THREADS; i++)
      threads[i] = CreateThread(NULL, 0, start_receive_and_exit,
                                (void*) (INT_PTR) i, 0, NULL);
    Sleep(round % 3 ? 5 : 0); /* the threads are exiting now */
    for (i = 0; i < THREADS; i++)
      closesocket(sockets[i]);
    while (cancelled < THREADS &&
           GetQueuedCompletionStatusEx(port, entries, THREADS, &count, 2000,
                                       FALSE))
      cancelled += count;
    WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    for (i = 0; i < THREADS; i++)
      CloseHandle(threads[i]);
    CloseHandle(port);
  }
  printf("OK\n");
  return 0;
}
