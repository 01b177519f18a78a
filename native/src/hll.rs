//! HyperLogLog register work on values in Redis 7.0.15's exact format (hyperloglog.c), the native
//! twin of src/storage/hyperloglog.ts (which documents the format). Functions take whole values:
//! a typed array plus the value's offset and length; results carrying a new length are packed as
//! (len << 2) | (updated << 1) | error, as in the TypeScript twin.
//!
//! Exports (registered by `register`):
//!   hllAdd(v, base, len, sparseMax, src, words, wordBase, n) -> packed result
//!   hllCount(v, base, len) -> estimate, or -1 for a corrupted sparse value
//!   hllCountRaw(max) -> estimate of 16384 one-byte registers
//!   hllMerge(max, v, base, len) -> false for a corrupted sparse value
//!   hllSetRegisters(v, base, len, sparseMax, max) -> packed result

use crate::napi::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

extern "C" {
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    fn napi_get_boolean(env: napi_env, value: bool, result: *mut napi_value) -> napi_status;
}

pub const HLL_P: u32 = 14;
pub const HLL_Q: usize = 64 - HLL_P as usize;
pub const HLL_REGISTERS: usize = 1 << HLL_P;
const HLL_P_MASK: u64 = (HLL_REGISTERS - 1) as u64;
const HLL_REGISTER_MAX: u8 = 63;
pub const HLL_HDR_SIZE: usize = 16;
pub const HLL_DENSE_SIZE: usize = HLL_HDR_SIZE + (HLL_REGISTERS * 6).div_ceil(8);
const HLL_DENSE: u8 = 0;
const SPARSE_VAL_MAX_VALUE: u8 = 32;
const SPARSE_VAL_MAX_LEN: usize = 4;
const SPARSE_ZERO_MAX_LEN: usize = 64;
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

#[inline]
fn pack(len: usize, updated: u32, err: u32) -> f64 {
    ((len as u32) << 2 | updated << 1 | err) as f64
}

/// MurmurHash64A with Redis's seed.
pub fn murmur64a(key: &[u8]) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let len = key.len();
    let mut h: u64 = 0xadc8_3b19u64 ^ (len as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, &b) in rest.iter().enumerate().rev() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// hllPatLen: (register index, run of zeros + 1).
