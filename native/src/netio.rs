//! Client connection I/O in the addon, on libuv poll handles, reported to JavaScript once per
//! event-loop turn (src/server/native-io.ts is the JavaScript side).
//!
//! With Node's streams every socket read is its own call from C++ into JavaScript (a MakeCallback,
//! with its handle and context scopes, ~2-4 us on this machine) and every write goes through a
//! WriteWrap object. Here each client socket has a libuv poll handle whose callback (plain native
//! code, in libuv's poll phase) reads it into one shared buffer and notes what happened in a list
//! of "records"; a check handle, which libuv runs right after the poll phase, then calls JavaScript
//! once for the whole list. Writes are plain write(2) calls. (A first version kept the sockets in
//! an epoll set of its own under one poll handle: that cost a second epoll_wait every turn.)
//!
//! Exports (main thread only; one set per process):
//!   ioStart(callback, inBuf: Uint8Array, records: Int32Array) -> bool
//!       callback(count) is called with `count` records of 4 words in `records`:
//!       [fd, kind, offset, length]: kind 0 data (inBuf[offset, offset+length)), 1 end of file,
//!       2 read error (length = errno), 3 writable again.
//!   ioAdopt(fd) -> fd | -errno: duplicates an accepted socket's descriptor (close-on-exec,
//!       non-blocking; the original is left to its owner to close) and watches the copy for reads.
//!   ioWatch(fd, reads, writes) -> 0 | -errno: what to report for `fd`: data (reads, on after
//!       ioAdopt) and room for output (writes).
//!   ioWrite(fd, buf, start, end) -> bytes written | -errno (-11: would block).
//!   ioClose(fd): stops watching an adopted descriptor and closes it.

use crate::napi::*;
use std::ffi::c_void;
use std::os::raw::{c_char, c_int};
use std::ptr;

use crate::lua::{napi_handle_scope as NapiHandleScope, napi_ref as NapiRef};
type NapiAsyncContext = *mut c_void;

