//! Tessera's native addon: a Node-API module with no external crates (see napi.rs). Every export
//! has a TypeScript twin (src/native/loader.ts explains the fallback), and is kept only while its
//! benchmark beats that twin (bench/README.md).
//!
//! Exports:
//!   parse(buf: Uint8Array, start, end, out: Uint32Array, maxBulk): RESP request parser (resp.rs).
//!   hllAdd, hllCount, hllCountRaw, hllMerge, hllSetRegisters: HyperLogLog register work (hll.rs).
//!   lua*: Lua 5.1 scripting for EVAL, Lua loaded at run time (lua/mod.rs).
//!   moveBytes(u8, dst, src, n): memmove inside the shard arena (memory.rs).
//!   acceptNow(listenFd): accepts a connection while a busy script holds the event loop (accept.rs).
//!   crc64(state, data, start, end): Redis's CRC-64 for DUMP payloads and RDB files (crc64.rs).
//!   lzfCompress, lzfDecompress: Redis's LZF for RDB strings (lzf.rs).
//!   mallocOption, mallocTrim, releaseFilePages: the process's memory outside V8 (process_memory.rs).
//!   ioStart, ioAdopt, ioWatch, ioWrite, ioClose: client sockets on the addon's epoll set (netio.rs).

mod accept;
pub mod crc64;
pub mod hll;
pub mod lua;
pub mod lzf;
mod memory;
mod napi;
mod process_memory;
mod netio;
pub mod resp;

use napi::*;
use std::ffi::c_void;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// Throws a JS TypeError (`range` false) or RangeError with a static, NUL-terminated message.
unsafe fn throw(env: napi_env, range: bool, msg: &'static [u8]) -> napi_value {
    let text = msg.as_ptr() as *const c_char;
    if range {
        napi_throw_range_error(env, ptr::null(), text);
    } else {
        napi_throw_type_error(env, ptr::null(), text);
    }
    ptr::null_mut()
}

/// The bytes of a typed array of `kind`, or None when the value is not one.
unsafe fn typed_array(env: napi_env, value: napi_value, kind: i32) -> Option<(*mut c_void, usize)> {
    let mut actual: i32 = -1;
    let mut length: usize = 0;
    let mut data: *mut c_void = ptr::null_mut();
    let status = napi_get_typedarray_info(
        env,
        value,
        &mut actual,
        &mut length,
        &mut data,
        ptr::null_mut(),
        ptr::null_mut(),
    );
    if status != NAPI_OK || actual != kind {
        return None;
    }
    Some((data, length))
}

/// parse(buf, start, end, out, maxBulk): see resp::parse_requests. Writes `out` (and may unquote
/// inline arguments in `buf`); returns undefined.
unsafe extern "C" fn parse_callback(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut argc: usize = 5;
    let mut argv: [napi_value; 5] = [ptr::null_mut(); 5];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < 5 {
        return throw(env, false, b"parse(buf, start, end, out, maxBulk): 5 arguments expected\0");
    }
    let Some((buf_data, buf_len)) = typed_array(env, argv[0], NAPI_UINT8_ARRAY) else {
        return throw(env, false, b"parse: buf must be a Buffer or Uint8Array\0");
    };
    let Some((out_data, out_len)) = typed_array(env, argv[3], NAPI_UINT32_ARRAY) else {
        return throw(env, false, b"parse: out must be a Uint32Array\0");
    };
    let mut start: u32 = 0;
    let mut end: u32 = 0;
    let mut max_bulk: f64 = 0.0;
    if napi_get_value_uint32(env, argv[1], &mut start) != NAPI_OK
        || napi_get_value_uint32(env, argv[2], &mut end) != NAPI_OK
        || napi_get_value_double(env, argv[4], &mut max_bulk) != NAPI_OK
    {
        return throw(env, false, b"parse: start, end and maxBulk must be numbers\0");
    }
    let (start, end) = (start as usize, end as usize);
    if start > end || end > buf_len {
        return throw(env, true, b"parse: need start <= end <= buf.length\0");
    }
    if out_len < 4 {
        return throw(env, true, b"parse: out must hold at least 4 words\0");
    }
    // Two &mut slices over one memory would be undefined behaviour: refuse overlapping views.
    let buf_range = (buf_data as usize, buf_data as usize + buf_len);
    let out_range = (out_data as usize, out_data as usize + out_len * 4);
    if buf_len > 0 && buf_range.0 < out_range.1 && out_range.0 < buf_range.1 {
        return throw(env, true, b"parse: buf and out must not share memory\0");
    }
    let buf: &mut [u8] = if buf_len == 0 {
        &mut []
    } else {
        std::slice::from_raw_parts_mut(buf_data as *mut u8, buf_len)
    };
    let out: &mut [u32] = std::slice::from_raw_parts_mut(out_data as *mut u32, out_len);
    // A panic must not unwind into Node: it becomes a JS exception.
    if catch_unwind(AssertUnwindSafe(|| resp::parse_requests(buf, start, end, out, max_bulk))).is_err() {
        return throw(env, false, b"parse: internal error in the native RESP parser\0");
    }
    ptr::null_mut()
}

/// Node calls this when it loads the addon (on every thread that requires it).
///
/// # Safety
/// Called by Node with a live `env` and its `exports` object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    let mut function: napi_value = ptr::null_mut();
    let name = b"parse\0";
    if napi_create_function(
        env,
        name.as_ptr() as *const c_char,
        name.len() - 1,
        Some(parse_callback),
        ptr::null_mut(),
        &mut function,
    ) != NAPI_OK
        || napi_set_named_property(env, exports, name.as_ptr() as *const c_char, function) != NAPI_OK
    {
        return throw(env, false, b"tessera native addon: could not register parse\0");
    }
    if !lua::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register the Lua functions\0");
    }
    if !memory::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register moveBytes\0");
    }
    if !accept::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register acceptNow\0");
    }
    if !hll::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register the HyperLogLog functions\0");
    }
    if !crc64::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register crc64\0");
    }
    if !netio::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register the I/O functions\0");
    }
    if !lzf::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register the LZF functions\0");
    }
    if !process_memory::register(env, exports) {
        return throw(env, false, b"tessera native addon: could not register the process memory functions\0");
    }
    exports
}
