//! Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected input and output,
//! initial value 0 and no final xor; crc64(0, "123456789") = 0xe9c6d914c4b8d9ca. It guards DUMP
//! and FUNCTION DUMP payloads and RDB files. Same contract as src/persistence/crc64.ts.
//!
//! Export: crc64(state: Uint8Array(8), data: Uint8Array, start, end): the CRC in `state` (8 bytes,
//! little-endian, as the RDB footer stores it) is advanced over data[start, end) in place.

use crate::napi::*;
use std::ptr;

/// The Jones polynomial bit-reversed, for the reflected (LSB-first) table algorithm.
const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

/// Eight tables for slicing-by-8: TABLES[0] is the byte-at-a-time table, TABLES[k][b] the CRC of
/// byte b followed by k zero bytes.
static TABLES: [[u64; 256]; 8] = build_tables();

const fn build_tables() -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let mut crc = b as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY_REFLECTED } else { crc >> 1 };
            bit += 1;
        }
        t[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            b += 1;
        }
        k += 1;
    }
    t
}

/// Advances `crc` over `data`.
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let x = crc ^ u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        crc = TABLES[7][(x & 0xff) as usize]
            ^ TABLES[6][((x >> 8) & 0xff) as usize]
            ^ TABLES[5][((x >> 16) & 0xff) as usize]
            ^ TABLES[4][((x >> 24) & 0xff) as usize]
            ^ TABLES[3][((x >> 32) & 0xff) as usize]
            ^ TABLES[2][((x >> 40) & 0xff) as usize]
            ^ TABLES[1][((x >> 48) & 0xff) as usize]
            ^ TABLES[0][(x >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ TABLES[0][((crc ^ b as u64) & 0xff) as usize];
    }
    crc
}

unsafe fn u32_arg(env: napi_env, value: napi_value) -> Option<usize> {
    let mut n: u32 = 0;
    if napi_get_value_uint32(env, value, &mut n) != NAPI_OK {
        return None;
    }
    Some(n as usize)
}

unsafe extern "C" fn crc64_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    let mut argc: usize = 4;
    let mut argv: [napi_value; 4] = [ptr::null_mut(); 4];
    if napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) != NAPI_OK || argc < 4 {
        return crate::throw(env, false, b"crc64(state, data, start, end): 4 arguments expected\0");
    }
    let (Some((state, state_len)), Some((data, data_len))) =
        (crate::typed_array(env, argv[0], NAPI_UINT8_ARRAY), crate::typed_array(env, argv[1], NAPI_UINT8_ARRAY))
    else {
        return crate::throw(env, false, b"crc64: state and data must be Uint8Arrays\0");
    };
    let (Some(start), Some(end)) = (u32_arg(env, argv[2]), u32_arg(env, argv[3])) else {
        return crate::throw(env, false, b"crc64: start and end must be unsigned integers\0");
    };
    if state_len < 8 || start > end || end > data_len {
        return crate::throw(env, true, b"crc64: need an 8-byte state and start <= end <= data.length\0");
    }
    let state = std::slice::from_raw_parts_mut(state as *mut u8, 8);
    let bytes: &[u8] = if end == start { &[] } else { std::slice::from_raw_parts((data as *const u8).add(start), end - start) };
    let mut crc = [0u8; 8];
    crc.copy_from_slice(state);
    let next = crc64(u64::from_le_bytes(crc), bytes);
    state.copy_from_slice(&next.to_le_bytes());
    ptr::null_mut()
}

/// Adds crc64 to `exports`; false if N-API refused.
///
/// # Safety
/// Called from napi_register_module_v1 with its live `env` and `exports`.
pub unsafe fn register(env: napi_env, exports: napi_value) -> bool {
    export_functions(env, exports, &[(b"crc64\0", crc64_cb)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_check_value() {
        assert_eq!(crc64(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    #[test]
    fn slicing_matches_bytewise() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let mut bytewise = 0u64;
        for &b in &data {
            bytewise = (bytewise >> 8) ^ TABLES[0][((bytewise ^ b as u64) & 0xff) as usize];
        }
        assert_eq!(crc64(0, &data), bytewise);
        assert_eq!(crc64(crc64(0, &data[..333]), &data[333..]), bytewise);
    }
}
