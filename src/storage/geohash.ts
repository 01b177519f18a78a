/**
 * Geohashes as Redis 7.0.15 computes them (geohash.c, geohash_helper.c), for the geo commands.
 *
 * A position is quantised at `step` bits per axis over Redis's ranges (longitude -180..180, latitude
 * -85.05112878..85.05112878, the Web Mercator limits): a cell is a pair of indices in [0, 2^step).
 * Its hash interleaves them, latitude bits in the even positions and longitude bits in the odd ones,
 * so nearby cells share prefixes; at step 26 the 52-bit hash is a geo member's sorted-set score,
 * exact in a double. Every bit operation works on 32-bit halves (JS bitwise operators are 32-bit).
 *
 * Area searches follow geohashCalculateAreasByShapeWGS84: a step estimated from the radius, the
 * centre's cell and its 8 neighbours (wrapping around at the edges of the ranges), one step coarser
 * when a neighbour does not reach the bounding box, and the neighbours beyond the box dropped. Each
 * remaining cell is the score range [hash << (52 - 2 step), (hash + 1) << (52 - 2 step)).
 *
 * Distances are the haversine formula over a sphere of Redis's EARTH_RADIUS_IN_METERS, evaluated in
 * the same order as Redis, with sin/cos/asin rounded correctly as glibc's nearly always are (V8's
 * differ by an ulp in a few percent of cases); searches filter with V8's functions first.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
export const MERCATOR_MAX = 20037726.37;
export const MERCATOR_MIN = -20037726.37;

/** Degrees to radians factor, computed as Redis's D_R macro (M_PI / 180.0). */
const D_R = Math.PI / 180.0;
const TWO32 = 4294967296;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

// ---------------------------------------------------------------- interleaving

