//! The `cmsgpack` Lua library as Redis 7.0.15 bundles it (lua-cmsgpack 0.4.0), written in Rust.
//!
//! Scripts see a global table `cmsgpack` with:
//!   pack(v1, v2, ...)              MessagePack of each argument, concatenated into one string
//!   unpack(s)                      every value in `s`, as multiple results
//!   unpack_one(s [, offset])       next offset (or -1 at the end) and one value
//!   unpack_limit(s, n [, offset])  next offset (or -1) and at most n values
//! plus `_NAME`, `_VERSION`, `_COPYRIGHT` and `_DESCRIPTION` strings.
//!
//! Encoding choices (they decide the bytes, so they follow the C library exactly):
//! - a number that is a whole value in the int64 range becomes the smallest MessagePack integer
//!   (positive fixint, uint 8/16/32/64 for >= 0; negative fixint, int 8/16/32/64 below 0); any
//!   other number (fractions, NaN, infinities, |n| >= 2^63) becomes a float 32 when converting it
//!   to float and back is lossless (infinities included), else a float 64;
//! - strings use the str family only (fixstr, str 8, str 16, str 32), never bin;
//! - a table whose keys are exactly the numbers 1..N (N < 2^31) is an array of N elements, the
//!   empty table included; any other table is a map, its pairs in `next` order;
//! - a table nested LUACMSGPACK_MAX_NESTING (16) levels deep, and anything that is not a string,
//!   boolean, number or table, becomes nil (so cyclic tables encode without looping).
//!
//! Decoding accepts what the C library accepts: integers of every width (uint 64 above 2^63-1
//! comes back negative, as the C library's conversion to lua_Integer does), float 32/64, nil,
//! booleans, str 8/16/32 and fixstr, arrays and maps; bin, ext and 0xc1 are "Bad data format".
//! Errors and their texts are the C library's, raised with the same Lua API calls (luaL_error,
//! luaL_argerror, luaL_checkstack), and the values use the Lua stack the same way, so stack
//! overflows on deep nesting or too many results happen at the same point.
//!
//! Lua errors longjmp across these frames (see ffi.rs): the only Rust value outliving a call that
//! may raise is the thread's encode buffer, reached through a raw pointer and never dropped here.

use super::ffi::*;
use std::cell::UnsafeCell;
use std::os::raw::{c_char, c_int};

/// Tables nested this deep are encoded as nil.
const MAX_NESTING: c_int = 16;
/// An encode buffer that grew past this is freed after the call instead of kept for the next one.
const KEEP_BUFFER_BYTES: usize = 1 << 20;

const NAME: &[u8] = b"cmsgpack";
const VERSION: &[u8] = b"lua-cmsgpack 0.4.0";
const COPYRIGHT: &[u8] = b"Copyright (C) 2012, Salvatore Sanfilippo";
const DESCRIPTION: &[u8] = b"MessagePack C implementation for Lua";

thread_local! {
    static ENCODE_BUFFER: UnsafeCell<Vec<u8>> = const { UnsafeCell::new(Vec::new()) };
}

/// The thread's encode buffer. Lua states are per thread and `pack` never runs Lua code while it
/// encodes, so there is one user at a time.
fn encode_buffer() -> *mut Vec<u8> {
    ENCODE_BUFFER.with(|b| b.get())
}

#[inline]
fn cstr(s: &[u8]) -> *const c_char {
    s.as_ptr() as *const c_char
}

/// Creates the `cmsgpack` table and makes it the global of that name.
///
/// # Safety
/// `l` must be a valid state and `ffi::load()` must have succeeded.
pub unsafe fn open(l: *mut lua_State) {
    let a = api();
    lua_newtable(l);
    let functions: [(&[u8], LuaCFunction); 4] = [
        (b"pack\0", pack),
        (b"unpack\0", unpack),
        (b"unpack_one\0", unpack_one),
        (b"unpack_limit\0", unpack_limit),
    ];
    for (name, f) in functions {
        lua_pushcfunction(l, f);
        (a.lua_setfield)(l, -2, cstr(name));
    }
    let metadata: [(&[u8], &[u8]); 4] = [(b"_NAME\0", NAME), (b"_VERSION\0", VERSION), (b"_COPYRIGHT\0", COPYRIGHT), (b"_DESCRIPTION\0", DESCRIPTION)];
    for (name, value) in metadata {
        push_bytes(l, value);
        (a.lua_setfield)(l, -2, cstr(name));
    }
    lua_setglobal(l, b"cmsgpack\0");
}

