//! RESP request parser: the native twin of `parseRequestsTs` in src/protocol/resp-parser.ts, which
//! documents the contract. The two must agree word for word on `out` and byte for byte on the
//! in-place unquoting of inline arguments (test/unit/resp-parser.test.ts feeds both the same input),
//! so this file follows the TypeScript one step by step: counts and lengths are checked as the
//! doubles JS has (exactly so for the 1-15 digit numbers of the fast path, which doubles hold
//! exactly), and a change to one file is made to the other.
//!
//! Semantics are Redis 7.0.15's networking.c (processMultibulkBuffer, processInlineBuffer) and
//! sds.c (sdssplitargs).

/// Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest count line.
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
const INT_MAX: f64 = 2147483647.0;

/// Error codes written to out[2] (ParseError in resp-parser.ts).
pub const ERR_INVALID_MULTIBULK_LENGTH: u32 = 1;
pub const ERR_INVALID_BULK_LENGTH: u32 = 2;
pub const ERR_EXPECTED_DOLLAR: u32 = 3;
pub const ERR_TOO_BIG_INLINE: u32 = 4;
pub const ERR_TOO_BIG_MBULK_COUNT: u32 = 5;
pub const ERR_TOO_BIG_BULK_COUNT: u32 = 6;
pub const ERR_UNBALANCED_QUOTES: u32 = 7;
pub const ERR_OUT_OF_WORDS: u32 = 8;

// Results of one command's parse besides "the offset after it".
const INCOMPLETE: i64 = -1;
const FAILED: i64 = -2;
const NO_ROOM: i64 = -3;

/// A count line: see Parser::count_line.
struct CountLine {
    cr: i64,
    exact: i64,
    value: f64,
}

const LLONG_MAX_DIGITS: &[u8; 19] = b"9223372036854775807";

struct Parser<'a> {
    buf: &'a mut [u8],
    out: &'a mut [u32],
    max_bulk: f64,
    /// `exact > max_bulk_int` answers `exact > max_bulk` for the exact values of count_line (< 10^15).
    max_bulk_int: i64,
    words_needed: f64,
    error_code: u32,
    error_detail: u32,
    need_until: f64,
}

/// JavaScript's ToUint32 for the non-negative integral doubles stored here: what a Uint32Array
/// store keeps of a number.
#[inline]
fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    let t = x.trunc() % 4294967296.0;
    if t < 0.0 {
        (t + 4294967296.0) as u32
    } else {
        t as u32
    }
}

#[inline]
fn is_space(c: u8) -> bool {
    c == 32 || (9..=13).contains(&c)
}

#[inline]
fn hex_value(c: u8) -> i32 {
    match c {
        b'0'..=b'9' => (c - b'0') as i32,
        b'a'..=b'f' => (c - b'a' + 10) as i32,
        b'A'..=b'F' => (c - b'A' + 10) as i32,
        _ => -1,
    }
}

/// Parses every complete command in buf[start, end) into `out` (layout in resp-parser.ts).
/// The caller guarantees start <= end <= buf.len() and out.len() >= 4. Hot path: no allocation.
pub fn parse_requests(buf: &mut [u8], start: usize, end: usize, out: &mut [u32], max_bulk: f64) {
    let max_bulk_int = if max_bulk.is_nan() || max_bulk >= 1e16 {
        i64::MAX
    } else {
        max_bulk.floor().max(-1.0) as i64
    };
    let mut parser = Parser {
        buf,
        out,
        max_bulk,
        max_bulk_int,
        words_needed: 0.0,
        error_code: 0,
        error_detail: 0,
        need_until: 0.0,
    };
    let mut pos = start;
    let mut count: u32 = 0;
    let mut w: usize = 4;
    while pos < end {
        let next = if parser.buf[pos] == b'*' {
            parser.multibulk(pos, end, w)
        } else {
            parser.inline(pos, end, w)
        };
        if next == INCOMPLETE || next == FAILED {
            break;
        }
        if next == NO_ROOM {
            if count == 0 {
                parser.error_code = ERR_OUT_OF_WORDS;
                parser.error_detail = to_uint32(parser.words_needed);
            }
            break;
        }
        pos = next as usize;
        let argc = parser.out[w] as usize;
        if argc > 0 {
            w += 1 + 2 * argc;
            count += 1;
        }
    }
    let detail = if parser.error_code != 0 {
        parser.error_detail
    } else if count == 0 {
        to_uint32(parser.need_until.max((end + 1) as f64))
    } else {
        0
    };
    let out = parser.out;
    out[0] = count;
    out[1] = pos as u32;
    out[2] = parser.error_code;
    out[3] = detail;
}

