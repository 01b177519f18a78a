/**
 * HyperLogLog commands (Redis 7.0 hyperloglog.c): PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
 *
 * An HLL is a plain string value (inline in its key's entry) in Redis's exact byte format
 * (src/storage/hyperloglog.ts). Dense values (fixed size) are updated in place in the arena; sparse
 * values, which grow, are edited in a work buffer and written back. The register work runs in the
 * native addon where its benchmark beats the TypeScript twin (bench/README.md, "HyperLogLog").
 *
 * As Redis does, PFADD/PFCOUNT/PFDEBUG "unshare" the value (its encoding becomes raw), PFCOUNT
 * writes the cardinality it computes into the value's cache (a change: dirty++), and keys of other
 * string contents answer 'WRONGTYPE Key is not a valid HyperLogLog string value.'.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { WRONGTYPE } from '../protocol/errors.js';
import { storeString, growString } from './string.js';
import * as hll from '../storage/hyperloglog.js';
import { loadNative } from '../native/loader.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';
const NO_SUCH_KEY = 'ERR The specified key does not exist';
const NOT_SPARSE = 'ERR HLL encoding is not sparse';

/**
 * The register work: the addon's function where its benchmark beat the TypeScript twin, per
 * operation and size (bench/README.md, "HyperLogLog"): a call into the addon costs ~100-150 ns, so
 * the twin keeps the small cases (up to three elements into a dense value, a few into a sparse one,
 * counts of small sparse values).
 */
interface HllOps {
  add: typeof hll.hllAdd;
  count: typeof hll.hllCount;
  countRaw: typeof hll.hllCountRaw;
  merge: typeof hll.hllMerge;
  setRegisters: typeof hll.hllSetRegisters;
}
/** Dense adds of fewer elements stay in TypeScript (parity at 3). */
const NATIVE_DENSE_ADD_MIN = 4;
/** Sparse adds go native from this many elements (single ones measured 0.8-1.2x: a wash). */
const NATIVE_SPARSE_ADD_MIN = 8;
/** Sparse values shorter than this are counted in TypeScript. */
const NATIVE_SPARSE_COUNT_MIN = 64;

function chooseOps(): HllOps {
  const addon = loadNative();
  if (addon === null || typeof addon.hllAdd !== 'function') {
    return { add: hll.hllAdd, count: hll.hllCount, countRaw: hll.hllCountRaw, merge: hll.hllMerge, setRegisters: hll.hllSetRegisters };
  }
  return {
    add: (v, base, len, sparseMax, src, words, wordBase, n) =>
      (v[base + 4] === hll.HLL_DENSE ? n >= NATIVE_DENSE_ADD_MIN : n >= NATIVE_SPARSE_ADD_MIN)
        ? addon.hllAdd(v, base, len, sparseMax, src, words, wordBase, n)
        : hll.hllAdd(v, base, len, sparseMax, src, words, wordBase, n),
    count: (v, base, len) =>
      v[base + 4] === hll.HLL_DENSE || len >= NATIVE_SPARSE_COUNT_MIN ? addon.hllCount(v, base, len) : hll.hllCount(v, base, len),
    countRaw: (max) => addon.hllCountRaw(max),
    merge: (max, v, base, len) => addon.hllMerge(max, v, base, len),
    setRegisters: (v, base, len, sparseMax, max) => addon.hllSetRegisters(v, base, len, sparseMax, max),
  };
}
const hllNative: HllOps = chooseOps();

/** Work buffer for sparse values and new keys (room for any operation). */
const work = new Uint8Array(hll.HLL_WORK_CAP);
/** Registers of a union (PFCOUNT of several keys, PFMERGE). */
const maxRegs = new Uint8Array(hll.HLL_REGISTERS);

/**
 * Type checks of Redis's isHLLObjectOrReply: false after replying WRONGTYPE (another type, or a
 * string that is not an HLL).
 */
