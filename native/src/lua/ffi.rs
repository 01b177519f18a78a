//! Lua 5.1 C API, loaded at run time from Debian's `liblua5.1-0` (`liblua5.1.so.0`).
//!
//! The addon does not link against Lua: `load()` opens the library with
//! `dlopen(RTLD_NOW | RTLD_GLOBAL)` (GLOBAL so that Lua C modules opened later, such as Debian's
//! `lua-cjson` and `lua-bitop`, resolve their `lua_*` symbols against it) and fills one table of
//! function pointers. A server without the library still loads the addon; scripting then reports
//! `load()`'s error, which names the package to install.
//!
//! The table is immutable process-wide data (the same library for every thread), so it lives in a
//! `OnceLock`; per-thread state (a `lua_State`, buffers) lives in N-API instance data (see mod.rs).
//! Lua C functions written in Rust reach it with `api()`.
//!
//! Writing a Lua library in Rust (for example `cmsgpack` or `struct`, each in its own file):
//! - functions are `unsafe extern "C" fn(l: *mut lua_State) -> c_int` (`LuaCFunction`) that read
//!   their arguments with `(api().luaL_checklstring)(l, 1, &mut len)` and friends, push results and
//!   return how many they pushed;
//! - an `open(l)` function builds the library table with `lua_createtable` + `lua_pushcclosure` +
//!   `lua_setfield`, and mod.rs calls it next to the other libraries;
//! - errors: `luaL_error`, `luaL_argerror`, `lua_error` and the `luaL_check*` functions never return,
//!   they `longjmp` back into Lua across the Rust frame. So a Rust frame that may raise must hold no
//!   value that needs dropping (no `Vec`, `String`, `Box` alive at that point): copy into the Lua
//!   stack (`lua_pushlstring`) or a buffer owned elsewhere first, and keep Rust panics out of it.

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_void, CStr};
use std::os::raw::{c_char, c_int};
use std::sync::OnceLock;

/// Opaque Lua interpreter state.
#[repr(C)]
pub struct lua_State {
    _private: [u8; 0],
}

/// `lua_Debug` of Lua 5.1 (ldebug.h / lua.h), filled by `lua_getstack` + `lua_getinfo`.
#[repr(C)]
pub struct lua_Debug {
    pub event: c_int,
    pub name: *const c_char,
    pub namewhat: *const c_char,
    pub what: *const c_char,
    pub source: *const c_char,
    pub currentline: c_int,
    pub nups: c_int,
    pub linedefined: c_int,
    pub lastlinedefined: c_int,
    pub short_src: [c_char; LUA_IDSIZE],
    /// Private to Lua (`i_ci`).
    i_ci: c_int,
}

impl lua_Debug {
    pub fn zeroed() -> Self {
        lua_Debug {
            event: 0,
            name: std::ptr::null(),
            namewhat: std::ptr::null(),
            what: std::ptr::null(),
            source: std::ptr::null(),
            currentline: 0,
            nups: 0,
            linedefined: 0,
            lastlinedefined: 0,
            short_src: [0; LUA_IDSIZE],
            i_ci: 0,
        }
    }
}

pub type lua_Number = f64;
pub type lua_Integer = isize;
/// A C function callable from Lua: arguments on the stack, returns the number of results pushed.
pub type LuaCFunction = unsafe extern "C" fn(l: *mut lua_State) -> c_int;
pub type lua_Hook = Option<unsafe extern "C" fn(l: *mut lua_State, ar: *mut lua_Debug)>;

pub const LUA_IDSIZE: usize = 60;
pub const LUA_REGISTRYINDEX: c_int = -10000;
pub const LUA_ENVIRONINDEX: c_int = -10001;
pub const LUA_GLOBALSINDEX: c_int = -10002;
/// Pseudo-index of upvalue `i` (1-based) of the running C closure.
pub const fn lua_upvalueindex(i: c_int) -> c_int {
    LUA_GLOBALSINDEX - i
}
pub const LUA_MULTRET: c_int = -1;

pub const LUA_TNONE: c_int = -1;
pub const LUA_TNIL: c_int = 0;
pub const LUA_TBOOLEAN: c_int = 1;
pub const LUA_TLIGHTUSERDATA: c_int = 2;
pub const LUA_TNUMBER: c_int = 3;
pub const LUA_TSTRING: c_int = 4;
pub const LUA_TTABLE: c_int = 5;
pub const LUA_TFUNCTION: c_int = 6;
pub const LUA_TUSERDATA: c_int = 7;
pub const LUA_TTHREAD: c_int = 8;