// ---------------------------------------------------------------- encoding

/// A header byte followed by the low `width` bytes of `n`, big-endian.
#[inline]
fn put_header(buf: &mut Vec<u8>, tag: u8, n: u64, width: usize) {
    buf.push(tag);
    let bytes = n.to_be_bytes();
    buf.extend_from_slice(&bytes[8 - width..]);
}

fn encode_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        buf.push(0xa0 | len as u8);
    } else if len <= 0xff {
        put_header(buf, 0xd9, len as u64, 1);
    } else if len <= 0xffff {
        put_header(buf, 0xda, len as u64, 2);
    } else {
        // The C library writes the low 32 bits of the length (strings cannot reach 4 GiB here).
        put_header(buf, 0xdb, len as u64 & 0xffff_ffff, 4);
    }
    buf.extend_from_slice(s);
}

fn encode_double(buf: &mut Vec<u8>, d: f64) {
    let f = d as f32;
    if f as f64 == d {
        buf.push(0xca);
        buf.extend_from_slice(&f.to_be_bytes());
    } else {
        buf.push(0xcb);
        buf.extend_from_slice(&d.to_be_bytes());
    }
}

fn encode_int(buf: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        let u = n as u64;
        if u <= 127 {
            buf.push(u as u8);
        } else if u <= 0xff {
            put_header(buf, 0xcc, u, 1);
        } else if u <= 0xffff {
            put_header(buf, 0xcd, u, 2);
        } else if u <= 0xffff_ffff {
            put_header(buf, 0xce, u, 4);
        } else {
            put_header(buf, 0xcf, u, 8);
        }
    } else if n >= -32 {
        buf.push(n as i8 as u8);
    } else if n >= -128 {
        put_header(buf, 0xd0, n as u64, 1);
    } else if n >= -32768 {
        put_header(buf, 0xd1, n as u64, 2);
    } else if n >= -2_147_483_648 {
        put_header(buf, 0xd2, n as u64, 4);
    } else {
        put_header(buf, 0xd3, n as u64, 8);
    }
}

/// Array (`base` 0x90, 0xdc, 0xdd) or map (`base` 0x80, 0xde, 0xdf) header.
fn encode_length(buf: &mut Vec<u8>, n: u64, fix: u8, tag16: u8) {
    if n <= 15 {
        buf.push(fix | n as u8);
    } else if n <= 65535 {
        put_header(buf, tag16, n, 2);
    } else {
        put_header(buf, tag16 + 1, n & 0xffff_ffff, 4);
    }
}

/// Whether a Lua number is a whole value that converts to int64 and back unchanged (the C
/// library's IS_INT64_EQUIVALENT; NaN, infinities and |n| >= 2^63 are not).
#[inline]
fn is_int64(n: f64) -> bool {
    (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) && (n as i64) as f64 == n
}

/// Encodes the value at the top of the stack and pops it.
unsafe fn encode_value(l: *mut lua_State, buf: &mut Vec<u8>, level: c_int) {
    let a = api();
    let mut t = (a.lua_type)(l, -1);
    if t == LUA_TTABLE && level == MAX_NESTING {
        t = LUA_TNIL;
    }
    match t {
        LUA_TSTRING => {
            let mut len = 0usize;
            let p = (a.lua_tolstring)(l, -1, &mut len) as *const u8;
            encode_bytes(buf, std::slice::from_raw_parts(p, len));
        }
        LUA_TBOOLEAN => buf.push(if (a.lua_toboolean)(l, -1) != 0 { 0xc3 } else { 0xc2 }),
        LUA_TNUMBER => {
            let n = (a.lua_tonumber)(l, -1);
            if is_int64(n) {
                encode_int(buf, n as i64);
            } else {
                encode_double(buf, n);
            }
        }
        LUA_TTABLE => {
            if table_is_an_array(l) {
                encode_array(l, buf, level);
            } else {
                encode_map(l, buf, level);
            }
        }
        _ => buf.push(0xc0),
    }
    lua_pop(l, 1);
}

