/**
 * Geospatial commands (Redis 7.0.15's geo.c): GEOADD GEODIST GEOHASH GEOPOS, GEOSEARCH and
 * GEOSEARCHSTORE, and the older GEORADIUS GEORADIUSBYMEMBER with their _RO forms.
 *
 * A geo set is a plain sorted set whose scores are 52-bit geohashes (src/storage/geohash.ts), so
 * every sorted-set command works on it and the values are zset-value.ts's. Area searches scan the
 * score ranges of the 9 cells Redis picks, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW, each
 * ascending by score), keep the points inside the shape, then sort by distance when asked to (or
 * when COUNT is given without ANY). STORE destinations may live in another shard: the result is
 * built in the destination's arena.
 *
 * Handlers keep Redis's order of checks (key type, positional arguments, options, option
 * combinations, missing key) so that errors agree byte for byte.
 */
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { CommandFamily } from './handler.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { SYNTAX, NOT_FLOAT, NOT_INTEGER } from '../protocol/errors.js';
import { string2d, string2ll } from '../protocol/number-parse.js';
import {
  ZSetRef,
  ZAddIn,
  ZAddOut,
  zsetOpen,
  zsetStore,
  zsetCreate,
  zsetScore,
  zsetAdd,
  zsetNext,
  zsetHandleScore,
  zsetMemberCopy,
  zsetFirstInScoreRange,
  zsetConvertToListpackIfNeeded,
  type ScoreRange,
  type ZSetLimits,
} from '../storage/zset-value.js';
import { readLimits, readZset, writeZset, addKey, setKey, deleteKey } from './zset-range.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  ShapeType,
  newShape,
  newCell,
  geohashScore,
  decodeScore,
  standardGeohash,
  geoDistance,
  areasForShape,
  cellScoreRange,
  distanceIfWithin,
  formatFixed,
  formatDistance,
  formatCoordinate,
  type GeoShape,
  type GeoCell,
} from '../storage/geohash.js';

const zref = new ZSetRef();
const zdst = new ZSetRef();
const noLimits: ZSetLimits = { entries: 0, value: 0 };

// ---------------------------------------------------------------- argument helpers

/** Redis's extractLongLatOrReply: longitude at i, latitude at i+1, within the limits. */
function longLatOrReply(ctx: ExecContext, i: number, xy: { longitude: number; latitude: number }): boolean {
  const a = ctx.args;
  const lon = string2d(a.buf, a.offset(i), a.length(i));
  if (lon === null) {
    ctx.reply.error(NOT_FLOAT);
    return false;
  }
  const lat = string2d(a.buf, a.offset(i + 1), a.length(i + 1));
  if (lat === null) {
    ctx.reply.error(NOT_FLOAT);
    return false;
  }
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    ctx.reply.error(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
    return false;
  }
  xy.longitude = lon;
  xy.latitude = lat;
  return true;
}

