//! The few Node-API (N-API) C functions the addon calls, declared by hand from `js_native_api.h` and
//! `node_api.h` (crates.io is unreachable where Tessera builds, so no binding crate). On Linux the
//! symbols stay undefined in the shared object and Node resolves them when it loads the addon.

#![allow(non_camel_case_types)]

use std::ffi::c_void;
use std::os::raw::c_char;
use std::ptr;

#[repr(C)]
pub struct napi_env__ {
    _private: [u8; 0],
}
#[repr(C)]
pub struct napi_value__ {
    _private: [u8; 0],
}
#[repr(C)]
pub struct napi_callback_info__ {
    _private: [u8; 0],
}

pub type napi_env = *mut napi_env__;
pub type napi_value = *mut napi_value__;
pub type napi_callback_info = *mut napi_callback_info__;
pub type napi_status = i32;
pub type napi_callback = Option<unsafe extern "C" fn(env: napi_env, info: napi_callback_info) -> napi_value>;

pub const NAPI_OK: napi_status = 0;

/// `napi_typedarray_type` values used here.
pub const NAPI_UINT8_ARRAY: i32 = 1;
pub const NAPI_INT32_ARRAY: i32 = 5;
pub const NAPI_UINT32_ARRAY: i32 = 6;

extern "C" {
    pub fn napi_create_function(
        env: napi_env,
        utf8name: *const c_char,
        length: usize,
        cb: napi_callback,
        data: *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;

    pub fn napi_set_named_property(
        env: napi_env,
        object: napi_value,
        utf8name: *const c_char,
        value: napi_value,
    ) -> napi_status;

    pub fn napi_get_cb_info(
        env: napi_env,
        cbinfo: napi_callback_info,
        argc: *mut usize,
        argv: *mut napi_value,
        this_arg: *mut napi_value,
        data: *mut *mut c_void,
    ) -> napi_status;

    pub fn napi_get_typedarray_info(
        env: napi_env,
        typedarray: napi_value,
        kind: *mut i32,
        length: *mut usize,
        data: *mut *mut c_void,
        arraybuffer: *mut napi_value,
        byte_offset: *mut usize,
    ) -> napi_status;

    pub fn napi_get_value_uint32(env: napi_env, value: napi_value, result: *mut u32) -> napi_status;

    pub fn napi_get_value_double(env: napi_env, value: napi_value, result: *mut f64) -> napi_status;

    pub fn napi_throw_type_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;

    pub fn napi_throw_range_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
}

/// A native function as Node-API calls it.
pub type Callback = unsafe extern "C" fn(env: napi_env, info: napi_callback_info) -> napi_value;

/// Sets `exports[name]` to a function for each (NUL-terminated name, callback); false as soon as
/// N-API refuses one.
///
/// # Safety
/// `env` and `exports` must be live (napi_register_module_v1's).
pub unsafe fn export_functions(env: napi_env, exports: napi_value, functions: &[(&[u8], Callback)]) -> bool {
    for &(name, callback) in functions {
        let mut function: napi_value = ptr::null_mut();
        if napi_create_function(env, name.as_ptr() as *const c_char, name.len() - 1, Some(callback), ptr::null_mut(), &mut function) != NAPI_OK
            || napi_set_named_property(env, exports, name.as_ptr() as *const c_char, function) != NAPI_OK
        {
            return false;
        }
    }
    true
}

/// The first `N` arguments of a call, or None when fewer were passed.
///
/// # Safety
/// `env` and `info` must be the ones Node-API passed to the running callback.
pub unsafe fn call_args<const N: usize>(env: napi_env, info: napi_callback_info) -> Option<[napi_value; N]> {
    let mut argc: usize = N;
    let mut argv: [napi_value; N] = [ptr::null_mut(); N];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < N {
        return None;
    }
    Some(argv)
}