/// Whether the table at the top has exactly the keys 1..N: every key a number, whole, in 1..2^31-1,
/// and the largest equal to the count.
unsafe fn table_is_an_array(l: *mut lua_State) -> bool {
    let a = api();
    let top = (a.lua_gettop)(l);
    (a.luaL_checkstack)(l, 2, cstr(b"in function table_is_an_array\0"));
    let mut count: c_int = 0;
    let mut max: c_int = 0;
    (a.lua_pushnil)(l);
    while (a.lua_next)(l, -2) != 0 {
        lua_pop(l, 1);
        if (a.lua_type)(l, -1) != LUA_TNUMBER {
            (a.lua_settop)(l, top);
            return false;
        }
        let n = (a.lua_tonumber)(l, -1);
        // (int)n == n, with x86's conversion of out-of-range values to INT_MIN.
        if n <= 0.0 || !(n < 2_147_483_648.0 && (n as c_int) as f64 == n) {
            (a.lua_settop)(l, top);
            return false;
        }
        max = max.max(n as c_int);
        count = count.wrapping_add(1);
    }
    (a.lua_settop)(l, top);
    max == count
}

unsafe fn encode_array(l: *mut lua_State, buf: &mut Vec<u8>, level: c_int) {
    let a = api();
    let len = (a.lua_objlen)(l, -1);
    encode_length(buf, len as u64, 0x90, 0xdc);
    (a.luaL_checkstack)(l, 1, cstr(b"in function mp_encode_lua_table_as_array\0"));
    // Every key 1..len is present (table_is_an_array), so a raw read sees what lua_gettable would.
    for j in 1..=len {
        (a.lua_rawgeti)(l, -1, j as c_int);
        encode_value(l, buf, level + 1);
    }
}

unsafe fn encode_map(l: *mut lua_State, buf: &mut Vec<u8>, level: c_int) {
    let a = api();
    (a.luaL_checkstack)(l, 3, cstr(b"in function mp_encode_lua_table_as_map\0"));
    let mut len: u64 = 0;
    (a.lua_pushnil)(l);
    while (a.lua_next)(l, -2) != 0 {
        lua_pop(l, 1);
        len += 1;
    }
    encode_length(buf, len, 0x80, 0xde);
    (a.lua_pushnil)(l);
    while (a.lua_next)(l, -2) != 0 {
        // Stack: ... table key value. Encode a copy of the key, then the value; the key stays for next.
        (a.lua_pushvalue)(l, -2);
        encode_value(l, buf, level + 1);
        encode_value(l, buf, level + 1);
    }
}

unsafe extern "C" fn pack(l: *mut lua_State) -> c_int {
    let a = api();
    let nargs = (a.lua_gettop)(l);
    if nargs == 0 {
        return (a.luaL_argerror)(l, 0, cstr(b"MessagePack pack needs input.\0"));
    }
    if (a.lua_checkstack)(l, nargs) == 0 {
        return (a.luaL_argerror)(l, 0, cstr(b"Too many arguments for MessagePack pack.\0"));
    }
    let buf = &mut *encode_buffer();
    // Like the C library: one string per argument on the stack, concatenated at the end.
    for i in 1..=nargs {
        (a.luaL_checkstack)(l, 1, cstr(b"in function mp_check\0"));
        (a.lua_pushvalue)(l, i);
        buf.clear();
        encode_value(l, buf, 0);
        (a.lua_pushlstring)(l, buf.as_ptr() as *const c_char, buf.len());
    }
    if buf.capacity() > KEEP_BUFFER_BYTES {
        *buf = Vec::new();
    }
    (a.lua_concat)(l, nargs);
    1
}

// ---------------------------------------------------------------- decoding

#[derive(PartialEq, Eq)]
enum CursorError {
    None,
    /// Not enough bytes for the value ("Missing bytes in input.").
    Eof,
    /// A first byte the library does not decode ("Bad data format in input.").
    BadFormat,
}

struct Cursor {
    p: *const u8,
    left: usize,
    err: CursorError,
}

