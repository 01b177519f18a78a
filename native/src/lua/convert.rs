//! Conversions between RESP bytes and Lua values, as Redis 7.0.15 makes them (script_lua.c):
//! `push_reply` is redisProtocolToLuaType (a command's reply inside redis.call), `write_reply` is
//! luaReplyToRedisReply (a script's return value to the caller). Both work on whole buffers.
//!
//! RESP -> Lua: integer -> number; bulk -> string; null bulk / null array -> false; status ->
//! {ok=s}; error -> {err="CODE msg", ignore_error_stats_update=true}; array -> table 1..n; RESP3:
//! null -> nil, boolean -> boolean, double -> {double=d}, big number -> {big_number=s}, verbatim ->
//! {verbatim_string={string=s, format=f}}, map -> {map={k=v}}, set -> {set={m=true}}, attributes
//! skipped.
//!
//! Lua -> RESP: string -> bulk; number -> integer (C's (long long) cast: truncation, and
//! INT64_MIN when out of range); boolean -> 1 / null (script in RESP2) or a RESP3 boolean; table
//! with err / ok / double / big_number / verbatim_string / map / set fields -> that reply; any other
//! table -> array up to the first nil; anything else -> null.

use super::ffi::*;
use std::os::raw::{c_char, c_int};

extern "C" {
    fn snprintf(buf: *mut c_char, n: usize, fmt: *const c_char, ...) -> c_int;
}

/// C's `%.17g` of `d` into `out` (glibc's exact formatting, as Redis uses).
pub fn format_g17(d: f64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 64];
    let n = unsafe { snprintf(buf.as_mut_ptr() as *mut c_char, buf.len(), b"%.17g\0".as_ptr() as *const c_char, d) };
    out.extend_from_slice(&buf[..n.clamp(0, 63) as usize]);
}

/// C's `(long long)d` on x86-64: truncation; NaN and out-of-range values give INT64_MIN.
fn c_cast_i64(d: f64) -> i64 {
    if d.is_nan() || d >= 9_223_372_036_854_775_808.0 || d < -9_223_372_036_854_775_808.0 {
        i64::MIN
    } else {
        d as i64
    }
}

// ---------------------------------------------------------------- RESP -> Lua

/// A reader over one complete reply. The bytes come from our own executor, so they are well formed;
/// a malformed buffer still never reads out of bounds (it yields nil values).
struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn line(&mut self) -> &'a [u8] {
        let start = self.p;
        let mut i = start;
        while i + 1 < self.b.len() && !(self.b[i] == b'\r' && self.b[i + 1] == b'\n') {
            i += 1;
        }
        if i + 1 >= self.b.len() {
            self.p = self.b.len();
            return &self.b[start..];
        }
        self.p = i + 2;
        &self.b[start..i]
    }

    fn int_line(&mut self) -> i64 {
        parse_i64(self.line())
    }

    fn bulk(&mut self, len: i64) -> &'a [u8] {
        let len = len.max(0) as usize;
        let start = self.p.min(self.b.len());
        let end = (start + len).min(self.b.len());
        self.p = (end + 2).min(self.b.len());
        &self.b[start..end]
    }
}