function isHllOrReply(ctx: ExecContext, ks: ShardKeyspace, e: number): boolean {
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return false;
  }
  if (!hll.hllIsValid(ks.arena.u8, ks.valueStart(e), ks.valueWord(e))) {
    ctx.reply.error(NOT_HLL);
    return false;
  }
  return true;
}

/** Copies the value of `e` into the work buffer; returns its length. */
function toWork(ks: ShardKeyspace, e: number): number {
  const len = ks.valueWord(e);
  const start = ks.valueStart(e);
  work.set(ks.arena.u8.subarray(start, start + len), 0);
  return len;
}

/** Writes work[0, len) as the value of `e` (or of a new key from argument `keyArg` when e is 0). */
function fromWork(ctx: ExecContext, ks: ShardKeyspace, e: number, keyArg: number, len: number): number {
  if (e === 0) return storeString(ctx, ks, 0, keyArg, work, 0, len, Encoding.Raw, false);
  e = growString(ctx, ks, e, len, 0);
  ks.arena.u8.set(work.subarray(0, len), ks.valueStart(e));
  ks.setValueWord(e, len);
  ks.setEncoding(e, Encoding.Raw);
  return e;
}

function sparseMax(ctx: ExecContext): number {
  return ctx.settings.get(Setting.HllSparseMaxBytes);
}

/** PFADD key [element ...] */
function pfadd(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  let e = ctx.lookup(ks, 1);
  let created = 0;
  let inPlace = false;
  let len: number;
  if (e === 0) {
    len = hll.hllWriteEmpty(work, 0);
    created = 1;
  } else {
    if (!isHllOrReply(ctx, ks, e)) return;
    ks.setEncoding(e, Encoding.Raw);
    inPlace = hll.hllEncoding(ks.arena.u8, ks.valueStart(e)) === hll.HLL_DENSE;
    len = inPlace ? ks.valueWord(e) : toWork(ks, e);
  }
  const n = a.argc - 2;
  let r: number;
  if (n > 0) {
    const v = inPlace ? ks.arena.u8 : work;
    const base = inPlace ? ks.valueStart(e) : 0;
    r = hllNative.add(v, base, len, sparseMax(ctx), a.buf, a.words, a.base + 4, n);
  } else {
    r = len << 2;
  }
  const newLen = hll.hllResultLength(r);
  if (!inPlace) e = fromWork(ctx, ks, e, 1, newLen);
  if (hll.hllResultError(r)) {
    ctx.reply.error(INVALID_HLL);
    return;
  }
  const updated = created + (hll.hllResultUpdated(r) ? 1 : 0);
  if (updated) {
    hll.hllInvalidateCache(ks.arena.u8, ks.valueStart(e));
    ctx.notify(NotifyClass.String, KeyEvent.Pfadd, 1);
    ctx.dirty += updated;
  }
  ctx.reply.integer(updated ? 1 : 0);
}