impl Cursor {
    #[inline]
    unsafe fn byte(&self, i: usize) -> u8 {
        *self.p.add(i)
    }
    /// The `n` bytes after the first one, big-endian (callers checked `left`).
    #[inline]
    unsafe fn be(&self, n: usize) -> u64 {
        let mut v = 0u64;
        for i in 1..=n {
            v = (v << 8) | self.byte(i) as u64;
        }
        v
    }
    #[inline]
    unsafe fn consume(&mut self, n: usize) {
        self.p = self.p.add(n);
        self.left -= n;
    }
    /// Whether `n` bytes remain; records Eof when not.
    #[inline]
    fn need(&mut self, n: usize) -> bool {
        if self.left < n {
            self.err = CursorError::Eof;
            false
        } else {
            true
        }
    }
}

unsafe fn decode_string(l: *mut lua_State, c: &mut Cursor, header: usize, len: usize) {
    c.consume(header);
    if !c.need(len) {
        return;
    }
    (api().lua_pushlstring)(l, c.p as *const c_char, len);
    c.consume(len);
}

unsafe fn decode_array(l: *mut lua_State, c: &mut Cursor, len: usize) {
    let a = api();
    lua_newtable(l);
    (a.luaL_checkstack)(l, 1, cstr(b"in function mp_decode_to_lua_array\0"));
    let mut index: c_int = 1;
    for _ in 0..len {
        (a.lua_pushnumber)(l, index as f64);
        index = index.wrapping_add(1);
        decode_value(l, c);
        if c.err != CursorError::None {
            return;
        }
        (a.lua_settable)(l, -3);
    }
}

unsafe fn decode_map(l: *mut lua_State, c: &mut Cursor, len: usize) {
    let a = api();
    lua_newtable(l);
    for _ in 0..len {
        decode_value(l, c);
        if c.err != CursorError::None {
            return;
        }
        decode_value(l, c);
        if c.err != CursorError::None {
            return;
        }
        (a.lua_settable)(l, -3);
    }
}

/// Decodes one value at the cursor and pushes it; on a cursor error the stack may hold partial
/// results (the caller raises).
unsafe fn decode_value(l: *mut lua_State, c: &mut Cursor) {
    let a = api();
    if !c.need(1) {
        return;
    }
    (a.luaL_checkstack)(l, 1, cstr(b"too many return values at once; use unpack_one or unpack_limit instead.\0"));
    let tag = c.byte(0);
    // Numbers: (encoded size, value).
    let number: Option<(usize, f64)> = match tag {
        0xcc => c.need(2).then(|| (2, c.be(1) as f64)),
        0xd0 => c.need(2).then(|| (2, c.be(1) as u8 as i8 as f64)),
        0xcd => c.need(3).then(|| (3, c.be(2) as f64)),
        0xd1 => c.need(3).then(|| (3, c.be(2) as u16 as i16 as f64)),
        0xce => c.need(5).then(|| (5, c.be(4) as f64)),
        0xd2 => c.need(5).then(|| (5, c.be(4) as u32 as i32 as f64)),
        // uint 64 goes through lua_Integer (64-bit signed) in the C library.
        0xcf | 0xd3 => c.need(9).then(|| (9, c.be(8) as i64 as f64)),
        0xca => c.need(5).then(|| (5, f32::from_bits(c.be(4) as u32) as f64)),
        0xcb => c.need(9).then(|| (9, f64::from_bits(c.be(8)))),
        _ if tag & 0x80 == 0 => Some((1, tag as f64)),
        _ if tag & 0xe0 == 0xe0 => Some((1, tag as i8 as f64)),
        _ => None,
    };
    if let Some((size, v)) = number {
        (a.lua_pushnumber)(l, v);
        c.consume(size);
        return;
    }
    if c.err != CursorError::None {
        return;
    }
    match tag {
        0xc0 => {
            (a.lua_pushnil)(l);
            c.consume(1);
        }
        0xc3 | 0xc2 => {
            (a.lua_pushboolean)(l, (tag == 0xc3) as c_int);
            c.consume(1);
        }
        0xd9 | 0xda | 0xdb => {
            let width = 1usize << (tag - 0xd9);
            if c.need(1 + width) {
                let len = c.be(width) as usize;
                decode_string(l, c, 1 + width, len);
            }
        }
        0xdc | 0xdd | 0xde | 0xdf => {
            let width = if tag & 1 == 0 { 2 } else { 4 };
            if c.need(1 + width) {
                let len = c.be(width) as usize;
                c.consume(1 + width);
                if tag < 0xde {
                    decode_array(l, c, len);
                } else {
                    decode_map(l, c, len);
                }
            }
        }
        _ if tag & 0xe0 == 0xa0 => decode_string(l, c, 1, (tag & 0x1f) as usize),
        _ if tag & 0xf0 == 0x90 => {
            c.consume(1);
            decode_array(l, c, (tag & 0xf) as usize);
        }
        _ if tag & 0xf0 == 0x80 => {
            c.consume(1);
            decode_map(l, c, (tag & 0xf) as usize);
        }
        _ => c.err = CursorError::BadFormat,
    }
}