fn parse_i64(s: &[u8]) -> i64 {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add((c - b'0') as i64);
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

fn parse_f64(s: &[u8]) -> f64 {
    match s {
        b"inf" | b"+inf" => f64::INFINITY,
        b"-inf" => f64::NEG_INFINITY,
        _ => std::str::from_utf8(s).ok().and_then(|t| t.parse::<f64>().ok()).unwrap_or(f64::NAN),
    }
}

/// Pushes the Lua value of the reply in `bytes`; answers whether it is an error reply.
/// Raises no Lua error (stack room is checked per value; a full stack pushes nil).
///
/// # Safety
/// `l` is a live state.
pub unsafe fn push_reply(l: *mut lua_State, bytes: &[u8]) -> bool {
    let is_error = bytes.first() == Some(&b'-');
    let mut r = Reader { b: bytes, p: 0 };
    push_value(l, &mut r, true);
    is_error
}

unsafe fn push_value(l: *mut lua_State, r: &mut Reader, keep: bool) {
    let a = api();
    if keep && (a.lua_checkstack)(l, 5) == 0 {
        // No room: the value is skipped; the caller's table assignment then has nothing to pop, so
        // this cannot happen in practice (LUAI_MAXCSTACK is far above any reply's depth).
        return;
    }
    if r.p >= r.b.len() {
        if keep {
            (a.lua_pushnil)(l);
        }
        return;
    }
    let kind = r.b[r.p];
    r.p += 1;
    match kind {
        b':' => {
            let v = r.int_line();
            if keep {
                (a.lua_pushnumber)(l, v as f64);
            }
        }
        b'$' => {
            let n = r.int_line();
            if n < 0 {
                if keep {
                    (a.lua_pushboolean)(l, 0);
                }
            } else {
                let s = r.bulk(n);
                if keep {
                    push_bytes(l, s);
                }
            }
        }
        b'+' => {
            let s = r.line();
            if keep {
                lua_newtable(l);
                push_bytes(l, s);
                raw_set_field(l, -2, b"ok\0");
            }
        }
        b'-' => {
            let s = r.line();
            if keep {
                push_error_table(l, s, true, true);
            }
        }
        b'*' | b'>' => {
            let n = r.int_line();
            if n < 0 {
                if keep {
                    (a.lua_pushboolean)(l, 0);
                }
                return;
            }
            if keep {
                (a.lua_createtable)(l, n.min(1 << 20) as c_int, 0);
            }
            for j in 0..n {
                push_value(l, r, keep);
                if keep {
                    (a.lua_rawseti)(l, -2, (j + 1) as c_int);
                }
            }
        }
        b'%' => {
            let n = r.int_line();
            if keep {
                lua_newtable(l);
                lua_newtable(l);
            }
            for _ in 0..n.max(0) {
                push_value(l, r, keep);
                push_value(l, r, keep);
                if keep {
                    (a.lua_settable)(l, -3);
                }
            }
            if keep {
                raw_set_field(l, -2, b"map\0");
            }
        }
        b'~' => {
            let n = r.int_line();
            if keep {
                lua_newtable(l);
                lua_newtable(l);
            }
            for _ in 0..n.max(0) {
                push_value(l, r, keep);
                if keep {
                    (a.lua_pushboolean)(l, 1);
                    (a.lua_settable)(l, -3);
                }
            }
            if keep {
                raw_set_field(l, -2, b"set\0");
            }
        }
        b'_' => {
            r.line();
            if keep {
                (a.lua_pushnil)(l);
            }
        }
        b'#' => {
            let s = r.line();
            if keep {
                (a.lua_pushboolean)(l, (s.first() == Some(&b't')) as c_int);
            }
        }
        b',' => {
            let d = parse_f64(r.line());
            if keep {
                lua_newtable(l);
                (a.lua_pushnumber)(l, d);
                raw_set_field(l, -2, b"double\0");
            }
        }
        b'(' => {
            let s = r.line();
            if keep {
                lua_newtable(l);
                push_bytes(l, s);
                raw_set_field(l, -2, b"big_number\0");
            }
        }
        b'=' => {
            let n = r.int_line();
            let s = r.bulk(n);
            if keep {
                let (format, text) = if s.len() >= 4 { (&s[..3], &s[4..]) } else { (&b""[..], s) };
                lua_newtable(l);
                lua_newtable(l);
                push_bytes(l, text);
                raw_set_field(l, -2, b"string\0");
                push_bytes(l, format);
                raw_set_field(l, -2, b"format\0");
                raw_set_field(l, -2, b"verbatim_string\0");
            }
        }
        b'|' => {
            let n = r.int_line();
            for _ in 0..n.max(0) {
                push_value(l, r, false);
                push_value(l, r, false);
            }
            push_value(l, r, keep);
        }
        _ => {
            r.line();
            if keep {
                (a.lua_pushnil)(l);
            }
        }
    }
}

/// Pushes Redis 7.0.15's error table for `text` (luaPushErrorBuff): "-CODE msg" keeps its code,
/// text without a leading '-' gets "ERR"; trailing CR/LF are trimmed. `dashed` treats `text` as if
/// it started with '-' (an error reply's line, whose '-' was already read). `from_reply` adds the
/// `ignore_error_stats_update` field that redis.call's errors carry.
///
/// # Safety
/// `l` is a live state with room for 3 values.
pub unsafe fn push_error_table(l: *mut lua_State, text: &[u8], dashed: bool, from_reply: bool) {
    let a = api();
    let (dashed, text) = if !dashed && text.first() == Some(&b'-') { (true, &text[1..]) } else { (dashed, text) };
    let (code, msg): (&[u8], &[u8]) = if dashed {
        match text.iter().position(|&c| c == b' ') {
            Some(sp) => (&text[..sp], &text[sp + 1..]),
            None => (b"ERR", text),
        }
    } else {
        (b"ERR", text)
    };
    let mut end = msg.len();
    while end > 0 && (msg[end - 1] == b'\r' || msg[end - 1] == b'\n') {
        end -= 1;
    }
    let mut start = 0;
    while start < end && (msg[start] == b'\r' || msg[start] == b'\n') {
        start += 1;
    }
    let msg = &msg[start..end];
    lua_newtable(l);
    // Built on the Lua stack (no Rust allocation): code, " ", msg, concatenated.
    push_bytes(l, code);
    push_bytes(l, b" ");
    push_bytes(l, msg);
    (a.lua_concat)(l, 3);
    raw_set_field(l, -2, b"err\0");
    if from_reply {
        (a.lua_pushboolean)(l, 1);
        raw_set_field(l, -2, b"ignore_error_stats_update\0");
    }
}

// ---------------------------------------------------------------- Lua -> RESP

/// Protocol versions a script's reply is written for.
#[derive(Clone, Copy)]
pub struct ReplyProtocol {
    /// The calling client's RESP version (2 or 3).
    pub caller: u8,
    /// The script's own version (redis.setresp), which decides how booleans convert.
    pub script: u8,
}

/// Writes the value at the top of the stack as RESP into `out` and pops it (luaReplyToRedisReply).
///
/// # Safety
/// `l` is a live state; runs no Lua code that can raise (raw accesses only).
pub unsafe fn write_reply(l: *mut lua_State, out: &mut Vec<u8>, proto: ReplyProtocol) {
    let a = api();
    if (a.lua_checkstack)(l, 4) == 0 {
        out.extend_from_slice(b"-ERR reached lua stack limit\r\n");
        lua_pop(l, 1);
        return;
    }
    match (a.lua_type)(l, -1) {
        LUA_TSTRING => {
            let s = to_bytes(l, -1).unwrap_or(b"");
            write_bulk(out, s);
        }
        LUA_TBOOLEAN => {
            let v = (a.lua_toboolean)(l, -1) != 0;
            if proto.script == 2 {
                if v {
                    out.extend_from_slice(b":1\r\n");
                } else {
                    write_null(out, proto.caller);
                }
            } else if proto.caller == 3 {
                out.extend_from_slice(if v { b"#t\r\n" } else { b"#f\r\n" });
            } else {
                out.extend_from_slice(if v { b":1\r\n" } else { b":0\r\n" });
            }
        }
        LUA_TNUMBER => {
            let v = c_cast_i64((a.lua_tonumber)(l, -1));
            out.push(b':');
            out.extend_from_slice(v.to_string().as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        LUA_TTABLE => {
            write_table(l, out, proto);
            return;
        }
        _ => write_null(out, proto.caller),
    }
    lua_pop(l, 1);
}

/// Pushes t[field] (raw) of the table at the top; answers its type.
unsafe fn raw_field(l: *mut lua_State, field: &[u8]) -> c_int {
    raw_field_of(l, -1, field)
}

/// Pushes t[field] (raw) of the table at `idx` (relative to the top before the push).
unsafe fn raw_field_of(l: *mut lua_State, idx: c_int, field: &[u8]) -> c_int {
    let a = api();
    push_bytes(l, field);
    (a.lua_rawget)(l, idx - 1);
    (a.lua_type)(l, -1)
}

unsafe fn write_table(l: *mut lua_State, out: &mut Vec<u8>, proto: ReplyProtocol) {
    let a = api();
    // {err=...}
    if raw_field(l, b"err") == LUA_TSTRING {
        let msg = to_bytes(l, -1).unwrap_or(b"");
        out.push(b'-');
        push_mapped(out, msg);
        out.extend_from_slice(b"\r\n");
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // {ok=...}
    if raw_field(l, b"ok") == LUA_TSTRING {
        let s = to_bytes(l, -1).unwrap_or(b"");
        out.push(b'+');
        push_mapped(out, s);
        out.extend_from_slice(b"\r\n");
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // {double=...}
    if raw_field(l, b"double") == LUA_TNUMBER {
        let d = (a.lua_tonumber)(l, -1);
        write_double(out, d, proto.caller);
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // {big_number=...}
    if raw_field(l, b"big_number") == LUA_TSTRING {
        let s = to_bytes(l, -1).unwrap_or(b"");
        let mut mapped = Vec::with_capacity(s.len());
        push_mapped(&mut mapped, s);
        if proto.caller == 3 {
            out.push(b'(');
            out.extend_from_slice(&mapped);
            out.extend_from_slice(b"\r\n");
        } else {
            write_bulk(out, &mapped);
        }
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // {verbatim_string={format=..., string=...}}
    if raw_field(l, b"verbatim_string") == LUA_TTABLE {
        if raw_field(l, b"format") == LUA_TSTRING {
            if raw_field_of(l, -2, b"string") == LUA_TSTRING {
                // Stack: table, verbatim, format, string.
                let s = to_bytes(l, -1).unwrap_or(b"");
                let f = to_bytes(l, -2).unwrap_or(b"");
                if proto.caller == 3 {
                    let mut fmt = [b' '; 3];
                    for (i, c) in f.iter().take(3).enumerate() {
                        fmt[i] = *c;
                    }
                    out.push(b'=');
                    out.extend_from_slice((s.len() + 4).to_string().as_bytes());
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(&fmt);
                    out.push(b':');
                    out.extend_from_slice(s);
                    out.extend_from_slice(b"\r\n");
                } else {
                    write_bulk(out, s);
                }
                lua_pop(l, 4);
                return;
            }
            lua_pop(l, 1);
        }
        lua_pop(l, 1);
    }
    lua_pop(l, 1);
    // {map={...}}
    if raw_field(l, b"map") == LUA_TTABLE {
        let header = out.len();
        let mut n = 0usize;
        (a.lua_pushnil)(l);
        while (a.lua_next)(l, -2) != 0 {
            // Stack: table, map, key, value.
            (a.lua_pushvalue)(l, -2);
            write_reply(l, out, proto); // key (the copy)
            write_reply(l, out, proto); // value
            n += 1;
        }
        let h = if proto.caller == 3 { format!("%{n}\r\n") } else { format!("*{}\r\n", n * 2) };
        out.splice(header..header, h.bytes());
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // {set={...}}
    if raw_field(l, b"set") == LUA_TTABLE {
        let header = out.len();
        let mut n = 0usize;
        (a.lua_pushnil)(l);
        while (a.lua_next)(l, -2) != 0 {
            lua_pop(l, 1);
            (a.lua_pushvalue)(l, -1);
            write_reply(l, out, proto);
            n += 1;
        }
        let h = if proto.caller == 3 { format!("~{n}\r\n") } else { format!("*{n}\r\n") };
        out.splice(header..header, h.bytes());
        lua_pop(l, 2);
        return;
    }
    lua_pop(l, 1);
    // An array, up to the first nil.
    let header = out.len();
    let mut n = 0usize;
    loop {
        (a.lua_rawgeti)(l, -1, (n + 1) as c_int);
        if (a.lua_type)(l, -1) == LUA_TNIL {
            lua_pop(l, 1);
            break;
        }
        write_reply(l, out, proto);
        n += 1;
    }
    let h = format!("*{n}\r\n");
    out.splice(header..header, h.bytes());
    lua_pop(l, 1);
}

fn push_mapped(out: &mut Vec<u8>, s: &[u8]) {
    out.extend(s.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
}

fn write_bulk(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'$');
    out.extend_from_slice(s.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(s);
    out.extend_from_slice(b"\r\n");
}

fn write_null(out: &mut Vec<u8>, caller: u8) {
    out.extend_from_slice(if caller == 3 { b"_\r\n" } else { b"$-1\r\n" });
}

/// addReplyDouble: RESP3 `,<%.17g>`, RESP2 a bulk string; infinities as "inf" / "-inf".
fn write_double(out: &mut Vec<u8>, d: f64, caller: u8) {
    let mut text = Vec::with_capacity(24);
    if d.is_infinite() {
        text.extend_from_slice(if d > 0.0 { b"inf" } else { b"-inf" });
    } else {
        format_g17(d, &mut text);
    }
    if caller == 3 {
        out.push(b',');
        out.extend_from_slice(&text);
        out.extend_from_slice(b"\r\n");
    } else {
        write_bulk(out, &text);
    }
}
