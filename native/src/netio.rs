//! Client connection I/O on the addon's own epoll set, reported to JavaScript once per event-loop
//! turn (src/server/native-io.ts is the JavaScript side).
//!
//! With Node's streams every socket read is its own call from C++ into JavaScript (a MakeCallback,
//! with its handle and context scopes, ~2-4 us on this machine) and every write goes through a
//! WriteWrap object. Here one libuv poll handle watches an epoll descriptor that holds every client
//! socket; when it fires, the ready sockets are read into one shared buffer and JavaScript is called
//! once with the list of what happened ("records"). Writes are plain write(2) calls.
//!
//! Exports (main thread only; one set per process):
//!   ioStart(callback, inBuf: Uint8Array, records: Int32Array) -> bool
//!       callback(count) is called with `count` records of 4 words in `records`:
//!       [fd, kind, offset, length]: kind 0 data (inBuf[offset, offset+length)), 1 end of file,
//!       2 read error (length = errno), 3 writable again.
//!   ioAdopt(fd) -> fd | -errno: duplicates an accepted socket's descriptor (close-on-exec, the
//!       original is left to its owner to close) and watches the copy for reads.
//!   ioWatchWrites(fd, on) -> 0 | -errno: also report when `fd` can take more output.
//!   ioWrite(fd, buf, start, end) -> bytes written | -errno (-11: would block).
//!   ioClose(fd): closes a descriptor (which leaves the epoll set with it).

use crate::napi::*;
use std::ffi::c_void;
use std::os::raw::{c_char, c_int};
use std::ptr;

#[repr(C, packed)]
#[derive(Clone, Copy)]
struct EpollEvent {
    events: u32,
    data: u64,
}

type NapiRef = *mut c_void;
type NapiAsyncContext = *mut c_void;
type NapiHandleScope = *mut c_void;

