//! wepoll_ctl_handle through the import library: an event set by another
//! thread wakes the port (the eventfd pattern), once per SetEvent for an
//! auto-reset event; bad handles fail with the header's errors.
#![cfg(feature = "link")]

mod common;

use std::ptr;
use std::thread;
use std::time::Duration;

use common::*;
use wepoll_sys::*;

extern "system" {
    fn CreateEventW(
        attributes: *mut u8,
        manual_reset: i32,
        initial: i32,
        name: *const u16,
    ) -> HANDLE;
    fn SetEvent(event: HANDLE) -> i32;
    fn CloseHandle(handle: HANDLE) -> i32;
}

const EVENT_KEY: u64 = 0xe7e7_0000_0000_0013;

/// A HANDLE that may cross to another thread (it is a plain kernel value).
struct SendHandle(HANDLE);
unsafe impl Send for SendHandle {}

fn wait(port: HANDLE, timeout_ms: i32) -> Vec<epoll_event> {
    let mut events = [epoll_event::default(); 8];
    let n = unsafe { epoll_wait(port, events.as_mut_ptr(), events.len() as i32, timeout_ms) };
    assert!(n >= 0, "epoll_wait failed: errno {}, last error {}", errno(), last_error());
    events[..n as usize].to_vec()
}

#[test]
fn event_set_by_another_thread() {
    let port = unsafe { epoll_create1(0) };
    assert!(!port.is_null());
    let event = unsafe { CreateEventW(ptr::null_mut(), 0, 0, ptr::null()) };
    assert!(!event.is_null());
    let mut interest = epoll_event { events: EPOLLIN, data: epoll_data { u64: EVENT_KEY } };
    assert_eq!(unsafe { wepoll_ctl_handle(port, EPOLL_CTL_ADD, event, &mut interest) }, 0);
    assert!(wait(port, 0).is_empty());

    for _ in 0..3 {
        let remote = SendHandle(event);
        let setter = thread::spawn(move || {
            let remote = remote;
            thread::sleep(Duration::from_millis(20));
            assert_ne!(unsafe { SetEvent(remote.0) }, 0);
        });
        let got = wait(port, 5000);
        setter.join().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].events, EPOLLIN);
        assert_eq!(unsafe { got[0].data.u64 }, EVENT_KEY);
        assert!(wait(port, 50).is_empty(), "an auto-reset event is reported once");
    }

    assert_eq!(unsafe { wepoll_ctl_handle(port, EPOLL_CTL_DEL, event, ptr::null_mut()) }, 0);
    set_errno(0);
    assert_eq!(unsafe { wepoll_ctl_handle(port, EPOLL_CTL_DEL, event, ptr::null_mut()) }, -1);
    assert_eq!((errno(), last_error()), (ENOENT, ERROR_NOT_FOUND));
    set_errno(0);
    assert_eq!(
        unsafe { wepoll_ctl_handle(port, EPOLL_CTL_ADD, ptr::null_mut(), &mut interest) },
        -1
    );
    assert_eq!((errno(), last_error()), (EBADF, ERROR_INVALID_HANDLE));
    assert_ne!(unsafe { CloseHandle(event) }, 0);
    assert_eq!(unsafe { epoll_close(port) }, 0);
}
