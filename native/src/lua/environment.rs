//! The environment a script sees, as Redis 7.0.15 builds it (script_lua.c, eval.c):
//!
//! - libraries base, table, string, math, debug (removed again once the error handler captured
//!   it), plus `cjson` and `bit` from Debian's lua-cjson / lua-bitop builds when installed, and
//!   `struct` and `cmsgpack` written in Rust (struct.rs, cmsgpack.rs);
//! - no `dofile`, `loadfile`, `print`, `getfenv`, `setfenv`, `newproxy` (nor `os`, `io`, `package`,
//!   `require`, which are never loaded); `pcall` returns the `err` string of a Redis error table;
//! - the `redis` table (call, pcall, log + LOG_*, setresp, sha1hex, error_reply, status_reply,
//!   set_repl + REPL_*, replicate_commands, breakpoint, debug, acl_check_cmd, REDIS_VERSION[_NUM]);
//! - math.random / math.randomseed on redisLrand48;
//! - `__redis__err__handler`, which turns any error into {err=..., source=..., line=...};
//! - read-only globals and libraries. Redis 7.0.15 patches its Lua VM to flag tables read-only;
//!   Debian's stock Lua has no such flag, so each library table (and the globals table) is replaced
//!   by an empty proxy whose metatable reads through to the real table and refuses writes with
//!   Redis's message "Attempt to modify a readonly table". The proxy of the globals becomes the
//!   thread's globals (so `loadstring` chunks get it too); reading a missing global raises "Script
//!   attempted to access nonexistent global variable 'x'". `rawset`, `rawget`, `next`, `pairs` and
//!   `setmetatable` see through the proxies (or refuse, for writes) so they behave as on Redis's
//!   read-only tables. Known differences: table.insert/table.remove on a library table write into
//!   the proxy instead of failing, and `getmetatable` of a library table returns the proxy's
//!   metatable where Redis returns nil.

use super::convert::push_error_table;
use super::ffi::*;
use super::{raw_call, CallOutcome, Engine};
use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

const REDIS_VERSION: &[u8] = b"7.0.15";
const REDIS_VERSION_NUM: f64 = 0x07_00_0f as f64;