extern "C" {
    fn epoll_create1(flags: c_int) -> c_int;
    fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut EpollEvent) -> c_int;
    fn epoll_wait(epfd: c_int, events: *mut EpollEvent, maxevents: c_int, timeout: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
    fn close(fd: c_int) -> c_int;
    fn fcntl(fd: c_int, cmd: c_int, arg: c_int) -> c_int;
    fn __errno_location() -> *mut c_int;

    fn uv_handle_size(kind: c_int) -> usize;
    fn uv_poll_init(lp: *mut c_void, handle: *mut c_void, fd: c_int) -> c_int;
    fn uv_poll_start(handle: *mut c_void, events: c_int, cb: unsafe extern "C" fn(*mut c_void, c_int, c_int)) -> c_int;

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

const EPOLL_CLOEXEC: c_int = 0o2000000;
const EPOLL_CTL_ADD: c_int = 1;
const EPOLL_CTL_MOD: c_int = 3;
const EPOLLIN: u32 = 0x001;
const EPOLLOUT: u32 = 0x004;
const EPOLLERR: u32 = 0x008;
const EPOLLHUP: u32 = 0x010;
const EPOLLRDHUP: u32 = 0x2000;
const F_DUPFD_CLOEXEC: c_int = 1030;
const UV_POLL: c_int = 8;
const UV_READABLE: c_int = 1;
const EAGAIN: c_int = 11;
const EINTR: c_int = 4;

const KIND_DATA: i32 = 0;
const KIND_EOF: i32 = 1;
const KIND_ERROR: i32 = 2;
const KIND_WRITABLE: i32 = 3;

/// Events taken from the epoll set per turn; more stay ready for the next turn (level-triggered).
const MAX_EVENTS: usize = 256;
/// One read takes at most this much, and none starts with less room than this left in inBuf.
const READ_CHUNK: usize = 64 * 1024;

struct Io {
    env: napi_env,
    epfd: c_int,
    callback: NapiRef,
    context: NapiAsyncContext,
    in_ptr: *mut u8,
    in_len: usize,
    rec_ptr: *mut i32,
    rec_len: usize,
    events: [EpollEvent; MAX_EVENTS],
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

unsafe fn args<const N: usize>(env: napi_env, info: napi_callback_info) -> Option<[napi_value; N]> {
    let mut argc: usize = N;
    let mut argv: [napi_value; N] = [ptr::null_mut(); N];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < N {
        return None;
    }
    Some(argv)
}

unsafe fn int_arg(env: napi_env, value: napi_value) -> Option<i32> {
    let mut n: i32 = 0;
    if napi_get_value_int32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n)
}

/// libuv's poll callback for the epoll descriptor: reads what is ready and calls JavaScript once.
unsafe extern "C" fn on_ready(_handle: *mut c_void, _status: c_int, _events: c_int) {
    let io = &mut *IO;
    let ready = epoll_wait(io.epfd, io.events.as_mut_ptr(), MAX_EVENTS as c_int, 0);
    if ready <= 0 {
        return;
    }
    let max_records = io.rec_len / 4;
    let mut count = 0usize;
    let mut used = 0usize;
    for i in 0..ready as usize {
        if count + 2 > max_records {
            break;
        }
        let event = io.events[i];
        let fd = event.data as i32;
        let flags = event.events;
        let rec = io.rec_ptr.add(count * 4);
        if flags & EPOLLOUT != 0 {
            *rec = fd;
            *rec.add(1) = KIND_WRITABLE;
            *rec.add(2) = 0;
            *rec.add(3) = 0;
            count += 1;
        }
        if flags & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP) == 0 {
            continue;
        }
        let room = io.in_len - used;
        if room < READ_CHUNK {
            continue; // inBuf is full for this turn: the socket stays ready for the next one
        }
        let n = read(fd, io.in_ptr.add(used) as *mut c_void, READ_CHUNK);
        let rec = io.rec_ptr.add(count * 4);
        if n > 0 {
            *rec = fd;
            *rec.add(1) = KIND_DATA;
            *rec.add(2) = used as i32;
            *rec.add(3) = n as i32;
            used += n as usize;
            count += 1;
        } else if n == 0 {
            *rec = fd;
            *rec.add(1) = KIND_EOF;
            *rec.add(2) = 0;
            *rec.add(3) = 0;
            count += 1;
        } else {
            let e = errno();
            if e != EAGAIN && e != EINTR {
                *rec = fd;
                *rec.add(1) = KIND_ERROR;
                *rec.add(2) = 0;
                *rec.add(3) = e;
                count += 1;
            }
        }
    }
    if count == 0 {
        return;
    }
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

unsafe extern "C" fn io_start(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut no: napi_value = ptr::null_mut();
    napi_get_boolean(env, false, &mut no);
    let Some(argv) = args::<3>(env, info) else {
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
    let epfd = epoll_create1(EPOLL_CLOEXEC);
    if epfd < 0 {
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
        close(epfd);
        return no;
    }
    let handle = Box::into_raw(vec![0u8; uv_handle_size(UV_POLL)].into_boxed_slice()) as *mut c_void;
    if uv_poll_init(lp, handle, epfd) != 0 || uv_poll_start(handle, UV_READABLE, on_ready) != 0 {
        close(epfd);
        return no;
    }
    IO = Box::into_raw(Box::new(Io {
        env,
        epfd,
        callback,
        context,
        in_ptr: in_data as *mut u8,
        in_len,
        rec_ptr: rec_data as *mut i32,
        rec_len,
        events: [EpollEvent { events: 0, data: 0 }; MAX_EVENTS],
    }));
    let mut yes: napi_value = ptr::null_mut();
    napi_get_boolean(env, true, &mut yes);
    yes
}

unsafe fn watch(fd: c_int, op: c_int, writes: bool) -> i32 {
    let mut event = EpollEvent {
        events: EPOLLIN | EPOLLRDHUP | if writes { EPOLLOUT } else { 0 },
        data: fd as u64,
    };
    if epoll_ctl((*IO).epfd, op, fd, &mut event) < 0 {
        return -errno();
    }
    0
}

unsafe extern "C" fn io_adopt(env: napi_env, info: napi_callback_info) -> napi_value {
    let fd = match args::<1>(env, info).and_then(|a| int_arg(env, a[0])) {
        Some(fd) if fd >= 0 && !IO.is_null() => fd,
        _ => return crate::throw(env, false, b"ioAdopt(fd): a descriptor expected, after ioStart\0"),
    };
    let own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if own < 0 {
        return int_result(env, -errno());
    }
    let status = watch(own, EPOLL_CTL_ADD, false);
    if status < 0 {
        close(own);
        return int_result(env, status);
    }
    int_result(env, own)
}

unsafe extern "C" fn io_watch_writes(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(argv) = args::<2>(env, info) else {
        return crate::throw(env, false, b"ioWatchWrites(fd, on): 2 arguments expected\0");
    };
    let (Some(fd), Some(on)) = (int_arg(env, argv[0]), int_arg(env, argv[1])) else {
        return crate::throw(env, false, b"ioWatchWrites: fd and on must be numbers\0");
    };
    if IO.is_null() {
        return int_result(env, -9);
    }
    int_result(env, watch(fd, EPOLL_CTL_MOD, on != 0))
}

unsafe extern "C" fn io_write(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(argv) = args::<4>(env, info) else {
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
    if let Some(fd) = args::<1>(env, info).and_then(|a| int_arg(env, a[0])) {
        if fd >= 0 {
            close(fd);
        }
    }
    ptr::null_mut()
}

pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    let functions: [(&[u8], unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value); 5] = [
        (b"ioStart\0", io_start),
        (b"ioAdopt\0", io_adopt),
        (b"ioWatchWrites\0", io_watch_writes),
        (b"ioWrite\0", io_write),
        (b"ioClose\0", io_close),
    ];
    for (name, callback) in functions {
        let mut function: napi_value = ptr::null_mut();
        if napi_create_function(env, name.as_ptr() as *const c_char, name.len() - 1, Some(callback), ptr::null_mut(), &mut function) != NAPI_OK
            || napi_set_named_property(env, exports, name.as_ptr() as *const c_char, function) != NAPI_OK
        {
            return false;
        }
    }
    true
}
