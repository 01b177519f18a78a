//! Redis 7 functions (function_lua.c): libraries loaded with FUNCTION LOAD register Lua functions
//! with `redis.register_function`, and FCALL calls them with (KEYS, ARGV) as arguments.
//!
//! Redis runs functions in a second Lua state; here they share the EVAL state but not its globals:
//! a library's chunk gets its own environment table F (empty, read-only) whose metatable reads
//! through to the library API while the chunk loads (only `redis.register_function`, `redis.log`,
//! the LOG_* and version constants exist then) and to the real globals afterwards, which is how
//! Redis switches the `__index` of its function state's globals. Every function the chunk defines
//! keeps F as its environment.
//!
//! Exports (TypeScript side: src/scripting/function-store.ts):
//!   luaFunctionLoad(code) -> string | [name, ref, flags, description | null][]
//!       runs a library body (after its shebang line); a string is Redis's error text without "ERR "
//!   luaFunctionUnref(ref)   forgets a registered function
//!   luaFcall(ref, name, buf, words, firstWord, nkeys, nargs, callerResp) -> Buffer
//!       calls a registered function; the reply as luaRun answers it

use super::convert::push_error_table;
use super::ffi::*;
use super::Engine;
use crate::napi::*;
use std::os::raw::{c_char, c_int};
use std::ptr;

/// Script flags, in Redis's scripts_flags_def order (FUNCTION LIST shows them in this order).
pub const SCRIPT_FLAGS: [(&[u8], u32); 5] = [(b"no-writes", 1), (b"allow-oom", 2), (b"allow-stale", 4), (b"no-cluster", 8), (b"allow-cross-slot-keys", 16)];

/// One redis.register_function call of the library being loaded.
pub struct Registration {
    pub name: Vec<u8>,
    pub description: Option<Vec<u8>>,
    pub flags: u32,
    pub reference: c_int,
}

/// Builds the library API table and the functions environment; stores their references in the
/// engine. Called while the globals are still the real table, before `protect`.
pub unsafe fn create_environment(l: *mut lua_State, engine: *mut Engine, nonexistent: LuaCFunction, readonly: LuaCFunction) {
    let a = api();
    // The library API: { redis = { register_function, log, LOG_*, REDIS_VERSION[_NUM] } }, both
    // tables raising on missing names.
    lua_newtable(l);
    lua_newtable(l);
    (a.lua_pushlightuserdata)(l, engine as *mut std::ffi::c_void);
    (a.lua_pushcclosure)(l, register_function, 1);
    raw_set_field(l, -2, b"register_function\0");
    lua_getglobal(l, b"redis\0");
    for name in [&b"log\0"[..], b"LOG_DEBUG\0", b"LOG_VERBOSE\0", b"LOG_NOTICE\0", b"LOG_WARNING\0", b"REDIS_VERSION\0", b"REDIS_VERSION_NUM\0"] {
        (a.lua_getfield)(l, -1, name.as_ptr() as *const c_char);
        raw_set_field(l, -3, name);
    }
    lua_pop(l, 1);
    error_metatable(l, nonexistent);
    raw_set_field(l, -2, b"redis\0");
    error_metatable(l, nonexistent);
    (*engine).library_api_ref = (a.luaL_ref)(l, LUA_REGISTRYINDEX);

    // F and its metatable.
    lua_newtable(l);
    lua_newtable(l);
    lua_pushcfunction(l, readonly);
    raw_set_field(l, -2, b"__newindex\0");
    (a.lua_pushvalue)(l, LUA_GLOBALSINDEX);
    raw_set_field(l, -2, b"__index\0");
    (a.lua_pushvalue)(l, -1);
    (*engine).functions_meta_ref = (a.luaL_ref)(l, LUA_REGISTRYINDEX);
    (a.lua_setmetatable)(l, -2);
    (*engine).functions_env_ref = (a.luaL_ref)(l, LUA_REGISTRYINDEX);
}

/// Gives the table at the top a metatable whose __index raises the nonexistent-global error.
unsafe fn error_metatable(l: *mut lua_State, nonexistent: LuaCFunction) {
    let a = api();
    lua_newtable(l);
    lua_pushcfunction(l, nonexistent);
    raw_set_field(l, -2, b"__index\0");
    (a.lua_setmetatable)(l, -2);
}

/// Points F's reads at the library API (loading) or at the real globals.
unsafe fn set_functions_index(l: *mut lua_State, engine: &Engine, loading: bool) {
    let a = api();
    (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, engine.functions_meta_ref);
    (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, if loading { engine.library_api_ref } else { engine.globals_ref });
    raw_set_field(l, -2, b"__index\0");
    lua_pop(l, 1);
}

fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