/// Redis's error handler (eval.c), with `debug` captured and then removed from the globals.
const ERROR_HANDLER: &[u8] = b"local dbg = debug
debug = nil
function __redis__err__handler(err)
  local i = dbg.getinfo(2,'nSl')
  if i and i.what == 'C' then
    i = dbg.getinfo(3,'nSl')
  end
  if type(err) ~= 'table' then
    err = {err='ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
";

unsafe fn engine_up<'a>(l: *mut lua_State) -> &'a mut Engine {
    &mut *((api().lua_touserdata)(l, lua_upvalueindex(1)) as *mut Engine)
}

/// Raises Redis's error table for `msg` ("ERR msg"). Never returns.
unsafe fn raise(l: *mut lua_State, msg: &[u8]) -> c_int {
    push_error_table(l, msg, false, false);
    (api().lua_error)(l)
}

/// Creates a state with the whole environment; `engine` is the upvalue of the redis.* functions.
pub unsafe fn create(engine: *mut Engine) -> Result<*mut lua_State, String> {
    let a = api();
    let l = (a.luaL_newstate)();
    if l.is_null() {
        return Err(String::from("Lua could not allocate a state"));
    }
    let openers: [(LuaCFunction, &[u8]); 5] = [
        (a.luaopen_base, b"\0"),
        (a.luaopen_table, b"table\0"),
        (a.luaopen_string, b"string\0"),
        (a.luaopen_math, b"math\0"),
        (a.luaopen_debug, b"debug\0"),
    ];
    for (open, name) in openers {
        lua_pushcfunction(l, open);
        (a.lua_pushstring)(l, name.as_ptr() as *const c_char);
        (a.lua_call)(l, 1, 0);
    }
    load_c_module(l, b"liblua5.1-cjson.so.0\0", b"luaopen_cjson\0", b"cjson\0");
    super::r#struct::open(l);
    super::cmsgpack::open(l);
    load_c_module(l, b"liblua5.1-bitop.so.0\0", b"luaopen_bit\0", b"bit\0");

    for name in [&b"dofile\0"[..], b"loadfile\0", b"print\0", b"getfenv\0", b"setfenv\0", b"newproxy\0"] {
        (a.lua_pushnil)(l);
        lua_setglobal(l, name);
    }

    let up = engine as *mut c_void;
    let closure = |f: LuaCFunction| {
        (a.lua_pushlightuserdata)(l, up);
        (a.lua_pushcclosure)(l, f, 1);
    };

    lua_pushcfunction(l, redis_pcall_builtin);
    lua_setglobal(l, b"pcall\0");

    // The redis table.
    lua_newtable(l);
    let functions: [(&[u8], LuaCFunction); 12] = [
        (b"call\0", redis_call),
        (b"pcall\0", redis_pcall),
        (b"log\0", redis_log),
        (b"setresp\0", redis_setresp),
        (b"sha1hex\0", redis_sha1hex),
        (b"error_reply\0", redis_error_reply),
        (b"status_reply\0", redis_status_reply),
        (b"set_repl\0", redis_set_repl),
        (b"acl_check_cmd\0", redis_acl_check_cmd),
        (b"breakpoint\0", redis_breakpoint),
        (b"debug\0", redis_debug),
        (b"replicate_commands\0", redis_replicate_commands),
    ];
    for (name, f) in functions.iter() {
        closure(*f);
        raw_set_field(l, -2, name);
    }
    let numbers: [(&[u8], f64); 10] = [
        (b"LOG_DEBUG\0", 0.0),
        (b"LOG_VERBOSE\0", 1.0),
        (b"LOG_NOTICE\0", 2.0),
        (b"LOG_WARNING\0", 3.0),
        (b"REDIS_VERSION_NUM\0", REDIS_VERSION_NUM),
        (b"REPL_NONE\0", 0.0),
        (b"REPL_AOF\0", 1.0),
        (b"REPL_SLAVE\0", 2.0),
        (b"REPL_REPLICA\0", 2.0),
        (b"REPL_ALL\0", 3.0),
    ];
    for (name, v) in numbers {
        (a.lua_pushnumber)(l, v);
        raw_set_field(l, -2, name);
    }
    push_bytes(l, REDIS_VERSION);
    raw_set_field(l, -2, b"REDIS_VERSION\0");
    lua_setglobal(l, b"redis\0");

    // math.random / math.randomseed.
    lua_getglobal(l, b"math\0");
    closure(redis_math_random);
    raw_set_field(l, -2, b"random\0");
    closure(redis_math_randomseed);
    raw_set_field(l, -2, b"randomseed\0");
    lua_pop(l, 1);

    // The error handler (this chunk also removes `debug`).
    if (a.luaL_loadbuffer)(l, ERROR_HANDLER.as_ptr() as *const c_char, ERROR_HANDLER.len(), b"@err_handler_def\0".as_ptr() as *const c_char) != LUA_OK
        || (a.lua_pcall)(l, 0, 0, 0) != LUA_OK
    {
        (a.lua_close)(l);
        return Err(String::from("Lua: could not define the error handler"));
    }
    lua_getglobal(l, b"__redis__err__handler\0");
    (*engine).handler_ref = (a.luaL_ref)(l, LUA_REGISTRYINDEX);
    super::functions::create_environment(l, engine, nonexistent_global, readonly_error);

    protect(l, engine);
    Ok(l)
}

/// dlopens a Lua C module built for 5.1 and runs its opener; its table becomes global `global`.
/// Absent modules are skipped (the global is then missing).
unsafe fn load_c_module(l: *mut lua_State, library: &[u8], opener: &[u8], global: &[u8]) {
    let a = api();
    let Ok(handle) = open_library(library) else { return };
    let Some(f) = symbol(handle, opener) else { return };
    let open: LuaCFunction = std::mem::transmute::<*mut c_void, LuaCFunction>(f);
    let top = (a.lua_gettop)(l);
    lua_pushcfunction(l, open);
    (a.lua_pushlstring)(l, global.as_ptr() as *const c_char, global.len() - 1);
    if (a.lua_pcall)(l, 1, 1, 0) == LUA_OK && (a.lua_type)(l, -1) == LUA_TTABLE {
        lua_setglobal(l, global);
    }
    (a.lua_settop)(l, top);
}

// ---------------------------------------------------------------- read-only emulation

const LIBRARY_TABLES: [&[u8]; 9] = [b"string\0", b"table\0", b"math\0", b"redis\0", b"cjson\0", b"struct\0", b"cmsgpack\0", b"bit\0", b"coroutine\0"];

/// Builds the proxies (see the module comment) and makes the globals proxy the thread's globals.
unsafe fn protect(l: *mut lua_State, engine: *mut Engine) {
    let a = api();
    // proxies: proxy -> real table (upvalue 1 of the see-through functions).
    lua_newtable(l);
    let map = (a.lua_gettop)(l);

    // Each library table behind a proxy.
    for name in LIBRARY_TABLES {
        lua_getglobal(l, name);
        if (a.lua_type)(l, -1) != LUA_TTABLE {
            lua_pop(l, 1);
            continue;
        }
        make_proxy(l, map, (a.lua_gettop)(l));
        // Stack: real, proxy.
        (a.lua_pushvalue)(l, -1);
        lua_setglobal(l, name);
        if name == b"string\0" {
            // The string metatable reads methods through the proxy, and getmetatable("") answers a
            // proxy of it, so neither the metatable nor the string table can be changed.
            push_bytes(l, b"");
            if (a.lua_getmetatable)(l, -1) != 0 {
                let mt = (a.lua_gettop)(l);
                (a.lua_pushvalue)(l, -3);
                raw_set_field(l, mt, b"__index\0");
                make_proxy(l, map, mt);
                raw_set_field(l, mt, b"__metatable\0");
                lua_pop(l, 1);
            }
            lua_pop(l, 1);
        }
        lua_pop(l, 2);
    }

    // See-through replacements of functions that bypass metatables.
    let see_through: [(&[u8], LuaCFunction); 4] = [(b"rawset\0", protected_rawset), (b"rawget\0", protected_rawget), (b"next\0", protected_next), (b"setmetatable\0", protected_setmetatable)];
    for (name, f) in see_through {
        (a.lua_pushvalue)(l, map);
        (a.lua_pushcclosure)(l, f, 1);
        lua_setglobal(l, name);
    }
    (a.lua_pushvalue)(l, map);
    lua_getglobal(l, b"next\0");
    (a.lua_pushcclosure)(l, protected_pairs, 2);
    lua_setglobal(l, b"pairs\0");

    // The globals: missing names raise, and the proxy becomes the thread's globals.
    (a.lua_pushvalue)(l, LUA_GLOBALSINDEX);
    let real = (a.lua_gettop)(l);
    (a.lua_pushvalue)(l, real);
    (*engine).globals_ref = (a.luaL_ref)(l, LUA_REGISTRYINDEX);
    lua_newtable(l);
    lua_pushcfunction(l, nonexistent_global);
    raw_set_field(l, -2, b"__index\0");
    let real_mt = (a.lua_gettop)(l);
    (a.lua_pushvalue)(l, real_mt);
    (a.lua_setmetatable)(l, real);
    make_proxy(l, map, real);
    let proxy = (a.lua_gettop)(l);
    // getmetatable(_G) answers a read-only view of the real metatable (its __index a function).
    (a.lua_getmetatable)(l, proxy);
    make_proxy(l, map, real_mt);
    raw_set_field(l, -2, b"__metatable\0");
    lua_pop(l, 1);
    (a.lua_pushvalue)(l, proxy);
    raw_set_field(l, real, b"_G\0");
    (a.lua_pushvalue)(l, proxy);
    (a.lua_replace)(l, LUA_GLOBALSINDEX);
    (a.lua_settop)(l, map - 1);
}

/// Pushes a proxy of the table at `real` and records it in the map at `map`.
unsafe fn make_proxy(l: *mut lua_State, map: c_int, real: c_int) {
    let a = api();
    lua_newtable(l);
    let proxy = (a.lua_gettop)(l);
    lua_newtable(l);
    (a.lua_pushvalue)(l, real);
    raw_set_field(l, -2, b"__index\0");
    lua_pushcfunction(l, readonly_error);
    raw_set_field(l, -2, b"__newindex\0");
    (a.lua_setmetatable)(l, proxy);
    (a.lua_pushvalue)(l, proxy);
    (a.lua_pushvalue)(l, real);
    (a.lua_rawset)(l, map);
}

/// Replaces argument 1 by the real table when it is a proxy; answers whether it was.
unsafe fn unproxy_first(l: *mut lua_State) -> bool {
    let a = api();
    (a.lua_pushvalue)(l, 1);
    (a.lua_rawget)(l, lua_upvalueindex(1));
    if (a.lua_type)(l, -1) == LUA_TTABLE {
        (a.lua_replace)(l, 1);
        true
    } else {
        lua_pop(l, 1);
        false
    }
}

unsafe extern "C" fn readonly_error(l: *mut lua_State) -> c_int {
    (api().luaL_error)(l, b"Attempt to modify a readonly table\0".as_ptr() as *const c_char)
}

unsafe extern "C" fn nonexistent_global(l: *mut lua_State) -> c_int {
    let a = api();
    if (a.lua_gettop)(l) != 2 {
        return (a.luaL_error)(l, b"Wrong number of arguments to luaProtectedTableError\0".as_ptr() as *const c_char);
    }
    if (a.lua_isstring)(l, -1) == 0 && (a.lua_isnumber)(l, -1) == 0 {
        return (a.luaL_error)(l, b"Second argument to luaProtectedTableError must be a string or number\0".as_ptr() as *const c_char);
    }
    let name = (a.lua_tolstring)(l, -1, std::ptr::null_mut());
    (a.luaL_error)(l, b"Script attempted to access nonexistent global variable '%s'\0".as_ptr() as *const c_char, name)
}

unsafe extern "C" fn protected_rawset(l: *mut lua_State) -> c_int {
    let a = api();
    (a.luaL_checktype)(l, 1, LUA_TTABLE);
    (a.luaL_checkany)(l, 2);
    (a.luaL_checkany)(l, 3);
    (a.lua_settop)(l, 3);
    if unproxy_first(l) {
        (a.lua_pushstring)(l, b"Attempt to modify a readonly table\0".as_ptr() as *const c_char);
        return (a.lua_error)(l);
    }
    (a.lua_rawset)(l, 1);
    1
}

unsafe extern "C" fn protected_rawget(l: *mut lua_State) -> c_int {
    let a = api();
    (a.luaL_checktype)(l, 1, LUA_TTABLE);
    (a.luaL_checkany)(l, 2);
    (a.lua_settop)(l, 2);
    unproxy_first(l);
    (a.lua_rawget)(l, 1);
    1
}

unsafe extern "C" fn protected_next(l: *mut lua_State) -> c_int {
    let a = api();
    (a.luaL_checktype)(l, 1, LUA_TTABLE);
    (a.lua_settop)(l, 2);
    unproxy_first(l);
    if (a.lua_next)(l, 1) != 0 {
        2
    } else {
        (a.lua_pushnil)(l);
        1
    }
}

unsafe extern "C" fn protected_pairs(l: *mut lua_State) -> c_int {
    let a = api();
    (a.luaL_checktype)(l, 1, LUA_TTABLE);
    (a.lua_pushvalue)(l, lua_upvalueindex(2));
    (a.lua_pushvalue)(l, 1);
    (a.lua_pushnil)(l);
    3
}

unsafe extern "C" fn protected_setmetatable(l: *mut lua_State) -> c_int {
    let a = api();
    let t = (a.lua_type)(l, 2);
    (a.luaL_checktype)(l, 1, LUA_TTABLE);
    if t != LUA_TNIL && t != LUA_TTABLE {
        return (a.luaL_argerror)(l, 2, b"nil or table expected\0".as_ptr() as *const c_char);
    }
    (a.lua_settop)(l, 2);
    (a.lua_pushvalue)(l, 1);
    (a.lua_rawget)(l, lua_upvalueindex(1));
    let is_proxy = (a.lua_type)(l, -1) == LUA_TTABLE;
    lua_pop(l, 1);
    if is_proxy {
        (a.lua_pushstring)(l, b"Attempt to modify a readonly table\0".as_ptr() as *const c_char);
        return (a.lua_error)(l);
    }
    if (a.lua_getmetatable)(l, 1) != 0 {
        push_bytes(l, b"__metatable");
        (a.lua_rawget)(l, -2);
        let protected = (a.lua_type)(l, -1) != LUA_TNIL;
        lua_pop(l, 2);
        if protected {
            return (a.luaL_error)(l, b"cannot change a protected metatable\0".as_ptr() as *const c_char);
        }
    }
    (a.lua_setmetatable)(l, 1);
    1
}

// ---------------------------------------------------------------- Redis's pcall

/// Redis 7.0's pcall (luaRedisPcall): like Lua's, but an error table with an `err` string is
/// replaced by that string.
unsafe extern "C" fn redis_pcall_builtin(l: *mut lua_State) -> c_int {
    let a = api();
    (a.luaL_checkany)(l, 1);
    let argc = (a.lua_gettop)(l);
    (a.lua_pushboolean)(l, 1);
    (a.lua_insert)(l, 1);
    if (a.lua_pcall)(l, argc - 1, LUA_MULTRET, 0) != LUA_OK {
        (a.lua_remove)(l, 1);
        if (a.lua_type)(l, -1) == LUA_TTABLE {
            (a.lua_getfield)(l, -1, b"err\0".as_ptr() as *const c_char);
            if (a.lua_isstring)(l, -1) != 0 {
                (a.lua_replace)(l, -2);
            }
        }
        (a.lua_pushboolean)(l, 0);
        (a.lua_insert)(l, 1);
    }
    (a.lua_gettop)(l)
}

// ---------------------------------------------------------------- redis.*

unsafe extern "C" fn redis_call(l: *mut lua_State) -> c_int {
    let outcome = raw_call(l, engine_up(l), 0);
    if outcome == CallOutcome::Error {
        return (api().lua_error)(l);
    }
    1
}

unsafe extern "C" fn redis_pcall(l: *mut lua_State) -> c_int {
    raw_call(l, engine_up(l), 0);
    1
}

unsafe extern "C" fn redis_acl_check_cmd(l: *mut lua_State) -> c_int {
    let e = engine_up(l);
    if !e.running {
        return raise(l, b"redis.acl_check_cmd can only be called inside a script invocation");
    }
    if raw_call(l, e, 1) == CallOutcome::Error {
        return (api().lua_error)(l);
    }
    1
}

unsafe extern "C" fn redis_log(l: *mut lua_State) -> c_int {
    let a = api();
    let argc = (a.lua_gettop)(l);
    if argc < 2 {
        return raise(l, b"redis.log() requires two arguments or more.");
    }
    if (a.lua_isnumber)(l, -argc) == 0 {
        return raise(l, b"First argument must be a number (log level).");
    }
    let level = (a.lua_tonumber)(l, -argc) as i64;
    if !(0..=3).contains(&level) {
        return raise(l, b"Invalid debug level.");
    }
    let e = engine_up(l);
    // The message is glued on the Lua stack, then goes to the JavaScript logger as a "call" of kind
    // 2 with the arguments (level, message).
    let mut parts = 0;
    for j in 2..=argc {
        if (a.lua_isstring)(l, j) != 0 {
            if parts > 0 {
                push_bytes(l, b" ");
                parts += 1;
            }
            (a.lua_pushvalue)(l, j);
            parts += 1;
        }
    }
    if parts == 0 {
        push_bytes(l, b"");
    } else {
        (a.lua_concat)(l, parts);
    }
    (a.lua_pushnumber)(l, level as f64);
    (a.lua_insert)(l, -2);
    for _ in 0..argc {
        (a.lua_remove)(l, 1);
    }
    if e.running {
        let _ = raw_call(l, e, 2);
    }
    (a.lua_settop)(l, 0);
    0
}

unsafe extern "C" fn redis_setresp(l: *mut lua_State) -> c_int {
    let a = api();
    let e = engine_up(l);
    if !e.running {
        return raise(l, b"redis.setresp can only be called inside a script invocation");
    }
    if (a.lua_gettop)(l) != 1 {
        return raise(l, b"redis.setresp() requires one argument.");
    }
    let resp = (a.lua_tonumber)(l, -1) as i64;
    if resp != 2 && resp != 3 {
        return raise(l, b"RESP version must be 2 or 3.");
    }
    e.resp = resp as u8;
    0
}

unsafe extern "C" fn redis_sha1hex(l: *mut lua_State) -> c_int {
    let a = api();
    if (a.lua_gettop)(l) != 1 {
        return raise(l, b"wrong number of arguments");
    }
    let hex = super::sha1::sha1_hex(to_bytes(l, 1).unwrap_or(b""));
    push_bytes(l, &hex);
    1
}

unsafe extern "C" fn redis_error_reply(l: *mut lua_State) -> c_int {
    let a = api();
    if (a.lua_gettop)(l) != 1 || (a.lua_type)(l, -1) != LUA_TSTRING {
        push_error_table(l, b"wrong number or type of arguments", false, false);
        return 1;
    }
    // Built on the Lua stack: "-" .. msg unless it starts with "-".
    let msg = to_bytes(l, -1).unwrap_or(b"");
    if msg.first() != Some(&b'-') {
        push_bytes(l, b"-");
        (a.lua_pushvalue)(l, 1);
        (a.lua_concat)(l, 2);
    } else {
        (a.lua_pushvalue)(l, 1);
    }
    let text = to_bytes(l, -1).unwrap_or(b"");
    push_error_table(l, text, false, false);
    1
}

unsafe extern "C" fn redis_status_reply(l: *mut lua_State) -> c_int {
    let a = api();
    if (a.lua_gettop)(l) != 1 || (a.lua_type)(l, -1) != LUA_TSTRING {
        push_error_table(l, b"wrong number or type of arguments", false, false);
        return 1;
    }
    lua_newtable(l);
    (a.lua_pushvalue)(l, 1);
    raw_set_field(l, -2, b"ok\0");
    1
}

unsafe extern "C" fn redis_set_repl(l: *mut lua_State) -> c_int {
    let a = api();
    let e = engine_up(l);
    if !e.running {
        return raise(l, b"redis.set_repl can only be called inside a script invocation");
    }
    if (a.lua_gettop)(l) != 1 {
        return raise(l, b"redis.set_repl() requires two arguments.");
    }
    let flags = (a.lua_tonumber)(l, -1) as i64;
    if flags & !3 != 0 {
        return raise(l, b"Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    }
    0
}

unsafe extern "C" fn redis_breakpoint(l: *mut lua_State) -> c_int {
    (api().lua_pushboolean)(l, 0);
    1
}

unsafe extern "C" fn redis_debug(_l: *mut lua_State) -> c_int {
    0
}

unsafe extern "C" fn redis_replicate_commands(l: *mut lua_State) -> c_int {
    (api().lua_pushboolean)(l, 1);
    1
}

// ---------------------------------------------------------------- math.random

unsafe extern "C" fn redis_math_random(l: *mut lua_State) -> c_int {
    let a = api();
    let e = engine_up(l);
    if !e.running {
        return (a.luaL_error)(l, b"math.random can only be called inside a script invocation\0".as_ptr() as *const c_char);
    }
    let r = super::rand::unit(&mut e.prng);
    match (a.lua_gettop)(l) {
        0 => (a.lua_pushnumber)(l, r),
        1 => {
            let u = (a.luaL_checkinteger)(l, 1) as c_int;
            if u < 1 {
                return (a.luaL_argerror)(l, 1, b"interval is empty\0".as_ptr() as *const c_char);
            }
            (a.lua_pushnumber)(l, (r * u as f64).floor() + 1.0);
        }
        2 => {
            let lo = (a.luaL_checkinteger)(l, 1) as c_int;
            let up = (a.luaL_checkinteger)(l, 2) as c_int;
            if lo > up {
                return (a.luaL_argerror)(l, 2, b"interval is empty\0".as_ptr() as *const c_char);
            }
            (a.lua_pushnumber)(l, (r * (up as f64 - lo as f64 + 1.0)).floor() + lo as f64);
        }
        _ => return (a.luaL_error)(l, b"wrong number of arguments\0".as_ptr() as *const c_char),
    }
    1
}

unsafe extern "C" fn redis_math_randomseed(l: *mut lua_State) -> c_int {
    let a = api();
    let e = engine_up(l);
    if !e.running {
        return (a.luaL_error)(l, b"math.randomseed can only be called inside a script invocation\0".as_ptr() as *const c_char);
    }
    let seed = (a.luaL_checkinteger)(l, 1) as c_int;
    super::rand::srand48(&mut e.prng, seed);
    0
}
