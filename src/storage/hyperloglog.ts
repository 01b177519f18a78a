/**
 * HyperLogLog values in Redis 7.0.15's exact format (hyperloglog.c), the TypeScript twin of
 * native/src/hll.rs. A value is a string:
 *
 *   'HYLL' | encoding (0 dense, 1 sparse) | 3 unused bytes | 8-byte little-endian cached cardinality
 *   (bit 7 of the last byte set = cache invalid) | registers
 *
 * Dense: 16384 6-bit registers packed little-endian (12288 bytes, 12304 in all). Sparse: run-length
 * opcodes ZERO (00xxxxxx: 1..64 zero registers), XZERO (01xxxxxx yyyyyyyy: 1..16384 zero registers)
 * and VAL (1vvvvvxx: 1..4 registers of value 1..32). Elements are hashed with MurmurHash64A (seed
 * 0xadc83b19); the low 14 bits pick the register, the run of zeros above them (+1) is its candidate.
 * The estimate is Ertl's improved estimator as Redis 5+ computes it (hllSigma/hllTau).
 *
 * Functions work on a value at `v[base, base+len)`. Writers that may grow a sparse value need room in
 * `v` after it: a sparse value never exceeds HLL_SPARSE_CAP bytes, a dense one is HLL_DENSE_SIZE.
 * Results that carry a new length are packed as (len << 2) | (updated << 1) | error.
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_REGISTER_MAX = 63;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * 6 + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** Length of a new, empty sparse value (one XZERO covering every register). */
export const HLL_EMPTY_SIZE = HLL_HDR_SIZE + 2;
/** Room a sparse value may need: at most one byte per register, plus a split's growth. */
export const HLL_SPARSE_CAP = HLL_HDR_SIZE + HLL_REGISTERS + 8;
/** Room a work buffer needs for any value and any operation on it. */
export const HLL_WORK_CAP = Math.max(HLL_DENSE_SIZE, HLL_SPARSE_CAP) + 8;

const ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)

/** Result packing helpers. */
export const hllResultLength = (r: number): number => r >>> 2;
export const hllResultUpdated = (r: number): boolean => (r & 2) !== 0;
export const hllResultError = (r: number): boolean => (r & 1) !== 0;
const pack = (len: number, updated: number, err: number): number => (len << 2) | (updated << 1) | err;

// ---------------------------------------------------------------- header

/** Redis's isHLLObjectOrReply checks on a string value (type already checked). */
export function hllIsValid(v: Uint8Array, base: number, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (v[base] !== 72 || v[base + 1] !== 89 || v[base + 2] !== 76 || v[base + 3] !== 76) return false;
  const enc = v[base + 4];
  if (enc > HLL_SPARSE) return false;
  return !(enc === HLL_DENSE && len !== HLL_DENSE_SIZE);
}

export function hllEncoding(v: Uint8Array, base: number): number {
  return v[base + 4];
}

export function hllCacheValid(v: Uint8Array, base: number): boolean {
  return (v[base + 15] & 0x80) === 0;
}

export function hllInvalidateCache(v: Uint8Array, base: number): void {
  v[base + 15] |= 0x80;
}

