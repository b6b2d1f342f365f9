//! Raw bindings to wepoll, the epoll API for Windows.
//!
//! The declarations mirror `wepoll.h` one for one: the same names, the same
//! constant values and the same `#[repr(C)]` layout, so the C documentation
//! applies unchanged.  Everything is `unsafe` and nothing is wrapped; safe
//! abstractions belong in a crate built on this one.
//!
//! Two ways to reach the DLL:
//!
//! * the `link` feature (default) declares the functions as imports of
//!   `wepoll.dll`, resolved by the import library at link time (see
//!   `build.rs` for `WEPOLL_LIB_DIR` and `WEPOLL_STATIC`);
//! * [`dynamic::Wepoll::load`] finds `wepoll.dll` at run time with
//!   `LoadLibraryW`, for programs that must start without it.
//!
//! Every call that fails returns `-1` (or a null `HANDLE` from the create
//! calls) and sets both the C runtime's `errno` and the thread's last error,
//! so `std::io::Error::last_os_error()` describes the failure.
#![no_std]
#![allow(non_camel_case_types)]

use core::ffi::c_void;
use core::fmt;

/// C's `int`: 32 bits on every Windows ABI.
pub type c_int = i32;
/// C's `unsigned int`.
pub type c_uint = u32;

/// A Windows `HANDLE` (the epoll port returned by [`epoll_create1`]).
pub type HANDLE = *mut c_void;
/// A Winsock `SOCKET`: pointer-sized and unsigned.
pub type SOCKET = usize;

// Event bits: the same values as Linux.
pub const EPOLLIN: u32 = 1 << 0;
pub const EPOLLPRI: u32 = 1 << 1;
pub const EPOLLOUT: u32 = 1 << 2;
pub const EPOLLERR: u32 = 1 << 3;
pub const EPOLLHUP: u32 = 1 << 4;
pub const EPOLLRDNORM: u32 = 1 << 6;
pub const EPOLLRDBAND: u32 = 1 << 7;
pub const EPOLLWRNORM: u32 = 1 << 8;
pub const EPOLLWRBAND: u32 = 1 << 9;
/// Accepted and never reported, as on Linux.
pub const EPOLLMSG: u32 = 1 << 10;
pub const EPOLLRDHUP: u32 = 1 << 13;
/// Report once, then stay registered but disarmed until `EPOLL_CTL_MOD`.
/// (The DLL also accepts `1 << 31`, the value wepoll 1.5.8 programs pass.)
pub const EPOLLONESHOT: u32 = 1 << 30;

/// `epoll_create1` flag (Linux's value); accepted and changes nothing.
pub const EPOLL_CLOEXEC: c_int = 0x80000;

// epoll_ctl operations: wepoll's values (Linux has MOD 3 and DEL 2).
pub const EPOLL_CTL_ADD: c_int = 1;
pub const EPOLL_CTL_MOD: c_int = 2;
pub const EPOLL_CTL_DEL: c_int = 3;

/// The version these declarations describe.  [`wepoll_version`] returns the
/// version of the DLL actually loaded, in the same encoding.
pub const WEPOLL_VERSION_MAJOR: c_uint = 1;
pub const WEPOLL_VERSION_MINOR: c_uint = 7;
pub const WEPOLL_VERSION_PATCH: c_uint = 0;
pub const WEPOLL_VERSION: c_uint =
    WEPOLL_VERSION_MAJOR * 10000 + WEPOLL_VERSION_MINOR * 100 + WEPOLL_VERSION_PATCH;

/// `epoll_data_t`: the caller's value, handed back with each event.
#[repr(C)]
#[derive(Copy, Clone)]
pub union epoll_data {
    pub ptr: *mut c_void,
    pub fd: c_int,
    pub u32: u32,
    pub u64: u64,
    /// Windows-specific.
    pub sock: SOCKET,
    /// Windows-specific.
    pub hnd: HANDLE,
}

/// The C typedef name.
pub type epoll_data_t = epoll_data;

impl Default for epoll_data {
    fn default() -> Self {
        epoll_data { u64: 0 }
    }
}

impl fmt::Debug for epoll_data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every field is plain data and u64 covers all eight bytes.
        let bits = unsafe { self.u64 };
        write!(f, "epoll_data {{ u64: {:#x} }}", bits)
    }
}

/// `struct epoll_event`: natural alignment, 16 bytes (not packed as on
/// Linux x86-64).
#[repr(C)]
#[derive(Copy, Clone, Default, Debug)]
pub struct epoll_event {
    pub events: u32,
    pub data: epoll_data_t,
}

#[cfg(all(windows, feature = "link"))]
extern "C" {
    /// Creates an epoll port; null on failure (`size <= 0`: EINVAL).
    pub fn epoll_create(size: c_int) -> HANDLE;
    /// Creates an epoll port; null on failure (a flag other than
    /// `EPOLL_CLOEXEC`: EINVAL).
    pub fn epoll_create1(flags: c_int) -> HANDLE;
    /// Closes an epoll port; 0, or -1 (EBADF).
    pub fn epoll_close(ephnd: HANDLE) -> c_int;
    /// Adds, changes or removes the registration of `sock`; 0 or -1.
    /// `event` may be null for `EPOLL_CTL_DEL`.
    pub fn epoll_ctl(ephnd: HANDLE, op: c_int, sock: SOCKET, event: *mut epoll_event) -> c_int;
    /// Waits up to `timeout` ms (-1: forever) and stores up to `maxevents`
    /// events; returns their number, 0 on timeout, or -1.
    pub fn epoll_wait(
        ephnd: HANDLE,
        events: *mut epoll_event,
        maxevents: c_int,
        timeout: c_int,
    ) -> c_int;
    /// The version of the loaded DLL (MAJOR * 10000 + MINOR * 100 + PATCH).
    /// Introduced in 1.6.0: a program that must also run with an older DLL
    /// should use [`dynamic::Wepoll`] instead, where it is optional.
    pub fn wepoll_version() -> c_uint;
    /// Adds, changes or removes a waitable `handle` (an event, semaphore,
    /// waitable timer, process or thread) in the port; 0 or -1.  `EPOLLIN`
    /// means "signaled", level-triggered unless `EPOLLONESHOT`; delete it
    /// before closing the handle.  Introduced in 1.7.0: for older DLLs use
    /// [`dynamic::Wepoll`], where it is optional.
    pub fn wepoll_ctl_handle(
        ephnd: HANDLE,
        op: c_int,
        handle: HANDLE,
        event: *mut epoll_event,
    ) -> c_int;
}

#[cfg(windows)]
pub mod dynamic;
