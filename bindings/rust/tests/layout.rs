//! The Rust declarations against the ABI wepoll 1.x programs rely on, and
//! (when built with WEPOLL_INCLUDE_DIR) against what the C compiler makes of
//! wepoll.h itself.

use std::mem::{align_of, size_of, MaybeUninit};
use std::ptr::addr_of;

use wepoll_sys::*;

/// (C expression, value of the Rust counterpart), named as in c/layout.c.
fn rust_values() -> Vec<(&'static str, u64)> {
    let event = MaybeUninit::<epoll_event>::uninit();
    let event_base = event.as_ptr() as usize;
    let data = MaybeUninit::<epoll_data_t>::uninit();
    let data_base = data.as_ptr() as usize;
    // Field addresses of uninitialised memory: addr_of! never reads.
    let (events_at, data_at, ptr_at, fd_at, u32_at, u64_at, sock_at, hnd_at) = unsafe {
        let e = event.as_ptr();
        let d = data.as_ptr();
        (
            addr_of!((*e).events) as usize - event_base,
            addr_of!((*e).data) as usize - event_base,
            addr_of!((*d).ptr) as usize - data_base,
            addr_of!((*d).fd) as usize - data_base,
            addr_of!((*d).u32) as usize - data_base,
            addr_of!((*d).u64) as usize - data_base,
            addr_of!((*d).sock) as usize - data_base,
            addr_of!((*d).hnd) as usize - data_base,
        )
    };
    let v = |n: usize| n as u64;
    vec![
        ("sizeof(HANDLE)", v(size_of::<HANDLE>())),
        ("sizeof(SOCKET)", v(size_of::<SOCKET>())),
        ("sizeof(epoll_data_t)", v(size_of::<epoll_data_t>())),
        ("alignof(epoll_data_t)", v(align_of::<epoll_data_t>())),
        ("sizeof(struct epoll_event)", v(size_of::<epoll_event>())),
        ("alignof(struct epoll_event)", v(align_of::<epoll_event>())),
        ("offsetof(struct epoll_event, events)", v(events_at)),
        ("offsetof(struct epoll_event, data)", v(data_at)),
        ("offsetof(epoll_data_t, ptr)", v(ptr_at)),
        ("offsetof(epoll_data_t, fd)", v(fd_at)),
        ("offsetof(epoll_data_t, u32)", v(u32_at)),
        ("offsetof(epoll_data_t, u64)", v(u64_at)),
        ("offsetof(epoll_data_t, sock)", v(sock_at)),
        ("offsetof(epoll_data_t, hnd)", v(hnd_at)),
        ("EPOLLIN", EPOLLIN.into()),
        ("EPOLLPRI", EPOLLPRI.into()),
        ("EPOLLOUT", EPOLLOUT.into()),
        ("EPOLLERR", EPOLLERR.into()),
        ("EPOLLHUP", EPOLLHUP.into()),
        ("EPOLLRDNORM", EPOLLRDNORM.into()),
        ("EPOLLRDBAND", EPOLLRDBAND.into()),
        ("EPOLLWRNORM", EPOLLWRNORM.into()),
        ("EPOLLWRBAND", EPOLLWRBAND.into()),
        ("EPOLLMSG", EPOLLMSG.into()),
        ("EPOLLRDHUP", EPOLLRDHUP.into()),
        ("EPOLLONESHOT", EPOLLONESHOT.into()),
        ("EPOLL_CTL_ADD", EPOLL_CTL_ADD as u64),
        ("EPOLL_CTL_MOD", EPOLL_CTL_MOD as u64),
        ("EPOLL_CTL_DEL", EPOLL_CTL_DEL as u64),
        ("WEPOLL_VERSION_MAJOR", WEPOLL_VERSION_MAJOR.into()),
        ("WEPOLL_VERSION_MINOR", WEPOLL_VERSION_MINOR.into()),
        ("WEPOLL_VERSION_PATCH", WEPOLL_VERSION_PATCH.into()),
        ("WEPOLL_VERSION", WEPOLL_VERSION.into()),
    ]
}

fn rust_value(name: &str) -> u64 {
    rust_values()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no Rust value for {}", name))
        .1
}

/// The binary contract of wepoll 1.x (also in the project's design notes):
/// programs built against the old header pass these values.
#[test]
fn abi_of_wepoll_1x() {
    let pointer = size_of::<usize>() as u64;
    let expected: &[(&str, u64)] = &[
        ("sizeof(HANDLE)", pointer),
        ("sizeof(SOCKET)", pointer),
        ("sizeof(epoll_data_t)", 8),
        ("sizeof(struct epoll_event)", 16),
        ("offsetof(struct epoll_event, events)", 0),
        ("offsetof(struct epoll_event, data)", 8),
        ("EPOLLIN", 0x1),
        ("EPOLLPRI", 0x2),
        ("EPOLLOUT", 0x4),
        ("EPOLLERR", 0x8),
        ("EPOLLHUP", 0x10),
        ("EPOLLRDNORM", 0x40),
        ("EPOLLRDBAND", 0x80),
        ("EPOLLWRNORM", 0x100),
        ("EPOLLWRBAND", 0x200),
        ("EPOLLMSG", 0x400),
        ("EPOLLRDHUP", 0x2000),
        ("EPOLLONESHOT", 0x4000_0000),
        ("EPOLL_CTL_ADD", 1),
        ("EPOLL_CTL_MOD", 2),
        ("EPOLL_CTL_DEL", 3),
    ];
    for (name, value) in expected {
        assert_eq!(rust_value(name), *value, "{}", name);
    }
    // The version macro's encoding.
    assert_eq!(
        rust_value("WEPOLL_VERSION"),
        rust_value("WEPOLL_VERSION_MAJOR") * 10000
            + rust_value("WEPOLL_VERSION_MINOR") * 100
            + rust_value("WEPOLL_VERSION_PATCH")
    );
}

#[cfg(wepoll_sys_c_layout)]
mod c_header {
    use std::ffi::CStr;
    use std::os::raw::c_char;

    #[repr(C)]
    struct CValue {
        name: *const c_char,
        value: u64,
    }

    extern "C" {
        fn wepoll_sys_c_values(count: *mut usize) -> *const CValue;
    }

    fn c_values() -> Vec<(String, u64)> {
        let mut count = 0usize;
        let table = unsafe { wepoll_sys_c_values(&mut count) };
        assert!(!table.is_null() && count > 0);
        let table = unsafe { std::slice::from_raw_parts(table, count) };
        table
            .iter()
            .map(|entry| {
                let name = unsafe { CStr::from_ptr(entry.name) };
                (name.to_str().unwrap().to_string(), entry.value)
            })
            .collect()
    }

    #[test]
    fn layout_matches_c_header() {
        let c = c_values();
        let rust = super::rust_values();
        let mut mismatches = Vec::new();
        for (name, c_value) in &c {
            match rust.iter().find(|(n, _)| n == name) {
                Some((_, r)) if r == c_value => {}
                Some((_, r)) => {
                    mismatches.push(format!("{}: C {:#x}, Rust {:#x}", name, c_value, r))
                }
                None => mismatches.push(format!("{}: in C, missing in Rust", name)),
            }
        }
        for (name, _) in &rust {
            if !c.iter().any(|(n, _)| n == name) {
                mismatches.push(format!("{}: in Rust, missing in c/layout.c", name));
            }
        }
        assert!(mismatches.is_empty(), "layout differs from wepoll.h:\n{}", mismatches.join("\n"));
        println!("{} values agree with wepoll.h", c.len());
    }
}
