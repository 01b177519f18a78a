/**
 * Sorted-set algebra (Redis 7.0.15's zunionInterDiffGenericCommand): ZUNION ZINTER ZDIFF, their
 * *STORE forms and ZINTERCARD. Inputs may be sorted sets or plain sets (every member scoring 1) and
 * may live in different shards; the result is built as a skiplist in the destination's arena (or
 * the first input's, for a reply) and converted to a listpack at the end when it fits, as Redis does.
 */
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { CommandFamily } from './handler.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX } from '../protocol/errors.js';
import { string2ll, string2d } from '../protocol/number-parse.js';
import { setSize, setHas, setForEach } from '../storage/set-value.js';
import {
  ZSetRef,
  zsetOpen,
  zsetCreate,
  zsetFree,
  zsetLength,
  zsetScore,
  zsetAdd,
  zsetRemove,
  zsetFirst,
  zsetNext,
  zsetHandleScore,
  zsetMemberStable,
  zsetConvertToListpackIfNeeded,
  type ZSetLimits,
} from '../storage/zset-value.js';
import { readLimits, longArg, setKey, deleteKey, replyElement } from './zset-range.js';

const zdst = new ZSetRef();

// ---------------------------------------------------------------- ZUNION ZINTER ZDIFF ZINTERCARD

const enum SetOp {
  Union,
  Inter,
  Diff,
}

const enum Aggregate {
  Sum,
  Min,
  Max,
}

/** One input of a set operation: a sorted set, a plain set (scores 1), or a missing key. */
interface OpSource {
  ks: ShardKeyspace | null;
  e: number;
  type: ValueType;
  weight: number;
  length: number;
  /** Argument index of the key (to tell repeated keys apart). */
  arg: number;
}

function aggregate(target: number, val: number, agg: Aggregate): number {
  if (agg === Aggregate.Sum) {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s;
  }
  if (agg === Aggregate.Min) return val < target ? val : target;
  return val > target ? val : target;
}

/** Score of a member in a source (NaN when absent). */
function sourceScore(src: OpSource, buf: Uint8Array, off: number, len: number): number {
  if (src.ks === null) return NaN;
  if (src.type === ValueType.ZSet) return zsetScore(zsetOpen(zsrcLookup, src.ks, src.e), buf, off, len);
  return setValue.has(src.ks.arena, src.ks.valueWord(src.e), buf, off, len) ? 1 : NaN;
}

const zsrcLookup = new ZSetRef();

/** Calls visit(member bytes, score) for every element of a source. */
function forEachInSource(src: OpSource, visit: (buf: Uint8Array, off: number, len: number, score: number) => void): void {
  if (src.ks === null) return;
  if (src.type === ValueType.ZSet) {
    const z = zsetOpen(new ZSetRef(), src.ks, src.e);
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      const score = zsetHandleScore(z, h);
      const m = zsetMemberStable(z, h);
      visit(m.buf, m.start, m.len, score);
    }
    return;
  }
  setValue.forEach(src.ks.arena, src.ks.valueWord(src.e), (buf, off, len) => visit(buf, off, len, 1));
}

/** Plain sets as set-operation inputs: every member counts with score 1, as in Redis. */
const setValue = {
  size: setSize,
  has: setHas,
  forEach: setForEach,
};

