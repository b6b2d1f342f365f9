//! wepoll.dll found at run time through `wepoll_sys::dynamic`.

mod common;

use std::ptr;

use common::*;
use wepoll_sys::dynamic::Wepoll;
use wepoll_sys::*;

#[test]
fn load_and_use() {
    let wepoll = unsafe { Wepoll::load() }.unwrap_or_else(|e| panic!("{}", e));
    let version = wepoll.wepoll_version.expect("a 1.6 DLL exports wepoll_version");
    assert_eq!(unsafe { version() }, WEPOLL_VERSION);
    let ctl_handle = wepoll.wepoll_ctl_handle.expect("a 1.7 DLL exports wepoll_ctl_handle");
    let mut any = epoll_event { events: EPOLLIN, data: epoll_data { u64: 0 } };
    // A null handle is never an open one.
    assert_eq!(
        unsafe { ctl_handle(ptr::null_mut(), EPOLL_CTL_ADD, ptr::null_mut(), &mut any) },
        -1
    );

    assert!(unsafe { (wepoll.epoll_create1)(7) }.is_null());
    assert_eq!(last_error(), ERROR_INVALID_PARAMETER);

    let port = unsafe { (wepoll.epoll_create1)(0) };
    assert!(!port.is_null());
    let (client, server) = tcp_pair();
    let mut interest = epoll_event { events: EPOLLOUT, data: epoll_data { u32: 77 } };
    assert_eq!(
        unsafe { (wepoll.epoll_ctl)(port, EPOLL_CTL_ADD, socket_of(&server), &mut interest) },
        0
    );
    let mut events = [epoll_event::default(); 4];
    let mut seen = None;
    for _ in 0..50 {
        let n = unsafe { (wepoll.epoll_wait)(port, events.as_mut_ptr(), 4, 100) };
        assert!(n >= 0);
        if n > 0 {
            seen = Some(events[0]);
            break;
        }
    }
    let event = seen.expect("a connected socket becomes writable");
    assert_eq!(unsafe { event.data.u32 }, 77);
    assert_ne!(event.events & EPOLLOUT, 0);
    assert_eq!(
        unsafe { (wepoll.epoll_ctl)(port, EPOLL_CTL_DEL, socket_of(&server), ptr::null_mut()) },
        0
    );
    assert_eq!(unsafe { (wepoll.epoll_close)(port) }, 0);
    drop(client);
}

#[cfg(feature = "link")]
#[test]
fn same_dll_as_linked() {
    let wepoll = unsafe { Wepoll::load() }.unwrap();
    // A port made through one path is known to the other: one DLL instance.
    let port = unsafe { (wepoll.epoll_create1)(0) };
    assert!(!port.is_null());
    let mut interest = epoll_event { events: EPOLLIN, data: epoll_data::default() };
    let (client, _server) = tcp_pair();
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, socket_of(&client), &mut interest) }, 0);
    assert_eq!(unsafe { epoll_close(port) }, 0);
}

#[test]
fn load_errors() {
    let missing: Vec<u16> = "no-such-wepoll.dll\0".encode_utf16().collect();
    let err = unsafe { Wepoll::load_from(&missing) }.unwrap_err();
    assert_eq!(err.symbol, None);
    assert_ne!(err.code, 0);

    let unterminated: Vec<u16> = "wepoll.dll".encode_utf16().collect();
    let err = unsafe { Wepoll::load_from(&unterminated) }.unwrap_err();
    assert_eq!(err.code, ERROR_INVALID_PARAMETER as u32);

    // A DLL without the exports: kernel32 has no epoll_create.
    let kernel32: Vec<u16> = "kernel32.dll\0".encode_utf16().collect();
    let err = unsafe { Wepoll::load_from(&kernel32) }.unwrap_err();
    assert_eq!(err.symbol, Some("epoll_create"));
}