impl Parser<'_> {
    fn fail(&mut self, code: u32, detail: u32) -> i64 {
        self.error_code = code;
        self.error_detail = detail;
        FAILED
    }

    fn incomplete(&mut self, until: f64) -> i64 {
        self.need_until = until;
        INCOMPLETE
    }

    fn no_room(&mut self, words: f64) -> i64 {
        self.words_needed = words;
        NO_ROOM
    }

    /// Index of the first `byte` in [from, end), or -1; a NUL byte stops the search (strchr).
    #[inline]
    fn find_byte(&self, from: usize, end: usize, byte: u8) -> i64 {
        for (i, &c) in self.buf[from..end].iter().enumerate() {
            if c == byte {
                return (from + i) as i64;
            }
            if c == 0 {
                return -1;
            }
        }
        -1
    }

    /// Redis's string2ll over buf[from, to), as a double (NaN when invalid), like parseLongLong.
    fn parse_long_long(&self, from: usize, to: usize) -> f64 {
        let buf = &*self.buf;
        let len = to - from;
        if len == 0 || len > 20 {
            return f64::NAN;
        }
        let mut i = from;
        let mut negative = false;
        if buf[i] == b'-' {
            negative = true;
            i += 1;
            if i == to {
                return f64::NAN;
            }
        }
        if buf[i] == b'0' {
            return if i + 1 == to && !negative { 0.0 } else { f64::NAN };
        }
        let digits = to - i;
        let first = i;
        let mut v = 0.0f64;
        while i < to {
            let c = buf[i];
            if !c.is_ascii_digit() {
                return f64::NAN;
            }
            v = v * 10.0 + (c - b'0') as f64;
            i += 1;
        }
        if digits > 19 || (digits == 19 && beyond_long_long(&buf[first..to], negative)) {
            return f64::NAN;
        }
        if negative {
            -v
        } else {
            v
        }
    }

    /// A count line at pos (`*N` or `$N`, the marker byte being neither '\r' nor NUL): the index of
    /// its '\r' (or -1 as find_byte) and the number between. When the text is 1 to 15 digits (the
    /// common case), one pass gives the exact value as `exact` (such values are exact as doubles
    /// too, so TypeScript sees the same); otherwise `exact` is -1 and `value` is parse_long_long's.
    #[inline(always)]
    fn count_line(&self, pos: usize, end: usize) -> CountLine {
        // One and two digits first: argument counts and most lengths.
        if pos + 3 < end {
            let buf = &*self.buf;
            let d1 = buf[pos + 1].wrapping_sub(b'0');
            if d1 <= 9 {
                if buf[pos + 2] == b'\r' {
                    return CountLine { cr: (pos + 2) as i64, exact: d1 as i64, value: 0.0 };
                }
                let d2 = buf[pos + 2].wrapping_sub(b'0');
                if d2 <= 9 && d1 != 0 && buf[pos + 3] == b'\r' {
                    return CountLine { cr: (pos + 3) as i64, exact: (d1 * 10 + d2) as i64, value: 0.0 };
                }
            }
        }
        let text = &self.buf[pos + 1..end.min(pos + 17)];
        let mut v: u64 = 0;
        let mut digits = 0;
        for &c in text {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10 + d as u64;
            digits += 1;
        }
        if digits < text.len() && text[digits] == b'\r' && (1..=15).contains(&digits) && (digits == 1 || text[0] != b'0') {
            return CountLine { cr: (pos + 1 + digits) as i64, exact: v as i64, value: 0.0 };
        }
        let cr = self.find_byte(pos, end, b'\r');
        let value = if cr < 0 { f64::NAN } else { self.parse_long_long(pos + 1, cr as usize) };
        CountLine { cr, exact: -1, value }
    }

    /// One `*N` command at pos: the offset after it, or INCOMPLETE / FAILED / NO_ROOM.
    /// Hot path: the checks are made on doubles, as in TypeScript; the arithmetic after them, on
    /// integers they have shown to be small.
    fn multibulk(&mut self, mut pos: usize, end: usize, w: usize) -> i64 {
        let CountLine { cr, exact, value: n } = self.count_line(pos, end);
        if cr < 0 {
            if end - pos > PROTO_INLINE_MAX_SIZE {
                return self.fail(ERR_TOO_BIG_MBULK_COUNT, 0);
            }
            return INCOMPLETE;
        }
        let cr = cr as usize;
        if cr + 1 >= end {
            return INCOMPLETE;
        }
        if if exact >= 0 { exact > INT_MAX as i64 } else { n.is_nan() || n > INT_MAX } {
            return self.fail(ERR_INVALID_MULTIBULK_LENGTH, 0);
        }
        pos = cr + 2;
        if if exact >= 0 { exact == 0 } else { n <= 0.0 } {
            if w < self.out.len() {
                self.out[w] = 0;
            } else {
                return self.no_room((w + 1) as f64);
            }
            return pos as i64;
        }
        let argc = if exact >= 0 { exact as usize } else { n as u32 as usize }; // 1 ..= INT_MAX
        let room = w + 1 + 2 * argc <= self.out.len();
        if room {
            self.out[w] = argc as u32;
        }
        for i in 0..argc {
            if pos >= end {
                return self.incomplete((pos + 4 * (argc - i)) as f64);
            }
            let first = self.buf[pos];
            let CountLine { cr: lcr, exact, value: len } = if first == b'$' {
                self.count_line(pos, end)
            } else {
                CountLine { cr: self.find_byte(pos, end, b'\r'), exact: -1, value: f64::NAN }
            };
            if lcr < 0 {
                if end - pos > PROTO_INLINE_MAX_SIZE {
                    return self.fail(ERR_TOO_BIG_BULK_COUNT, 0);
                }
                return INCOMPLETE;
            }
            let lcr = lcr as usize;
            if lcr + 1 >= end {
                return INCOMPLETE;
            }
            if first != b'$' {
                return self.fail(ERR_EXPECTED_DOLLAR, first as u32);
            }
            let data = lcr + 2; // <= end
            let len = if exact >= 0 {
                if exact > self.max_bulk_int {
                    return self.fail(ERR_INVALID_BULK_LENGTH, 0);
                }
                let len = exact as usize;
                if data + len + 2 > end {
                    return self.incomplete((data + len + 2) as f64);
                }
                len
            } else {
                if len.is_nan() || len < 0.0 || len > self.max_bulk {
                    return self.fail(ERR_INVALID_BULK_LENGTH, 0);
                }
                // TypeScript's `data + len + 2 > end`: the same answer while len is exact (< 2^53),
                // and past that both sides are far beyond any buffer.
                if len + 2.0 > (end - data) as f64 {
                    return self.incomplete(data as f64 + len + 2.0);
                }
                len as usize
            };
            if room {
                self.out[w + 1 + 2 * i] = data as u32;
                self.out[w + 2 + 2 * i] = len as u32;
            }
            pos = data + len + 2;
        }
        if room {
            pos as i64
        } else {
            self.no_room((w + 1 + 2 * argc) as f64)
        }
    }

    /// One inline (telnet-style) command line at pos.
    fn inline(&mut self, pos: usize, end: usize, w: usize) -> i64 {
        let nl = self.find_byte(pos, end, b'\n');
        if nl < 0 {
            if end - pos > PROTO_INLINE_MAX_SIZE {
                return self.fail(ERR_TOO_BIG_INLINE, 0);
            }
            return INCOMPLETE;
        }
        let nl = nl as usize;
        let mut line_end = nl;
        if line_end > pos && self.buf[line_end - 1] == b'\r' {
            line_end -= 1;
        }
        // At most (L + 1) / 2 arguments in L bytes: when they may not fit, count before unquoting,
        // so that the retry with a larger `out` finds the line unchanged.
        if w + 2 + (line_end - pos) > self.out.len() {
            let argc = self.split_args(pos, line_end, w, false);
            if argc == FAILED {
                return self.fail(ERR_UNBALANCED_QUOTES, 0);
            }
            let needed = w + 1 + 2 * argc as usize;
            if needed > self.out.len() {
                return self.no_room(needed as f64);
            }
        }
        if self.split_args(pos, line_end, w, true) < 0 {
            return self.fail(ERR_UNBALANCED_QUOTES, 0);
        }
        (nl + 1) as i64
    }

    /// Redis's sdssplitargs over buf[pos, end), unquoting in place from `pos` and recording the
    /// arguments at out[w] when `unquote` (otherwise only counting). Returns argc or FAILED.
    fn split_args(&mut self, pos: usize, end: usize, w: usize, unquote: bool) -> i64 {
        let mut p = pos;
        let mut write = pos;
        let mut argc: usize = 0;
        loop {
            while p < end && self.buf[p] != 0 && is_space(self.buf[p]) {
                p += 1;
            }
            if p >= end || self.buf[p] == 0 {
                break;
            }
            let arg_start = write;
            let mut in_double = false;
            let mut in_single = false;
            let mut done = false;
            while !done {
                let buf = &mut *self.buf;
                // The byte at i, or 0 (the C string's terminator) past the line.
                macro_rules! at {
                    ($i:expr) => {{
                        let i: usize = $i;
                        if i < end {
                            buf[i]
                        } else {
                            0
                        }
                    }};
                }
                let c = at!(p);
                let mut byte: i32 = -1;
                if in_double {
                    if c == b'\\' && at!(p + 1) == b'x' && hex_value(at!(p + 2)) >= 0 && hex_value(at!(p + 3)) >= 0 {
                        byte = hex_value(at!(p + 2)) * 16 + hex_value(at!(p + 3));
                        p += 3;
                    } else if c == b'\\' && at!(p + 1) != 0 {
                        p += 1;
                        let e = at!(p);
                        byte = match e {
                            b'n' => 10,
                            b'r' => 13,
                            b't' => 9,
                            b'b' => 8,
                            b'a' => 7,
                            _ => e as i32,
                        };
                    } else if c == b'"' {
                        if at!(p + 1) != 0 && !is_space(at!(p + 1)) {
                            return FAILED;
                        }
                        done = true;
                    } else if c == 0 {
                        return FAILED;
                    } else {
                        byte = c as i32;
                    }
                } else if in_single {
                    if c == b'\\' && at!(p + 1) == b'\'' {
                        p += 1;
                        byte = b'\'' as i32;
                    } else if c == b'\'' {
                        if at!(p + 1) != 0 && !is_space(at!(p + 1)) {
                            return FAILED;
                        }
                        done = true;
                    } else if c == 0 {
                        return FAILED;
                    } else {
                        byte = c as i32;
                    }
                } else if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' || c == 0 {
                    done = true;
                } else if c == b'"' {
                    in_double = true;
                } else if c == b'\'' {
                    in_single = true;
                } else {
                    byte = c as i32;
                }
                if byte >= 0 {
                    if unquote {
                        buf[write] = byte as u8;
                    }
                    write += 1;
                }
                if p < end && c != 0 {
                    p += 1;
                }
            }
            if unquote {
                self.out[w + 1 + 2 * argc] = arg_start as u32;
                self.out[w + 2 + 2 * argc] = (write - arg_start) as u32;
            }
            argc += 1;
        }
        if unquote {
            self.out[w] = argc as u32;
        }
        argc as i64
    }
}

/// Whether 19 digits exceed 9223372036854775807 (9223372036854775808 when negative).
fn beyond_long_long(digits: &[u8], negative: bool) -> bool {
    for k in 0..19 {
        let limit = if k == 18 && negative { b'8' } else { LLONG_MAX_DIGITS[k] };
        let c = digits[k];
        if c != limit {
            return c > limit;
        }
    }
    false
}
