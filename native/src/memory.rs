//! Byte moves inside one typed array (the shard arena).
//!
//! `Uint8Array.prototype.copyWithin` on a SharedArrayBuffer takes V8's slow path for shared memory
//! (byte by byte, 1-13 us for 64 B-4 KiB measured here, against 26-140 ns on a plain ArrayBuffer), and
//! the arena is a SharedArrayBuffer. Listpack inserts and deletes, intset inserts and reallocations
//! move bytes inside it on every write, so the move is a memmove here. The caller holds the shard:
//! no other thread touches these bytes meanwhile.

use crate::napi::*;
use std::ptr;

unsafe fn u32_arg(env: napi_env, value: napi_value) -> Option<usize> {
    let mut n: u32 = 0;
    if napi_get_value_uint32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n as usize)
}

/// moveBytes(u8, dst, src, n): copies `u8[src, src + n)` to `u8[dst, dst + n)` (overlap allowed).
/// Throws a RangeError when either range is outside the array.
unsafe extern "C" fn move_bytes_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut argc: usize = 4;
    let mut argv: [napi_value; 4] = [ptr::null_mut(); 4];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < 4 {
        return crate::throw(env, false, b"moveBytes(u8, dst, src, n): 4 arguments expected\0");
    }
    let Some((data, len)) = crate::typed_array(env, argv[0], NAPI_UINT8_ARRAY) else {
        return crate::throw(env, false, b"moveBytes: u8 must be a Uint8Array\0");
    };
    let (Some(dst), Some(src), Some(n)) = (u32_arg(env, argv[1]), u32_arg(env, argv[2]), u32_arg(env, argv[3])) else {
        return crate::throw(env, false, b"moveBytes: dst, src and n must be unsigned integers\0");
    };
    if dst.checked_add(n).map_or(true, |e| e > len) || src.checked_add(n).map_or(true, |e| e > len) {
        return crate::throw(env, true, b"moveBytes: range outside the array\0");
    }
    if n > 0 && dst != src {
        let base = data as *mut u8;
        ptr::copy(base.add(src), base.add(dst), n);
    }
    ptr::null_mut()
}

pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    export_functions(env, exports, &[(b"moveBytes\0", move_bytes_cb)])
}
