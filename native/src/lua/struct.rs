//! The `struct` Lua library as Redis 7.0.15 bundles it (Roberto Ierusalimschy's struct.c 1.7 with
//! Redis's bounds checks), written in Rust.
//!
//! Scripts see a global table `struct` with:
//!   pack(fmt, v1, v2, ...)     the values laid out as `fmt` says, as one string
//!   unpack(fmt, s [, pos])     the values read from `s` starting at byte `pos` (1-based), then the
//!                              position after the last byte read
//!   size(fmt)                  the byte size of `fmt` (no `s`, no `c0`)
//!
//! Format options (the format is read as a C string: it ends at its first NUL byte):
//!   >  <        big / little endian from here on (the default is native, little on x86-64)
//!   ![n]        maximum alignment n (a power of 2; no n = 8, the alignment of a double); the
//!               default is 1, i.e. no padding
//!   x           one padding byte
//!   b B h H     signed / unsigned char (1 byte) and short (2)
//!   l L T       signed / unsigned long and size_t (8)
//!   i[n] I[n]   signed / unsigned integer of n bytes (default 4, at most 32; bytes beyond 8 are
//!               zero when packing and ignored beyond the 64-bit range when unpacking)
//!   c[n]        n bytes of a string (default 1); pack: c0 = the whole string; unpack: c0 = as many
//!               bytes as the previous result says
//!   s           a NUL-terminated string
//!   f d         float (4 bytes) and double (8)
//!   ' '         ignored
//! Each item is aligned to min(its size, the maximum alignment), `c` never.
//!
//! Numbers are converted as the C library's x86-64 build converts them (out-of-range doubles to
//! 0x8000000000000000 or 0, see `c_double_to_*`), so every byte matches Redis. Errors and their
//! texts are the C library's, raised with the same Lua API calls. Lua errors longjmp across these
//! frames (see ffi.rs): the only Rust value outliving a call that may raise is the thread's pack
//! buffer, reached through a raw pointer and never dropped here.

use super::ffi::*;
use std::cell::UnsafeCell;
use std::os::raw::{c_char, c_int};

/// Largest size of an `i`/`I` item.
const MAX_INT_SIZE: usize = 32;
/// Alignment `!` sets without a number: max(alignment of double, sizeof(int)) on x86-64.
const MAX_ALIGN: c_int = 8;
/// A pack buffer that grew past this is freed after the call instead of kept for the next one.
const KEEP_BUFFER_BYTES: usize = 1 << 20;

thread_local! {
    static PACK_BUFFER: UnsafeCell<Vec<u8>> = const { UnsafeCell::new(Vec::new()) };
}

/// The thread's pack buffer (`pack` never runs Lua code while it fills it: one user at a time).
fn pack_buffer() -> *mut Vec<u8> {
    PACK_BUFFER.with(|b| b.get())
}

#[inline]
fn cstr(s: &[u8]) -> *const c_char {
    s.as_ptr() as *const c_char
}

/// Creates the `struct` table and makes it the global of that name.
///
/// # Safety
/// `l` must be a valid state and `ffi::load()` must have succeeded.
pub unsafe fn open(l: *mut lua_State) {
    let a = api();
    lua_newtable(l);
    let functions: [(&[u8], LuaCFunction); 3] = [(b"pack\0", pack), (b"unpack\0", unpack), (b"size\0", size)];
    for (name, f) in functions {
        lua_pushcfunction(l, f);
        (a.lua_setfield)(l, -2, cstr(name));
    }
    lua_setglobal(l, b"struct\0");
}

// ---------------------------------------------------------------- C conversions

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// `(long)d` as x86-64 computes it (cvttsd2si): NaN and out-of-range values give i64::MIN.
#[inline]
fn c_double_to_i64(d: f64) -> i64 {
    if (-TWO_POW_63..TWO_POW_63).contains(&d) {
        d as i64
    } else {
        i64::MIN
    }
}

/// `(unsigned long)d` as GCC compiles it for x86-64: below 2^63 (or NaN) through the signed
/// conversion, else the signed conversion of d - 2^63 with the top bit flipped (so 2^64 and
/// infinity give 0).
#[inline]
fn c_double_to_u64(d: f64) -> u64 {
    if d >= TWO_POW_63 {
        (c_double_to_i64(d - TWO_POW_63) as u64) ^ (1 << 63)
    } else {
        c_double_to_i64(d) as u64
    }
}