#[inline]
pub fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele);
    let index = (hash & HLL_P_MASK) as usize;
    let rest = (hash >> HLL_P) | (1u64 << HLL_Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

#[inline]
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let bit = i * 6;
    let byte = bit >> 3;
    let fb = (bit & 7) as u32;
    let b0 = regs[byte] as u32;
    let b1 = if byte + 1 < regs.len() { regs[byte + 1] as u32 } else { 0 };
    (((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX as u32) as u8
}

/// The four registers packed in three bytes of a dense value.
#[inline]
fn dense4(b0: u8, b1: u8, b2: u8) -> [u8; 4] {
    [b0 & 63, ((b0 >> 6) | (b1 << 2)) & 63, ((b1 >> 4) | (b2 << 4)) & 63, b2 >> 2]
}

#[inline]
fn dense_set(regs: &mut [u8], i: usize, val: u8) {
    let bit = i * 6;
    let byte = bit >> 3;
    let fb = (bit & 7) as u32;
    let fb8 = 8 - fb;
    let v = val as u32;
    regs[byte] = ((regs[byte] as u32 & !((HLL_REGISTER_MAX as u32) << fb)) | (v << fb)) as u8;
    let hi_mask = (HLL_REGISTER_MAX as u32) >> fb8;
    if hi_mask != 0 {
        regs[byte + 1] = ((regs[byte + 1] as u32 & !hi_mask) | (v >> fb8)) as u8;
    }
}

#[inline]
fn dense_set_max(regs: &mut [u8], i: usize, count: u8) -> u32 {
    if count > dense_get(regs, i) {
        dense_set(regs, i, count);
        1
    } else {
        0
    }
}

/// Byte at `p` of a sparse value, 0 past its end (Redis reads the sds terminator there).
#[inline]
fn at(v: &[u8], p: usize, end: usize) -> u8 {
    if p < end {
        v[p]
    } else {
        0
    }
}

/// hllSparseToDense of v[base, base+len) into v[base, base+HLL_DENSE_SIZE); false if corrupted.
fn sparse_to_dense(v: &mut [u8], base: usize, len: usize) -> bool {
    let mut d = [0u8; HLL_DENSE_SIZE];
    d[..HLL_HDR_SIZE].copy_from_slice(&v[base..base + HLL_HDR_SIZE]);
    d[4] = HLL_DENSE;
    let end = base + len;
    let mut p = base + HLL_HDR_SIZE;
    let mut idx = 0usize;
    {
        let regs = &mut d[HLL_HDR_SIZE..];
        while p < end {
            let op = v[p];
            if op & 0xc0 == 0 {
                idx += (op & 0x3f) as usize + 1;
                p += 1;
            } else if op & 0xc0 == 0x40 {
                idx += ((((op & 0x3f) as usize) << 8) | at(v, p + 1, end) as usize) + 1;
                p += 2;
            } else {
                let runlen = (op & 3) as usize + 1;
                let regval = ((op >> 2) & 0x1f) + 1;
                if runlen + idx > HLL_REGISTERS {
                    break;
                }
                for _ in 0..runlen {
                    dense_set(regs, idx, regval);
                    idx += 1;
                }
                p += 1;
            }
        }
    }
    if idx != HLL_REGISTERS || v.len() < base + HLL_DENSE_SIZE {
        return false;
    }
    v[base..base + HLL_DENSE_SIZE].copy_from_slice(&d);
    true
}

fn promote(v: &mut [u8], base: usize, len: usize, index: usize, count: u8) -> f64 {
    if !sparse_to_dense(v, base, len) {
        return pack(len, 0, 1);
    }
    dense_set_max(&mut v[base + HLL_HDR_SIZE..base + HLL_DENSE_SIZE], index, count);
    pack(HLL_DENSE_SIZE, 1, 0)
}

#[inline]
fn val_op(value: u8, len: usize) -> u8 {
    ((value - 1) << 2) | (len as u8 - 1) | 0x80
}

/// hllSparseSet (see the TypeScript twin); `v` must have room for growth after the value.
fn sparse_set(v: &mut [u8], base: usize, mut len: usize, index: usize, count: u8, sparse_max: usize) -> f64 {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote(v, base, len, index, count);
    }
    let sparse = base + HLL_HDR_SIZE;
    let mut end = base + len;
    let mut p = sparse;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut span = 0usize;
    while p < end {
        let op = v[p];
        let mut oplen = 1;
        if op & 0xc0 == 0 {
            span = (op & 0x3f) as usize + 1;
        } else if op & 0x80 != 0 {
            span = (op & 3) as usize + 1;
        } else {
            span = ((((op & 0x3f) as usize) << 8) | at(v, p + 1, end) as usize) + 1;
            oplen = 2;
        }
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return pack(len, 0, 1);
    }
    let op = v[p];
    let is_xzero = op & 0xc0 == 0x40;
    let is_zero = op & 0xc0 == 0;
    let is_val = op & 0x80 != 0;
    let next = if is_xzero { p + 2 } else { p + 1 };
    let next = if next >= end { None } else { Some(next) };
    let runlen = if is_zero {
        (op & 0x3f) as usize + 1
    } else if is_xzero {
        ((((op & 0x3f) as usize) << 8) | at(v, p + 1, end) as usize) + 1
    } else {
        (op & 3) as usize + 1
    };
    let mut done = false;
    if is_val {
        let oldcount = ((op >> 2) & 0x1f) + 1;
        if oldcount >= count {
            return pack(len, 0, 0);
        }
        if runlen == 1 {
            v[p] = val_op(count, 1);
            done = true;
        }
    }
    if !done && is_zero && runlen == 1 {
        v[p] = val_op(count, 1);
        done = true;
    }
    if !done {
        let mut seq = [0u8; 5];
        let mut n = 0usize;
        let last = first + span - 1;
        let zeros = |seq: &mut [u8; 5], n: &mut usize, l: usize| {
            if l > SPARSE_ZERO_MAX_LEN {
                seq[*n] = (((l - 1) >> 8) as u8) | 0x40;
                seq[*n + 1] = ((l - 1) & 0xff) as u8;
                *n += 2;
            } else {
                seq[*n] = (l - 1) as u8;
                *n += 1;
            }
        };
        if is_zero || is_xzero {
            if index != first {
                zeros(&mut seq, &mut n, index - first);
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                zeros(&mut seq, &mut n, last - index);
            }
        } else {
            let curval = ((op >> 2) & 0x1f) + 1;
            if index != first {
                seq[n] = val_op(curval, index - first);
                n += 1;
            }
            seq[n] = val_op(count, 1);
            n += 1;
            if index != last {
                seq[n] = val_op(curval, last - index);
                n += 1;
            }
        }
        let oldlen = if is_xzero { 2 } else { 1 };
        let delta = n as isize - oldlen as isize;
        if delta > 0 && len as isize + delta > sparse_max as isize {
            return promote(v, base, len, index, count);
        }
        if (end as isize + delta) as usize > v.len() {
            return pack(len, 0, 1);
        }
        if delta != 0 {
            if let Some(nx) = next {
                v.copy_within(nx..end, (nx as isize + delta) as usize);
            }
        }
        len = (len as isize + delta) as usize;
        v[p..p + n].copy_from_slice(&seq[..n]);
        end = (end as isize + delta) as usize;
    }
    // Step 4: merge adjacent VAL opcodes of equal value, up to 5 opcodes from prev.
    let mut p = prev.unwrap_or(sparse);
    let mut scan = 5;
    while p < end && scan > 0 {
        scan -= 1;
        let o = v[p];
        if o & 0xc0 == 0x40 {
            p += 2;
            continue;
        } else if o & 0xc0 == 0 {
            p += 1;
            continue;
        }
        if p + 1 < end && v[p + 1] & 0x80 != 0 {
            let v1 = ((o >> 2) & 0x1f) + 1;
            let v2 = ((v[p + 1] >> 2) & 0x1f) + 1;
            if v1 == v2 {
                let l = (o & 3) as usize + 1 + (v[p + 1] & 3) as usize + 1;
                if l <= SPARSE_VAL_MAX_LEN {
                    v[p + 1] = val_op(v1, l);
                    v.copy_within(p + 1..end, p);
                    len -= 1;
                    end -= 1;
                    continue;
                }
            }
        }
        p += 1;
    }
    v[base + 15] |= 0x80;
    pack(len, 1, 0)
}

/// hllAdd of n elements given as (offset, length) pairs in `words` over `src`.
pub fn add(v: &mut [u8], base: usize, mut len: usize, sparse_max: usize, src: &[u8], words: &[u32], n: usize) -> f64 {
    let mut updated = 0u32;
    for j in 0..n {
        let off = words[2 * j] as usize;
        let l = words[2 * j + 1] as usize;
        let (index, count) = pat_len(&src[off..off + l]);
        if v[base + 4] == HLL_DENSE {
            updated |= dense_set_max(&mut v[base + HLL_HDR_SIZE..base + len], index, count);
        } else {
            let r = sparse_set(v, base, len, index, count, sparse_max) as u32;
            len = (r >> 2) as usize;
            if r & 1 != 0 {
                return pack(len, updated, 1);
            }
            updated |= (r >> 1) & 1;
        }
    }
    pack(len, updated, 0)
}

pub fn set_registers(v: &mut [u8], base: usize, mut len: usize, sparse_max: usize, max: &[u8]) -> f64 {
    let mut updated = 0u32;
    for (j, &m) in max.iter().enumerate().take(HLL_REGISTERS) {
        if m == 0 {
            continue;
        }
        if v[base + 4] == HLL_DENSE {
            updated |= dense_set_max(&mut v[base + HLL_HDR_SIZE..base + len], j, m);
        } else {
            let r = sparse_set(v, base, len, j, m, sparse_max) as u32;
            len = (r >> 2) as usize;
            updated |= (r >> 1) & 1;
        }
    }
    pack(len, updated, 0)
}

pub fn merge(max: &mut [u8], v: &[u8]) -> bool {
    if v[4] == HLL_DENSE {
        // Four 6-bit registers in every 3 bytes.
        let regs = &v[HLL_HDR_SIZE..HLL_DENSE_SIZE];
        for (b, m) in regs.chunks_exact(3).zip(max[..HLL_REGISTERS].chunks_exact_mut(4)) {
            let r = dense4(b[0], b[1], b[2]);
            for k in 0..4 {
                if r[k] > m[k] {
                    m[k] = r[k];
                }
            }
        }
        return true;
    }
    let end = v.len();
    let mut p = HLL_HDR_SIZE;
    let mut i = 0usize;
    while p < end {
        let op = v[p];
        if op & 0xc0 == 0 {
            i += (op & 0x3f) as usize + 1;
            p += 1;
        } else if op & 0xc0 == 0x40 {
            i += ((((op & 0x3f) as usize) << 8) | at(v, p + 1, end) as usize) + 1;
            p += 2;
        } else {
            let runlen = (op & 3) as usize + 1;
            let regval = ((op >> 2) & 0x1f) + 1;
            if runlen + i > HLL_REGISTERS {
                break;
            }
            for m in &mut max[i..i + runlen] {
                if regval > *m {
                    *m = regval;
                }
            }
            i += runlen;
            p += 1;
        }
    }
    i == HLL_REGISTERS
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let z_prime = z;
        z += x * y;
        y += y;
        if z_prime == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let z_prime = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if z_prime == z {
            return z / 3.0;
        }
    }
}

