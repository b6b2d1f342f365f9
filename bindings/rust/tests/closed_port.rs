//! What a closed port's value gets: EBADF, through either way of calling
//! the DLL.
//!
//! This is the only test in its binary on purpose.  A closed handle's value
//! is free for the next handle any thread opens, and cargo runs the tests of
//! one binary on threads of their own: next to other tests, the value could
//! already name another test's socket or port (EINVAL, or worse, a close of
//! that port), which is the program's race, not the library's.
#![cfg(feature = "link")]

mod common;

use common::*;
use wepoll_sys::dynamic::Wepoll;
use wepoll_sys::*;

#[test]
fn a_closed_port_is_a_bad_handle() {
    let wepoll = unsafe { Wepoll::load() }.unwrap_or_else(|e| panic!("{}", e));
    let port = unsafe { epoll_create1(0) };
    assert!(!port.is_null(), "epoll_create1: last error {}", last_error());
    let (client, _server) = tcp_pair();
    let sock = socket_of(&client);
    let mut interest = epoll_event { events: EPOLLIN, data: epoll_data::default() };

    // A value that is no open handle: EBADF, as Linux for a closed fd.
    set_errno(0);
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, 0x7ff0, &mut interest) }, -1);
    assert_eq!((errno(), last_error()), (EBADF, ERROR_INVALID_HANDLE), "ADD of no handle");
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, sock, &mut interest) }, 0);

    // Closed through the import library, then used through both paths.
    assert_eq!(unsafe { epoll_close(port) }, 0);
    let mut events = [epoll_event::default(); 1];
    for (what, call) in [
        ("second close", 0),
        ("second close, loaded at run time", 1),
        ("wait on a closed port", 2),
        ("ctl on a closed port", 3),
    ] {
        set_errno(0);
        let result = match call {
            0 => unsafe { epoll_close(port) },
            1 => unsafe { (wepoll.epoll_close)(port) },
            2 => unsafe { epoll_wait(port, events.as_mut_ptr(), 1, 0) },
            _ => unsafe { epoll_ctl(port, EPOLL_CTL_MOD, sock, &mut interest) },
        };
        assert_eq!(result, -1, "{} should fail", what);
        assert_eq!((errno(), last_error()), (EBADF, ERROR_INVALID_HANDLE), "after {}", what);
    }
}
