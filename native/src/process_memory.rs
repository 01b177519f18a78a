//! The process's resident memory outside the V8 heap: glibc malloc and clean file-backed pages.
//!
//!   mallocOption(param, value) -> number: glibc's mallopt (1 on success, 0 on failure; 0 where the
//!     C library is not glibc).
//!   mallocTrim() -> boolean: glibc's malloc_trim(0): gives the free pages of every malloc arena back
//!     to the kernel (the top of the main heap with brk, free pages inside all heaps with
//!     madvise(MADV_DONTNEED)); true when some memory was released.
//!   releaseFilePages() -> number: drops from this process's page tables the pages of file-backed,
//!     private, non-writable mappings (node's code and read-only data, shared libraries) that hold no
//!     private copy (smaps `Anonymous: 0 kB`), with madvise(MADV_DONTNEED); answers the bytes that
//!     were resident in them. Such pages are clean copies of the file: the kernel keeps them in its
//!     page cache and maps them back on the next access (a minor fault), so nothing is lost and what
//!     the process still uses comes back by itself. Mappings with private copies (relocated
//!     read-only data, writable data) are never touched.
//!
//! src/native/process-memory.ts says when the server calls these and why (bench/README.md has the
//! measurements).

use crate::napi::*;
use std::os::raw::{c_int, c_void};
use std::ptr;

extern "C" {
    fn napi_create_int32(env: napi_env, value: i32, result: *mut napi_value) -> napi_status;
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    fn napi_get_boolean(env: napi_env, value: bool, result: *mut napi_value) -> napi_status;
    fn napi_get_value_int32(env: napi_env, value: napi_value, result: *mut i32) -> napi_status;
    fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" {
    fn mallopt(param: c_int, value: c_int) -> c_int;
    fn malloc_trim(pad: usize) -> c_int;
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
unsafe fn mallopt(_param: c_int, _value: c_int) -> c_int {
    0
}
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
unsafe fn malloc_trim(_pad: usize) -> c_int {
    0
}

const MADV_DONTNEED: c_int = 4;

unsafe extern "C" fn malloc_option_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut argc: usize = 2;
    let mut argv: [napi_value; 2] = [ptr::null_mut(); 2];
    let mut param: i32 = 0;
    let mut value: i32 = 0;
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK
        || argc < 2
        || napi_get_value_int32(env, argv[0], &mut param) != NAPI_OK
        || napi_get_value_int32(env, argv[1], &mut value) != NAPI_OK
    {
        return crate::throw(env, false, b"mallocOption(param, value): two integers expected\0");
    }
    let mut result: napi_value = ptr::null_mut();
    napi_create_int32(env, mallopt(param, value), &mut result);
    result
}

unsafe extern "C" fn malloc_trim_cb(env: napi_env, _info: napi_callback_info) -> napi_value {
    let mut result: napi_value = ptr::null_mut();
    napi_get_boolean(env, malloc_trim(0) != 0, &mut result);
    result
}

/// A mapping of /proc/self/smaps that may be dropped: [start, end) and its resident bytes.
struct Droppable {
    start: usize,
    end: usize,
    rss: usize,
}

/// The value in kB of an smaps field line `Name:   123 kB`.
fn kb(line: &str) -> usize {
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Parses smaps text into the mappings releaseFilePages may drop: a path-named file (not
/// `[vdso]` and the like), private, not writable, and `Anonymous: 0 kB` (no page was ever copied
/// on write, so every resident page equals the file). A mapping whose fields are not all read is
/// left alone.
fn droppable(smaps: &str) -> Vec<Droppable> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, bool)> = None; // start, end, candidate
    let mut rss: Option<usize> = None;
    let mut anonymous: Option<usize> = None;
    let flush = |current: &Option<(usize, usize, bool)>, rss: Option<usize>, anonymous: Option<usize>, out: &mut Vec<Droppable>| {
        if let (Some((start, end, true)), Some(rss), Some(0)) = (*current, rss, anonymous) {
            if rss > 0 {
                out.push(Droppable { start, end, rss: rss * 1024 });
            }
        }
    };
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if !first.ends_with(':') && first.contains('-') {
            flush(&current, rss, anonymous, &mut out);
            rss = None;
            anonymous = None;
            let perms = fields.next().unwrap_or("");
            let path = fields.nth(3).unwrap_or("");
            let mut range = first.split('-');
            let start = range.next().and_then(|a| usize::from_str_radix(a, 16).ok());
            let end = range.next().and_then(|b| usize::from_str_radix(b, 16).ok());
            let p = perms.as_bytes();
            let candidate = p.len() == 4 && p[1] != b'w' && p[3] == b'p' && path.starts_with('/');
            current = match (start, end) {
                (Some(s), Some(e)) if e > s => Some((s, e, candidate)),
                _ => None,
            };
        } else if first == "Rss:" {
            rss = Some(kb(line));
        } else if first == "Anonymous:" {
            anonymous = Some(kb(line));
        }
    }
    flush(&current, rss, anonymous, &mut out);
    out
}

unsafe extern "C" fn release_file_pages_cb(env: napi_env, _info: napi_callback_info) -> napi_value {
    let mut released: usize = 0;
    if cfg!(target_os = "linux") {
        if let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") {
            for m in droppable(&smaps) {
                if madvise(m.start as *mut c_void, m.end - m.start, MADV_DONTNEED) == 0 {
                    released += m.rss;
                }
            }
        }
    }
    let mut result: napi_value = ptr::null_mut();
    napi_create_double(env, released as f64, &mut result);
    result
}

pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    let functions: [(&[u8], Callback); 3] = [
        (b"mallocOption\0", malloc_option_cb),
        (b"mallocTrim\0", malloc_trim_cb),
        (b"releaseFilePages\0", release_file_pages_cb),
    ];
    export_functions(env, exports, &functions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_clean_private_read_only_files() {
        let smaps = "\
00400000-00b6f000 r--p 00000000 08:01 123 /usr/bin/node
Size:               7612 kB
Rss:                6000 kB
Anonymous:             0 kB
00b72000-02600000 r-xp 00772000 08:01 123 /usr/bin/node
Size:              27000 kB
Rss:               20000 kB
Anonymous:             0 kB
0563a000-0563b000 r--p 0523a000 08:01 123 /usr/bin/node
Rss:                   4 kB
Anonymous:             4 kB
0563b000-0565f000 rw-p 0523b000 08:01 123 /usr/bin/node
Rss:                 100 kB
Anonymous:            80 kB
7f0000000000-7f0000100000 rw-p 00000000 00:00 0
Rss:                1024 kB
Anonymous:          1024 kB
7f0000200000-7f0000300000 r--s 00000000 08:01 9 /some/shared
Rss:                 100 kB
Anonymous:             0 kB
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
Rss:                   8 kB
Anonymous:             0 kB
7f0000400000-7f0000401000 r--p 00000000 08:01 10 /lib/untouched.so
Rss:                   0 kB
Anonymous:             0 kB
7f0000500000-7f0000600000 r-xp 00000000 08:01 11 /lib/half-read.so
Rss:                  12 kB
";
        let d = droppable(smaps);
        let got: Vec<(usize, usize, usize)> = d.iter().map(|m| (m.start, m.end, m.rss)).collect();
        assert_eq!(got, vec![(0x400000, 0xb6f000, 6000 * 1024), (0xb72000, 0x2600000, 20000 * 1024)]);
    }
}