// ---------------------------------------------------------------- format parsing

/// The format being read: a NUL-terminated C string.
struct Format {
    p: *const u8,
}

impl Format {
    #[inline]
    unsafe fn peek(&self) -> u8 {
        *self.p
    }
    /// The next option byte, or None at the terminating NUL.
    #[inline]
    unsafe fn next(&mut self) -> Option<u8> {
        let b = *self.p;
        if b == 0 {
            None
        } else {
            self.p = self.p.add(1);
            Some(b)
        }
    }
}

struct Header {
    big: bool,
    align: c_int,
}

const NATIVE_BIG: bool = cfg!(target_endian = "big");

impl Header {
    fn new() -> Header {
        Header { big: NATIVE_BIG, align: 1 }
    }
}

/// The decimal number at the cursor, or `default` when there is none. Raises on int overflow.
unsafe fn getnum(l: *mut lua_State, fmt: &mut Format, default: c_int) -> c_int {
    if !fmt.peek().is_ascii_digit() {
        return default;
    }
    let mut a: c_int = 0;
    while fmt.peek().is_ascii_digit() {
        let digit = (fmt.peek() - b'0') as c_int;
        if a > c_int::MAX / 10 || a * 10 > c_int::MAX - digit {
            (api().luaL_error)(l, cstr(b"integral size overflow\0"));
        }
        a = a * 10 + digit;
        fmt.p = fmt.p.add(1);
    }
    a
}

/// The size of an option (reading its number, if it takes one); 0 for options without a size.
unsafe fn optsize(l: *mut lua_State, opt: u8, fmt: &mut Format) -> usize {
    match opt {
        b'B' | b'b' | b'x' => 1,
        b'H' | b'h' => 2,
        b'L' | b'l' | b'T' | b'd' => 8,
        b'f' => 4,
        b'c' => getnum(l, fmt, 1) as usize,
        b'i' | b'I' => {
            let size = getnum(l, fmt, 4);
            if size > MAX_INT_SIZE as c_int {
                (api().luaL_error)(l, cstr(b"integral size %d is larger than limit of %d\0"), size, MAX_INT_SIZE as c_int);
            }
            size as usize
        }
        _ => 0,
    }
}

/// Padding bytes needed to align an item of `size` bytes at position `len`.
fn gettoalign(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align as usize);
    size.wrapping_sub(len & (size - 1)) & (size - 1)
}

/// Endianness, alignment and space; anything else is an invalid option.
unsafe fn controloptions(l: *mut lua_State, opt: u8, fmt: &mut Format, h: &mut Header) {
    let a = api();
    match opt {
        b' ' => {}
        b'>' => h.big = true,
        b'<' => h.big = false,
        b'!' => {
            let n = getnum(l, fmt, MAX_ALIGN);
            if n <= 0 || n & (n - 1) != 0 {
                (a.luaL_error)(l, cstr(b"alignment %d is not a power of 2\0"), n);
            }
            h.align = n;
        }
        _ => {
            let msg = (a.lua_pushfstring)(l, cstr(b"invalid format option '%c'\0"), opt as c_int);
            (a.luaL_argerror)(l, 1, msg);
        }
    }
}

// ---------------------------------------------------------------- pack

/// Appends the low `size` bytes of the number argument `arg` (bytes beyond 8 are zero).
unsafe fn putinteger(l: *mut lua_State, buf: &mut Vec<u8>, arg: c_int, big: bool, size: usize) {
    let n = (api().luaL_checknumber)(l, arg);
    let value = if n < 0.0 { c_double_to_i64(n) as u64 } else { c_double_to_u64(n) };
    let start = buf.len();
    buf.resize(start + size, 0);
    let bytes = value.to_le_bytes();
    for i in 0..size.min(8) {
        let at = if big { start + size - 1 - i } else { start + i };
        buf[at] = bytes[i];
    }
}

/// Appends `bytes` in the header's byte order (they are in native order).
fn put_native(buf: &mut Vec<u8>, bytes: &[u8], big: bool) {
    if big == NATIVE_BIG {
        buf.extend_from_slice(bytes);
    } else {
        buf.extend(bytes.iter().rev());
    }
}