extern "C" {
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
    fn close(fd: c_int) -> c_int;
    fn fcntl(fd: c_int, cmd: c_int, arg: c_int) -> c_int;
    fn __errno_location() -> *mut c_int;

    fn uv_handle_size(kind: c_int) -> usize;
    fn uv_poll_init(lp: *mut c_void, handle: *mut c_void, fd: c_int) -> c_int;
    fn uv_poll_start(handle: *mut c_void, events: c_int, cb: unsafe extern "C" fn(*mut c_void, c_int, c_int)) -> c_int;
    fn uv_poll_stop(handle: *mut c_void) -> c_int;
    fn uv_check_init(lp: *mut c_void, handle: *mut c_void) -> c_int;
    fn uv_check_start(handle: *mut c_void, cb: unsafe extern "C" fn(*mut c_void)) -> c_int;
    fn uv_unref(handle: *mut c_void);
    fn uv_close(handle: *mut c_void, cb: unsafe extern "C" fn(*mut c_void));

    fn napi_get_uv_event_loop(env: napi_env, lp: *mut *mut c_void) -> napi_status;
    fn napi_create_reference(env: napi_env, value: napi_value, count: u32, result: *mut NapiRef) -> napi_status;
    fn napi_get_reference_value(env: napi_env, r: NapiRef, result: *mut napi_value) -> napi_status;
    fn napi_open_handle_scope(env: napi_env, result: *mut NapiHandleScope) -> napi_status;
    fn napi_close_handle_scope(env: napi_env, scope: NapiHandleScope) -> napi_status;
    fn napi_async_init(env: napi_env, resource: napi_value, name: napi_value, result: *mut NapiAsyncContext) -> napi_status;
    fn napi_make_callback(
        env: napi_env,
        context: NapiAsyncContext,
        recv: napi_value,
        func: napi_value,
        argc: usize,
        argv: *const napi_value,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_create_object(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_create_string_utf8(env: napi_env, s: *const c_char, len: usize, result: *mut napi_value) -> napi_status;
    fn napi_create_int32(env: napi_env, value: i32, result: *mut napi_value) -> napi_status;
    fn napi_get_boolean(env: napi_env, value: bool, result: *mut napi_value) -> napi_status;
    fn napi_get_global(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_is_exception_pending(env: napi_env, result: *mut bool) -> napi_status;
    fn napi_get_and_clear_last_exception(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_fatal_exception(env: napi_env, err: napi_value) -> napi_status;
    fn napi_get_value_int32(env: napi_env, value: napi_value, result: *mut i32) -> napi_status;
}

const F_DUPFD_CLOEXEC: c_int = 1030;
const UV_CHECK: c_int = 2;
const UV_POLL: c_int = 8;
const UV_READABLE: c_int = 1;
const UV_WRITABLE: c_int = 2;
const UV_DISCONNECT: c_int = 4;
const EAGAIN: c_int = 11;
const EINTR: c_int = 4;

const KIND_DATA: i32 = 0;
const KIND_EOF: i32 = 1;
const KIND_ERROR: i32 = 2;
const KIND_WRITABLE: i32 = 3;

/// One read takes at most this much, and none starts with less room than this left in inBuf.
const READ_CHUNK: usize = 64 * 1024;

struct Io {
    env: napi_env,
    lp: *mut c_void,
    callback: NapiRef,
    context: NapiAsyncContext,
    in_ptr: *mut u8,
    in_len: usize,
    rec_ptr: *mut i32,
    rec_len: usize,
    /// Records and inBuf bytes gathered in this turn's poll phase, handed over by the check handle.
    count: usize,
    used: usize,
    /// Poll handle of each adopted descriptor (null when none); a handle's `data` holds its fd.
    polls: Vec<*mut c_void>,
}

/// The process's one I/O set, created by ioStart on the main thread and used only there.
static mut IO: *mut Io = ptr::null_mut();

unsafe fn errno() -> c_int {
    *__errno_location()
}

unsafe fn int_result(env: napi_env, value: i32) -> napi_value {
    let mut result: napi_value = ptr::null_mut();
    napi_create_int32(env, value, &mut result);
    result
}

unsafe fn int_arg(env: napi_env, value: napi_value) -> Option<i32> {
    let mut n: i32 = 0;
    if napi_get_value_int32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n)
}

unsafe fn record(io: &mut Io, fd: i32, kind: i32, offset: usize, length: i32) {
    let rec = io.rec_ptr.add(io.count * 4);
    *rec = fd;
    *rec.add(1) = kind;
    *rec.add(2) = offset as i32;
    *rec.add(3) = length;
    io.count += 1;
}

/// A client socket's poll callback (libuv's poll phase): reads what arrived into inBuf, or notes
/// that the socket can take output again.
unsafe extern "C" fn on_poll(handle: *mut c_void, status: c_int, events: c_int) {
    let io = &mut *IO;
    let fd = *(handle as *mut usize) as i32; // uv_handle_t's first field, `data`
    if io.count + 2 > io.rec_len / 4 {
        return; // the record list is full for this turn: level-triggered, so it fires again
    }
    if status == 0 && events & UV_WRITABLE != 0 {
        record(io, fd, KIND_WRITABLE, 0, 0);
    }
    if status == 0 && events & (UV_READABLE | UV_DISCONNECT) == 0 {
        return;
    }
    if io.in_len - io.used < READ_CHUNK {
        return; // inBuf is full for this turn
    }
    let n = read(fd, io.in_ptr.add(io.used) as *mut c_void, READ_CHUNK);
    if n > 0 {
        let at = io.used;
        io.used += n as usize;
        record(io, fd, KIND_DATA, at, n as i32);
    } else if n == 0 {
        record(io, fd, KIND_EOF, 0, 0);
    } else {
        let e = errno();
        if e != EAGAIN && e != EINTR {
            record(io, fd, KIND_ERROR, 0, e);
        }
    }
}

/// The check handle (right after libuv's poll phase): hands this turn's records to JavaScript.
unsafe extern "C" fn on_check(_handle: *mut c_void) {
    let io = &mut *IO;
    let count = io.count;
    if count == 0 {
        return;
    }
    io.count = 0;
    io.used = 0;
    let env = io.env;
    let mut scope: NapiHandleScope = ptr::null_mut();
    if napi_open_handle_scope(env, &mut scope) != NAPI_OK {
        return;
    }
    let mut callback: napi_value = ptr::null_mut();
    let mut recv: napi_value = ptr::null_mut();
    napi_get_reference_value(env, io.callback, &mut callback);
    napi_get_global(env, &mut recv); // MakeCallback needs an object as `this`
    let arg = int_result(env, count as i32);
    let mut result: napi_value = ptr::null_mut();
    napi_make_callback(env, io.context, recv, callback, 1, &arg, &mut result);
    let mut pending = false;
    napi_is_exception_pending(env, &mut pending);
    if pending {
        let mut error: napi_value = ptr::null_mut();
        napi_get_and_clear_last_exception(env, &mut error);
        napi_fatal_exception(env, error);
    }
    napi_close_handle_scope(env, scope);
}

unsafe extern "C" fn free_handle(handle: *mut c_void) {
    let words = uv_handle_size(UV_POLL).div_ceil(8);
    drop(Box::from_raw(std::slice::from_raw_parts_mut(handle as *mut u64, words) as *mut [u64]));
}

fn new_handle(kind: c_int) -> *mut c_void {
    // libuv handles are pointer-aligned: allocate them as u64 words.
    let words = unsafe { uv_handle_size(kind) }.div_ceil(8);
    Box::into_raw(vec![0u64; words].into_boxed_slice()) as *mut c_void
}

unsafe extern "C" fn io_start(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut no: napi_value = ptr::null_mut();
    napi_get_boolean(env, false, &mut no);
    let Some(argv) = call_args::<3>(env, info) else {
        return crate::throw(env, false, b"ioStart(callback, inBuf, records): 3 arguments expected\0");
    };
    if !IO.is_null() {
        return no;
    }
    let Some((in_data, in_len)) = crate::typed_array(env, argv[1], NAPI_UINT8_ARRAY) else {
        return crate::throw(env, false, b"ioStart: inBuf must be a Uint8Array\0");
    };
    let Some((rec_data, rec_len)) = crate::typed_array(env, argv[2], NAPI_INT32_ARRAY) else {
        return crate::throw(env, false, b"ioStart: records must be an Int32Array\0");
    };
    if in_len < READ_CHUNK || rec_len < 8 {
        return crate::throw(env, true, b"ioStart: inBuf needs 64 KiB and records 8 words at least\0");
    }
    let mut lp: *mut c_void = ptr::null_mut();
    if napi_get_uv_event_loop(env, &mut lp) != NAPI_OK || lp.is_null() {
        return no;
    }
    let mut callback: NapiRef = ptr::null_mut();
    let mut in_ref: NapiRef = ptr::null_mut();
    let mut rec_ref: NapiRef = ptr::null_mut();
    let mut resource: napi_value = ptr::null_mut();
    let mut name: napi_value = ptr::null_mut();
    let mut context: NapiAsyncContext = ptr::null_mut();
    let label = b"TesseraIo";
    if napi_create_reference(env, argv[0], 1, &mut callback) != NAPI_OK
        // inBuf and records are kept alive for as long as the process: native code writes into them.
        || napi_create_reference(env, argv[1], 1, &mut in_ref) != NAPI_OK
        || napi_create_reference(env, argv[2], 1, &mut rec_ref) != NAPI_OK
        || napi_create_object(env, &mut resource) != NAPI_OK
        || napi_create_string_utf8(env, label.as_ptr() as *const c_char, label.len(), &mut name) != NAPI_OK
        || napi_async_init(env, resource, name, &mut context) != NAPI_OK
    {
        return no;
    }
    let check = new_handle(UV_CHECK);
    if uv_check_init(lp, check) != 0 || uv_check_start(check, on_check) != 0 {
        return no;
    }
    uv_unref(check); // it must not keep the process alive by itself
    IO = Box::into_raw(Box::new(Io {
        env,
        lp,
        callback,
        context,
        in_ptr: in_data as *mut u8,
        in_len,
        rec_ptr: rec_data as *mut i32,
        rec_len,
        count: 0,
        used: 0,
        polls: Vec::new(),
    }));
    let mut yes: napi_value = ptr::null_mut();
    napi_get_boolean(env, true, &mut yes);
    yes
}

/// The poll handle of adopted descriptor `fd`, or null.
unsafe fn poll_of(fd: i32) -> *mut c_void {
    let polls = &(*IO).polls;
    if fd >= 0 && (fd as usize) < polls.len() {
        polls[fd as usize]
    } else {
        ptr::null_mut()
    }
}

unsafe extern "C" fn io_adopt(env: napi_env, info: napi_callback_info) -> napi_value {
    let fd = match call_args::<1>(env, info).and_then(|a| int_arg(env, a[0])) {
        Some(fd) if fd >= 0 && !IO.is_null() => fd,
        _ => return crate::throw(env, false, b"ioAdopt(fd): a descriptor expected, after ioStart\0"),
    };
    let own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if own < 0 {
        return int_result(env, -errno());
    }
    let io = &mut *IO;
    let handle = new_handle(UV_POLL);
    // uv_poll_init makes the descriptor non-blocking.
    let status = uv_poll_init(io.lp, handle, own);
    if status != 0 {
        free_handle(handle);
        close(own);
        return int_result(env, status);
    }
    *(handle as *mut usize) = own as usize; // `data`: on_poll's way back to the descriptor
    let status = uv_poll_start(handle, UV_READABLE | UV_DISCONNECT, on_poll);
    if status != 0 {
        uv_close(handle, free_handle);
        close(own);
        return int_result(env, status);
    }
    let at = own as usize;
    if io.polls.len() <= at {
        io.polls.resize(at + 1, ptr::null_mut());
    }
    io.polls[at] = handle;
    int_result(env, own)
}

unsafe extern "C" fn io_watch(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(argv) = call_args::<3>(env, info) else {
        return crate::throw(env, false, b"ioWatch(fd, reads, writes): 3 arguments expected\0");
    };
    let (Some(fd), Some(reads), Some(writes)) = (int_arg(env, argv[0]), int_arg(env, argv[1]), int_arg(env, argv[2])) else {
        return crate::throw(env, false, b"ioWatch: fd, reads and writes must be numbers\0");
    };
    let handle = if IO.is_null() { ptr::null_mut() } else { poll_of(fd) };
    if handle.is_null() {
        return int_result(env, -9); // EBADF
    }
    let events = if reads != 0 { UV_READABLE | UV_DISCONNECT } else { 0 } | if writes != 0 { UV_WRITABLE } else { 0 };
    int_result(env, if events == 0 { uv_poll_stop(handle) } else { uv_poll_start(handle, events, on_poll) })
}

unsafe extern "C" fn io_write(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(argv) = call_args::<4>(env, info) else {
        return crate::throw(env, false, b"ioWrite(fd, buf, start, end): 4 arguments expected\0");
    };
    let Some((data, len)) = crate::typed_array(env, argv[1], NAPI_UINT8_ARRAY) else {
        return crate::throw(env, false, b"ioWrite: buf must be a Uint8Array\0");
    };
    let (Some(fd), Some(start), Some(end)) = (int_arg(env, argv[0]), int_arg(env, argv[2]), int_arg(env, argv[3])) else {
        return crate::throw(env, false, b"ioWrite: fd, start and end must be numbers\0");
    };
    if start < 0 || end < start || end as usize > len {
        return crate::throw(env, true, b"ioWrite: need 0 <= start <= end <= buf.length\0");
    }
    loop {
        let n = write(fd, (data as *const u8).add(start as usize) as *const c_void, (end - start) as usize);
        if n >= 0 {
            return int_result(env, n as i32);
        }
        let e = errno();
        if e != EINTR {
            return int_result(env, -e);
        }
    }
}

unsafe extern "C" fn io_close(env: napi_env, info: napi_callback_info) -> napi_value {
    if let Some(fd) = call_args::<1>(env, info).and_then(|a| int_arg(env, a[0])) {
        let handle = if IO.is_null() { ptr::null_mut() } else { poll_of(fd) };
        if !handle.is_null() {
            // uv_close takes the descriptor out of libuv's epoll set at once, so closing it next
            // is safe even if the number is reused before the handle's memory is freed.
            let io = &mut *IO;
            io.polls[fd as usize] = ptr::null_mut();
            uv_close(handle, free_handle);
            close(fd);
        }
    }
    ptr::null_mut()
}

pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    export_functions(
        env,
        exports,
        &[
            (b"ioStart\0", io_start),
            (b"ioAdopt\0", io_adopt),
            (b"ioWatch\0", io_watch),
            (b"ioWrite\0", io_write),
            (b"ioClose\0", io_close),
        ],
    )
}
