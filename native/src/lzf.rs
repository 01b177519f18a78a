//! LZF as Redis bundles it (liblzf 3.6: lzf_c.c, lzf_d.c with lzfP.h's HLOG 16, VERY_FAST, CHECK_INPUT), for RDB
//! strings: compression must produce Redis's exact bytes so FUNCTION DUMP (and later RDB files) are
//! byte-identical. Same contract as src/persistence/lzf.ts.
//!
//! Format: 000LLLLL + L+1 literal bytes; LLLooooo oooooooo = back reference of L+2 bytes at distance
//! o+1; 111ooooo LLLLLLLL oooooooo = back reference of L+9 bytes.
//!
//! Redis leaves its hash table uninitialised (INIT_HTAB 0); an empty slot is what makes the output
//! deterministic, and a candidate must lie after the first input byte (lzf_c.c's `ref > in_data`),
//! so position 0 never matches. The table here holds `base + position`; entries below `base` are
//! from earlier calls and count as empty, so it is never cleared between calls.
//!
//! Exports: lzfCompress(input, start, end, out) -> bytes written to out, 0 when the result does not
//! fit in out.length (Redis's "does not compress"); lzfDecompress(input, start, end, out) -> bytes
//! written, or -1 when the input is corrupt or does not fit in out.

use crate::napi::*;
use std::cell::RefCell;
use std::ptr;

extern "C" {
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
}

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

struct HashTable {
    slots: Vec<u32>,
    base: u32,
}

thread_local! {
    static TABLE: RefCell<HashTable> = RefCell::new(HashTable { slots: vec![0; HSIZE], base: 1 });
}

#[inline]
fn idx(h: u32) -> usize {
    ((h >> (3 * 8 - HLOG)).wrapping_sub(h.wrapping_mul(5)) & (HSIZE as u32 - 1)) as usize
}

/// lzf_compress: `input` into `out`; 0 when it does not fit (or either is empty).
pub fn compress(input: &[u8], out: &mut [u8]) -> usize {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        if (t.base as u64) + input.len() as u64 + 1 >= u32::MAX as u64 {
            t.slots.iter_mut().for_each(|s| *s = 0);
            t.base = 1;
        }
        let base = t.base;
        let n = compress_with(input, out, &mut t.slots, base);
        t.base = base + input.len() as u32 + 1;
        n
    })
}

fn compress_with(input: &[u8], out: &mut [u8], htab: &mut [u32], base: u32) -> usize {
    let in_len = input.len();
    let out_len = out.len();
    if in_len == 0 || out_len == 0 {
        return 0;
    }
    let mut ip = 0usize;
    let mut op = 1usize; // the first literal run's header
    let mut lit = 0usize;
    let mut hval: u32 = ((input[0] as u32) << 8) | *input.get(1).unwrap_or(&0) as u32;
    while ip + 2 < in_len {
        hval = (hval << 8) | input[ip + 2] as u32;
        let slot = idx(hval);
        let entry = htab[slot];
        htab[slot] = base + ip as u32;
        let candidate = if entry >= base { Some((entry - base) as usize) } else { None };
        let matched = match candidate {
            Some(r) => ip - r - 1 < MAX_OFF && r > 0 && input[r] == input[ip] && input[r + 1] == input[ip + 1] && input[r + 2] == input[ip + 2],
            None => false,
        };
        if matched {
            let r = candidate.unwrap_or(0);
            let off = ip - r - 1;
            let mut len = 2usize;
            let maxlen = (in_len - ip - len).min(MAX_REF);
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop the run
            if lit == 0 {
                op -= 1; // undo an empty run
            }
            if op + 3 + 1 >= out_len {
                return 0;
            }
            // lzf_c.c compares 16 bytes unrolled before its bounded loop; the unrolled part can
            // run past maxlen, and the output must follow it.
            let mut mismatch = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        mismatch = true;
                        break;
                    }
                }
            }
            if !mismatch {
                loop {
                    len += 1;
                    if !(len < maxlen && input[r + len] == input[ip + len]) {
                        break;
                    }
                }
            }
            len -= 2; // the stored length: octets - 2
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) + (len << 5)) as u8;
                op += 1;
            } else {
                out[op] = ((off >> 8) + (7 << 5)) as u8;
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 2; // the byte and the next run's header
            lit = 0;
            ip += len + 1;
            if ip + 2 >= in_len {
                break;
            }
            ip -= 2;
            hval = ((input[ip] as u32) << 8) | input[ip + 1] as u32;
            hval = (hval << 8) | input[ip + 2] as u32;
            htab[idx(hval)] = base + ip as u32;
            ip += 1;
            hval = (hval << 8) | input[ip + 2] as u32;
            htab[idx(hval)] = base + ip as u32;
            ip += 1;
        } else {
            if op >= out_len {
                return 0;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_len {
        return 0;
    }
    while ip < in_len {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
    if lit == 0 {
        op -= 1;
    }
    op
}

/// lzf_decompress with CHECK_INPUT: the length written, or None for corrupt input or too small `out`.
pub fn decompress(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut ip = 0usize;
    let mut op = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            if op + n > out.len() || ip + n > input.len() {
                return None;
            }
            out[op..op + n].copy_from_slice(&input[ip..ip + n]);
            op += n;
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            if ip >= input.len() {
                return None;
            }
            if len == 7 {
                len += input[ip] as usize;
                ip += 1;
                if ip >= input.len() {
                    return None;
                }
            }
            let back = ((ctrl & 0x1f) << 8) + input[ip] as usize + 1;
            ip += 1;
            if op + len + 2 > out.len() || back > op {
                return None;
            }
            let mut r = op - back;
            for _ in 0..len + 2 {
                out[op] = out[r];
                op += 1;
                r += 1;
            }
        }
    }
    Some(op)
}