unsafe extern "C" fn pack(l: *mut lua_State) -> c_int {
    let a = api();
    let mut fmt = Format { p: (a.luaL_checklstring)(l, 1, std::ptr::null_mut()) as *const u8 };
    let mut h = Header::new();
    let mut arg: c_int = 2;
    let mut total: usize = 0;
    // As in the C library, a nil above the arguments: the first missing one reads "got nil".
    (a.lua_pushnil)(l);
    let buf = &mut *pack_buffer();
    buf.clear();
    while let Some(opt) = fmt.next() {
        let mut size = optsize(l, opt, &mut fmt);
        let toalign = gettoalign(total, &h, opt, size);
        total += toalign;
        buf.resize(buf.len() + toalign, 0);
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                putinteger(l, buf, arg, h.big, size);
                arg += 1;
            }
            b'x' => buf.push(0),
            b'f' => {
                let f = (a.luaL_checknumber)(l, arg) as f32;
                arg += 1;
                put_native(buf, &f.to_ne_bytes(), h.big);
            }
            b'd' => {
                let d = (a.luaL_checknumber)(l, arg);
                arg += 1;
                put_native(buf, &d.to_ne_bytes(), h.big);
            }
            b'c' | b's' => {
                let mut len = 0usize;
                let s = (a.luaL_checklstring)(l, arg, &mut len) as *const u8;
                arg += 1;
                if size == 0 {
                    size = len;
                }
                if len < size {
                    // The C library names the argument after the string.
                    (a.luaL_argerror)(l, arg, cstr(b"string too short\0"));
                }
                buf.extend_from_slice(std::slice::from_raw_parts(s, size));
                if opt == b's' {
                    buf.push(0);
                    size += 1;
                }
            }
            _ => controloptions(l, opt, &mut fmt, &mut h),
        }
        total = total.wrapping_add(size);
    }
    (a.lua_pushlstring)(l, buf.as_ptr() as *const c_char, buf.len());
    if buf.capacity() > KEEP_BUFFER_BYTES {
        *buf = Vec::new();
    }
    1
}

// ---------------------------------------------------------------- unpack

/// The integer of `size` bytes at `p`: only the 64 bits nearest the least significant byte count,
/// and the sign mask is shifted as x86-64 shifts (count modulo 64).
unsafe fn getinteger(p: *const u8, big: bool, signed: bool, size: usize) -> f64 {
    let mut v: u64 = 0;
    for i in 0..size {
        let at = if big { i } else { size - 1 - i };
        v = (v << 8) | *p.add(at) as u64;
    }
    if !signed {
        return v as f64;
    }
    let mask = (!0u64).wrapping_shl((size as u32).wrapping_mul(8).wrapping_sub(1));
    if v & mask != 0 {
        v |= mask;
    }
    v as i64 as f64
}

/// Reads `N` bytes at `p` in the header's byte order into native order.
unsafe fn read_native<const N: usize>(p: *const u8, big: bool) -> [u8; N] {
    let mut b = [0u8; N];
    std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), N);
    if big != NATIVE_BIG {
        b.reverse();
    }
    b
}