/** PFCOUNT key [key ...]: one key answers (and refreshes) its cached cardinality; several, their union's. */
function pfcount(ctx: ExecContext): void {
  const a = ctx.args;
  if (a.argc > 2) {
    maxRegs.fill(0);
    for (let j = 1; j < a.argc; j++) {
      const ks = ctx.keyspaceFor(j);
      const e = ctx.lookupRead(ks, j);
      if (e === 0) continue;
      if (!isHllOrReply(ctx, ks, e)) return;
      if (!hllNative.merge(maxRegs, ks.arena.u8, ks.valueStart(e), ks.valueWord(e))) {
        ctx.reply.error(INVALID_HLL);
        return;
      }
    }
    ctx.reply.integer(hllNative.countRaw(maxRegs));
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (!isHllOrReply(ctx, ks, e)) return;
  ks.setEncoding(e, Encoding.Raw);
  const u8 = ks.arena.u8;
  const base = ks.valueStart(e);
  if (hll.hllCacheValid(u8, base)) {
    ctx.reply.integer(hll.hllCachedCard(u8, base));
    return;
  }
  const card = hllNative.count(u8, base, ks.valueWord(e));
  if (card < 0) {
    ctx.reply.error(INVALID_HLL);
    return;
  }
  hll.hllSetCachedCard(u8, base, card);
  ctx.dirty++;
  ctx.reply.integer(card);
}

/** PFMERGE destkey [sourcekey ...]: the destination is also a source. */
function pfmerge(ctx: ExecContext): void {
  const a = ctx.args;
  maxRegs.fill(0);
  let useDense = false;
  for (let j = 1; j < a.argc; j++) {
    const ks = ctx.keyspaceFor(j);
    const e = ctx.lookupRead(ks, j);
    if (e === 0) continue;
    if (!isHllOrReply(ctx, ks, e)) return;
    const u8 = ks.arena.u8;
    const base = ks.valueStart(e);
    if (hll.hllEncoding(u8, base) === hll.HLL_DENSE) useDense = true;
    if (!hllNative.merge(maxRegs, u8, base, ks.valueWord(e))) {
      ctx.reply.error(INVALID_HLL);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  let e = ctx.lookup(ks, 1);
  let len: number;
  if (e === 0) {
    len = hll.hllWriteEmpty(work, 0);
  } else {
    ks.setEncoding(e, Encoding.Raw);
    len = toWork(ks, e);
  }
  if (useDense && hll.hllEncoding(work, 0) === hll.HLL_SPARSE) {
    if (!hll.hllSparseToDense(work, 0, len, work, 0)) {
      ctx.reply.error(INVALID_HLL);
      return;
    }
    len = hll.HLL_DENSE_SIZE;
  }
  const r = hllNative.setRegisters(work, 0, len, sparseMax(ctx), maxRegs);
  len = hll.hllResultLength(r);
  hll.hllInvalidateCache(work, 0);
  e = fromWork(ctx, ks, e, 1, len);
  ctx.notify(NotifyClass.String, KeyEvent.Pfadd, 1);
  ctx.dirty++;
  ctx.reply.ok();
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key */
function pfdebug(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(2);
  let e = ctx.lookup(ks, 2);
  if (e === 0) {
    ctx.reply.error(NO_SUCH_KEY);
    return;
  }
  if (!isHllOrReply(ctx, ks, e)) return;
  ks.setEncoding(e, Encoding.Raw);
  const sparse = hll.hllEncoding(ks.arena.u8, ks.valueStart(e)) === hll.HLL_SPARSE;
  if (a.is(1, 'getreg') || a.is(1, 'todense')) {
    const getreg = a.is(1, 'getreg');
    if (sparse) {
      const len = toWork(ks, e);
      if (!hll.hllSparseToDense(work, 0, len, work, 0)) {
        ctx.reply.error(INVALID_HLL);
        return;
      }
      e = fromWork(ctx, ks, e, 2, hll.HLL_DENSE_SIZE);
      ctx.dirty++;
    }
    if (!getreg) {
      ctx.reply.integer(sparse ? 1 : 0);
      return;
    }
    const u8 = ks.arena.u8;
    const regs = ks.valueStart(e) + hll.HLL_HDR_SIZE;
    const end = ks.valueStart(e) + hll.HLL_DENSE_SIZE;
    ctx.reply.arrayLen(hll.HLL_REGISTERS);
    for (let j = 0; j < hll.HLL_REGISTERS; j++) ctx.reply.integer(hll.denseGet(u8, regs, j, end));
  } else if (a.is(1, 'decode')) {
    if (!sparse) {
      ctx.reply.error(NOT_SPARSE);
      return;
    }
    ctx.reply.bulkLatin1(hll.hllDecode(ks.arena.u8, ks.valueStart(e), ks.valueWord(e)));
  } else if (a.is(1, 'encoding')) {
    ctx.reply.simple(sparse ? 'sparse' : 'dense');
  } else {
    let cmd = a.text(1);
    const nul = cmd.indexOf('\0');
    if (nul >= 0) cmd = cmd.slice(0, nul);
    ctx.reply.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  }
}

/**
 * PFSELFTEST: Redis's self test. Register packing (random values read back), then 10 million
 * elements added to a dense and a sparse HLL at once: both must agree at every power of ten, the
 * sparse one must stay sparse while small, and the error must stay within 6 standard errors.
 */
function pfselftest(ctx: ExecContext): void {
  const reply = ctx.reply;
  const dense = new Uint8Array(hll.HLL_DENSE_SIZE + 1);
  const bytes = new Uint8Array(hll.HLL_REGISTERS);
  const regs = hll.HLL_HDR_SIZE;
  for (let j = 0; j < 1000; j++) {
    for (let i = 0; i < hll.HLL_REGISTERS; i++) {
      const r = (Math.random() * 64) | 0;
      bytes[i] = r;
      hll.denseSet(dense, regs, i, r);
    }
    for (let i = 0; i < hll.HLL_REGISTERS; i++) {
      const val = hll.denseGet(dense, regs, i, hll.HLL_DENSE_SIZE);
      if (val !== bytes[i]) {
        reply.error(`ERR TESTFAILED Register ${i} should be ${bytes[i]} but is ${val}`);
        return;
      }
    }
  }
  dense.fill(0);
  hll.hllWriteEmpty(dense, 0);
  dense[4] = hll.HLL_DENSE;
  dense.fill(0, hll.HLL_HDR_SIZE);
  const sparse = new Uint8Array(hll.HLL_WORK_CAP);
  let sparseLen = hll.hllWriteEmpty(sparse, 0);
  const max = ctx.settings.get(Setting.HllSparseMaxBytes);
  const relerr = 1.04 / Math.sqrt(hll.HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = (Math.random() * 0x100000000) >>> 0;
  const seedHi = (Math.random() * 0x100000000) >>> 0;
  // Elements are 8-byte little-endian (j ^ seed), added in chunks between checkpoints (the registers
  // do not depend on the order of additions).
  const CHUNK = 1 << 16;
  const src = new Uint8Array(CHUNK * 8);
  const view = new DataView(src.buffer);
  const words = new Uint32Array(CHUNK * 2);
  for (let k = 0; k < CHUNK; k++) {
    words[2 * k] = k * 8;
    words[2 * k + 1] = 8;
  }
  let j = 1;
  while (checkpoint <= 10000000) {
    while (j <= checkpoint) {
      const n = Math.min(CHUNK, checkpoint - j + 1);
      for (let k = 0; k < n; k++) {
        view.setUint32(k * 8, ((j + k) ^ seedLo) >>> 0, true);
        view.setUint32(k * 8 + 4, seedHi, true);
      }
      hllNative.add(dense, 0, hll.HLL_DENSE_SIZE, max, src, words, 0, n);
      sparseLen = hll.hllResultLength(hllNative.add(sparse, 0, sparseLen, max, src, words, 0, n));
      j += n;
    }
    if (checkpoint < max / 2 && hll.hllEncoding(sparse, 0) !== hll.HLL_SPARSE) {
      reply.error('ERR TESTFAILED sparse encoding not used');
      return;
    }
    const card = hllNative.count(dense, 0, hll.HLL_DENSE_SIZE);
    if (card !== hllNative.count(sparse, 0, sparseLen)) {
      reply.error('ERR TESTFAILED dense/sparse disagree');
      return;
    }
    const abserr = Math.abs(checkpoint - card);
    const maxerr = checkpoint === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    if (abserr > maxerr) {
      reply.error(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
      return;
    }
    checkpoint *= 10;
  }
  reply.ok();
}

export const hyperloglogCommands: CommandFamily = {
  pfadd: { route: 'keys', run: pfadd },
  pfcount: { route: 'keys', run: pfcount },
  pfmerge: { route: 'keys', run: pfmerge },
  pfdebug: { route: 'keys', run: pfdebug },
  pfselftest: { route: 'main', run: pfselftest },
};