fn estimate(histo: &[u32; 64]) -> f64 {
    let m = HLL_REGISTERS as f64;
    let mut z = m * tau((m - histo[HLL_Q + 1] as f64) / m);
    for j in (1..=HLL_Q).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    // llroundl: half away from zero (the value is positive).
    (ALPHA_INF * m * m / z).round()
}

pub fn count(v: &[u8]) -> f64 {
    let mut histo = [0u32; 64];
    if v[4] == HLL_DENSE {
        let regs = &v[HLL_HDR_SIZE..HLL_DENSE_SIZE];
        let mut h = [[0u32; 64]; 4];
        for b in regs.chunks_exact(3) {
            let r = dense4(b[0], b[1], b[2]);
            for k in 0..4 {
                h[k][r[k] as usize] += 1;
            }
        }
        for (j, slot) in histo.iter_mut().enumerate() {
            *slot = h[0][j] + h[1][j] + h[2][j] + h[3][j];
        }
    } else {
        let end = v.len();
        let mut p = HLL_HDR_SIZE;
        let mut idx = 0usize;
        while p < end {
            let op = v[p];
            if op & 0xc0 == 0 {
                let r = (op & 0x3f) as u32 + 1;
                idx += r as usize;
                histo[0] += r;
                p += 1;
            } else if op & 0xc0 == 0x40 {
                let r = ((((op & 0x3f) as u32) << 8) | at(v, p + 1, end) as u32) + 1;
                idx += r as usize;
                histo[0] += r;
                p += 2;
            } else {
                let r = (op & 3) as u32 + 1;
                idx += r as usize;
                histo[(((op >> 2) & 0x1f) + 1) as usize] += r;
                p += 1;
            }
        }
        if idx != HLL_REGISTERS {
            return -1.0;
        }
    }
    estimate(&histo)
}