/// The common body of the unpack functions: argument 1 is the string (the only argument left on
/// the stack for unpack_one / unpack_limit). `limit` 0 and `offset` 0 mean "everything, no offset".
unsafe fn unpack_full(l: *mut lua_State, limit: lua_Integer, offset: lua_Integer) -> c_int {
    let a = api();
    let decode_all = limit == 0 && offset == 0;
    let mut len = 0usize;
    let s = (a.luaL_checklstring)(l, 1, &mut len) as *const u8;
    if offset < 0 || limit < 0 {
        // The C library prints the input length where it announces the limit.
        return (a.luaL_error)(l, cstr(b"Invalid request to unpack with offset of %d and limit of %d.\0"), offset as c_int, len as c_int);
    } else if offset as usize > len {
        return (a.luaL_error)(l, cstr(b"Start offset %d greater than input length %d.\0"), offset as c_int, len as c_int);
    }
    let limit = if decode_all { c_int::MAX as lua_Integer } else { limit };
    let mut c = Cursor { p: s.add(offset as usize), left: len - offset as usize, err: CursorError::None };
    let mut count: c_int = 0;
    while c.left > 0 && (count as lua_Integer) < limit {
        decode_value(l, &mut c);
        match c.err {
            CursorError::None => {}
            CursorError::Eof => return (a.luaL_error)(l, cstr(b"Missing bytes in input.\0")),
            CursorError::BadFormat => return (a.luaL_error)(l, cstr(b"Bad data format in input.\0")),
        }
        count += 1;
    }
    if !decode_all {
        (a.luaL_checkstack)(l, 1, cstr(b"in function mp_unpack_full\0"));
        let next = if c.left == 0 { -1 } else { (len - c.left) as lua_Integer };
        (a.lua_pushinteger)(l, next);
        (a.lua_insert)(l, 2);
        count += 1;
    }
    count
}

unsafe extern "C" fn unpack(l: *mut lua_State) -> c_int {
    unpack_full(l, 0, 0)
}

unsafe extern "C" fn unpack_one(l: *mut lua_State) -> c_int {
    let a = api();
    let offset = (a.luaL_optinteger)(l, 2, 0);
    lua_pop(l, (a.lua_gettop)(l) - 1);
    unpack_full(l, 1, offset)
}

unsafe extern "C" fn unpack_limit(l: *mut lua_State) -> c_int {
    let a = api();
    let limit = (a.luaL_checkinteger)(l, 2);
    let offset = (a.luaL_optinteger)(l, 3, 0);
    lua_pop(l, (a.lua_gettop)(l) - 1);
    unpack_full(l, limit, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: i64) -> Vec<u8> {
        let mut b = Vec::new();
        encode_int(&mut b, n);
        b
    }

    #[test]
    fn integers_take_the_smallest_width() {
        assert_eq!(int(127), [0x7f]);
        assert_eq!(int(128), [0xcc, 0x80]);
        assert_eq!(int(65536), [0xce, 0, 1, 0, 0]);
        assert_eq!(int(1 << 32), [0xcf, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(int(-32), [0xe0]);
        assert_eq!(int(-33), [0xd0, 0xdf]);
        assert_eq!(int(-32769), [0xd2, 0xff, 0xff, 0x7f, 0xff]);
        assert_eq!(int(i64::MIN), [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn numbers_are_integers_only_inside_the_int64_range() {
        assert!(is_int64(-9_223_372_036_854_775_808.0));
        assert!(!is_int64(9_223_372_036_854_775_808.0));
        assert!(!is_int64(f64::NAN) && !is_int64(f64::INFINITY) && !is_int64(0.5));
        let mut b = Vec::new();
        encode_double(&mut b, 0.5);
        encode_double(&mut b, 0.1);
        assert_eq!(b[0], 0xca);
        assert_eq!(b[5], 0xcb);
    }
}
