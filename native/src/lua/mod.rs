//! Lua scripting for EVAL: one Lua 5.1 state per thread that asks for it, kept in N-API instance
//! data, with the environment Redis 7.0.15 gives scripts (environment.rs) and redis.call running
//! commands through a JavaScript callback (the TypeScript executor).
//!
//! Exports (registered by `register`; TypeScript side: src/scripting/lua-engine.ts):
//!   luaAvailable() -> true | string             why Lua cannot be used (names the Debian package)
//!   luaInit(call, grow, argBuf, argWords, control) creates (or re-creates) this thread's state
//!   luaSetArgBuffers(argBuf, argWords)           after `grow`: the bigger argument buffers
//!   luaSetReplyBuffer(buf)                       the buffer `call` writes command replies into
//!   luaCompile(sha, body) -> null | string       compiles f_<sha>; the string is Lua's message
//!   luaHas(sha) -> bool                          whether f_<sha> is compiled in this state
//!   luaRun(sha, buf, words, base, nkeys, nargs, callerResp) -> Buffer
//!                                                runs f_<sha> with KEYS/ARGV from the argument
//!                                                ranges; answers the RESP reply for the caller
//!   luaMemory() -> number                        bytes the Lua heap uses
//!   luaSetBusyCallback(busy)                     long scripts: see busy.rs (control[1] is the
//!                                                busy-reply-threshold of the next run, in ms)
//!
//! redis.call / redis.pcall (in Lua: raw C functions here) copy their arguments into `argBuf` /
//! `argWords` (the (offset, length) layout of src/protocol/args.ts) and call `call(argc * 4 + resp)`
//! (resp: the script's RESP version; `call(-(argc * 4 + kind))` for redis.acl_check_cmd). The
//! callback runs the command, leaves its RESP reply at the start of the reply buffer and returns its
//! length. `control` is a Float64Array: [0] the math.random state (48 bits, read before and written
//! after every run, so each server keeps its own sequence); [1] the busy-reply-threshold of the
//! next run in ms (busy.rs).
//!
//! Errors raised from Rust: redis.call raises its error table with `lua_error` after every Rust
//! value of the call was dropped (`raw_call` returns a status to a frame that holds nothing to drop);
//! the other C functions here only hold integers and raw pointers when they raise.

#![allow(non_camel_case_types)]

mod busy;
pub mod cmsgpack;
pub mod convert;
mod environment;
pub mod ffi;
mod functions;
pub mod rand;
pub mod sha1;
pub mod r#struct;

use crate::napi::*;
use convert::ReplyProtocol;
use ffi::*;
use std::ffi::c_void;
use std::os::raw::{c_char, c_int};
use std::ptr;

#[repr(C)]
pub struct napi_ref__ {
    _private: [u8; 0],
}
#[repr(C)]
pub struct napi_handle_scope__ {
    _private: [u8; 0],
}
pub type napi_ref = *mut napi_ref__;
pub type napi_handle_scope = *mut napi_handle_scope__;
type napi_finalize = Option<unsafe extern "C" fn(env: napi_env, data: *mut c_void, hint: *mut c_void)>;

const NAPI_FLOAT64_ARRAY: i32 = 8;