pub fn count_raw(max: &[u8]) -> f64 {
    // Four histograms, so that consecutive increments do not wait on each other.
    let mut h = [[0u32; 64]; 4];
    for r in max[..HLL_REGISTERS].chunks_exact(4) {
        for k in 0..4 {
            h[k][(r[k] & 63) as usize] += 1;
        }
    }
    let mut histo = [0u32; 64];
    for (j, slot) in histo.iter_mut().enumerate() {
        *slot = h[0][j] + h[1][j] + h[2][j] + h[3][j];
    }
    estimate(&histo)
}

// ---------------------------------------------------------------- N-API glue

unsafe fn u32_arg(env: napi_env, value: napi_value) -> Option<usize> {
    let mut n: u32 = 0;
    if napi_get_value_uint32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n as usize)
}

unsafe fn bytes<'a>(env: napi_env, value: napi_value) -> Option<&'a mut [u8]> {
    let (data, len) = crate::typed_array(env, value, NAPI_UINT8_ARRAY)?;
    Some(if len == 0 { &mut [] } else { std::slice::from_raw_parts_mut(data as *mut u8, len) })
}

fn overlaps(a: &[u8], b: &[u8]) -> bool {
    let (a0, a1) = (a.as_ptr() as usize, a.as_ptr() as usize + a.len());
    let (b0, b1) = (b.as_ptr() as usize, b.as_ptr() as usize + b.len());
    !a.is_empty() && !b.is_empty() && a0 < b1 && b0 < a1
}

unsafe fn number(env: napi_env, x: f64) -> napi_value {
    let mut out: napi_value = ptr::null_mut();
    napi_create_double(env, x, &mut out);
    out
}

unsafe fn error(env: napi_env) -> napi_value {
    crate::throw(env, false, b"hll: bad arguments (typed arrays, offsets within bounds)\0")
}

/// Runs `f`, turning a panic (an out-of-range slice) into a JS exception.
unsafe fn guarded(env: napi_env, f: impl FnOnce() -> Option<f64>) -> napi_value {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Some(x)) => number(env, x),
        Ok(None) => error(env),
        Err(_) => crate::throw(env, false, b"hll: internal error in the native HyperLogLog code\0"),
    }
}

/// The value v[base, base+len) must lie inside v, with the HLL header.
fn value_ok(v: &[u8], base: usize, len: usize) -> bool {
    len >= HLL_HDR_SIZE && base.checked_add(len).is_some_and(|e| e <= v.len())
}