/** The cached cardinality (8 bytes little endian), a number when exact, else a bigint. */
export function hllCachedCard(v: Uint8Array, base: number): number | bigint {
  const lo = (v[base + 8] | (v[base + 9] << 8) | (v[base + 10] << 16) | (v[base + 11] << 24)) >>> 0;
  const hi = (v[base + 12] | (v[base + 13] << 8) | (v[base + 14] << 16) | (v[base + 15] << 24)) >>> 0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function hllSetCachedCard(v: Uint8Array, base: number, card: number): void {
  let lo = card % 4294967296;
  let hi = Math.floor(card / 4294967296);
  for (let i = 0; i < 4; i++) {
    v[base + 8 + i] = lo & 0xff;
    lo = Math.floor(lo / 256);
    v[base + 12 + i] = hi & 0xff;
    hi = Math.floor(hi / 256);
  }
}

/** Writes a new empty sparse HLL (createHLLObject) at `base`; HLL_EMPTY_SIZE bytes. */
export function hllWriteEmpty(v: Uint8Array, base: number): number {
  v.fill(0, base, base + HLL_EMPTY_SIZE);
  v[base] = 72;
  v[base + 1] = 89;
  v[base + 2] = 76;
  v[base + 3] = 76;
  v[base + 4] = HLL_SPARSE;
  const l = SPARSE_XZERO_MAX_LEN - 1;
  v[base + 16] = (l >> 8) | 0x40;
  v[base + 17] = l & 0xff;
  return HLL_EMPTY_SIZE;
}

// ---------------------------------------------------------------- hashing

/** High 32 bits of the unsigned 64-bit product of two unsigned 32-bit numbers. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/** MurmurHash64A(buf[off, off+len), seed 0xadc83b19): result in hashHi/hashLo. */
let hashHi = 0;
let hashLo = 0;
export function murmurHash64A(buf: Uint8Array, off: number, len: number): void {
  // h = seed ^ (len * m); a 64-bit product by m is lo*M_LO (with its high word) plus the cross terms.
  let hh = (mulhi(len, M_LO) + Math.imul(len, M_HI)) >>> 0;
  let hl = (Math.imul(len, M_LO) ^ SEED) >>> 0;
  const end = off + (len - (len & 7));
  let p = off;
  while (p !== end) {
    const kl = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
    const kh = (buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24)) >>> 0;
    // k *= m
    let th = (mulhi(kl, M_LO) + Math.imul(kh, M_LO) + Math.imul(kl, M_HI)) >>> 0;
    let tl = Math.imul(kl, M_LO) >>> 0;
    // k ^= k >> 47
    tl = (tl ^ (th >>> 15)) >>> 0;
    // k *= m
    const k2h = (mulhi(tl, M_LO) + Math.imul(th, M_LO) + Math.imul(tl, M_HI)) >>> 0;
    const k2l = Math.imul(tl, M_LO) >>> 0;
    // h ^= k; h *= m
    hh = (hh ^ k2h) >>> 0;
    hl = (hl ^ k2l) >>> 0;
    th = (mulhi(hl, M_LO) + Math.imul(hh, M_LO) + Math.imul(hl, M_HI)) >>> 0;
    hl = Math.imul(hl, M_LO) >>> 0;
    hh = th;
    p += 8;
  }
  const rest = len & 7;
  if (rest !== 0) {
    if (rest >= 7) hh ^= buf[p + 6] << 16;
    if (rest >= 6) hh ^= buf[p + 5] << 8;
    if (rest >= 5) hh ^= buf[p + 4];
    if (rest >= 4) hl ^= buf[p + 3] << 24;
    if (rest >= 3) hl ^= buf[p + 2] << 16;
    if (rest >= 2) hl ^= buf[p + 1] << 8;
    hl ^= buf[p];
    hh >>>= 0;
    hl >>>= 0;
    const th = (mulhi(hl, M_LO) + Math.imul(hh, M_LO) + Math.imul(hl, M_HI)) >>> 0;
    hl = Math.imul(hl, M_LO) >>> 0;
    hh = th;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  const th = (mulhi(hl, M_LO) + Math.imul(hh, M_LO) + Math.imul(hl, M_HI)) >>> 0;
  hl = Math.imul(hl, M_LO) >>> 0;
  hh = th;
  hashHi = hh;
  hashLo = (hl ^ (hh >>> 15)) >>> 0;
}

/** The hash of the last murmurHash64A call as a bigint (tests). */
export function lastHash(): bigint {
  return (BigInt(hashHi) << 32n) | BigInt(hashLo);
}

/** hllPatLen: register index in patIndex, returns the run length of zeros + 1 (1..51). */
let patIndex = 0;
function patLen(buf: Uint8Array, off: number, len: number): number {
  murmurHash64A(buf, off, len);
  patIndex = hashLo & HLL_P_MASK;
  // hash >>= 14, then bit 50 set: the 50 bits above the index are lo[14..31] (18 bits) and hi (32).
  const low = hashLo >>> HLL_P;
  if (low !== 0) return 1 + ctz32(low);
  if (hashHi !== 0) return 19 + ctz32(hashHi);
  return HLL_Q + 1;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Register index and count of an element (tests): [index, count]. */
export function hllPatLen(buf: Uint8Array, off: number, len: number): [number, number] {
  const c = patLen(buf, off, len);
  return [patIndex, c];
}

// ---------------------------------------------------------------- dense registers

export function denseGet(v: Uint8Array, regs: number, i: number, end: number): number {
  const bit = i * 6;
  const byte = regs + (bit >>> 3);
  const fb = bit & 7;
  const b1 = byte + 1 < end ? v[byte + 1] : 0;
  return ((v[byte] >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSet(v: Uint8Array, regs: number, i: number, val: number): void {
  const bit = i * 6;
  const byte = regs + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  v[byte] = (v[byte] & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  const hiMask = HLL_REGISTER_MAX >>> fb8;
  if (hiMask !== 0) v[byte + 1] = (v[byte + 1] & ~hiMask) | (val >>> fb8);
}

/** hllDenseSet: 1 when the register grew. */
function denseSetMax(v: Uint8Array, regs: number, i: number, count: number, end: number): number {
  if (count > denseGet(v, regs, i, end)) {
    denseSet(v, regs, i, count);
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------- sparse -> dense

const denseTmp = new Uint8Array(HLL_DENSE_SIZE);

/**
 * hllSparseToDense: writes the dense form of the sparse value v[base, base+len) into `out` at
 * `outBase` (may be the same place: the result is built aside first). False when the sparse value
 * does not cover exactly 16384 registers (nothing written).
 */
export function hllSparseToDense(v: Uint8Array, base: number, len: number, out: Uint8Array, outBase: number): boolean {
  const d = denseTmp;
  d.fill(0);
  for (let i = 0; i < HLL_HDR_SIZE; i++) d[i] = v[base + i];
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = base + HLL_HDR_SIZE;
  const end = base + len;
  while (p < end) {
    const op = v[p];
    if ((op & 0xc0) === 0) {
      idx += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      const y = p + 1 < end ? v[p + 1] : 0;
      idx += (((op & 0x3f) << 8) | y) + 1;
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const regval = ((op >>> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) break;
      while (runlen--) denseSet(d, HLL_HDR_SIZE, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  out.set(d, outBase);
  return true;
}

// ---------------------------------------------------------------- sparse set

const seq = new Uint8Array(5);

/**
 * hllSparseSet: sets register `index` to `count` if larger, in the sparse value v[base, base+len),
 * promoting it to dense (in place, needs HLL_DENSE_SIZE bytes of room) when `count` exceeds 32 or the
 * value would grow past `sparseMax`. Returns a packed result.
 */
export function hllSparseSet(v: Uint8Array, base: number, len: number, index: number, count: number, sparseMax: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(v, base, len, index, count);
  const sparse = base + HLL_HDR_SIZE;
  let end = base + len;
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = v[p];
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | (p + 1 < end ? v[p + 1] : 0)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return pack(len, 0, 1);
  const op = v[p];
  const isXzero = (op & 0xc0) === 0x40;
  const isZero = (op & 0xc0) === 0;
  const isVal = (op & 0x80) !== 0;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | (p + 1 < end ? v[p + 1] : 0)) + 1 : (op & 3) + 1;
  let done = false;
  if (isVal) {
    const oldcount = ((op >>> 2) & 0x1f) + 1;
    if (oldcount >= count) return pack(len, 0, 0);
    if (runlen === 1) {
      v[p] = ((count - 1) << 2) | 0x80;
      done = true;
    }
  }
  if (!done && isZero && runlen === 1) {
    v[p] = ((count - 1) << 2) | 0x80;
    done = true;
  }
  if (!done) {
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) {
        const l = index - first;
        if (l > SPARSE_ZERO_MAX_LEN) {
          seq[n++] = ((l - 1) >> 8) | 0x40;
          seq[n++] = (l - 1) & 0xff;
        } else seq[n++] = l - 1;
      }
      seq[n++] = ((count - 1) << 2) | 0x80;
      if (index !== last) {
        const l = last - index;
        if (l > SPARSE_ZERO_MAX_LEN) {
          seq[n++] = ((l - 1) >> 8) | 0x40;
          seq[n++] = (l - 1) & 0xff;
        } else seq[n++] = l - 1;
      }
    } else {
      const curval = ((op >>> 2) & 0x1f) + 1;
      if (index !== first) seq[n++] = ((curval - 1) << 2) | (index - first - 1) | 0x80;
      seq[n++] = ((count - 1) << 2) | 0x80;
      if (index !== last) seq[n++] = ((curval - 1) << 2) | (last - index - 1) | 0x80;
    }
    const oldlen = isXzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && len + delta > sparseMax) return promote(v, base, len, index, count);
    if (delta !== 0 && next >= 0) v.copyWithin(next + delta, next, end);
    len += delta;
    for (let i = 0; i < n; i++) v[p + i] = seq[i];
    end += delta;
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : sparse;
  let scan = 5;
  while (p < end && scan--) {
    const o = v[p];
    if ((o & 0xc0) === 0x40) {
      p += 2;
      continue;
    } else if ((o & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && v[p + 1] & 0x80) {
      const v1 = ((o >>> 2) & 0x1f) + 1;
      const v2 = ((v[p + 1] >>> 2) & 0x1f) + 1;
      if (v1 === v2) {
        const l = (o & 3) + 1 + (v[p + 1] & 3) + 1;
        if (l <= SPARSE_VAL_MAX_LEN) {
          v[p + 1] = ((v1 - 1) << 2) | (l - 1) | 0x80;
          v.copyWithin(p, p + 1, end);
          len--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  v[base + 15] |= 0x80;
  return pack(len, 1, 0);
}

function promote(v: Uint8Array, base: number, len: number, index: number, count: number): number {
  if (!hllSparseToDense(v, base, len, v, base)) return pack(len, 0, 1);
  denseSetMax(v, base + HLL_HDR_SIZE, index, count, base + HLL_DENSE_SIZE);
  return pack(HLL_DENSE_SIZE, 1, 0);
}

// ---------------------------------------------------------------- add, merge, count

/**
 * hllAdd for elements args[i] (pairs of offset/length in `words` from `wordBase`, `n` of them) over
 * `src`: the value v[base, base+len) must have HLL_WORK_CAP bytes of room if sparse. Stops at the
 * first corrupted-value error. Returns a packed result (updated = some register grew).
 */
export function hllAdd(
  v: Uint8Array,
  base: number,
  len: number,
  sparseMax: number,
  src: Uint8Array,
  words: Uint32Array,
  wordBase: number,
  n: number,
): number {
  let updated = 0;
  for (let j = 0; j < n; j++) {
    const count = patLen(src, words[wordBase + 2 * j], words[wordBase + 2 * j + 1]);
    if (v[base + 4] === HLL_DENSE) {
      updated |= denseSetMax(v, base + HLL_HDR_SIZE, patIndex, count, base + len);
    } else {
      const r = hllSparseSet(v, base, len, patIndex, count, sparseMax);
      len = r >>> 2;
      if (r & 1) return pack(len, updated, 1);
      updated |= (r >>> 1) & 1;
    }
  }
  return pack(len, updated, 0);
}

/**
 * Sets every register i with max[i] > 0 to at least max[i] (PFMERGE's write into the destination).
 * Returns a packed result.
 */
export function hllSetRegisters(v: Uint8Array, base: number, len: number, sparseMax: number, max: Uint8Array): number {
  let updated = 0;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    if (v[base + 4] === HLL_DENSE) {
      updated |= denseSetMax(v, base + HLL_HDR_SIZE, j, max[j], base + len);
    } else {
      const r = hllSparseSet(v, base, len, j, max[j], sparseMax);
      len = r >>> 2;
      updated |= (r >>> 1) & 1;
    }
  }
  return pack(len, updated, 0);
}

/** hllMerge: max[i] = max(max[i], register i). False for a corrupted sparse value. */
export function hllMerge(max: Uint8Array, v: Uint8Array, base: number, len: number): boolean {
  const end = base + len;
  if (v[base + 4] === HLL_DENSE) {
    for (let p = base + HLL_HDR_SIZE, i = 0; p < end; p += 3, i += 4) {
      const b0 = v[p];
      const b1 = v[p + 1];
      const b2 = v[p + 2];
      const r0 = b0 & 63;
      const r1 = ((b0 >>> 6) | (b1 << 2)) & 63;
      const r2 = ((b1 >>> 4) | (b2 << 4)) & 63;
      const r3 = b2 >>> 2;
      if (r0 > max[i]) max[i] = r0;
      if (r1 > max[i + 1]) max[i + 1] = r1;
      if (r2 > max[i + 2]) max[i + 2] = r2;
      if (r3 > max[i + 3]) max[i + 3] = r3;
    }
    return true;
  }
  let p = base + HLL_HDR_SIZE;
  let i = 0;
  while (p < end) {
    const op = v[p];
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      i += (((op & 0x3f) << 8) | (p + 1 < end ? v[p + 1] : 0)) + 1;
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const regval = ((op >>> 2) & 0x1f) + 1;
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen--) {
        if (regval > max[i]) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

const histo = new Float64Array(64);

/** hllCount of the value v[base, base+len): the estimate, or -1 for a corrupted sparse value. */
export function hllCount(v: Uint8Array, base: number, len: number): number {
  histo.fill(0);
  const end = base + len;
  if (v[base + 4] === HLL_DENSE) {
    // Four 6-bit registers in every 3 bytes (Redis's hllDenseRegHisto unrolls the same way).
    for (let p = base + HLL_HDR_SIZE; p < end; p += 3) {
      const b0 = v[p];
      const b1 = v[p + 1];
      const b2 = v[p + 2];
      histo[b0 & 63]++;
      histo[((b0 >>> 6) | (b1 << 2)) & 63]++;
      histo[((b1 >>> 4) | (b2 << 4)) & 63]++;
      histo[b2 >>> 2]++;
    }
  } else {
    let p = base + HLL_HDR_SIZE;
    let idx = 0;
    while (p < end) {
      const op = v[p];
      if ((op & 0xc0) === 0) {
        const r = (op & 0x3f) + 1;
        idx += r;
        histo[0] += r;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        const r = (((op & 0x3f) << 8) | (p + 1 < end ? v[p + 1] : 0)) + 1;
        idx += r;
        histo[0] += r;
        p += 2;
      } else {
        const r = (op & 3) + 1;
        idx += r;
        histo[((op >>> 2) & 0x1f) + 1] += r;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return -1;
  }
  return estimate(histo);
}

/** hllCount of raw registers (one byte each, PFCOUNT's union). */
export function hllCountRaw(max: Uint8Array): number {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]]++;
  return estimate(histo);
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

function estimate(reghisto: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j];
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** PFDEBUG DECODE's text for a sparse value. */
export function hllDecode(v: Uint8Array, base: number, len: number): string {
  const parts: string[] = [];
  let p = base + HLL_HDR_SIZE;
  const end = base + len;
  while (p < end) {
    const op = v[p];
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (p + 1 < end ? v[p + 1] : 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((op >>> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}