function zsetOperation(ctx: ExecContext, dstArg: number, numkeysIdx: number, op: SetOp, cardinalityOnly: boolean): void {
  const a = ctx.args;
  const r = ctx.reply;
  const setnum = longArg(ctx, numkeysIdx);
  if (setnum === null) return;
  if (setnum < 1) return r.error(`ERR at least 1 input key is needed for '${ctx.spec?.name ?? a.lower(0)}' command`);
  if (setnum > a.argc - (numkeysIdx + 1)) return r.error(SYNTAX);
  const srcs: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const ks = ctx.keyspaceFor(j);
    const e = dstArg ? ctx.lookup(ks, j) : ctx.lookupRead(ks, j);
    if (e !== 0) {
      const type = ks.type(e);
      if (type !== ValueType.ZSet && type !== ValueType.Set) return r.error(WRONGTYPE);
      const length = type === ValueType.ZSet ? zsetLength(zsetOpen(zsrcLookup, ks, e)) : setValue.size(ks.arena, ks.valueWord(e));
      srcs.push({ ks, e, type, weight: 1, length, arg: j });
    } else {
      srcs.push({ ks: null, e: 0, type: ValueType.ZSet, weight: 1, length: 0, arg: j });
    }
  }
  let agg = Aggregate.Sum;
  let withScores = false;
  let limit = 0;
  let remaining = a.argc - j;
  while (remaining > 0) {
    if (op !== SetOp.Diff && !cardinalityOnly && remaining >= setnum + 1 && a.is(j, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = string2d(a.buf, a.offset(j), a.length(j));
        if (w === null) return r.error('ERR weight value is not a float');
        srcs[i].weight = w;
      }
    } else if (op !== SetOp.Diff && !cardinalityOnly && remaining >= 2 && a.is(j, 'aggregate')) {
      j++;
      remaining--;
      if (a.is(j, 'sum')) agg = Aggregate.Sum;
      else if (a.is(j, 'min')) agg = Aggregate.Min;
      else if (a.is(j, 'max')) agg = Aggregate.Max;
      else return r.error(SYNTAX);
      j++;
      remaining--;
    } else if (remaining >= 1 && !dstArg && !cardinalityOnly && a.is(j, 'withscores')) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && a.is(j, 'limit')) {
      j++;
      remaining--;
      const n = string2ll(a.buf, a.offset(j), a.length(j));
      if (n === null || n < 0) return r.error("ERR LIMIT can't be negative");
      limit = n;
      j++;
      remaining--;
    } else return r.error(SYNTAX);
  }
  if (op !== SetOp.Diff) srcs.sort((x, y) => x.length - y.length);

  if (cardinalityOnly) {
    let cardinality = 0;
    if (srcs[0].length > 0) {
      const stop = {};
      try {
        forEachInSource(srcs[0], (buf, off, len) => {
          for (let k = 1; k < setnum; k++) if (Number.isNaN(sourceScore(srcs[k], buf, off, len))) return;
          cardinality++;
          if (limit && cardinality >= limit) throw stop;
        });
      } catch (err) {
        if (err !== stop) throw err;
      }
    }
    return r.integer(cardinality);
  }

  // Build the result as a skiplist-encoded set in the destination's arena (or the first input's
  // for a reply), converted to a listpack at the end when it fits, as Redis does.
  const dstKs = dstArg ? ctx.keyspaceFor(dstArg) : ctx.keyspaceFor(numkeysIdx + 1);
  const lim = readLimits(ctx);
  const dst = zsetCreate(zdst, dstKs.arena, srcs[setnum - 1].length, Infinity, lim);
  const noLimits: ZSetLimits = { entries: 0, value: 0 };
  let maxLen = 0;
  if (op === SetOp.Inter) {
    if (srcs[0].length > 0) {
      forEachInSource(srcs[0], (buf, off, len, s0) => {
        let score = srcs[0].weight * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < setnum; k++) {
          const v = sourceScore(srcs[k], buf, off, len);
          if (Number.isNaN(v)) return;
          score = aggregate(score, v * srcs[k].weight, agg);
        }
        zsetAdd(dst, score, buf, off, len, 0, noLimits);
        if (len > maxLen) maxLen = len;
      });
    }
  } else if (op === SetOp.Union) {
    for (const src of srcs) {
      if (src.length === 0) continue;
      forEachInSource(src, (buf, off, len, s) => {
        let score = src.weight * s;
        if (Number.isNaN(score)) score = 0;
        const cur = zsetScore(dst, buf, off, len);
        if (Number.isNaN(cur)) {
          zsetAdd(dst, score, buf, off, len, 0, noLimits);
          if (len > maxLen) maxLen = len;
        } else {
          const next = aggregate(cur, score, agg);
          if (!Object.is(next, cur)) {
            // Redis keeps the aggregate in its accumulator as is: 0 and -0 are told apart here,
            // which zsetAdd (comparing with ==) would not do.
            if (next === cur) zsetRemove(dst, buf, off, len);
            zsetAdd(dst, next, buf, off, len, 0, noLimits);
          }
        }
      });
    }
  } else {
    if (srcs[0].length > 0) {
      forEachInSource(srcs[0], (buf, off, len, s0) => {
        for (let k = 1; k < setnum; k++) if (!Number.isNaN(sourceScore(srcs[k], buf, off, len))) return;
        zsetAdd(dst, s0, buf, off, len, 0, noLimits);
        if (len > maxLen) maxLen = len;
      });
    }
  }

  if (dstArg) {
    const length = zsetLength(dst);
    if (length) {
      zsetConvertToListpackIfNeeded(dst, maxLen, lim);
      setKey(ctx, dstKs, dstArg, dst);
      r.integer(length);
      ctx.notify(NotifyClass.Zset, op === SetOp.Union ? KeyEvent.Zunionstore : op === SetOp.Inter ? KeyEvent.Zinterstore : KeyEvent.Zdiffstore, dstArg);
      ctx.dirty++;
    } else {
      zsetFree(dst);
      r.integer(0);
      if (deleteKey(ctx, dstKs, dstArg)) {
        ctx.notify(NotifyClass.Generic, KeyEvent.Del, dstArg);
        ctx.dirty++;
      }
    }
    return;
  }
  const length = zsetLength(dst);
  r.arrayLen(withScores && r.resp === 2 ? length * 2 : length);
  for (let h = zsetFirst(dst); h !== 0; h = zsetNext(dst, h)) replyElement(ctx, dst, h, withScores);
  zsetFree(dst);
}

/** The set-algebra commands, merged into the family in zset.ts. */
export const sortedSetStoreCommands: CommandFamily = {
  zunion: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Union, false) },
  zinter: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Inter, false) },
  zdiff: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Diff, false) },
  zunionstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Union, false) },
  zinterstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Inter, false) },
  zdiffstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Diff, false) },
  zintercard: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Inter, true) },
};
