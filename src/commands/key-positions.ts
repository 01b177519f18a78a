/**
 * Key positions from key specs (Redis's getKeysUsingKeySpecs): which arguments of a call are keys.
 * The dispatcher routes by them and COMMAND GETKEYS reports them. Specs that cannot be resolved
 * for these arguments (a keyword missing, a bad key count, a range past the end) make the whole
 * call invalid (-1), as Redis does without GET_KEYSPEC_RETURN_PARTIAL.
 */
import type { Args } from '../protocol/args.js';
import type { CommandSpec, KeySpec } from './spec.js';

/**
 * Writes the argument indexes of the keys into `out` (which must hold at least args.argc entries)
 * and returns how many, or -1 when the arguments do not fit the key specs. Hot path: no allocation.
 * `specOut`, when given, gets each key's key spec index (-1 for SORT's STORE key), for ACL checks.
 */
export function keyPositions(spec: CommandSpec, args: Args, out: Int32Array, specOut?: Int32Array): number {
  const specs = spec.keySpecs;
  if (specs === undefined) return 0;
  const argc = args.argc;
  let n = 0;
  for (let s = 0; s < specs.length; s++) {
    const ks = specs[s];
    const first0 = beginOf(ks, args);
    if (first0 < 0) {
      if (first0 === SKIP) continue;
      return -1;
    }
    let first = first0;
    let last: number;
    let step: number;
    const find = ks.find;
    if (find === 'unknown') continue;
    if ('range' in find) {
      const r = find.range;
      if (r.lastkey >= 0) last = first + r.lastkey;
      else if (r.limit === 0) last = argc + r.lastkey;
      else last = first + (Math.floor((argc - first) / r.limit) + r.lastkey);
      step = r.step;
    } else {
      const k = find.keynum;
      if (first + k.keynumidx >= argc) return -1;
      const numkeys = parseCount(args, first + k.keynumidx);
      if (numkeys < 0) return -1;
      first += k.firstkey;
      last = first + numkeys - 1;
      step = k.step;
      if (numkeys === 0) continue;
    }
    if (last >= argc || last < first || first >= argc) return -1;
    for (let i = first; i <= last; i += step) {
      if (specOut !== undefined) specOut[n] = s;
      out[n++] = i;
    }
  }
  if (spec.name === 'sort') {
    const before = n;
    n = sortStoreKey(args, n, out);
    if (specOut !== undefined && n > before) specOut[before] = -1;
  }
  return n;
}

/**
 * SORT's STORE destination, which Redis declares with an unknown key spec (its getkeys procedure
 * finds it): added so that a write into it wakes clients blocked on it. Read as sortCommand parses
 * its options (the last STORE wins).
 */
function sortStoreKey(args: Args, n: number, out: Int32Array): number {
  let store = -1;
  for (let i = 2; i < args.argc; i++) {
    const left = args.argc - i - 1;
    if (args.is(i, 'limit') && left >= 2) i += 2;
    else if ((args.is(i, 'by') || args.is(i, 'get')) && left >= 1) i += 1;
    else if (args.is(i, 'store') && left >= 1) store = ++i;
  }
  if (store >= 0) out[n++] = store;
  return n;
}

const SKIP = -2;

/** The first key's index for a spec's begin_search, -1 for invalid, SKIP when the spec does not apply. */
function beginOf(ks: KeySpec, args: Args): number {
  const b = ks.begin;
  if (b === 'unknown') return SKIP;
  if ('index' in b) return b.index;
  const argc = args.argc;
  const kw = b.keyword.toLowerCase();
  if (b.startfrom >= 0) {
    for (let i = b.startfrom; i < argc; i++) if (args.is(i, kw)) return i + 1;
  } else {
    for (let i = argc + b.startfrom; i > 0; i--) if (args.is(i, kw)) return i + 1;
  }
  return SKIP;
}

/** A non-negative decimal count (string2ll strictness), or -1. */
function parseCount(args: Args, i: number): number {
  const o = args.offset(i);
  const len = args.length(i);
  const b = args.buf;
  if (len === 0 || len > 10) return -1;
  if (len > 1 && b[o] === 48) return -1;
  let v = 0;
  for (let k = 0; k < len; k++) {
    const c = b[o + k] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v > 0x7fffffff ? -1 : v;
}
