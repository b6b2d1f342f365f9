//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::windows::io::AsRawSocket;

use wepoll_sys::SOCKET;

extern "C" {
    // The C runtime's errno location: Rust's windows-gnu targets link the
    // same C runtime as a MinGW-built wepoll.dll.
    fn _errno() -> *mut i32;
}

pub const EINVAL: i32 = 22;
pub const EBADF: i32 = 9;
pub const EFAULT: i32 = 14;
pub const EEXIST: i32 = 17;
pub const ENOENT: i32 = 2;

pub const ERROR_INVALID_HANDLE: i32 = 6;
pub const ERROR_INVALID_PARAMETER: i32 = 87;
pub const ERROR_ALREADY_EXISTS: i32 = 183;
pub const ERROR_NOACCESS: i32 = 998;
pub const ERROR_NOT_FOUND: i32 = 1168;
pub const WSAENOTSOCK: i32 = 10038;

pub fn errno() -> i32 {
    unsafe { *_errno() }
}

pub fn set_errno(value: i32) {
    unsafe { *_errno() = value }
}

/// GetLastError() of this thread.
pub fn last_error() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A connected loopback TCP pair: (client, server side).
pub fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect");
    let (server, _) = listener.accept().expect("accept");
    (client, server)
}

pub fn socket_of(stream: &TcpStream) -> SOCKET {
    stream.as_raw_socket() as SOCKET
}
