//! Build script of wepoll-sys.
//!
//! Environment read here (all optional):
//!
//! * `WEPOLL_LIB_DIR`: a folder holding the import library
//!   (`libwepoll.dll.a` for GNU targets, `wepoll.lib` for MSVC), or the static
//!   library when `WEPOLL_STATIC` is set.  Without it the linker's default
//!   search path is used (e.g. `/ucrt64/lib` in an MSYS2 shell).
//! * `WEPOLL_STATIC=1`: link the static library (`libwepoll.a`) and its
//!   system libraries instead of importing from `wepoll.dll`.
//! * `WEPOLL_INCLUDE_DIR`: the folder holding `wepoll.h`.  When set, the
//!   crate's integration tests also compare every constant and the struct
//!   layout with what the C compiler computes from the header (the compiler is
//!   `$CC_<target>`, `$TARGET_CC`, or the MinGW-w64 cross gcc for the target).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    for var in ["WEPOLL_LIB_DIR", "WEPOLL_STATIC", "WEPOLL_INCLUDE_DIR", "TARGET_CC"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=c/layout.c");

    let target = env::var("TARGET").expect("cargo sets TARGET");
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os != "windows" {
        // Types and constants still build (useful for cross-platform code),
        // but there is nothing to link against.
        return;
    }

    if env::var_os("CARGO_FEATURE_LINK").is_some() {
        emit_link_flags();
    }

    if let Some(include_dir) = env::var_os("WEPOLL_INCLUDE_DIR") {
        compile_layout_helper(&target, Path::new(&include_dir));
    }
}

fn emit_link_flags() {
    if let Some(dir) = env::var_os("WEPOLL_LIB_DIR") {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            panic!("WEPOLL_LIB_DIR={} is not a directory", dir.display());
        }
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
    let wants_static =
        matches!(env::var("WEPOLL_STATIC").as_deref(), Ok("1") | Ok("yes") | Ok("true"));
    if wants_static {
        println!("cargo:rustc-link-lib=static=wepoll");
        println!("cargo:rustc-link-lib=dylib=ws2_32");
    } else {
        println!("cargo:rustc-link-lib=dylib=wepoll");
    }
}

/// The C compiler for `target`, by the usual conventions of build scripts.
fn target_c_compiler(target: &str) -> (String, bool) {
    let msvc = target.ends_with("-msvc");
    let per_target = format!("CC_{}", target.replace('-', "_"));
    println!("cargo:rerun-if-env-changed={}", per_target);
    if let Ok(cc) = env::var(&per_target).or_else(|_| env::var("TARGET_CC")) {
        return (cc, msvc);
    }
    if msvc {
        return ("cl".to_string(), true);
    }
    let host = env::var("HOST").unwrap_or_default();
    if host == target || host.contains("windows") {
        return ("gcc".to_string(), false);
    }
    let arch = target.split('-').next().unwrap_or("x86_64");
    let arch = if arch == "i586" { "i686" } else { arch };
    (format!("{}-w64-mingw32-gcc", arch), false)
}

/// Compiles c/layout.c (sizes, offsets and constants as the C compiler sees
/// them in wepoll.h) to an object linked only into the integration tests.
fn compile_layout_helper(target: &str, include_dir: &Path) {
    let header = include_dir.join("wepoll.h");
    if !header.is_file() {
        panic!("WEPOLL_INCLUDE_DIR: {} not found", header.display());
    }
    println!("cargo:rerun-if-changed={}", header.display());

    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let source = manifest.join("c").join("layout.c");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let (cc, msvc) = target_c_compiler(target);
    let object = out_dir.join(if msvc { "wepoll_sys_layout.obj" } else { "wepoll_sys_layout.o" });

    let mut cmd = Command::new(&cc);
    if msvc {
        cmd.arg("/nologo").arg("/c").arg("/W4").arg("/WX");
        cmd.arg(format!("/I{}", include_dir.display()));
        cmd.arg(format!("/Fo{}", object.display()));
    } else {
        cmd.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-c"]);
        cmd.arg("-I").arg(include_dir);
        cmd.arg("-o").arg(&object);
    }
    cmd.arg(&source);
    let status =
        cmd.status().unwrap_or_else(|e| panic!("cannot run the C compiler `{}`: {}", cc, e));
    if !status.success() {
        panic!("`{}` failed to compile {}", cc, source.display());
    }
    println!("cargo:rustc-link-arg-tests={}", object.display());
    println!("cargo:rustc-cfg=wepoll_sys_c_layout");
}