/// `lua_pcall` / `luaL_loadbuffer` status codes.
pub const LUA_OK: c_int = 0;
pub const LUA_ERRRUN: c_int = 2;
pub const LUA_ERRSYNTAX: c_int = 3;
pub const LUA_ERRMEM: c_int = 4;
pub const LUA_ERRERR: c_int = 5;

/// `lua_gc` options.
pub const LUA_GCSTOP: c_int = 0;
pub const LUA_GCRESTART: c_int = 1;
pub const LUA_GCCOLLECT: c_int = 2;
pub const LUA_GCCOUNT: c_int = 3;
pub const LUA_GCCOUNTB: c_int = 4;
pub const LUA_GCSTEP: c_int = 5;

/// `lua_sethook` masks.
pub const LUA_MASKCALL: c_int = 1;
pub const LUA_MASKRET: c_int = 2;
pub const LUA_MASKLINE: c_int = 4;
pub const LUA_MASKCOUNT: c_int = 8;

/// The Debian package that provides the library, named in every "not available" error.
pub const LUA_PACKAGE: &str = "liblua5.1-0";
const LUA_SONAME: &[u8] = b"liblua5.1.so.0\0";

const RTLD_NOW: c_int = 2;
const RTLD_GLOBAL: c_int = 0x100;

extern "C" {
    fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}

/// Opens a shared object with RTLD_NOW | RTLD_GLOBAL; the handle is never closed (libraries stay
/// mapped for the life of the process, as Lua C modules expect).
///
/// # Safety
/// `name` must be NUL-terminated.
pub unsafe fn open_library(name: &[u8]) -> Result<*mut c_void, String> {
    let handle = dlopen(name.as_ptr() as *const c_char, RTLD_NOW | RTLD_GLOBAL);
    if handle.is_null() {
        return Err(last_dl_error());
    }
    Ok(handle)
}

/// Looks a symbol up in a handle from `open_library`.
///
/// # Safety
/// `name` must be NUL-terminated.
pub unsafe fn symbol(handle: *mut c_void, name: &[u8]) -> Option<*mut c_void> {
    let p = dlsym(handle, name.as_ptr() as *const c_char);
    if p.is_null() {
        None
    } else {
        Some(p)
    }
}

unsafe fn last_dl_error() -> String {
    let e = dlerror();
    if e.is_null() {
        String::from("unknown dlopen error")
    } else {
        CStr::from_ptr(e).to_string_lossy().into_owned()
    }
}

macro_rules! lua_api {
    ($( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?; )*) => {
        /// Every Lua 5.1 C API function Tessera uses, resolved from `liblua5.1.so.0`. Field names are
        /// the C names; see the Lua 5.1 reference manual, sections 3 (C API) and 4 (auxiliary library).
        pub struct LuaApi {
            $( $(#[$doc])* pub $name: unsafe extern "C" fn($($arg: $ty),*) $(-> $ret)?, )*
            /// `luaL_error(L, fmt, ...)`: raises an error with `luaL_where(L, 1)` prepended. Never returns.
            pub luaL_error: unsafe extern "C" fn(l: *mut lua_State, fmt: *const c_char, ...) -> c_int,
            /// `lua_pushfstring(L, fmt, ...)`: pushes a formatted string (%s %d %f %p %c %%) and returns it.
            pub lua_pushfstring: unsafe extern "C" fn(l: *mut lua_State, fmt: *const c_char, ...) -> *const c_char,
        }

        impl LuaApi {
            unsafe fn resolve(handle: *mut c_void) -> Result<LuaApi, String> {
                Ok(LuaApi {
                    $( $name: {
                        let name = concat!(stringify!($name), "\0");
                        match symbol(handle, name.as_bytes()) {
                            Some(p) => std::mem::transmute::<*mut c_void, unsafe extern "C" fn($($ty),*) $(-> $ret)?>(p),
                            None => return Err(format!("{} has no symbol {}", "liblua5.1.so.0", stringify!($name))),
                        }
                    }, )*
                    luaL_error: match symbol(handle, b"luaL_error\0") {
                        Some(p) => std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut lua_State, *const c_char, ...) -> c_int>(p),
                        None => return Err(String::from("liblua5.1.so.0 has no symbol luaL_error")),
                    },
                    lua_pushfstring: match symbol(handle, b"lua_pushfstring\0") {
                        Some(p) => std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut lua_State, *const c_char, ...) -> *const c_char>(p),
                        None => return Err(String::from("liblua5.1.so.0 has no symbol lua_pushfstring")),
                    },
                })
            }
        }
    };
}