/** Spreads the low 16 bits of x to the even bit positions of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

/** Gathers the even bits of a 32-bit word into 16 bits. */
function compactEven(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/**
 * Redis's interleave64 of two uint32 indices, as a double: exact below 2^53, else rounded to nearest
 * (as Redis's own round trip through the score's text rounds it).
 */
export function interleave(latIndex: number, lonIndex: number): number {
  const lo = (spread16(latIndex) | (spread16(lonIndex) << 1)) >>> 0;
  const hi = (spread16(latIndex >>> 16) | (spread16(lonIndex >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** Deinterleaved indices of a hash, written by splitHash. */
export const hashIndices = { lat: 0, lon: 0 };

/** Splits a 64-bit hash given as its two 32-bit halves into its latitude and longitude indices. */
function splitHalves(hi: number, lo: number): void {
  hashIndices.lat = (compactEven(lo) + compactEven(hi) * 65536) >>> 0;
  hashIndices.lon = (compactEven(lo >>> 1) + compactEven(hi >>> 1) * 65536) >>> 0;
}

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/**
 * Splits a sorted-set score into indices after C's (uint64_t) conversion of the double (truncation;
 * x86-64's results for out-of-range values), as decodeGeohash does.
 */
export function splitScore(score: number): void {
  const t = Math.trunc(score);
  if (!(t >= -TWO63) || t >= TWO64) {
    // NaN or below -2^63: the conversion's "indefinite" value 2^63; 2^64 and above: 0.
    if (t >= TWO64) splitHalves(0, 0);
    else splitHalves(0x80000000, 0);
    return;
  }
  if (t >= 0) {
    const hi = Math.floor(t / TWO32);
    splitHalves(hi >>> 0, (t - hi * TWO32) >>> 0);
    return;
  }
  // Negative: two's complement of the 64-bit integer.
  const u = BigInt.asUintN(64, BigInt(t));
  splitHalves(Number(u >> 32n) >>> 0, Number(u & 0xffffffffn) >>> 0);
}

// ---------------------------------------------------------------- cells

/** A geohash cell: indices at `step` bits per axis and their interleaved hash. */
export interface GeoCell {
  lat: number;
  lon: number;
  step: number;
  /** interleave(lat, lon). */
  bits: number;
  /** Redis's GZERO: excluded from a search. */
  zero: boolean;
}

export function newCell(): GeoCell {
  return { lat: 0, lon: 0, step: 0, bits: 0, zero: true };
}

/**
 * Redis's geohashEncode over the given ranges; false outside Redis's limits or the ranges. Indices
 * are the offsets scaled by 2^step, truncated to uint32 (so the maximum maps to 2^step itself).
 */
export function encodeCell(
  cell: GeoCell,
  longitude: number,
  latitude: number,
  step: number,
  lonMin = GEO_LONG_MIN,
  lonMax = GEO_LONG_MAX,
  latMin = GEO_LAT_MIN,
  latMax = GEO_LAT_MAX,
): boolean {
  if (step > 32 || step === 0) return false;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return false;
  if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return false;
  let latOffset = (latitude - latMin) / (latMax - latMin);
  let lonOffset = (longitude - lonMin) / (lonMax - lonMin);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  cell.lat = latOffset >>> 0;
  cell.lon = lonOffset >>> 0;
  cell.step = step;
  cell.bits = interleave(cell.lat, cell.lon);
  cell.zero = false;
  return true;
}

/** The 52-bit score of a position (GEOADD): geohashEncodeWGS84 at step 26, aligned to 52 bits. */
export function geohashScore(longitude: number, latitude: number): number {
  encodeCell(scratchCell, longitude, latitude, GEO_STEP_MAX);
  return scratchCell.bits;
}

const scratchCell = newCell();

/** A cell's bounds (Redis's GeoHashArea). */
export interface GeoArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

export function newArea(): GeoArea {
  return { lonMin: 0, lonMax: 0, latMin: 0, latMax: 0 };
}

const LAT_SCALE = GEO_LAT_MAX - GEO_LAT_MIN;
const LONG_SCALE = GEO_LONG_MAX - GEO_LONG_MIN;

/** geohashDecode over Redis's ranges: bounds of the cell of indices (lat, lon) at `step`. */
function decodeIndices(area: GeoArea, lat: number, lon: number, step: number): GeoArea {
  const cells = 2 ** step;
  area.latMin = GEO_LAT_MIN + (lat / cells) * LAT_SCALE;
  area.latMax = GEO_LAT_MIN + (((lat + 1) >>> 0) / cells) * LAT_SCALE;
  area.lonMin = GEO_LONG_MIN + (lon / cells) * LONG_SCALE;
  area.lonMax = GEO_LONG_MIN + (((lon + 1) >>> 0) / cells) * LONG_SCALE;
  return area;
}

/** geohashDecode of a cell (deinterleaving its hash gives back its indices, 2^step included). */
export function decodeCell(area: GeoArea, cell: GeoCell): GeoArea {
  return decodeIndices(area, cell.lat, cell.lon, cell.step);
}

/** A decoded position, written by decodeScore. */
export const decodedPoint = { longitude: 0, latitude: 0 };

const scratchArea = newArea();

/**
 * Redis's decodeGeohash: the centre of the step-26 cell of a score, clamped to the limits. Hot in
 * area searches: no allocation.
 */
export function decodeScore(score: number): typeof decodedPoint {
  splitScore(score);
  const area = decodeIndices(scratchArea, hashIndices.lat, hashIndices.lon, GEO_STEP_MAX);
  let x = (area.lonMin + area.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latMin + area.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  decodedPoint.longitude = x;
  decodedPoint.latitude = y;
  return decodedPoint;
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's text for a score: the position decoded, re-encoded over the standard ranges (-180..180,
 * -90..90) at step 26, as 11 base-32 characters (the 11th always '0': there are only 52 bits).
 */
export function standardGeohash(score: number): string {
  const p = decodeScore(score);
  const cell = scratchCell;
  if (!encodeCell(cell, p.longitude, p.latitude, 26, -180, 180, -90, 90)) cell.bits = 0;
  let out = '';
  for (let i = 0; i < 10; i++) {
    // 5 bits at a time from the top of the 52-bit hash.
    const idx = Math.floor(cell.bits / 2 ** (52 - (i + 1) * 5)) % 32;
    out += GEOALPHABET[idx];
  }
  return out + '0';
}

// ---------------------------------------------------------------- neighbours

/** The 9 cells of an area search in Redis's scan order: centre, N, S, E, W, NE, NW, SE, SW. */
export const enum Neighbour {
  Centre,
  North,
  South,
  East,
  West,
  NorthEast,
  NorthWest,
  SouthEast,
  SouthWest,
}

/** Moves: [dlon, dlat] per Neighbour. */
const MOVES: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 1],
  [0, -1],
  [1, 0],
  [-1, 0],
  [1, 1],
  [-1, 1],
  [1, -1],
  [-1, -1],
];

/** Redis's geohashNeighbors: each index moved by one, wrapping modulo 2^step. */
export function neighbours(centre: GeoCell, out: GeoCell[]): void {
  const mask = 2 ** centre.step;
  for (let i = 0; i < 9; i++) {
    const c = out[i];
    const [dlon, dlat] = MOVES[i];
    c.step = centre.step;
    c.zero = false;
    if (i === 0) {
      c.lat = centre.lat;
      c.lon = centre.lon;
      c.bits = centre.bits;
      continue;
    }
    // Redis keeps the moved axis to `step` bits and the other axis' bits as they were.
    c.lon = dlon === 0 ? centre.lon : (centre.lon + dlon + mask) % mask;
    c.lat = dlat === 0 ? centre.lat : (centre.lat + dlat + mask) % mask;
    c.bits = interleave(c.lat, c.lon);
  }
}

// ---------------------------------------------------------------- correctly rounded sin, cos, asin

/*
 * Redis calls glibc's sin, cos and asin, which round correctly in all but very rare cases; V8's
 * fdlibm ports are off by one ulp in a few percent of cases, which shows in STOREDIST scores and at
 * radius boundaries. These evaluate in double-double arithmetic (about 106 bits) and round once.
 * Arguments here are small (half-differences of radians, latitudes); larger ones use Math's.
 */

/** Double-double scratch: value DD[0] + DD[1] (a typed array: module-level lets are slow to write). */
const DD = new Float64Array(2);

const SPLITTER = 134217729; // 2^27 + 1

/** Exact product a*b as hi + lo (Dekker), into DD[0]/DD[1]. */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  DD[0] = p;
  DD[1] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** (ah + al) * (bh + bl) into DD[0]/DD[1]. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const lo = DD[1] + (ah * bl + al * bh);
  const hi = DD[0] + lo;
  DD[1] = lo - (hi - DD[0]);
  DD[0] = hi;
}

/** (ah + al) + (bh + bl) into DD[0]/DD[1]. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bb = s - ah;
  const e = ah - (s - bb) + (bh - bb) + al + bl;
  DD[0] = s + e;
  DD[1] = e - (DD[0] - s);
}

/** (ah + al) / b into DD[0]/DD[1]. */
function ddDivNumber(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const r = ah - DD[0] - DD[1] + al;
  const q2 = r / b;
  DD[0] = q1 + q2;
  DD[1] = q2 - (DD[0] - q1);
}

/** A double-double constant 1/n! (with sign): [hi, lo]. */
function inverseFactorial(n: number, negative: boolean): [number, number] {
  let h = 1;
  let l = 0;
  for (let k = 2; k <= n; k++) {
    ddDivNumber(h, l, k);
    h = DD[0];
    l = DD[1];
  }
  return negative ? [-h, -l] : [h, l];
}

/** Series in z = x^2: sin x = x * sum (-1)^k z^k / (2k+1)!, cos x = sum (-1)^k z^k / (2k)!. */
const DD_TERMS = 5;
const SIN_DD = Array.from({ length: DD_TERMS }, (_, k) => inverseFactorial(2 * k + 1, k % 2 === 1));
const COS_DD = Array.from({ length: DD_TERMS }, (_, k) => inverseFactorial(2 * k, k % 2 === 1));
const SIN_TAIL = Array.from({ length: 12 }, (_, j) => inverseFactorial(2 * (j + DD_TERMS) + 1, (j + DD_TERMS) % 2 === 1)[0]);
const COS_TAIL = Array.from({ length: 12 }, (_, j) => inverseFactorial(2 * (j + DD_TERMS), (j + DD_TERMS) % 2 === 1)[0]);

/**
 * The series for |x| <= pi/2 into DD[0]/DD[1]: the small high-order terms in doubles, the leading
 * ones in double-double (relative error about 2^-65, ample to round correctly but in rare cases).
 */
function ddSeries(x: number, dd: Array<[number, number]>, tail: number[], timesX: boolean): void {
  twoProd(x, x);
  const zh = DD[0];
  const zl = DD[1];
  let q = 0;
  for (let j = tail.length - 1; j >= 0; j--) q = tail[j] + zh * q;
  let sh = q;
  let sl = 0;
  for (let k = dd.length - 1; k >= 0; k--) {
    ddMul(sh, sl, zh, zl);
    ddAdd(dd[k][0], dd[k][1], DD[0], DD[1]);
    sh = DD[0];
    sl = DD[1];
  }
  if (timesX) ddMul(sh, sl, x, 0);
  else {
    DD[0] = sh;
    DD[1] = sl;
  }
}

const PI_HI = Math.PI;
const PI_LO = 1.2246467991473532e-16;
const HALF_PI = Math.PI / 2;

export function crSin(x: number): number {
  const ax = Math.abs(x);
  if (ax === 0 || !(ax <= PI_HI)) return Math.sin(x);
  if (ax <= HALF_PI) {
    ddSeries(x, SIN_DD, SIN_TAIL, true);
    return DD[0];
  }
  // sin(x) = sin(pi - x): pi - |x| is exact in its high part (Sterbenz), pi's low part added after.
  const r = PI_HI - ax;
  ddSeries(r, SIN_DD, SIN_TAIL, true);
  const h = DD[0];
  const l = DD[1] + Math.cos(r) * PI_LO;
  const v = h + l;
  return x < 0 ? -v : v;
}

export function crCos(x: number): number {
  if (!(Math.abs(x) <= HALF_PI)) return Math.cos(x);
  ddSeries(x, COS_DD, COS_TAIL, false);
  return DD[0];
}

/** asin by one Newton step from Math.asin, with sin evaluated in double-double. */
export function crAsin(y: number): number {
  const x0 = Math.asin(y);
  if (!(Math.abs(y) < 0.9999) || y === 0) return x0;
  ddSeries(x0, SIN_DD, SIN_TAIL, true);
  // r = sin(x0) - y, nearly exact; the step -r/cos(x0) is tiny beside x0.
  ddAdd(DD[0], DD[1], -y, 0);
  return x0 - DD[0] / Math.cos(x0);
}

// ---------------------------------------------------------------- distances

/** Haversine great-circle distance in meters (Redis 7.0's geohashGetDistance), as glibc would round it. */
export function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = crSin((lat2r - lat1r) / 2);
  const v = crSin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(u * u + crCos(lat1r) * crCos(lat2r) * v * v));
}

/** geoDistance with V8's libm: within a few ulps of it, about 20 times faster (for filtering). */
function geoDistanceFast(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** True when a fast distance is certainly beyond a limit (a margin far above libm's ulp errors). */
function clearlyBeyond(fast: number, limit: number): boolean {
  return fast > limit + limit * 1e-12 + 1e-9;
}

// ---------------------------------------------------------------- search shapes

export const enum ShapeType {
  Circle,
  Box,
}

/** Redis's GeoShape: a centre, a circle's radius or a box's width and height (in the unit), the unit's meters. */
export interface GeoShape {
  type: ShapeType;
  longitude: number;
  latitude: number;
  radius: number;
  width: number;
  height: number;
  /** Meters per unit. */
  conversion: number;
  /** Bounding box: min longitude, min latitude, max longitude, max latitude. */
  bounds: [number, number, number, number];
}

export function newShape(): GeoShape {
  return { type: ShapeType.Circle, longitude: 0, latitude: 0, radius: 0, width: 0, height: 0, conversion: 1, bounds: [0, 0, 0, 0] };
}

/** Redis's geohashEstimateStepsByRadius: the step whose cells cover the range. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** Redis's geohashBoundingBox into shape.bounds. */
export function boundingBox(shape: GeoShape): void {
  const longitude = shape.longitude;
  const latitude = shape.latitude;
  const height = shape.conversion * (shape.type === ShapeType.Circle ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === ShapeType.Circle ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(latitude + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(latitude - latDelta)));
  // The wider edge is the one nearer the equator.
  const southern = latitude < 0;
  const b = shape.bounds;
  b[0] = southern ? longitude - lonDeltaBottom : longitude - lonDeltaTop;
  b[2] = southern ? longitude + lonDeltaBottom : longitude + lonDeltaTop;
  b[1] = latitude - latDelta;
  b[3] = latitude + latDelta;
}

const areaN = newArea();
const areaS = newArea();
const areaE = newArea();
const areaW = newArea();
const centreArea = newArea();
const centreCell = newCell();

/**
 * Redis's geohashCalculateAreasByShapeWGS84: fills `cells` (9, in Neighbour order) with the cells to
 * scan for a shape; excluded ones have `zero` set.
 */
export function areasForShape(shape: GeoShape, cells: GeoCell[]): void {
  boundingBox(shape);
  const [minLon, minLat, maxLon, maxLat] = shape.bounds;
  let radiusMeters =
    shape.type === ShapeType.Circle ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;
  let steps = estimateStepsByRadius(radiusMeters, shape.latitude);
  encodeCell(centreCell, shape.longitude, shape.latitude, steps);
  neighbours(centreCell, cells);
  decodeCell(centreArea, centreCell);

  // A step can be too coarse near a cell's edge: then go one step coarser.
  decodeCell(areaN, cells[Neighbour.North]);
  decodeCell(areaS, cells[Neighbour.South]);
  decodeCell(areaE, cells[Neighbour.East]);
  decodeCell(areaW, cells[Neighbour.West]);
  const decrease = areaN.latMax < maxLat || areaS.latMin > minLat || areaE.lonMax < maxLon || areaW.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    encodeCell(centreCell, shape.longitude, shape.latitude, steps);
    neighbours(centreCell, cells);
    decodeCell(centreArea, centreCell);
  }

  // Neighbours wholly beyond the bounding box are not scanned.
  if (steps >= 2) {
    const drop = (...which: Neighbour[]) => {
      for (const n of which) cells[n].zero = true;
    };
    if (centreArea.latMin < minLat) drop(Neighbour.South, Neighbour.SouthWest, Neighbour.SouthEast);
    if (centreArea.latMax > maxLat) drop(Neighbour.North, Neighbour.NorthEast, Neighbour.NorthWest);
    if (centreArea.lonMin < minLon) drop(Neighbour.West, Neighbour.SouthWest, Neighbour.NorthWest);
    if (centreArea.lonMax > maxLon) drop(Neighbour.East, Neighbour.SouthEast, Neighbour.NorthEast);
  }
}

/** Score range of a cell: [min, max) written into `range` (Redis's scoresOfGeoHashBox). */
export function cellScoreRange(cell: GeoCell, range: { min: number; max: number }): void {
  const shift = 2 ** (52 - cell.step * 2);
  range.min = cell.bits * shift;
  range.max = (cell.bits + 1) * shift;
}

/**
 * Distance from the shape's centre to a point when the point is inside the shape, else -1
 * (Redis's geoWithinShape). Hot in area searches.
 */
export function distanceIfWithin(shape: GeoShape, longitude: number, latitude: number): number {
  // Points clearly outside are rejected with the fast distances; the rest decided with exact ones.
  if (shape.type === ShapeType.Circle) {
    const radius = shape.radius * shape.conversion;
    if (clearlyBeyond(geoDistanceFast(shape.longitude, shape.latitude, longitude, latitude), radius)) return -1;
    const d = geoDistance(shape.longitude, shape.latitude, longitude, latitude);
    return d > radius ? -1 : d;
  }
  const halfWidth = (shape.width * shape.conversion) / 2;
  const halfHeight = (shape.height * shape.conversion) / 2;
  if (clearlyBeyond(geoDistanceFast(longitude, latitude, shape.longitude, latitude), halfWidth)) return -1;
  if (clearlyBeyond(geoDistanceFast(longitude, latitude, longitude, shape.latitude), halfHeight)) return -1;
  const lonDistance = geoDistance(longitude, latitude, shape.longitude, latitude);
  const latDistance = geoDistance(longitude, latitude, longitude, shape.latitude);
  if (lonDistance > halfWidth || latDistance > halfHeight) return -1;
  return geoDistance(shape.longitude, shape.latitude, longitude, latitude);
}

// ---------------------------------------------------------------- printf formatting

/**
 * printf's "%.Nf" of a double: the exact decimal value rounded to N fraction digits, ties to even
 * (glibc). JS's toFixed is exact too but rounds ties up and switches to exponents from 1e21, so it
 * serves only the common case.
 */
export function formatFixed(d: number, digits: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  const negative = d < 0 || Object.is(d, -0);
  const abs = Math.abs(d);
  const twice = abs * 2 ** (digits + 1);
  const tie = Number.isInteger(twice) && twice % 2 === 1;
  if (abs < 1e21 && !tie) return (negative ? '-' : '') + abs.toFixed(digits);
  // Exact: abs = mantissa * 2^exponent.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = biased - 1075;
  if (biased === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  let scaled = mantissa * 10n ** BigInt(digits);
  if (exponent >= 0) scaled <<= BigInt(exponent);
  else {
    const shift = BigInt(-exponent);
    let q = scaled >> shift;
    const rem = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    scaled = q;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  const intPart = text.slice(0, text.length - digits);
  const frac = text.slice(text.length - digits);
  return (negative ? '-' : '') + (digits > 0 ? `${intPart}.${frac}` : intPart);
}

/** Redis's addReplyDoubleDistance text: "%.4f". */
export function formatDistance(d: number): string {
  return formatFixed(d, 4);
}

/** Redis's addReplyHumanLongDouble text of a double: "%.17Lf" with trailing zeros (and '.') trimmed. */
export function formatCoordinate(d: number): string {
  let s = formatFixed(d, 17);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  s = s.slice(0, end);
  return s === '-0' ? '0' : s;
}
