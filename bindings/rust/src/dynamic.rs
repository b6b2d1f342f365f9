//! Finding `wepoll.dll` at run time instead of at link time.
//!
//! ```no_run
//! # use wepoll_sys::{dynamic::Wepoll, HANDLE};
//! let wepoll = unsafe { Wepoll::load() }.expect("wepoll.dll");
//! let port: HANDLE = unsafe { (wepoll.epoll_create1)(0) };
//! assert!(!port.is_null());
//! unsafe { (wepoll.epoll_close)(port) };
//! ```
//!
//! The DLL is never unloaded: the function pointers stay valid for the life
//! of the process, however they are copied.

use core::ffi::c_void;
use core::fmt;
use core::mem;

use crate::{c_int, c_uint, epoll_event, HANDLE, SOCKET};

pub type epoll_create_fn = unsafe extern "C" fn(size: c_int) -> HANDLE;
pub type epoll_create1_fn = unsafe extern "C" fn(flags: c_int) -> HANDLE;
pub type epoll_close_fn = unsafe extern "C" fn(ephnd: HANDLE) -> c_int;
pub type epoll_ctl_fn =
    unsafe extern "C" fn(ephnd: HANDLE, op: c_int, sock: SOCKET, event: *mut epoll_event) -> c_int;
pub type epoll_wait_fn = unsafe extern "C" fn(
    ephnd: HANDLE,
    events: *mut epoll_event,
    maxevents: c_int,
    timeout: c_int,
) -> c_int;
pub type wepoll_version_fn = unsafe extern "C" fn() -> c_uint;
pub type wepoll_ctl_handle_fn = unsafe extern "C" fn(
    ephnd: HANDLE,
    op: c_int,
    handle: HANDLE,
    event: *mut epoll_event,
) -> c_int;

#[link(name = "kernel32")]
extern "system" {
    fn LoadLibraryW(name: *const u16) -> *mut c_void;
    fn GetProcAddress(module: *mut c_void, name: *const u8) -> *mut c_void;
    fn GetLastError() -> u32;
}

const ERROR_INVALID_PARAMETER: u32 = 87;

/// Widens an ASCII string (with its NUL) for the `W` functions.
const fn widen<const N: usize>(ascii: &[u8; N]) -> [u16; N] {
    let mut wide = [0u16; N];
    let mut i = 0;
    while i < N {
        wide[i] = ascii[i] as u16;
        i += 1;
    }
    wide
}

const DLL_NAME: [u16; 11] = widen(b"wepoll.dll\0");

/// Why [`Wepoll::load`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The export that was missing, or `None` if the DLL did not load.
    pub symbol: Option<&'static str>,
    /// `GetLastError()` at the failure.
    pub code: u32,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.symbol {
            Some(name) => write!(f, "wepoll.dll has no export `{}` (error {})", name, self.code),
            None => write!(f, "cannot load wepoll.dll (error {})", self.code),
        }
    }
}

/// The entry points of a loaded `wepoll.dll`.
#[derive(Clone, Copy, Debug)]
pub struct Wepoll {
    pub epoll_create: epoll_create_fn,
    pub epoll_create1: epoll_create1_fn,
    pub epoll_close: epoll_close_fn,
    pub epoll_ctl: epoll_ctl_fn,
    pub epoll_wait: epoll_wait_fn,
    /// `None` for a DLL older than 1.6.0.
    pub wepoll_version: Option<wepoll_version_fn>,
    /// `None` for a DLL older than 1.7.0.
    pub wepoll_ctl_handle: Option<wepoll_ctl_handle_fn>,
}

impl Wepoll {
    /// Loads `wepoll.dll` by the standard DLL search order.
    ///
    /// # Safety
    /// Loading a DLL runs its initialisation code: the file found must be a
    /// wepoll build, or the function types declared here are wrong.
    pub unsafe fn load() -> Result<Wepoll, LoadError> {
        Self::load_from(&DLL_NAME)
    }

    /// Loads the DLL named by `path`, a NUL-terminated UTF-16 string.
    ///
    /// # Safety
    /// As for [`Wepoll::load`].
    pub unsafe fn load_from(path: &[u16]) -> Result<Wepoll, LoadError> {
        if path.last() != Some(&0) {
            return Err(LoadError { symbol: None, code: ERROR_INVALID_PARAMETER });
        }
        let module = LoadLibraryW(path.as_ptr());
        if module.is_null() {
            return Err(LoadError { symbol: None, code: GetLastError() });
        }
        let find = |name: &'static str| -> Result<*mut c_void, LoadError> {
            // `name` ends with the NUL GetProcAddress needs.
            let address = GetProcAddress(module, name.as_ptr());
            if address.is_null() {
                Err(LoadError { symbol: Some(name.trim_end_matches('\0')), code: GetLastError() })
            } else {
                Ok(address)
            }
        };
        Ok(Wepoll {
            epoll_create: mem::transmute::<*mut c_void, epoll_create_fn>(find("epoll_create\0")?),
            epoll_create1: mem::transmute::<*mut c_void, epoll_create1_fn>(find(
                "epoll_create1\0",
            )?),
            epoll_close: mem::transmute::<*mut c_void, epoll_close_fn>(find("epoll_close\0")?),
            epoll_ctl: mem::transmute::<*mut c_void, epoll_ctl_fn>(find("epoll_ctl\0")?),
            epoll_wait: mem::transmute::<*mut c_void, epoll_wait_fn>(find("epoll_wait\0")?),
            wepoll_version: find("wepoll_version\0")
                .ok()
                .map(|address| mem::transmute::<*mut c_void, wepoll_version_fn>(address)),
            wepoll_ctl_handle: find("wepoll_ctl_handle\0")
                .ok()
                .map(|address| mem::transmute::<*mut c_void, wepoll_ctl_handle_fn>(address)),
        })
    }
}