unsafe extern "C" fn add_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(a) = call_args::<8>(env, info) else { return error(env) };
    let (Some(v), Some(base), Some(len), Some(smax), Some(src)) =
        (bytes(env, a[0]), u32_arg(env, a[1]), u32_arg(env, a[2]), u32_arg(env, a[3]), bytes(env, a[4]))
    else {
        return error(env);
    };
    let Some((wdata, wlen)) = crate::typed_array(env, a[5], NAPI_UINT32_ARRAY) else { return error(env) };
    let (Some(wbase), Some(n)) = (u32_arg(env, a[6]), u32_arg(env, a[7])) else { return error(env) };
    if !value_ok(v, base, len) || overlaps(v, src) || wbase + 2 * n > wlen {
        return error(env);
    }
    let words = std::slice::from_raw_parts(wdata as *const u32, wlen);
    guarded(env, || {
        let w = &words[wbase..wbase + 2 * n];
        for j in 0..n {
            let (o, l) = (w[2 * j] as usize, w[2 * j + 1] as usize);
            if o + l > src.len() {
                return None;
            }
        }
        // A sparse value needs room to grow; a dense one is fixed.
        if v[base + 4] != HLL_DENSE && v.len() < base + HLL_DENSE_SIZE {
            return None;
        }
        Some(add(v, base, len, smax, src, w, n))
    })
}

unsafe extern "C" fn count_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(a) = call_args::<3>(env, info) else { return error(env) };
    let (Some(v), Some(base), Some(len)) = (bytes(env, a[0]), u32_arg(env, a[1]), u32_arg(env, a[2])) else {
        return error(env);
    };
    if !value_ok(v, base, len) {
        return error(env);
    }
    guarded(env, || Some(count(&v[base..base + len])))
}

unsafe extern "C" fn count_raw_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(a) = call_args::<1>(env, info) else { return error(env) };
    let Some(max) = bytes(env, a[0]) else { return error(env) };
    if max.len() < HLL_REGISTERS {
        return error(env);
    }
    guarded(env, || Some(count_raw(max)))
}

unsafe extern "C" fn merge_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(a) = call_args::<4>(env, info) else { return error(env) };
    let (Some(max), Some(v), Some(base), Some(len)) = (bytes(env, a[0]), bytes(env, a[1]), u32_arg(env, a[2]), u32_arg(env, a[3])) else {
        return error(env);
    };
    if max.len() < HLL_REGISTERS || !value_ok(v, base, len) || overlaps(max, v) {
        return error(env);
    }
    match catch_unwind(AssertUnwindSafe(|| merge(max, &v[base..base + len]))) {
        Ok(ok) => {
            let mut out: napi_value = ptr::null_mut();
            napi_get_boolean(env, ok, &mut out);
            out
        }
        Err(_) => crate::throw(env, false, b"hll: internal error in the native HyperLogLog code\0"),
    }
}

unsafe extern "C" fn set_registers_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let Some(a) = call_args::<5>(env, info) else { return error(env) };
    let (Some(v), Some(base), Some(len), Some(smax), Some(max)) =
        (bytes(env, a[0]), u32_arg(env, a[1]), u32_arg(env, a[2]), u32_arg(env, a[3]), bytes(env, a[4]))
    else {
        return error(env);
    };
    if !value_ok(v, base, len) || max.len() < HLL_REGISTERS || overlaps(v, max) || v.len() < base + HLL_DENSE_SIZE {
        return error(env);
    }
    guarded(env, || Some(set_registers(v, base, len, smax, max)))
}


/// Adds the HyperLogLog functions to `exports`; false if N-API refused one.
///
/// # Safety
/// Called from napi_register_module_v1 with its live `env` and `exports`.
pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    let table: [(&[u8], Callback); 5] = [
        (b"hllAdd\0", add_cb),
        (b"hllCount\0", count_cb),
        (b"hllCountRaw\0", count_raw_cb),
        (b"hllMerge\0", merge_cb),
        (b"hllSetRegisters\0", set_registers_cb),
    ];
    export_functions(env, exports, &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_counts_zero() {
        let mut v = vec![0u8; HLL_DENSE_SIZE + 8];
        v[..4].copy_from_slice(b"HYLL");
        v[4] = 1;
        v[16] = 0x7f;
        v[17] = 0xff;
        assert_eq!(count(&v[..18]), 0.0);
        let r = add(&mut v, 0, 18, 3000, b"abc", &[0, 3], 1) as u32;
        assert_eq!(r & 3, 2);
        assert_eq!(count(&v[..(r >> 2) as usize]), 1.0);
    }
}