extern "C" {
    fn napi_set_instance_data(env: napi_env, data: *mut c_void, finalize_cb: napi_finalize, hint: *mut c_void) -> napi_status;
    fn napi_get_instance_data(env: napi_env, data: *mut *mut c_void) -> napi_status;
    fn napi_create_reference(env: napi_env, value: napi_value, initial: u32, result: *mut napi_ref) -> napi_status;
    fn napi_delete_reference(env: napi_env, r: napi_ref) -> napi_status;
    fn napi_get_reference_value(env: napi_env, r: napi_ref, result: *mut napi_value) -> napi_status;
    fn napi_call_function(env: napi_env, recv: napi_value, func: napi_value, argc: usize, argv: *const napi_value, result: *mut napi_value) -> napi_status;
    fn napi_get_undefined(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_get_null(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_get_boolean(env: napi_env, value: bool, result: *mut napi_value) -> napi_status;
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    fn napi_open_handle_scope(env: napi_env, result: *mut napi_handle_scope) -> napi_status;
    fn napi_close_handle_scope(env: napi_env, scope: napi_handle_scope) -> napi_status;
    fn napi_get_and_clear_last_exception(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_is_exception_pending(env: napi_env, result: *mut bool) -> napi_status;
    fn napi_create_string_utf8(env: napi_env, s: *const c_char, len: usize, result: *mut napi_value) -> napi_status;
    fn napi_create_string_latin1(env: napi_env, s: *const c_char, len: usize, result: *mut napi_value) -> napi_status;
    fn napi_get_value_string_latin1(env: napi_env, value: napi_value, buf: *mut c_char, bufsize: usize, result: *mut usize) -> napi_status;
    fn napi_create_buffer_copy(env: napi_env, length: usize, data: *const c_void, result_data: *mut *mut c_void, result: *mut napi_value) -> napi_status;
    fn napi_throw_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
}

/// A typed array kept alive by a reference, with its data pointer and element count.
struct Pinned<T> {
    reference: napi_ref,
    data: *mut T,
    len: usize,
}

impl<T> Pinned<T> {
    const fn empty() -> Self {
        Pinned { reference: ptr::null_mut(), data: ptr::null_mut(), len: 0 }
    }

    unsafe fn set(&mut self, env: napi_env, value: napi_value, kind: i32) -> bool {
        let Some((data, len)) = typed_array_of(env, value, kind) else { return false };
        let mut r: napi_ref = ptr::null_mut();
        if napi_create_reference(env, value, 1, &mut r) != NAPI_OK {
            return false;
        }
        if !self.reference.is_null() {
            napi_delete_reference(env, self.reference);
        }
        self.reference = r;
        self.data = data as *mut T;
        self.len = len;
        true
    }
}

/// This thread's scripting state.
pub struct Engine {
    l: *mut lua_State,
    /// The env of the N-API call in progress (set on entry of every export).
    env: napi_env,
    call: napi_ref,
    grow: napi_ref,
    arg_buf: Pinned<u8>,
    arg_words: Pinned<u32>,
    reply: Pinned<u8>,
    control: Pinned<f64>,
    /// Registry references: the real globals table and the error handler.
    pub(crate) globals_ref: c_int,
    pub(crate) handler_ref: c_int,
    /// Functions (functions.rs): the library API table, the functions' environment and its metatable.
    pub(crate) library_api_ref: c_int,
    pub(crate) functions_env_ref: c_int,
    pub(crate) functions_meta_ref: c_int,
    /// A FUNCTION LOAD is running its library's body; what it registered so far.
    pub(crate) loading: bool,
    pub(crate) registrations: Vec<functions::Registration>,
    /// The running script's RESP version (redis.setresp), 2 at the start of every run.
    pub(crate) resp: u8,
    /// math.random state while a script runs (copied from / to control[0]).
    pub(crate) prng: u64,
    /// A script is running (redis.call and friends are only valid then).
    pub(crate) running: bool,
    runs: u32,
    /// The long-script hook's state (busy.rs).
    busy: busy::BusyState,
    scratch: Vec<u8>,
    scratch_words: Vec<u32>,
    out: Vec<u8>,
}

impl Engine {
    fn new() -> Engine {
        Engine {
            l: ptr::null_mut(),
            env: ptr::null_mut(),
            call: ptr::null_mut(),
            grow: ptr::null_mut(),
            arg_buf: Pinned::empty(),
            arg_words: Pinned::empty(),
            reply: Pinned::empty(),
            control: Pinned::empty(),
            globals_ref: 0,
            handler_ref: 0,
            library_api_ref: 0,
            functions_env_ref: 0,
            functions_meta_ref: 0,
            loading: false,
            registrations: Vec::new(),
            resp: 2,
            prng: rand::INITIAL,
            running: false,
            runs: 0,
            busy: busy::BusyState::new(),
            scratch: Vec::new(),
            scratch_words: Vec::new(),
            out: Vec::new(),
        }
    }
}

unsafe extern "C" fn finalize_engine(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    let engine = Box::from_raw(data as *mut Engine);
    if !engine.l.is_null() {
        (api().lua_close)(engine.l);
    }
}

unsafe fn engine_of(env: napi_env) -> Option<&'static mut Engine> {
    let mut data: *mut c_void = ptr::null_mut();
    if napi_get_instance_data(env, &mut data) != NAPI_OK || data.is_null() {
        return None;
    }
    let e = &mut *(data as *mut Engine);
    e.env = env;
    Some(e)
}

unsafe fn typed_array_of(env: napi_env, value: napi_value, kind: i32) -> Option<(*mut c_void, usize)> {
    let mut actual: i32 = -1;
    let mut length: usize = 0;
    let mut data: *mut c_void = ptr::null_mut();
    if napi_get_typedarray_info(env, value, &mut actual, &mut length, &mut data, ptr::null_mut(), ptr::null_mut()) != NAPI_OK || actual != kind {
        return None;
    }
    Some((data, length))
}

unsafe fn throw(env: napi_env, msg: &str) -> napi_value {
    let mut text = Vec::with_capacity(msg.len() + 1);
    text.extend(msg.bytes().filter(|&b| b != 0));
    text.push(0);
    napi_throw_error(env, ptr::null(), text.as_ptr() as *const c_char);
    ptr::null_mut()
}

unsafe fn args<const N: usize>(env: napi_env, info: napi_callback_info) -> ([napi_value; N], usize) {
    let mut argc: usize = N;
    let mut argv: [napi_value; N] = [ptr::null_mut(); N];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK {
        argc = 0;
    }
    (argv, argc)
}

/// A short latin1 string argument (a SHA-1 name) into `buf`; answers its length.
unsafe fn latin1_arg(env: napi_env, value: napi_value, buf: &mut [u8; 48]) -> Option<usize> {
    let mut n: usize = 0;
    if napi_get_value_string_latin1(env, value, buf.as_mut_ptr() as *mut c_char, buf.len(), &mut n) != NAPI_OK {
        return None;
    }
    Some(n)
}

/// "f_<sha>\0" registry key.
fn function_key(sha: &[u8]) -> [u8; 44] {
    let mut key = [0u8; 44];
    key[0] = b'f';
    key[1] = b'_';
    for (i, c) in sha.iter().take(40).enumerate() {
        key[2 + i] = c.to_ascii_lowercase();
    }
    key
}

// ---------------------------------------------------------------- exports

unsafe extern "C" fn lua_available(env: napi_env, _info: napi_callback_info) -> napi_value {
    let mut result: napi_value = ptr::null_mut();
    match ffi::load() {
        Ok(_) => {
            napi_get_boolean(env, true, &mut result);
        }
        Err(e) => {
            napi_create_string_utf8(env, e.as_ptr() as *const c_char, e.len(), &mut result);
        }
    }
    result
}

unsafe extern "C" fn lua_init(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<5>(env, info);
    if argc < 5 {
        return throw(env, "luaInit(call, grow, argBuf, argWords, control): 5 arguments expected");
    }
    if let Err(e) = ffi::load() {
        return throw(env, e);
    }
    let engine = match engine_of(env) {
        Some(e) => e,
        None => {
            let boxed = Box::into_raw(Box::new(Engine::new()));
            if napi_set_instance_data(env, boxed as *mut c_void, Some(finalize_engine), ptr::null_mut()) != NAPI_OK {
                drop(Box::from_raw(boxed));
                return throw(env, "luaInit: could not set instance data");
            }
            let e = &mut *boxed;
            e.env = env;
            e
        }
    };
    for r in [&mut engine.call, &mut engine.grow] {
        if !r.is_null() {
            napi_delete_reference(env, *r);
            *r = ptr::null_mut();
        }
    }
    if napi_create_reference(env, argv[0], 1, &mut engine.call) != NAPI_OK || napi_create_reference(env, argv[1], 1, &mut engine.grow) != NAPI_OK {
        return throw(env, "luaInit: call and grow must be functions");
    }
    if !engine.arg_buf.set(env, argv[2], NAPI_UINT8_ARRAY) || !engine.arg_words.set(env, argv[3], NAPI_UINT32_ARRAY) {
        return throw(env, "luaInit: argBuf must be a Uint8Array and argWords a Uint32Array");
    }
    if !engine.control.set(env, argv[4], NAPI_FLOAT64_ARRAY) || engine.control.len < 1 {
        return throw(env, "luaInit: control must be a Float64Array of at least 1 element");
    }
    if !engine.l.is_null() {
        (api().lua_close)(engine.l);
        engine.l = ptr::null_mut();
    }
    let engine_ptr = engine as *mut Engine;
    match environment::create(engine_ptr) {
        Ok(l) => engine.l = l,
        Err(e) => return throw(env, &e),
    }
    let mut undefined: napi_value = ptr::null_mut();
    napi_get_undefined(env, &mut undefined);
    undefined
}

unsafe extern "C" fn lua_set_arg_buffers(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<2>(env, info);
    let Some(engine) = engine_of(env) else { return throw(env, "luaSetArgBuffers: luaInit first") };
    if argc < 2 || !engine.arg_buf.set(env, argv[0], NAPI_UINT8_ARRAY) || !engine.arg_words.set(env, argv[1], NAPI_UINT32_ARRAY) {
        return throw(env, "luaSetArgBuffers(argBuf: Uint8Array, argWords: Uint32Array)");
    }
    ptr::null_mut()
}

unsafe extern "C" fn lua_set_reply_buffer(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<1>(env, info);
    let Some(engine) = engine_of(env) else { return throw(env, "luaSetReplyBuffer: luaInit first") };
    if argc < 1 || !engine.reply.set(env, argv[0], NAPI_UINT8_ARRAY) {
        return throw(env, "luaSetReplyBuffer(buf: Uint8Array)");
    }
    ptr::null_mut()
}

unsafe extern "C" fn lua_compile(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<2>(env, info);
    let Some(engine) = engine_of(env) else { return throw(env, "luaCompile: luaInit first") };
    let mut sha = [0u8; 48];
    let Some(n) = (if argc == 2 { latin1_arg(env, argv[0], &mut sha) } else { None }) else {
        return throw(env, "luaCompile(sha: string, body: Uint8Array)");
    };
    let Some((body, body_len)) = typed_array_of(env, argv[1], NAPI_UINT8_ARRAY) else {
        return throw(env, "luaCompile: body must be a Uint8Array");
    };
    let a = api();
    let l = engine.l;
    let key = function_key(&sha[..n]);
    let status = (a.luaL_loadbuffer)(l, if body_len == 0 { b"".as_ptr() as *const c_char } else { body as *const c_char }, body_len, b"@user_script\0".as_ptr() as *const c_char);
    let mut result: napi_value = ptr::null_mut();
    if status != LUA_OK {
        let msg = to_bytes(l, -1).unwrap_or(b"unknown compile error");
        napi_create_string_latin1(env, msg.as_ptr() as *const c_char, msg.len(), &mut result);
        lua_pop(l, 1);
        return result;
    }
    (a.lua_setfield)(l, LUA_REGISTRYINDEX, key.as_ptr() as *const c_char);
    napi_get_null(env, &mut result);
    result
}

unsafe extern "C" fn lua_has(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<1>(env, info);
    let Some(engine) = engine_of(env) else { return throw(env, "luaHas: luaInit first") };
    let mut sha = [0u8; 48];
    let Some(n) = (if argc == 1 { latin1_arg(env, argv[0], &mut sha) } else { None }) else {
        return throw(env, "luaHas(sha: string)");
    };
    let a = api();
    let key = function_key(&sha[..n]);
    (a.lua_getfield)(engine.l, LUA_REGISTRYINDEX, key.as_ptr() as *const c_char);
    let has = (a.lua_type)(engine.l, -1) == LUA_TFUNCTION;
    lua_pop(engine.l, 1);
    let mut result: napi_value = ptr::null_mut();
    napi_get_boolean(env, has, &mut result);
    result
}

unsafe extern "C" fn lua_memory(env: napi_env, _info: napi_callback_info) -> napi_value {
    let mut result: napi_value = ptr::null_mut();
    let bytes = match engine_of(env) {
        Some(e) if !e.l.is_null() => {
            let a = api();
            (a.lua_gc)(e.l, LUA_GCCOUNT, 0) as f64 * 1024.0 + (a.lua_gc)(e.l, LUA_GCCOUNTB, 0) as f64
        }
        _ => 0.0,
    };
    napi_create_double(env, bytes, &mut result);
    result
}

/// Collects the arguments of luaRun.
struct RunArgs {
    /// The script's SHA-1 (luaRun) or the function's name (luaFcall): for the registry key and
    /// the "script: ..." part of error replies.
    label: Vec<u8>,
    /// luaFcall: the function's registry reference.
    reference: c_int,
    buf: *const u8,
    buf_len: usize,
    words: *const u32,
    words_len: usize,
    base: u32,
    nkeys: u32,
    nargs: u32,
    caller_resp: u32,
}

/// luaRun(sha, buf, words, base, nkeys, nargs, callerResp) or, with `with_reference`,
/// luaFcall(ref, name, buf, words, base, nkeys, nargs, callerResp).
unsafe fn run_args(env: napi_env, info: napi_callback_info, with_reference: bool) -> Option<RunArgs> {
    let (argv, argc) = args::<8>(env, info);
    let o = with_reference as usize;
    if argc < 7 + o {
        return None;
    }
    let mut r = RunArgs { label: Vec::new(), reference: 0, buf: ptr::null(), buf_len: 0, words: ptr::null(), words_len: 0, base: 0, nkeys: 0, nargs: 0, caller_resp: 2 };
    if with_reference {
        let mut reference = 0.0;
        if napi_get_value_double(env, argv[0], &mut reference) != NAPI_OK {
            return None;
        }
        r.reference = reference as c_int;
    }
    let mut n: usize = 0;
    if napi_get_value_string_latin1(env, argv[o], ptr::null_mut(), 0, &mut n) != NAPI_OK {
        return None;
    }
    r.label = vec![0u8; n + 1];
    if napi_get_value_string_latin1(env, argv[o], r.label.as_mut_ptr() as *mut c_char, n + 1, &mut n) != NAPI_OK {
        return None;
    }
    r.label.truncate(n);
    let (b, bl) = typed_array_of(env, argv[o + 1], NAPI_UINT8_ARRAY)?;
    let (w, wl) = typed_array_of(env, argv[o + 2], NAPI_UINT32_ARRAY)?;
    r.buf = b as *const u8;
    r.buf_len = bl;
    r.words = w as *const u32;
    r.words_len = wl;
    if napi_get_value_uint32(env, argv[o + 3], &mut r.base) != NAPI_OK
        || napi_get_value_uint32(env, argv[o + 4], &mut r.nkeys) != NAPI_OK
        || napi_get_value_uint32(env, argv[o + 5], &mut r.nargs) != NAPI_OK
        || napi_get_value_uint32(env, argv[o + 6], &mut r.caller_resp) != NAPI_OK
    {
        return None;
    }
    let need = r.base as usize + 2 * (r.nkeys as usize + r.nargs as usize);
    if need > r.words_len {
        return None;
    }
    Some(r)
}

/// Pushes a table of `n` strings from argument ranges starting at word `first`.
unsafe fn push_string_array(l: *mut lua_State, r: &RunArgs, first: usize, n: usize) -> bool {
    let a = api();
    (a.lua_createtable)(l, n.min(1 << 24) as c_int, 0);
    for i in 0..n {
        let off = *r.words.add(first + 2 * i) as usize;
        let len = *r.words.add(first + 2 * i + 1) as usize;
        if off + len > r.buf_len {
            return false;
        }
        (a.lua_pushlstring)(l, r.buf.add(off) as *const c_char, len);
        (a.lua_rawseti)(l, -2, (i + 1) as c_int);
    }
    true
}

unsafe extern "C" fn lua_run(env: napi_env, info: napi_callback_info) -> napi_value {
    run(env, info, false)
}

unsafe extern "C" fn lua_fcall(env: napi_env, info: napi_callback_info) -> napi_value {
    run(env, info, true)
}

/// EVAL (f_<sha> with KEYS and ARGV as globals) or FCALL (a registered function called with the
/// KEYS and ARGV tables as its arguments), under the error handler.
unsafe fn run(env: napi_env, info: napi_callback_info, fcall: bool) -> napi_value {
    let Some(engine) = engine_of(env) else { return throw(env, "luaRun: luaInit first") };
    let Some(r) = run_args(env, info, fcall) else {
        return throw(env, "luaRun(sha, buf, words, base, nkeys, nargs, callerResp) / luaFcall(ref, name, ...): bad arguments");
    };
    if engine.running || engine.loading {
        return throw(env, "luaRun: a script is already running on this thread");
    }
    let a = api();
    let l = engine.l;
    let base_top = (a.lua_gettop)(l);
    (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, engine.handler_ref);
    if fcall {
        (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, r.reference);
    } else {
        let key = function_key(&r.label);
        (a.lua_getfield)(l, LUA_REGISTRYINDEX, key.as_ptr() as *const c_char);
    }
    if (a.lua_type)(l, -1) != LUA_TFUNCTION {
        (a.lua_settop)(l, base_top);
        return throw(env, "luaRun: the script is not compiled");
    }
    let args_ok = if fcall {
        push_string_array(l, &r, r.base as usize, r.nkeys as usize) && push_string_array(l, &r, r.base as usize + 2 * r.nkeys as usize, r.nargs as usize)
    } else {
        // KEYS and ARGV go into the real globals table (scripts see them through the read-only proxy).
        (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, engine.globals_ref);
        let ok = push_string_array(l, &r, r.base as usize, r.nkeys as usize);
        if ok {
            raw_set_field(l, -2, b"KEYS\0");
        }
        let ok = ok && push_string_array(l, &r, r.base as usize + 2 * r.nkeys as usize, r.nargs as usize);
        if ok {
            raw_set_field(l, -2, b"ARGV\0");
        }
        lua_pop(l, 1);
        ok
    };
    if !args_ok {
        (a.lua_settop)(l, base_top);
        return throw(env, "luaRun: argument range out of bounds");
    }

    engine.resp = 2;
    engine.prng = *engine.control.data as u64;
    engine.running = true;
    busy::arm(engine);
    let err = if fcall { (a.lua_pcall)(l, 2, 1, -4) } else { (a.lua_pcall)(l, 0, 1, -2) };
    busy::disarm(engine);
    engine.running = false;
    *engine.control.data = engine.prng as f64;
    if !fcall {
        // KEYS and ARGV do not outlive the script (functions share these globals and must not see them).
        (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, engine.globals_ref);
        (a.lua_pushnil)(l);
        raw_set_field(l, -2, b"KEYS\0");
        (a.lua_pushnil)(l);
        raw_set_field(l, -2, b"ARGV\0");
        lua_pop(l, 1);
    }

    // Redis steps the collector every 50 runs rather than letting a full cycle land on one script.
    engine.runs += 1;
    if engine.runs == 50 {
        (a.lua_gc)(l, LUA_GCSTEP, 50);
        engine.runs = 0;
    }

    let out = &mut engine.out;
    out.clear();
    if err != LUA_OK {
        error_reply(l, &r.label, out);
        lua_pop(l, 1);
    } else {
        convert::write_reply(l, out, ReplyProtocol { caller: if r.caller_resp == 3 { 3 } else { 2 }, script: engine.resp });
    }
    (a.lua_settop)(l, base_top);
    let mut result: napi_value = ptr::null_mut();
    let mut data: *mut c_void = ptr::null_mut();
    if napi_create_buffer_copy(env, out.len(), out.as_ptr() as *const c_void, &mut data, &mut result) != NAPI_OK {
        return throw(env, "luaRun: could not allocate the reply");
    }
    result
}

/// The reply for a script that raised: Redis's
/// "-<err> script: <sha>, on <source>:<line>." from the error handler's table.
unsafe fn error_reply(l: *mut lua_State, sha: &[u8], out: &mut Vec<u8>) {
    let a = api();
    if (a.lua_type)(l, -1) != LUA_TTABLE {
        let msg = to_bytes(l, -1).unwrap_or(b"execution failure");
        out.extend_from_slice(b"-ERR Error running script ");
        out.extend_from_slice(sha);
        out.extend_from_slice(b", ");
        out.extend(msg.iter().take(100).map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
        out.extend_from_slice(b" \r\n");
        return;
    }
    let mut msg: Vec<u8> = Vec::new();
    (a.lua_getfield)(l, -1, b"err\0".as_ptr() as *const c_char);
    if (a.lua_isstring)(l, -1) != 0 {
        msg.extend_from_slice(to_bytes(l, -1).unwrap_or(b""));
    }
    lua_pop(l, 1);
    (a.lua_getfield)(l, -1, b"source\0".as_ptr() as *const c_char);
    let source = if (a.lua_isstring)(l, -1) != 0 { Some(to_bytes(l, -1).unwrap_or(b"").to_vec()) } else { None };
    lua_pop(l, 1);
    (a.lua_getfield)(l, -1, b"line\0".as_ptr() as *const c_char);
    let line = if (a.lua_isstring)(l, -1) != 0 { Some(to_bytes(l, -1).unwrap_or(b"").to_vec()) } else { None };
    lua_pop(l, 1);
    let mut text: Vec<u8> = Vec::with_capacity(msg.len() + 80);
    text.extend_from_slice(&msg);
    if let (Some(line), Some(source)) = (line, source) {
        text.extend_from_slice(b" script: ");
        text.extend_from_slice(sha);
        text.extend_from_slice(b", on ");
        text.extend_from_slice(&source);
        text.push(b':');
        text.extend_from_slice(&line);
        text.push(b'.');
    }
    // Redis writes "-" and the message as is (a message starting with '-' shows two).
    out.push(b'-');
    out.extend(text.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
    out.extend_from_slice(b"\r\n");
}

// ---------------------------------------------------------------- redis.call

/// What `raw_call` left on the Lua stack.
#[derive(PartialEq, Eq)]
pub(crate) enum CallOutcome {
    /// The command's reply (converted).
    Value,
    /// An error table ({err=...}).
    Error,
}

/// Runs one redis.call / redis.pcall / redis.acl_check_cmd (`kind` 0 / 0 / 1): copies the
/// arguments, calls the JavaScript executor and pushes the converted reply. Raises no Lua error.
pub(crate) unsafe fn raw_call(l: *mut lua_State, engine: &mut Engine, kind: u32) -> CallOutcome {
    let a = api();
    let argc = (a.lua_gettop)(l);
    if !engine.running {
        convert::push_error_table(l, b"redis.call/pcall can only be called inside a script invocation", false, false);
        return CallOutcome::Error;
    }
    if argc == 0 {
        lua_pop(l, argc);
        convert::push_error_table(l, b"Please specify at least one argument for this redis lib call", false, false);
        return CallOutcome::Error;
    }
    let scratch = &mut engine.scratch;
    let words = &mut engine.scratch_words;
    scratch.clear();
    words.clear();
    let mut ok = true;
    for j in 1..=argc {
        let start = scratch.len() as u32;
        if (a.lua_type)(l, j) == LUA_TNUMBER {
            // lua_tolstring would use %.14g and lose precision: Redis formats numbers with %.17g.
            convert::format_g17((a.lua_tonumber)(l, j), scratch);
        } else {
            match to_bytes(l, j) {
                Some(s) => scratch.extend_from_slice(s),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        words.push(start);
        words.push(scratch.len() as u32 - start);
    }
    lua_pop(l, argc);
    if !ok {
        convert::push_error_table(l, b"Lua redis lib command arguments must be strings or integers", false, false);
        return CallOutcome::Error;
    }
    // Into the JavaScript buffers (grown by the `grow` callback when they are too small).
    let (bytes_needed, words_needed) = (scratch.len(), words.len());
    if bytes_needed > engine.arg_buf.len || words_needed > engine.arg_words.len {
        if call_js(engine, engine.grow, bytes_needed as f64, words_needed as f64).is_none() {
            convert::push_error_table(l, b"internal error: could not grow the script argument buffers", false, false);
            return CallOutcome::Error;
        }
        if engine.scratch.len() > engine.arg_buf.len || engine.scratch_words.len() > engine.arg_words.len {
            convert::push_error_table(l, b"internal error: script argument buffers too small", false, false);
            return CallOutcome::Error;
        }
    }
    ptr::copy_nonoverlapping(engine.scratch.as_ptr(), engine.arg_buf.data, engine.scratch.len());
    ptr::copy_nonoverlapping(engine.scratch_words.as_ptr(), engine.arg_words.data, engine.scratch_words.len());
    let code = if kind == 0 { (argc as f64) * 4.0 + engine.resp as f64 } else { -((argc as f64) * 4.0 + kind as f64) };
    let Some(len) = call_js(engine, engine.call, code, 0.0) else {
        convert::push_error_table(l, b"internal error: the script command callback failed", false, false);
        return CallOutcome::Error;
    };
    let len = len.max(0.0) as usize;
    if len > engine.reply.len || engine.reply.data.is_null() {
        convert::push_error_table(l, b"internal error: bad script reply length", false, false);
        return CallOutcome::Error;
    }
    let bytes = std::slice::from_raw_parts(engine.reply.data, len);
    if kind == 1 {
        if bytes.first() == Some(&b'-') {
            convert::push_error_table(l, b"Invalid command passed to redis.acl_check_cmd()", false, false);
            return CallOutcome::Error;
        }
        (a.lua_pushboolean)(l, (bytes.first() == Some(&b':') && bytes.get(1) == Some(&b'1')) as c_int);
        return CallOutcome::Value;
    }
    if convert::push_reply(l, bytes) {
        CallOutcome::Error
    } else {
        CallOutcome::Value
    }
}

/// Calls a JavaScript function with two numbers inside its own handle scope; answers its numeric
/// result, or None when it threw (the exception is cleared and logged to stderr by Node on
/// `console.error` in the callback itself).
unsafe fn call_js(engine: &mut Engine, func: napi_ref, x: f64, y: f64) -> Option<f64> {
    let env = engine.env;
    let mut scope: napi_handle_scope = ptr::null_mut();
    if napi_open_handle_scope(env, &mut scope) != NAPI_OK {
        return None;
    }
    let mut result = None;
    let mut f: napi_value = ptr::null_mut();
    let mut recv: napi_value = ptr::null_mut();
    let mut argv: [napi_value; 2] = [ptr::null_mut(); 2];
    let mut ret: napi_value = ptr::null_mut();
    if napi_get_reference_value(env, func, &mut f) == NAPI_OK
        && napi_get_undefined(env, &mut recv) == NAPI_OK
        && napi_create_double(env, x, &mut argv[0]) == NAPI_OK
        && napi_create_double(env, y, &mut argv[1]) == NAPI_OK
    {
        if napi_call_function(env, recv, f, 2, argv.as_ptr(), &mut ret) == NAPI_OK {
            let mut v = 0.0;
            if napi_get_value_double(env, ret, &mut v) == NAPI_OK {
                result = Some(v);
            }
        } else {
            let mut pending = false;
            napi_is_exception_pending(env, &mut pending);
            if pending {
                let mut e: napi_value = ptr::null_mut();
                napi_get_and_clear_last_exception(env, &mut e);
            }
        }
    }
    napi_close_handle_scope(env, scope);
    result
}

// ---------------------------------------------------------------- registration


/// Adds the lua* functions to `exports`.
///
/// # Safety
/// Called from napi_register_module_v1 with its env and exports.
pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    let functions: [(&[u8], Callback); 14] = [
        (b"luaFcall\0", lua_fcall),
        (b"luaFunctionLoad\0", functions::lua_function_load),
        (b"luaFunctionUnref\0", functions::lua_function_unref),
        (b"luaForget\0", lua_forget),
        (b"luaAvailable\0", lua_available),
        (b"luaInit\0", lua_init),
        (b"luaSetArgBuffers\0", lua_set_arg_buffers),
        (b"luaSetReplyBuffer\0", lua_set_reply_buffer),
        (b"luaCompile\0", lua_compile),
        (b"luaHas\0", lua_has),
        (b"luaRun\0", lua_run),
        (b"luaMemory\0", lua_memory),
        (b"luaSha1Hex\0", lua_sha1_hex),
        (b"luaSetBusyCallback\0", busy::lua_set_busy_callback),
    ];
    export_functions(env, exports, &functions)
}

/// luaForget(sha): drops f_<sha> (SCRIPT FLUSH), leaving other servers' scripts and all functions.
unsafe extern "C" fn lua_forget(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<1>(env, info);
    let Some(engine) = engine_of(env) else { return throw(env, "luaForget: luaInit first") };
    let mut sha = [0u8; 48];
    let Some(n) = (if argc == 1 { latin1_arg(env, argv[0], &mut sha) } else { None }) else {
        return throw(env, "luaForget(sha: string)");
    };
    let a = api();
    let key = function_key(&sha[..n]);
    (a.lua_pushnil)(engine.l);
    (a.lua_setfield)(engine.l, LUA_REGISTRYINDEX, key.as_ptr() as *const c_char);
    ptr::null_mut()
}

/// luaSha1Hex(bytes) -> string: the digest redis.sha1hex computes (for tests of the Rust SHA-1).
unsafe extern "C" fn lua_sha1_hex(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = args::<1>(env, info);
    let Some((data, len)) = (if argc == 1 { typed_array_of(env, argv[0], NAPI_UINT8_ARRAY) } else { None }) else {
        return throw(env, "luaSha1Hex(bytes: Uint8Array)");
    };
    let bytes = if len == 0 { &[][..] } else { std::slice::from_raw_parts(data as *const u8, len) };
    let hex = sha1::sha1_hex(bytes);
    let mut result: napi_value = ptr::null_mut();
    napi_create_string_latin1(env, hex.as_ptr() as *const c_char, 40, &mut result);
    result
}
