//! A message and its echo travel through one epoll port, using the
//! functions linked from wepoll.dll's import library.
#![cfg(feature = "link")]

mod common;

use std::io::{Read, Write};
use std::ptr;

use common::*;
use wepoll_sys::*;

const SERVER_KEY: u64 = 0x5e55_1011_0000_0001;

fn wait(port: HANDLE, timeout_ms: i32) -> Vec<epoll_event> {
    let mut events = [epoll_event::default(); 8];
    let n = unsafe { epoll_wait(port, events.as_mut_ptr(), events.len() as i32, timeout_ms) };
    assert!(n >= 0, "epoll_wait failed: errno {}, last error {}", errno(), last_error());
    events[..n as usize].to_vec()
}

/// Waits (bounded) until an event carrying `key` in data.u64 shows up.
fn wait_for(port: HANDLE, key: u64) -> epoll_event {
    for _ in 0..50 {
        if let Some(event) = wait(port, 100).into_iter().find(|e| unsafe { e.data.u64 } == key) {
            return event;
        }
    }
    panic!("no event for key {:#x} within 5 s", key);
}

#[test]
fn echo_round_trip() {
    let port = unsafe { epoll_create1(0) };
    assert!(!port.is_null(), "epoll_create1: last error {}", last_error());

    let (mut client, mut server) = tcp_pair();
    let server_sock = socket_of(&server);
    let client_sock = socket_of(&client);

    let mut interest =
        epoll_event { events: EPOLLIN | EPOLLRDHUP, data: epoll_data { u64: SERVER_KEY } };
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, server_sock, &mut interest) }, 0);
    // The client side carries its SOCKET as the user value.
    let mut interest = epoll_event { events: EPOLLIN, data: epoll_data { sock: client_sock } };
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, client_sock, &mut interest) }, 0);

    // Nothing was sent yet: nothing is readable.
    assert!(wait(port, 0).iter().all(|e| e.events & EPOLLIN == 0));

    client.write_all(b"ping").unwrap();
    let event = wait_for(port, SERVER_KEY);
    assert_ne!(event.events & EPOLLIN, 0, "events {:#x}", event.events);
    assert_eq!(event.events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP), 0, "events {:#x}", event.events);
    let mut buf = [0u8; 16];
    let n = server.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");

    server.write_all(b"pong").unwrap();
    let event = wait_for(port, client_sock as u64);
    assert_eq!(unsafe { event.data.sock }, client_sock);
    assert_ne!(event.events & EPOLLIN, 0);
    let n = client.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"pong");

    // One-shot: writable is reported once, then the socket is disarmed.
    let mut interest =
        epoll_event { events: EPOLLOUT | EPOLLONESHOT, data: epoll_data { u64: SERVER_KEY } };
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_MOD, server_sock, &mut interest) }, 0);
    let event = wait_for(port, SERVER_KEY);
    assert_ne!(event.events & EPOLLOUT, 0);
    assert!(wait(port, 50).iter().all(|e| unsafe { e.data.u64 } != SERVER_KEY));

    // Peer FIN: the server side is told with RDHUP once re-armed for it.
    let mut interest =
        epoll_event { events: EPOLLIN | EPOLLRDHUP, data: epoll_data { u64: SERVER_KEY } };
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_MOD, server_sock, &mut interest) }, 0);
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let event = wait_for(port, SERVER_KEY);
    assert_ne!(event.events & EPOLLRDHUP, 0, "events {:#x}", event.events);

    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_DEL, server_sock, ptr::null_mut()) }, 0);
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_DEL, client_sock, ptr::null_mut()) }, 0);
    assert_eq!(unsafe { epoll_close(port) }, 0);
}

#[test]
fn errors_surface_as_in_c() {
    // Each failing call sets errno and the last error as the header says.
    fn expect_fail(result: i32, errno_value: i32, last: i32, what: &str) {
        assert_eq!(result, -1, "{} should fail", what);
        assert_eq!(errno(), errno_value, "errno after {}", what);
        assert_eq!(last_error(), last, "last error after {}", what);
    }

    set_errno(0);
    assert!(unsafe { epoll_create1(2) }.is_null());
    assert_eq!((errno(), last_error()), (EINVAL, ERROR_INVALID_PARAMETER));
    set_errno(0);
    assert!(unsafe { epoll_create(0) }.is_null());
    assert_eq!((errno(), last_error()), (EINVAL, ERROR_INVALID_PARAMETER));

    let port = unsafe { epoll_create(1) };
    assert!(!port.is_null());
    let (client, _server) = tcp_pair();
    let sock = socket_of(&client);
    let mut interest = epoll_event { events: EPOLLIN, data: epoll_data::default() };

    expect_fail(
        unsafe { epoll_ctl(port, 99, sock, &mut interest) },
        EINVAL,
        ERROR_INVALID_PARAMETER,
        "bad op",
    );
    expect_fail(
        unsafe { epoll_ctl(port, EPOLL_CTL_ADD, sock, ptr::null_mut()) },
        EFAULT,
        ERROR_NOACCESS,
        "null event",
    );
    expect_fail(
        unsafe { epoll_ctl(port, EPOLL_CTL_MOD, sock, &mut interest) },
        ENOENT,
        ERROR_NOT_FOUND,
        "MOD unregistered",
    );
    assert_eq!(unsafe { epoll_ctl(port, EPOLL_CTL_ADD, sock, &mut interest) }, 0);
    expect_fail(
        unsafe { epoll_ctl(port, EPOLL_CTL_ADD, sock, &mut interest) },
        EEXIST,
        ERROR_ALREADY_EXISTS,
        "second ADD",
    );

    let mut events = [epoll_event::default(); 1];
    expect_fail(
        unsafe { epoll_wait(port, events.as_mut_ptr(), 0, 0) },
        EINVAL,
        ERROR_INVALID_PARAMETER,
        "maxevents 0",
    );
    expect_fail(
        unsafe { epoll_wait(port, ptr::null_mut(), 1, 0) },
        EFAULT,
        ERROR_NOACCESS,
        "null events",
    );

    // What a closed port's value gets is checked in closed_port.rs, alone in
    // its binary: here another test's thread may reuse the value at once.
    assert_eq!(unsafe { epoll_close(port) }, 0);
}

#[test]
fn version_of_loaded_dll() {
    assert_eq!(unsafe { wepoll_version() }, WEPOLL_VERSION);
}