/** Compares argument i as a C string (up to a NUL byte), case-insensitively, with a lowercase word. */
function isUnit(ctx: ExecContext, i: number, word: string): boolean {
  const a = ctx.args;
  const buf = a.buf;
  const off = a.offset(i);
  let len = a.length(i);
  for (let k = 0; k < len; k++) {
    if (buf[off + k] === 0) {
      len = k;
      break;
    }
  }
  if (len !== word.length) return false;
  for (let k = 0; k < len; k++) if ((buf[off + k] | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** Redis's extractUnitOrReply: meters per unit, or -1 after replying. */
function unitOrReply(ctx: ExecContext, i: number): number {
  if (isUnit(ctx, i, 'm')) return 1;
  if (isUnit(ctx, i, 'km')) return 1000;
  if (isUnit(ctx, i, 'ft')) return 0.3048;
  if (isUnit(ctx, i, 'mi')) return 1609.34;
  ctx.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
  return -1;
}

function doubleOrReply(ctx: ExecContext, i: number, message: string): number | null {
  const a = ctx.args;
  const d = string2d(a.buf, a.offset(i), a.length(i));
  if (d === null) ctx.reply.error(message);
  return d;
}

/** Redis's extractDistanceOrReply: radius at i, unit at i+1, into the shape. */
function radiusOrReply(ctx: ExecContext, i: number, shape: GeoShape): boolean {
  const radius = doubleOrReply(ctx, i, 'ERR need numeric radius');
  if (radius === null) return false;
  if (radius < 0) {
    ctx.reply.error('ERR radius cannot be negative');
    return false;
  }
  const toMeters = unitOrReply(ctx, i + 1);
  if (toMeters < 0) return false;
  shape.conversion = toMeters;
  shape.radius = radius;
  return true;
}

/** Redis's extractBoxOrReply: width, height and unit at i.. into the shape. */
function boxOrReply(ctx: ExecContext, i: number, shape: GeoShape): boolean {
  const width = doubleOrReply(ctx, i, 'ERR need numeric width');
  if (width === null) return false;
  const height = doubleOrReply(ctx, i + 1, 'ERR need numeric height');
  if (height === null) return false;
  if (height < 0 || width < 0) {
    ctx.reply.error('ERR height or width cannot be negative');
    return false;
  }
  const toMeters = unitOrReply(ctx, i + 2);
  if (toMeters < 0) return false;
  shape.conversion = toMeters;
  shape.width = width;
  shape.height = height;
  return true;
}

/** Position of member i of a geo set (its score decoded); false when the member is absent. */
function memberPosition(ctx: ExecContext, z: ZSetRef, i: number, xy: { longitude: number; latitude: number }): boolean {
  const a = ctx.args;
  const score = zsetScore(z, a.buf, a.offset(i), a.length(i));
  if (Number.isNaN(score)) return false;
  const p = decodeScore(score);
  xy.longitude = p.longitude;
  xy.latitude = p.latitude;
  return true;
}

/** Redis's addReplyHumanLongDouble: "%.17Lf" trimmed, a bulk string in RESP2 and a double in RESP3. */
function replyCoordinate(ctx: ExecContext, d: number): void {
  const text = formatCoordinate(d);
  if (ctx.reply.resp === 3) ctx.reply.ascii(',' + text + '\r\n');
  else ctx.reply.bulkLatin1(text);
}

// ---------------------------------------------------------------- GEOADD

const position = { longitude: 0, latitude: 0 };
let geoaddScores = new Float64Array(16);

function geoadd(ctx: ExecContext): void {
  const a = ctx.args;
  let xx = false;
  let nx = false;
  let ch = false;
  let longIdx = 2;
  while (longIdx < a.argc) {
    if (a.is(longIdx, 'nx')) nx = true;
    else if (a.is(longIdx, 'xx')) xx = true;
    else if (a.is(longIdx, 'ch')) ch = true;
    else break;
    longIdx++;
  }
  if ((a.argc - longIdx) % 3 !== 0 || (xx && nx)) return ctx.reply.error(SYNTAX);
  const elements = (a.argc - longIdx) / 3;
  // Redis hands the converted arguments to ZADD, which rejects an empty element list.
  if (elements === 0) return ctx.reply.error(SYNTAX);
  if (geoaddScores.length < elements) geoaddScores = new Float64Array(Math.max(elements, geoaddScores.length * 2));
  const scores = geoaddScores;
  for (let j = 0; j < elements; j++) {
    if (!longLatOrReply(ctx, longIdx + 3 * j, position)) return;
    scores[j] = geohashScore(position.longitude, position.latitude);
  }
  const ks = ctx.keyspaceFor(1);
  let e = writeZset(ctx, ks, 1);
  if (e < 0) return;
  const lim = readLimits(ctx);
  const z = zref;
  if (e === 0) {
    if (xx) return ctx.reply.integer(0);
    // As ZADD: the encoding of a new key follows its first member.
    zsetCreate(z, ks.arena, 1, a.length(longIdx + 2), lim);
    e = addKey(ctx, ks, 1, z);
  } else {
    zsetOpen(z, ks, e);
  }
  const flags = (nx ? ZAddIn.NX : 0) | (xx ? ZAddIn.XX : 0);
  let added = 0;
  let updated = 0;
  for (let j = 0; j < elements; j++) {
    const m = longIdx + 3 * j + 2;
    const out = zsetAdd(z, scores[j], a.buf, a.offset(m), a.length(m), flags, lim);
    if (out & ZAddOut.Added) added++;
    if (out & ZAddOut.Updated) updated++;
  }
  zsetStore(z, ks, e);
  ctx.dirty += added + updated;
  ctx.reply.integer(ch ? added + updated : added);
  if (added + updated > 0) ctx.notify(NotifyClass.Zset, KeyEvent.Zadd, 1);
}

// ---------------------------------------------------------------- GEODIST GEOHASH GEOPOS

const pointB = { longitude: 0, latitude: 0 };

function geodist(ctx: ExecContext): void {
  const a = ctx.args;
  let toMeters = 1;
  if (a.argc === 5) {
    toMeters = unitOrReply(ctx, 4);
    if (toMeters < 0) return;
  } else if (a.argc > 5) {
    return ctx.reply.error(SYNTAX);
  }
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.nullBulk();
  const z = zsetOpen(zref, ks, e);
  if (!memberPosition(ctx, z, 2, position) || !memberPosition(ctx, z, 3, pointB)) return ctx.reply.nullBulk();
  const d = geoDistance(position.longitude, position.latitude, pointB.longitude, pointB.latitude) / toMeters;
  ctx.reply.bulkLatin1(formatDistance(d));
}

function geohash(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  const z = e === 0 ? null : zsetOpen(zref, ks, e);
  ctx.reply.arrayLen(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    const score = z === null ? NaN : zsetScore(z, a.buf, a.offset(i), a.length(i));
    if (Number.isNaN(score)) ctx.reply.nullBulk();
    else ctx.reply.bulkLatin1(standardGeohash(score));
  }
}

function geopos(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  const z = e === 0 ? null : zsetOpen(zref, ks, e);
  ctx.reply.arrayLen(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    if (z === null || !memberPosition(ctx, z, i, position)) {
      ctx.reply.nullArray();
      continue;
    }
    ctx.reply.arrayLen(2);
    replyCoordinate(ctx, position.longitude);
    replyCoordinate(ctx, position.latitude);
  }
}

// ---------------------------------------------------------------- area searches

/** georadiusGeneric's flags. */
const enum Search {
  /** GEORADIUS: centre from longitude and latitude arguments. */
  Coords = 1,
  /** GEORADIUSBYMEMBER: centre from a member. */
  Member = 2,
  /** The _RO forms: no STORE / STOREDIST. */
  NoStore = 4,
  /** GEOSEARCH syntax. */
  GeoSearch = 8,
  /** GEOSEARCHSTORE. */
  GeoSearchStore = 16,
}

const enum Sort {
  None,
  Asc,
  Desc,
}

/** A point found by a search (Redis's geoPoint). */
interface GeoPoint {
  longitude: number;
  latitude: number;
  /** Meters, then the request's unit once replied or stored. */
  dist: number;
  score: number;
  member: Uint8Array;
}

const shape = newShape();
const cells: GeoCell[] = [newCell(), newCell(), newCell(), newCell(), newCell(), newCell(), newCell(), newCell(), newCell()];
const cellRange: ScoreRange = { min: 0, max: 0, minex: false, maxex: true };

/** Appends the points of one cell's score range that lie inside the shape; stops at `limit` (0 = none). */
function pointsInCell(z: ZSetRef, cell: GeoCell, found: GeoPoint[], limit: number): void {
  cellScoreRange(cell, cellRange);
  for (let h = zsetFirstInScoreRange(z, cellRange); h !== 0; h = zsetNext(z, h)) {
    const score = zsetHandleScore(z, h);
    if (!(score < cellRange.max)) break;
    const p = decodeScore(score);
    const dist = distanceIfWithin(shape, p.longitude, p.latitude);
    if (dist >= 0) found.push({ longitude: p.longitude, latitude: p.latitude, dist, score, member: zsetMemberCopy(z, h) });
    if (found.length && limit && found.length >= limit) break;
  }
}

/** Redis's membersOfAllNeighbors: scans the 9 cells, skipping excluded ones and repeats of the last scanned. */
function pointsInShape(z: ZSetRef, limit: number): GeoPoint[] {
  areasForShape(shape, cells);
  const found: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < 9; i++) {
    const c = cells[i];
    if (c.zero) continue;
    // With huge radii adjacent neighbours can coincide (Redis compares with the last one scanned
    // only after the first neighbour, so a neighbour equal to the centre is scanned again).
    if (last && c.bits === cells[last].bits && c.step === cells[last].step) continue;
    if (found.length && limit && found.length >= limit) break;
    pointsInCell(z, c, found, limit);
    last = i;
  }
  return found;
}

/**
 * True when the STORE/STOREDIST destination Redis uses (the last one given) is a key the dispatcher
 * routed by: the key specs name only the first STORE and the first STOREDIST, so a repeated option
 * could name a key of a shard this thread does not hold. Same-shard keys are always safe.
 */
function storeKeyHeld(ctx: ExecContext, srcKeyIndex: number, baseArgs: number, storeArg: number): boolean {
  const a = ctx.args;
  let firstStore = 0;
  let firstStoreDist = 0;
  for (let i = baseArgs; i + 1 < a.argc; i++) {
    if (!firstStore && a.is(i, 'store')) firstStore = i + 1;
    if (!firstStoreDist && a.is(i, 'storedist')) firstStoreDist = i + 1;
  }
  if (storeArg === firstStore || storeArg === firstStoreDist) return true;
  const target = ctx.keyspaceFor(storeArg);
  return target === ctx.keyspaceFor(srcKeyIndex) || (firstStore !== 0 && target === ctx.keyspaceFor(firstStore)) || (firstStoreDist !== 0 && target === ctx.keyspaceFor(firstStoreDist));
}

function georadiusGeneric(ctx: ExecContext, srcKeyIndex: number, flags: number): void {
  const a = ctx.args;
  const r = ctx.reply;
  let storeArg = 0;
  let storeDist = false;
  const ks = ctx.keyspaceFor(srcKeyIndex);
  const e = readZset(ctx, ks, srcKeyIndex);
  if (e < 0) return;
  const z = e === 0 ? null : zsetOpen(zref, ks, e);

  let baseArgs: number;
  shape.type = ShapeType.Circle;
  shape.longitude = shape.latitude = shape.radius = shape.width = shape.height = 0;
  shape.conversion = 1;
  if (flags & Search.Coords) {
    baseArgs = 6;
    if (!longLatOrReply(ctx, 2, shape)) return;
    if (!radiusOrReply(ctx, baseArgs - 2, shape)) return;
  } else if (flags & Search.Member) {
    baseArgs = 5;
    // A missing key still gets its options parsed, to know which empty reply to give.
    if (z !== null) {
      if (!memberPosition(ctx, z, 2, shape)) return r.error('ERR could not decode requested zset member');
      if (!radiusOrReply(ctx, baseArgs - 2, shape)) return;
    }
  } else {
    baseArgs = 2;
    if (flags & Search.GeoSearchStore) {
      baseArgs = 3;
      storeArg = 1;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = Sort.None;
  let any = false;
  let count = 0;
  const geosearch = (flags & Search.GeoSearch) !== 0;
  const remaining = a.argc - baseArgs;
  for (let k = 0; k < remaining; k++) {
    const i = baseArgs + k;
    if (a.is(i, 'withdist')) withDist = true;
    else if (a.is(i, 'withhash')) withHash = true;
    else if (a.is(i, 'withcoord')) withCoords = true;
    else if (a.is(i, 'any')) any = true;
    else if (a.is(i, 'asc')) sort = Sort.Asc;
    else if (a.is(i, 'desc')) sort = Sort.Desc;
    else if (a.is(i, 'count') && k + 1 < remaining) {
      const n = string2ll(a.buf, a.offset(i + 1), a.length(i + 1));
      if (n === null) return r.error(NOT_INTEGER);
      if (n <= 0) return r.error('ERR COUNT must be > 0');
      count = n;
      k++;
    } else if (a.is(i, 'store') && k + 1 < remaining && !(flags & Search.NoStore) && !geosearch) {
      storeArg = i + 1;
      storeDist = false;
      k++;
    } else if (a.is(i, 'storedist') && k + 1 < remaining && !(flags & Search.NoStore) && !geosearch) {
      storeArg = i + 1;
      storeDist = true;
      k++;
    } else if (a.is(i, 'storedist') && geosearch && flags & Search.GeoSearchStore) {
      storeDist = true;
    } else if (a.is(i, 'frommember') && k + 1 < remaining && geosearch && !fromLoc) {
      if (z !== null && !memberPosition(ctx, z, i + 1, shape)) return r.error('ERR could not decode requested zset member');
      fromMember = true;
      k++;
    } else if (a.is(i, 'fromlonlat') && k + 2 < remaining && geosearch && !fromMember) {
      if (!longLatOrReply(ctx, i + 1, shape)) return;
      fromLoc = true;
      k += 2;
    } else if (a.is(i, 'byradius') && k + 2 < remaining && geosearch && !byBox) {
      if (!radiusOrReply(ctx, i + 1, shape)) return;
      shape.type = ShapeType.Circle;
      byRadius = true;
      k += 2;
    } else if (a.is(i, 'bybox') && k + 3 < remaining && geosearch && !byRadius) {
      if (!boxOrReply(ctx, i + 1, shape)) return;
      shape.type = ShapeType.Box;
      byBox = true;
      k += 3;
    } else {
      return r.error(SYNTAX);
    }
  }

  if (storeArg && (withDist || withHash || withCoords)) {
    const what = flags & Search.GeoSearchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return r.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (geosearch && !(fromMember || fromLoc)) {
    return r.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${a.string(0)}`);
  }
  if (geosearch && !(byRadius || byBox)) {
    return r.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${a.string(0)}`);
  }
  if (any && !count) return r.error('ERR the ANY argument requires COUNT argument');

  if (storeArg && !(flags & Search.GeoSearchStore) && !storeKeyHeld(ctx, srcKeyIndex, baseArgs, storeArg)) {
    return r.error('ERR repeated STORE/STOREDIST options naming keys in different shards are not supported');
  }

  if (z === null) {
    if (storeArg) {
      if (deleteKey(ctx, ctx.keyspaceFor(storeArg), storeArg)) {
        ctx.notify(NotifyClass.Generic, KeyEvent.Del, storeArg);
        ctx.dirty++;
      }
      r.integer(0);
    } else {
      r.arrayLen(0);
    }
    return;
  }

  // COUNT without ANY returns the nearest points: sorted ascending unless told otherwise.
  if (count !== 0 && sort === Sort.None && !any) sort = Sort.Asc;

  const found = pointsInShape(z, any ? count : 0);
  if (found.length === 0 && !storeArg) return r.arrayLen(0);
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort === Sort.Asc) found.sort((x, y) => (x.dist > y.dist ? 1 : x.dist === y.dist ? 0 : -1));
  else if (sort === Sort.Desc) found.sort((x, y) => (x.dist > y.dist ? -1 : x.dist === y.dist ? 0 : 1));

  if (!storeArg) {
    const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoords ? 1 : 0);
    r.arrayLen(returned);
    for (let j = 0; j < returned; j++) {
      const p = found[j];
      if (options) r.arrayLen(options + 1);
      r.bulk(p.member);
      if (withDist) r.bulkLatin1(formatDistance(p.dist / shape.conversion));
      if (withHash) r.integer(Math.trunc(p.score));
      if (withCoords) {
        r.arrayLen(2);
        replyCoordinate(ctx, p.longitude);
        replyCoordinate(ctx, p.latitude);
      }
    }
    return;
  }
  storeResult(ctx, ctx.keyspaceFor(storeArg), storeArg, found, returned, storeDist, flags & Search.GeoSearchStore ? KeyEvent.Geosearchstore : KeyEvent.Georadiusstore);
}

/** Stores the first `returned` points at argument storeArg's key (scores: hashes or distances in the unit). */
function storeResult(ctx: ExecContext, dstKs: ShardKeyspace, storeArg: number, found: GeoPoint[], returned: number, storeDist: boolean, event: KeyEvent): void {
  if (returned === 0) {
    if (deleteKey(ctx, dstKs, storeArg)) {
      ctx.notify(NotifyClass.Generic, KeyEvent.Del, storeArg);
      ctx.dirty++;
    }
    ctx.reply.integer(0);
    return;
  }
  const lim = readLimits(ctx);
  const dst = zsetCreate(zdst, dstKs.arena, returned, Infinity, lim);
  let maxLen = 0;
  for (let j = 0; j < returned; j++) {
    const p = found[j];
    const score = storeDist ? p.dist / shape.conversion : p.score;
    zsetAdd(dst, score, p.member, 0, p.member.length, 0, noLimits);
    if (p.member.length > maxLen) maxLen = p.member.length;
  }
  zsetConvertToListpackIfNeeded(dst, maxLen, lim);
  setKey(ctx, dstKs, storeArg, dst);
  ctx.notify(NotifyClass.Zset, event, storeArg);
  ctx.dirty += returned;
  ctx.reply.integer(returned);
}

export const geoCommands: CommandFamily = {
  geoadd: { route: 'keys', run: geoadd },
  geodist: { route: 'keys', run: geodist },
  geohash: { route: 'keys', run: geohash },
  geopos: { route: 'keys', run: geopos },
  georadius: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 1, Search.Coords) },
  georadiusbymember: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 1, Search.Member) },
  georadius_ro: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 1, Search.Coords | Search.NoStore) },
  georadiusbymember_ro: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 1, Search.Member | Search.NoStore) },
  geosearch: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 1, Search.GeoSearch) },
  geosearchstore: { route: 'keys', run: (ctx) => georadiusGeneric(ctx, 2, Search.GeoSearch | Search.GeoSearchStore) },
};