unsafe extern "C" fn unpack(l: *mut lua_State) -> c_int {
    let a = api();
    let mut fmt = Format { p: (a.luaL_checklstring)(l, 1, std::ptr::null_mut()) as *const u8 };
    let mut ld = 0usize;
    let data = (a.luaL_checklstring)(l, 2, &mut ld) as *const u8;
    let mut pos = (a.luaL_optinteger)(l, 3, 1) as usize;
    if pos == 0 {
        return (a.luaL_argerror)(l, 3, cstr(b"offset must be 1 or greater\0"));
    }
    pos -= 1;
    let mut h = Header::new();
    let mut n: c_int = 0;
    let too_short = cstr(b"data string too short\0");
    while let Some(opt) = fmt.next() {
        let mut size = optsize(l, opt, &mut fmt);
        pos = pos.wrapping_add(gettoalign(pos, &h, opt, size));
        if !(size <= ld && pos <= ld - size) {
            (a.luaL_argerror)(l, 2, too_short);
        }
        (a.luaL_checkstack)(l, 2, cstr(b"too many results\0"));
        let at = data.add(pos);
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                (a.lua_pushnumber)(l, getinteger(at, h.big, opt.is_ascii_lowercase(), size));
                n += 1;
            }
            b'x' => {}
            b'f' => {
                (a.lua_pushnumber)(l, f32::from_ne_bytes(read_native::<4>(at, h.big)) as f64);
                n += 1;
            }
            b'd' => {
                (a.lua_pushnumber)(l, f64::from_ne_bytes(read_native::<8>(at, h.big)));
                n += 1;
            }
            b'c' => {
                if size == 0 {
                    if n == 0 || (a.lua_isnumber)(l, -1) == 0 {
                        (a.luaL_error)(l, cstr(b"format 'c0' needs a previous size\0"));
                    }
                    size = c_double_to_u64((a.lua_tonumber)(l, -1)) as usize;
                    lua_pop(l, 1);
                    n -= 1;
                    if !(size <= ld && pos <= ld - size) {
                        (a.luaL_argerror)(l, 2, too_short);
                    }
                }
                (a.lua_pushlstring)(l, at as *const c_char, size);
                n += 1;
            }
            b's' => {
                let rest = std::slice::from_raw_parts(at, ld - pos);
                let Some(end) = rest.iter().position(|&b| b == 0) else {
                    return (a.luaL_error)(l, cstr(b"unfinished string in data\0"));
                };
                size = end + 1;
                (a.lua_pushlstring)(l, at as *const c_char, end);
                n += 1;
            }
            _ => controloptions(l, opt, &mut fmt, &mut h),
        }
        pos = pos.wrapping_add(size);
    }
    (a.lua_pushinteger)(l, pos.wrapping_add(1) as lua_Integer);
    n + 1
}

// ---------------------------------------------------------------- size

unsafe extern "C" fn size(l: *mut lua_State) -> c_int {
    let a = api();
    let mut fmt = Format { p: (a.luaL_checklstring)(l, 1, std::ptr::null_mut()) as *const u8 };
    let mut h = Header::new();
    let mut pos: usize = 0;
    while let Some(opt) = fmt.next() {
        let size = optsize(l, opt, &mut fmt);
        pos = pos.wrapping_add(gettoalign(pos, &h, opt, size));
        if opt == b's' {
            (a.luaL_argerror)(l, 1, cstr(b"option 's' has no fixed size\0"));
        } else if opt == b'c' && size == 0 {
            (a.luaL_argerror)(l, 1, cstr(b"option 'c0' has no fixed size\0"));
        }
        if !opt.is_ascii_alphanumeric() {
            controloptions(l, opt, &mut fmt, &mut h);
        }
        pos = pos.wrapping_add(size);
    }
    (a.lua_pushinteger)(l, pos as lua_Integer);
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_doubles_convert_like_x86_64() {
        assert_eq!(c_double_to_u64(18_446_744_073_709_551_616.0), 0);
        assert_eq!(c_double_to_u64(f64::INFINITY), 0);
        assert_eq!(c_double_to_u64(f64::NAN), 1 << 63);
        assert_eq!(c_double_to_u64(TWO_POW_63 + 2048.0), (1 << 63) + 2048);
        assert_eq!(c_double_to_i64(-1e30), i64::MIN);
        assert_eq!(c_double_to_i64(-1.9), -1);
    }

    #[test]
    fn wide_integers_keep_the_low_64_bits() {
        let bytes = [0xffu8; 9];
        assert_eq!(unsafe { getinteger(bytes.as_ptr(), false, true, 9) }, -1.0);
        let mut le = [0u8; 16];
        le[0] = 0x81;
        le[15] = 0x80;
        assert_eq!(unsafe { getinteger(le.as_ptr(), false, false, 16) }, 0x81 as f64);
        assert_eq!(unsafe { getinteger(le.as_ptr(), false, true, 0) }, 0.0);
    }

    #[test]
    fn alignment_is_capped_by_the_header() {
        let h = Header { big: false, align: 4 };
        assert_eq!(gettoalign(1, &h, b'd', 8), 3);
        assert_eq!(gettoalign(1, &h, b'c', 8), 0);
        assert_eq!(gettoalign(5, &Header::new(), b'i', 4), 0);
    }
}