unsafe fn u32_arg(env: napi_env, value: napi_value) -> Option<usize> {
    let mut n: u32 = 0;
    if napi_get_value_uint32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n as usize)
}

/// The input range and the output array of (input, start, end, out), refusing shared memory.
unsafe fn arguments<'a>(env: napi_env, info: napi_callback_info) -> Option<(&'a [u8], &'a mut [u8])> {
    let mut argc: usize = 4;
    let mut argv: [napi_value; 4] = [ptr::null_mut(); 4];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < 4 {
        return None;
    }
    let (in_data, in_len) = crate::typed_array(env, argv[0], NAPI_UINT8_ARRAY)?;
    let (out_data, out_len) = crate::typed_array(env, argv[3], NAPI_UINT8_ARRAY)?;
    let (start, end) = (u32_arg(env, argv[1])?, u32_arg(env, argv[2])?);
    if start > end || end > in_len {
        return None;
    }
    let (a0, a1) = (in_data as usize, in_data as usize + in_len);
    let (b0, b1) = (out_data as usize, out_data as usize + out_len);
    if in_len > 0 && out_len > 0 && a0 < b1 && b0 < a1 {
        return None;
    }
    let input: &[u8] = if end == start { &[] } else { std::slice::from_raw_parts((in_data as *const u8).add(start), end - start) };
    let out: &mut [u8] = if out_len == 0 { &mut [] } else { std::slice::from_raw_parts_mut(out_data as *mut u8, out_len) };
    Some((input, out))
}

unsafe fn number(env: napi_env, x: f64) -> napi_value {
    let mut result: napi_value = ptr::null_mut();
    napi_create_double(env, x, &mut result);
    result
}

unsafe extern "C" fn compress_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some((input, out)) = arguments(env, info) else {
        return crate::throw(env, false, b"lzfCompress(input, start, end, out): Uint8Arrays apart, start <= end <= input.length\0");
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compress(input, out))) {
        Ok(n) => number(env, n as f64),
        Err(_) => crate::throw(env, false, b"lzfCompress: internal error\0"),
    }
}

unsafe extern "C" fn decompress_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some((input, out)) = arguments(env, info) else {
        return crate::throw(env, false, b"lzfDecompress(input, start, end, out): Uint8Arrays apart, start <= end <= input.length\0");
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decompress(input, out))) {
        Ok(Some(n)) => number(env, n as f64),
        Ok(None) => number(env, -1.0),
        Err(_) => crate::throw(env, false, b"lzfDecompress: internal error\0"),
    }
}

/// Adds lzfCompress and lzfDecompress to `exports`; false if N-API refused one.
///
/// # Safety
/// Called from napi_register_module_v1 with its live `env` and `exports`.
pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    let table: [(&[u8], Callback); 2] = [(b"lzfCompress\0", compress_cb), (b"lzfDecompress\0", decompress_cb)];
    export_functions(env, exports, &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let input: Vec<u8> = b"abcabcabcabcabcabcabcabcabcabcabcabc hello hello hello".repeat(20);
        let mut out = vec![0u8; input.len()];
        let n = compress(&input, &mut out);
        assert!(n > 0 && n < input.len());
        let mut back = vec![0u8; input.len()];
        assert_eq!(decompress(&out[..n], &mut back), Some(input.len()));
        assert_eq!(back, input);
    }
}
