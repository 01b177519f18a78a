//! acceptNow(listenFd) -> fd | -1: accepts one pending connection without the event loop.
//!
//! A Lua script running past busy-reply-threshold keeps the main thread (and so the event loop)
//! busy; Redis still accepts connections then (processEventsWhileBlocked), so that a new client can
//! send SCRIPT KILL. The server calls this on its listening descriptors during the busy ticks
//! (src/server/server.ts serveWhileScriptBusy) and wraps the new descriptor in a net.Socket.
//! The descriptor is non-blocking and close-on-exec, as libuv's own accepted sockets are; -1 means
//! nothing is pending (EAGAIN) or the accept failed.

use crate::napi::*;
use std::os::raw::{c_int, c_void};
use std::ptr;

extern "C" {
    fn accept4(sockfd: c_int, addr: *mut c_void, addrlen: *mut u32, flags: c_int) -> c_int;
    fn napi_create_int32(env: napi_env, value: i32, result: *mut napi_value) -> napi_status;
}

/// Linux's SOCK_NONBLOCK and SOCK_CLOEXEC.
const SOCK_NONBLOCK: c_int = 0o4000;
const SOCK_CLOEXEC: c_int = 0o2000000;

unsafe extern "C" fn accept_now(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut argc: usize = 1;
    let mut argv: [napi_value; 1] = [ptr::null_mut(); 1];
    let mut fd: u32 = 0;
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK
        || argc < 1
        || napi_get_value_uint32(env, argv[0], &mut fd) != NAPI_OK
    {
        return crate::throw(env, false, b"acceptNow(listenFd): a descriptor expected\0");
    }
    let accepted = accept4(fd as c_int, ptr::null_mut(), ptr::null_mut(), SOCK_NONBLOCK | SOCK_CLOEXEC);
    let mut result: napi_value = ptr::null_mut();
    napi_create_int32(env, if accepted < 0 { -1 } else { accepted }, &mut result);
    result
}

pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    export_functions(env, exports, &[(b"acceptNow\0", accept_now)])
}