lua_api! {
    // ---- state
    /// Creates a state with the standard allocator and panic function (`lua_open` in 5.1 macros).
    fn luaL_newstate() -> *mut lua_State;
    /// Destroys a state and everything in it.
    fn lua_close(l: *mut lua_State);

    // ---- stack
    /// Index of the top element (= number of elements).
    fn lua_gettop(l: *mut lua_State) -> c_int;
    /// Sets the top (negative: relative; `lua_pop(L, n)` is `lua_settop(L, -n - 1)`).
    fn lua_settop(l: *mut lua_State, idx: c_int);
    /// Pushes a copy of the element at `idx`.
    fn lua_pushvalue(l: *mut lua_State, idx: c_int);
    /// Removes the element at `idx`, shifting the ones above down.
    fn lua_remove(l: *mut lua_State, idx: c_int);
    /// Moves the top element to `idx`, shifting up.
    fn lua_insert(l: *mut lua_State, idx: c_int);
    /// Moves the top element to `idx`, replacing what was there.
    fn lua_replace(l: *mut lua_State, idx: c_int);
    /// Ensures room for `sz` more elements; 0 when it cannot grow.
    fn lua_checkstack(l: *mut lua_State, sz: c_int) -> c_int;

    // ---- reading values
    /// Type of the value at `idx` (`LUA_T*`, `LUA_TNONE` for an invalid index).
    fn lua_type(l: *mut lua_State, idx: c_int) -> c_int;
    /// Name of a type code ("nil", "number", ...).
    fn lua_typename(l: *mut lua_State, tp: c_int) -> *const c_char;
    /// 1 for a number or a string convertible to one.
    fn lua_isnumber(l: *mut lua_State, idx: c_int) -> c_int;
    /// 1 for a string or a number.
    fn lua_isstring(l: *mut lua_State, idx: c_int) -> c_int;
    /// 1 for a C function.
    fn lua_iscfunction(l: *mut lua_State, idx: c_int) -> c_int;
    /// 1 for a full or light userdata.
    fn lua_isuserdata(l: *mut lua_State, idx: c_int) -> c_int;
    /// Raw equality of two stack values (no metamethods).
    fn lua_rawequal(l: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    /// Equality with `__eq`.
    fn lua_equal(l: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    /// `a < b` with `__lt`.
    fn lua_lessthan(l: *mut lua_State, idx1: c_int, idx2: c_int) -> c_int;
    /// The number at `idx` (0 when not convertible).
    fn lua_tonumber(l: *mut lua_State, idx: c_int) -> lua_Number;
    /// The number at `idx` truncated to an integer (0 when not convertible).
    fn lua_tointeger(l: *mut lua_State, idx: c_int) -> lua_Integer;
    /// Truthiness of the value at `idx` (only nil and false are false).
    fn lua_toboolean(l: *mut lua_State, idx: c_int) -> c_int;
    /// Bytes of a string (a number is converted IN PLACE to a string); NULL for other types.
    /// `len` may be NULL. The bytes live as long as the value stays on the stack.
    fn lua_tolstring(l: *mut lua_State, idx: c_int, len: *mut usize) -> *const c_char;
    /// Length of a string, a table's border (`#t`), or a userdata's size.
    fn lua_objlen(l: *mut lua_State, idx: c_int) -> usize;
    /// The C function at `idx`, or NULL.
    fn lua_tocfunction(l: *mut lua_State, idx: c_int) -> Option<LuaCFunction>;
    /// Block address of a full userdata, or the pointer of a light one; NULL otherwise.
    fn lua_touserdata(l: *mut lua_State, idx: c_int) -> *mut c_void;
    /// The thread at `idx`, or NULL.
    fn lua_tothread(l: *mut lua_State, idx: c_int) -> *mut lua_State;
    /// An identifying pointer for tables, functions, threads and userdata (for `%p`-like output).
    fn lua_topointer(l: *mut lua_State, idx: c_int) -> *const c_void;

    // ---- pushing values
    /// Pushes nil.
    fn lua_pushnil(l: *mut lua_State);
    /// Pushes a number (a double).
    fn lua_pushnumber(l: *mut lua_State, n: lua_Number);
    /// Pushes an integer (stored as a double).
    fn lua_pushinteger(l: *mut lua_State, n: lua_Integer);
    /// Pushes a copy of `len` bytes (may contain NULs).
    fn lua_pushlstring(l: *mut lua_State, s: *const c_char, len: usize);
    /// Pushes a copy of a NUL-terminated string (NULL pushes nil).
    fn lua_pushstring(l: *mut lua_State, s: *const c_char);
    /// Pushes a C closure with `n` upvalues taken from the top of the stack (`lua_pushcfunction`
    /// is `lua_pushcclosure(L, f, 0)`).
    fn lua_pushcclosure(l: *mut lua_State, f: LuaCFunction, n: c_int);
    /// Pushes a boolean (0 false, anything else true).
    fn lua_pushboolean(l: *mut lua_State, b: c_int);
    /// Pushes a light userdata (a bare pointer, no metatable of its own).
    fn lua_pushlightuserdata(l: *mut lua_State, p: *mut c_void);
    /// Pushes the state's thread; 1 when it is the main thread.
    fn lua_pushthread(l: *mut lua_State) -> c_int;

    // ---- tables and metatables
    /// Pushes `t[k]` (t at `idx`, k popped from the top), with metamethods.
    fn lua_gettable(l: *mut lua_State, idx: c_int);
    /// Pushes `t[k]` for a string key, with metamethods (`lua_getglobal` is this on LUA_GLOBALSINDEX).
    fn lua_getfield(l: *mut lua_State, idx: c_int, k: *const c_char);
    /// Like `lua_gettable` without metamethods.
    fn lua_rawget(l: *mut lua_State, idx: c_int);
    /// Pushes `t[n]` without metamethods.
    fn lua_rawgeti(l: *mut lua_State, idx: c_int, n: c_int);
    /// Pushes a new table with room for `narr` array and `nrec` hash entries (`lua_newtable` is (0, 0)).
    fn lua_createtable(l: *mut lua_State, narr: c_int, nrec: c_int);
    /// Allocates a full userdata of `sz` bytes, pushes it and returns its address.
    fn lua_newuserdata(l: *mut lua_State, sz: usize) -> *mut c_void;
    /// Pushes the metatable of the value at `idx` and returns 1, or pushes nothing and returns 0.
    fn lua_getmetatable(l: *mut lua_State, objindex: c_int) -> c_int;
    /// Pushes the environment table of the value at `idx`.
    fn lua_getfenv(l: *mut lua_State, idx: c_int);
    /// `t[k] = v` (t at `idx`, v at the top, k just below; both popped), with metamethods.
    fn lua_settable(l: *mut lua_State, idx: c_int);
    /// `t[k] = v` for a string key, v popped (`lua_setglobal` is this on LUA_GLOBALSINDEX).
    fn lua_setfield(l: *mut lua_State, idx: c_int, k: *const c_char);
    /// Like `lua_settable` without metamethods.
    fn lua_rawset(l: *mut lua_State, idx: c_int);
    /// `t[n] = v` without metamethods, v popped.
    fn lua_rawseti(l: *mut lua_State, idx: c_int, n: c_int);
    /// Pops a table (or nil) and sets it as the metatable of the value at `idx`.
    fn lua_setmetatable(l: *mut lua_State, objindex: c_int) -> c_int;
    /// Pops a table and sets it as the environment of the function/thread/userdata at `idx`.
    fn lua_setfenv(l: *mut lua_State, idx: c_int) -> c_int;
    /// Table traversal: pops a key, pushes the next key and value and returns 1, or returns 0 at the end.
    fn lua_next(l: *mut lua_State, idx: c_int) -> c_int;
    /// Concatenates the `n` top values (with `__concat`), pops them and pushes the result.
    fn lua_concat(l: *mut lua_State, n: c_int);

    // ---- calls and errors
    /// Calls a function with `nargs` arguments, unprotected (an error propagates to the caller).
    fn lua_call(l: *mut lua_State, nargs: c_int, nresults: c_int);
    /// Calls in protected mode; `errfunc` is the stack index of a message handler or 0. Returns 0 or
    /// an error code with the error object on the stack.
    fn lua_pcall(l: *mut lua_State, nargs: c_int, nresults: c_int, errfunc: c_int) -> c_int;
    /// Calls a C function in protected mode with a light userdata argument.
    fn lua_cpcall(l: *mut lua_State, func: LuaCFunction, ud: *mut c_void) -> c_int;
    /// Raises the value at the top as an error. Never returns (longjmp).
    fn lua_error(l: *mut lua_State) -> c_int;

    // ---- garbage collector and debug interface
    /// Garbage collector control (`LUA_GC*`); LUA_GCCOUNT answers KB in use.
    fn lua_gc(l: *mut lua_State, what: c_int, data: c_int) -> c_int;
    /// Fills `ar` for call level `level` (0 = running function); 0 when the level does not exist.
    fn lua_getstack(l: *mut lua_State, level: c_int, ar: *mut lua_Debug) -> c_int;
    /// Fills fields of `ar` selected by `what` ("n", "S", "l", "u", "f").
    fn lua_getinfo(l: *mut lua_State, what: *const c_char, ar: *mut lua_Debug) -> c_int;
    /// Installs a debug hook (count, line, call, return); NULL removes it.
    fn lua_sethook(l: *mut lua_State, func: lua_Hook, mask: c_int, count: c_int) -> c_int;

    // ---- auxiliary library
    /// Compiles a chunk; pushes the function (0) or an error message (LUA_ERRSYNTAX, LUA_ERRMEM).
    /// `name` is the chunk name used in messages ("@user_script" shows as "user_script").
    fn luaL_loadbuffer(l: *mut lua_State, buff: *const c_char, sz: usize, name: *const c_char) -> c_int;
    /// Raises "bad argument #narg to 'fname' (extramsg)". Never returns.
    fn luaL_argerror(l: *mut lua_State, narg: c_int, extramsg: *const c_char) -> c_int;
    /// Raises "bad argument ... (tname expected, got ...)". Never returns.
    fn luaL_typerror(l: *mut lua_State, narg: c_int, tname: *const c_char) -> c_int;
    /// The string argument `narg` (numbers converted) or raises a type error.
    fn luaL_checklstring(l: *mut lua_State, narg: c_int, len: *mut usize) -> *const c_char;
    /// Optional string argument with a default.
    fn luaL_optlstring(l: *mut lua_State, narg: c_int, def: *const c_char, len: *mut usize) -> *const c_char;
    /// The number argument `narg` or raises a type error.
    fn luaL_checknumber(l: *mut lua_State, narg: c_int) -> lua_Number;
    /// Optional number argument with a default.
    fn luaL_optnumber(l: *mut lua_State, narg: c_int, def: lua_Number) -> lua_Number;
    /// The integer argument `narg` (truncated) or raises a type error (`luaL_checkint` casts this).
    fn luaL_checkinteger(l: *mut lua_State, narg: c_int) -> lua_Integer;
    /// Optional integer argument with a default.
    fn luaL_optinteger(l: *mut lua_State, narg: c_int, def: lua_Integer) -> lua_Integer;
    /// Raises a type error unless argument `narg` has type `t`.
    fn luaL_checktype(l: *mut lua_State, narg: c_int, t: c_int);
    /// Raises an error unless there is an argument `narg` (of any type, nil included).
    fn luaL_checkany(l: *mut lua_State, narg: c_int);
    /// Grows the stack by `sz` or raises "stack overflow (msg)".
    fn luaL_checkstack(l: *mut lua_State, sz: c_int, msg: *const c_char);
    /// Pushes "chunkname:currentline:" of call level `lvl` (or "" for C functions).
    fn luaL_where(l: *mut lua_State, lvl: c_int);
    /// Creates (1) or finds (0) the registry metatable `tname`, and pushes it.
    fn luaL_newmetatable(l: *mut lua_State, tname: *const c_char) -> c_int;
    /// The userdata at `ud` if its metatable is registry[`tname`], else raises a type error.
    fn luaL_checkudata(l: *mut lua_State, ud: c_int, tname: *const c_char) -> *mut c_void;
    /// Pops the top value, stores it in table `t` and returns an integer reference to it.
    fn luaL_ref(l: *mut lua_State, t: c_int) -> c_int;
    /// Frees a reference made by `luaL_ref`.
    fn luaL_unref(l: *mut lua_State, t: c_int, r: c_int);

    // ---- standard libraries (lualib.h); call through lua_call with the library name as argument
    /// Base library (print, pairs, pcall, ...) into the globals.
    fn luaopen_base(l: *mut lua_State) -> c_int;
    /// `table` library.
    fn luaopen_table(l: *mut lua_State) -> c_int;
    /// `string` library (also sets the string metatable).
    fn luaopen_string(l: *mut lua_State) -> c_int;
    /// `math` library.
    fn luaopen_math(l: *mut lua_State) -> c_int;
    /// `debug` library.
    fn luaopen_debug(l: *mut lua_State) -> c_int;
}

static API: OnceLock<Result<LuaApi, String>> = OnceLock::new();

/// Loads the library on first use (any thread) and answers the function table, or why it is not
/// available (a message naming the Debian package).
///
/// The environment variable TESSERA_LUA_LIBRARY names another file to open instead of
/// `liblua5.1.so.0` (another distribution's name for Lua 5.1, or a missing file in tests).
pub fn load() -> Result<&'static LuaApi, &'static str> {
    API.get_or_init(|| unsafe {
        let mut name: Vec<u8> = match std::env::var_os("TESSERA_LUA_LIBRARY") {
            Some(v) if !v.is_empty() => std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str()).to_vec(),
            _ => LUA_SONAME[..LUA_SONAME.len() - 1].to_vec(),
        };
        name.retain(|&b| b != 0);
        name.push(0);
        let handle = open_library(&name)
            .map_err(|e| format!("Lua 5.1 is not available ({e}): install the Debian package {LUA_PACKAGE}"))?;
        LuaApi::resolve(handle).map_err(|e| format!("Lua 5.1 library unusable ({e}): reinstall the Debian package {LUA_PACKAGE}"))
    })
    .as_ref()
    .map_err(|e| e.as_str())
}

/// The function table, for Lua C functions: only callable from code Lua runs, which exists only
/// after `load()` succeeded.
#[inline]
pub fn api() -> &'static LuaApi {
    match API.get() {
        Some(Ok(api)) => api,
        _ => unreachable!("the Lua API is used before ffi::load() succeeded"),
    }
}