unsafe extern "C" fn register_function(l: *mut lua_State) -> c_int {
    let a = api();
    let engine = &mut *((a.lua_touserdata)(l, lua_upvalueindex(1)) as *mut Engine);
    let result = if !engine.loading { Err(&b"redis.register_function can only be called on FUNCTION LOAD command"[..]) } else { read_registration(l, engine) };
    if let Err(msg) = result {
        push_error_table(l, msg, false, false);
        return (a.lua_error)(l);
    }
    0
}

/// Reads redis.register_function's arguments (Redis's luaRegisterFunctionReadArgs and
/// functionLibCreateFunction) into the engine's registrations. Raises nothing.
unsafe fn read_registration(l: *mut lua_State, engine: &mut Engine) -> Result<(), &'static [u8]> {
    let a = api();
    let argc = (a.lua_gettop)(l);
    if !(1..=2).contains(&argc) {
        return Err(b"wrong number of arguments to redis.register_function");
    }
    let mut name: Option<Vec<u8>> = None;
    let mut description: Option<Vec<u8>> = None;
    let mut reference: Option<c_int> = None;
    let mut flags = 0u32;
    let unref = |r: Option<c_int>| {
        if let Some(r) = r {
            (a.luaL_unref)(l, LUA_REGISTRYINDEX, r);
        }
    };
    if argc == 1 {
        if (a.lua_type)(l, 1) != LUA_TTABLE {
            return Err(b"calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
        }
        (a.lua_pushnil)(l);
        while (a.lua_next)(l, -2) != 0 {
            if (a.lua_isstring)(l, -2) == 0 {
                unref(reference);
                return Err(b"named argument key given to redis.register_function is not a string");
            }
            // A copy of the key: lua_tolstring would turn a number key into a string in place and
            // break lua_next.
            (a.lua_pushvalue)(l, -2);
            let key = to_bytes(l, -1).unwrap_or(b"").to_ascii_lowercase();
            lua_pop(l, 1);
            match &key[..] {
                b"function_name" => {
                    if (a.lua_isstring)(l, -1) == 0 {
                        unref(reference);
                        return Err(b"function_name argument given to redis.register_function must be a string");
                    }
                    name = Some(to_bytes(l, -1).unwrap_or(b"").to_vec());
                }
                b"description" => {
                    if (a.lua_isstring)(l, -1) == 0 {
                        unref(reference);
                        return Err(b"description argument given to redis.register_function must be a string");
                    }
                    description = Some(to_bytes(l, -1).unwrap_or(b"").to_vec());
                }
                b"callback" => {
                    if (a.lua_type)(l, -1) != LUA_TFUNCTION {
                        unref(reference);
                        return Err(b"callback argument given to redis.register_function must be a function");
                    }
                    unref(reference);
                    reference = Some((a.luaL_ref)(l, LUA_REGISTRYINDEX));
                    continue;
                }
                b"flags" => {
                    if (a.lua_type)(l, -1) != LUA_TTABLE {
                        unref(reference);
                        return Err(b"flags argument to redis.register_function must be a table representing function flags");
                    }
                    match read_flags(l) {
                        Some(f) => flags = f,
                        None => {
                            unref(reference);
                            return Err(b"unknown flag given");
                        }
                    }
                }
                _ => {
                    unref(reference);
                    return Err(b"unknown argument given to redis.register_function");
                }
            }
            lua_pop(l, 1);
        }
        if name.is_none() {
            unref(reference);
            return Err(b"redis.register_function must get a function name argument");
        }
        if reference.is_none() {
            return Err(b"redis.register_function must get a callback argument");
        }
    } else {
        if (a.lua_isstring)(l, 1) == 0 {
            return Err(b"first argument to redis.register_function must be a string");
        }
        name = Some(to_bytes(l, 1).unwrap_or(b"").to_vec());
        if (a.lua_type)(l, 2) != LUA_TFUNCTION {
            return Err(b"second argument to redis.register_function must be a function");
        }
        (a.lua_settop)(l, 2);
        reference = Some((a.luaL_ref)(l, LUA_REGISTRYINDEX));
    }
    let name = name.unwrap_or_default();
    if !valid_name(&name) {
        unref(reference);
        return Err(b"Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
    }
    if engine.registrations.iter().any(|r| r.name == name) {
        unref(reference);
        return Err(b"Function already exists in the library");
    }
    engine.registrations.push(Registration { name, description, flags, reference: reference.unwrap_or(0) });
    Ok(())
}

/// The flags table at the top (1..n strings, case-insensitive); None for an unknown flag.
unsafe fn read_flags(l: *mut lua_State) -> Option<u32> {
    let a = api();
    let mut flags = 0u32;
    let mut j = 1;
    loop {
        (a.lua_rawgeti)(l, -1, j);
        j += 1;
        if (a.lua_type)(l, -1) == LUA_TNIL {
            lua_pop(l, 1);
            return Some(flags);
        }
        if (a.lua_isstring)(l, -1) == 0 {
            lua_pop(l, 1);
            return None;
        }
        let text = to_bytes(l, -1).unwrap_or(b"").to_ascii_lowercase();
        lua_pop(l, 1);
        match SCRIPT_FLAGS.iter().find(|(n, _)| *n == &text[..]) {
            Some((_, f)) => flags |= f,
            None => return None,
        }
    }
}

// ---------------------------------------------------------------- exports

pub unsafe extern "C" fn lua_function_load(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = super::args::<1>(env, info);
    let Some(engine) = super::engine_of(env) else { return super::throw(env, "luaFunctionLoad: luaInit first") };
    let Some((code, code_len)) = (if argc == 1 { super::typed_array_of(env, argv[0], NAPI_UINT8_ARRAY) } else { None }) else {
        return super::throw(env, "luaFunctionLoad(code: Uint8Array)");
    };
    let a = api();
    let l = engine.l;
    let top = (a.lua_gettop)(l);
    let mut result: napi_value = ptr::null_mut();
    let body = if code_len == 0 { b"".as_ptr() as *const c_char } else { code as *const c_char };
    if (a.luaL_loadbuffer)(l, body, code_len, b"@user_function\0".as_ptr() as *const c_char) != LUA_OK {
        let mut msg = b"Error compiling function: ".to_vec();
        msg.extend_from_slice(to_bytes(l, -1).unwrap_or(b""));
        (a.lua_settop)(l, top);
        super::napi_create_string_latin1(env, msg.as_ptr() as *const c_char, msg.len(), &mut result);
        return result;
    }
    (a.lua_rawgeti)(l, LUA_REGISTRYINDEX, engine.functions_env_ref);
    (a.lua_setfenv)(l, -2);
    set_functions_index(l, engine, true);
    engine.registrations.clear();
    engine.loading = true;
    let status = (a.lua_pcall)(l, 0, 0, 0);
    engine.loading = false;
    set_functions_index(l, engine, false);
    if status != LUA_OK {
        let mut msg = b"Error registering functions: ".to_vec();
        if (a.lua_isstring)(l, -1) != 0 {
            msg.extend_from_slice(b"ERR ");
            msg.extend_from_slice(to_bytes(l, -1).unwrap_or(b""));
        } else if (a.lua_type)(l, -1) == LUA_TTABLE {
            (a.lua_getfield)(l, -1, b"err\0".as_ptr() as *const c_char);
            if (a.lua_isstring)(l, -1) != 0 {
                msg.extend_from_slice(to_bytes(l, -1).unwrap_or(b""));
            }
        }
        (a.lua_settop)(l, top);
        for r in engine.registrations.drain(..) {
            (a.luaL_unref)(l, LUA_REGISTRYINDEX, r.reference);
        }
        super::napi_create_string_latin1(env, msg.as_ptr() as *const c_char, msg.len(), &mut result);
        return result;
    }
    (a.lua_settop)(l, top);
    if napi_create_array_with_length(env, engine.registrations.len(), &mut result) != NAPI_OK {
        return super::throw(env, "luaFunctionLoad: could not build the result");
    }
    for (i, r) in engine.registrations.iter().enumerate() {
        let mut entry: napi_value = ptr::null_mut();
        let mut values: [napi_value; 4] = [ptr::null_mut(); 4];
        napi_create_array_with_length(env, 4, &mut entry);
        super::napi_create_string_latin1(env, r.name.as_ptr() as *const c_char, r.name.len(), &mut values[0]);
        super::napi_create_double(env, r.reference as f64, &mut values[1]);
        super::napi_create_double(env, r.flags as f64, &mut values[2]);
        match &r.description {
            Some(d) => {
                super::napi_create_string_latin1(env, d.as_ptr() as *const c_char, d.len(), &mut values[3]);
            }
            None => {
                super::napi_get_null(env, &mut values[3]);
            }
        }
        for (k, v) in values.iter().enumerate() {
            napi_set_element(env, entry, k as u32, *v);
        }
        napi_set_element(env, result, i as u32, entry);
    }
    engine.registrations.clear();
    result
}

pub unsafe extern "C" fn lua_function_unref(env: napi_env, info: napi_callback_info) -> napi_value {
    let (argv, argc) = super::args::<1>(env, info);
    let Some(engine) = super::engine_of(env) else { return super::throw(env, "luaFunctionUnref: luaInit first") };
    let mut r: f64 = 0.0;
    if argc < 1 || napi_get_value_double(env, argv[0], &mut r) != NAPI_OK {
        return super::throw(env, "luaFunctionUnref(ref: number)");
    }
    if r > 0.0 {
        (api().luaL_unref)(engine.l, LUA_REGISTRYINDEX, r as c_int);
    }
    ptr::null_mut()
}

extern "C" {
    fn napi_create_array_with_length(env: napi_env, length: usize, result: *mut napi_value) -> napi_status;
    fn napi_set_element(env: napi_env, object: napi_value, index: u32, value: napi_value) -> napi_status;
}