// ---- the C API's macros, as functions

/// `lua_pop(L, n)`.
#[inline]
pub unsafe fn lua_pop(l: *mut lua_State, n: c_int) {
    (api().lua_settop)(l, -n - 1)
}

/// `lua_newtable(L)`.
#[inline]
pub unsafe fn lua_newtable(l: *mut lua_State) {
    (api().lua_createtable)(l, 0, 0)
}

/// `lua_pushcfunction(L, f)`.
#[inline]
pub unsafe fn lua_pushcfunction(l: *mut lua_State, f: LuaCFunction) {
    (api().lua_pushcclosure)(l, f, 0)
}

/// `lua_setglobal(L, name)`: pops a value into the global `name` (NUL-terminated).
#[inline]
pub unsafe fn lua_setglobal(l: *mut lua_State, name: &[u8]) {
    (api().lua_setfield)(l, LUA_GLOBALSINDEX, name.as_ptr() as *const c_char)
}

/// `lua_getglobal(L, name)`: pushes the global `name` (NUL-terminated).
#[inline]
pub unsafe fn lua_getglobal(l: *mut lua_State, name: &[u8]) {
    (api().lua_getfield)(l, LUA_GLOBALSINDEX, name.as_ptr() as *const c_char)
}

/// Pushes a Rust byte string.
#[inline]
pub unsafe fn push_bytes(l: *mut lua_State, s: &[u8]) {
    (api().lua_pushlstring)(l, s.as_ptr() as *const c_char, s.len())
}

/// The bytes of the string (or number, converted in place) at `idx`, or None. Valid while the value
/// stays on the stack.
#[inline]
pub unsafe fn to_bytes<'a>(l: *mut lua_State, idx: c_int) -> Option<&'a [u8]> {
    let mut len = 0usize;
    let p = (api().lua_tolstring)(l, idx, &mut len);
    if p.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(p as *const u8, len))
    }
}

/// `t[key] = value-at-top` for a NUL-terminated key on the table at `idx` (raw, no metamethods).
#[inline]
pub unsafe fn raw_set_field(l: *mut lua_State, idx: c_int, key: &[u8]) {
    let a = api();
    let t = if idx < 0 && idx > LUA_REGISTRYINDEX { (a.lua_gettop)(l) + idx + 1 } else { idx };
    (a.lua_pushlstring)(l, key.as_ptr() as *const c_char, key.len() - 1);
    (a.lua_insert)(l, -2);
    (a.lua_rawset)(l, t);
}
