import { describe, it, expect } from 'vitest';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_STEP_MAX,
  ShapeType,
  geohashScore,
  decodeScore,
  standardGeohash,
  geoDistance,
  interleave,
  splitScore,
  hashIndices,
  encodeCell,
  newCell,
  neighbours,
  newShape,
  areasForShape,
  cellScoreRange,
  estimateStepsByRadius,
  distanceIfWithin,
  formatFixed,
  formatDistance,
  formatCoordinate,
  crSin,
  crCos,
  crAsin,
} from '../../src/storage/geohash.js';

// Values pinned from a real Redis 7.0.15 (GEOADD, ZRANGE WITHSCORES, GEOPOS, GEOHASH, GEODIST).
const PLACES: Array<[string, number, number, number, string, string, string]> = [
  ['Palermo', 13.361389, 38.115556, 3479099956230698, '13.36138933897018433', '38.11555639549629859', 'sqc8b49rny0'],
  ['Catania', 15.087269, 37.502669, 3479447370796909, '15.08726745843887329', '37.50266842333162032', 'sqdtr74hyu0'],
  ['NewYork', -74.005973, 40.712775, 1791873974549417, '-74.00597423315048218', '40.71277617446106944', 'dr5regw3pg0'],
  ['Sydney', 151.209296, -33.86882, 3252046221958826, '151.20929449796676636', '-33.86882119711083305', 'r3gx2f75zf0'],
  ['ne', 180, 85.05112878, 13510798882111488, '180', '85.0511287799999991', 'bp05b5048p0'],
  ['sw', -180, -85.05112878, 0, '-179.99999731779098511', '-85.05112751263942528', '00bh0hbj200'],
  ['origin', 0, 0, 3377699720527872, '0.00000268220901489', '0.00000126736058093', 's0000000000'],
];

describe('geohash scores', () => {
  for (const [name, lon, lat, score, plon, plat, hash] of PLACES) {
    it(`encodes, decodes and re-encodes ${name} as Redis does`, () => {
      expect(geohashScore(lon, lat)).toBe(score);
      const p = decodeScore(score);
      expect(formatCoordinate(p.longitude)).toBe(plon);
      expect(formatCoordinate(p.latitude)).toBe(plat);
      expect(standardGeohash(score)).toBe(hash);
    });
  }

  it('round-trips positions to within half a step-26 cell', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      const lon = -180 + rand() * 360;
      const lat = GEO_LAT_MIN + rand() * (GEO_LAT_MAX - GEO_LAT_MIN);
      const p = decodeScore(geohashScore(lon, lat));
      expect(Math.abs(p.longitude - lon)).toBeLessThanOrEqual(360 / 2 ** GEO_STEP_MAX);
      expect(Math.abs(p.latitude - lat)).toBeLessThanOrEqual((GEO_LAT_MAX - GEO_LAT_MIN) / 2 ** GEO_STEP_MAX);
      // Decoding a score again gives the same cell.
      expect(geohashScore(p.longitude, p.latitude)).toBe(geohashScore(lon, lat));
    }
  });

  it('interleaves latitude into even bits and longitude into odd bits', () => {
    expect(interleave(1, 0)).toBe(1);
    expect(interleave(0, 1)).toBe(2);
    expect(interleave(0x3ffffff, 0)).toBe(0x5555555555555);
    expect(interleave(0x3ffffff, 0x3ffffff)).toBe(2 ** 52 - 1);
    for (const [lat, lon] of [
      [123456, 654321],
      [0x3ffffff, 1],
      [0x2aaaaaa, 0x1555555],
    ]) {
      splitScore(interleave(lat, lon));
      expect(hashIndices).toEqual({ lat, lon });
    }
  });

  it('converts scores to uint64 as C does before deinterleaving', () => {
    splitScore(3.9);
    expect(hashIndices).toEqual({ lat: 1, lon: 1 });
    splitScore(1.9);
    expect(hashIndices).toEqual({ lat: 1, lon: 0 });
    splitScore(-1);
    expect(hashIndices).toEqual({ lat: 0xffffffff, lon: 0xffffffff });
    splitScore(Infinity);
    expect(hashIndices).toEqual({ lat: 0, lon: 0 });
  });

  it('refuses positions outside the limits', () => {
    const cell = newCell();
    expect(encodeCell(cell, 181, 0, 26)).toBe(false);
    expect(encodeCell(cell, 0, 86, 26)).toBe(false);
    expect(encodeCell(cell, 0, 0, 0)).toBe(false);
    expect(encodeCell(cell, 0, 0, 33)).toBe(false);
    expect(encodeCell(cell, 0, 0, 1)).toBe(true);
    expect(cell).toMatchObject({ lat: 1, lon: 1, step: 1, bits: 3 });
  });
});

describe('neighbours and areas', () => {
  it('wraps neighbours around the edges of the ranges', () => {
    const centre = newCell();
    encodeCell(centre, -180, GEO_LAT_MIN, 3);
    const cells = Array.from({ length: 9 }, newCell);
    neighbours(centre, cells);
    const indices = cells.map((c) => [c.lon, c.lat]);
    // centre, N, S, E, W, NE, NW, SE, SW
    expect(indices).toEqual([
      [0, 0],
      [0, 1],
      [0, 7],
      [1, 0],
      [7, 0],
      [1, 1],
      [7, 1],
      [1, 7],
      [7, 7],
    ]);
  });

  it('estimates coarser steps for larger radii and near the poles', () => {
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    expect(estimateStepsByRadius(1, 0)).toBe(24);
    expect(estimateStepsByRadius(1000, 0)).toBe(14);
    expect(estimateStepsByRadius(1000, 70)).toBe(13);
    expect(estimateStepsByRadius(1000, -85)).toBe(12);
    expect(estimateStepsByRadius(1e9, 0)).toBe(1);
  });

  it('covers the points of a radius search with the cells it scans', () => {
    const shape = newShape();
    shape.type = ShapeType.Circle;
    shape.longitude = 15;
    shape.latitude = 37;
    shape.radius = 200;
    shape.conversion = 1000;
    const cells = Array.from({ length: 9 }, newCell);
    areasForShape(shape, cells);
    const range = { min: 0, max: 0 };
    for (const [, , , score] of PLACES.slice(0, 2)) {
      const covered = cells.some((c) => {
        if (c.zero) return false;
        cellScoreRange(c, range);
        return score >= range.min && score < range.max;
      });
      expect(covered).toBe(true);
      const p = decodeScore(score);
      expect(distanceIfWithin(shape, p.longitude, p.latitude)).toBeGreaterThan(0);
    }
  });

  it('tells points inside a box from points outside', () => {
    const shape = newShape();
    shape.type = ShapeType.Box;
    shape.longitude = 0;
    shape.latitude = 0;
    shape.width = 200;
    shape.height = 100;
    shape.conversion = 1000;
    expect(distanceIfWithin(shape, 0.8, 0.4)).toBeGreaterThan(0);
    expect(distanceIfWithin(shape, 0.8, 0.5)).toBe(-1);
    expect(distanceIfWithin(shape, 0.95, 0)).toBe(-1);
  });
});

describe('distances', () => {
  it('measures as Redis does', () => {
    const a = decodeScore(1791873974549417);
    const [x1, y1] = [a.longitude, a.latitude];
    const b = decodeScore(3252046221958826);
    expect(formatDistance(geoDistance(x1, y1, b.longitude, b.latitude) / 1000)).toBe('15993.2701');
    const p = decodeScore(3479099956230698);
    const [x2, y2] = [p.longitude, p.latitude];
    const c = decodeScore(3479447370796909);
    expect(formatDistance(geoDistance(x2, y2, c.longitude, c.latitude))).toBe('166274.1516');
    expect(formatDistance(geoDistance(x2, y2, c.longitude, c.latitude) / 1609.34)).toBe('103.3182');
    const ne = decodeScore(13510798882111488);
    const [x3, y3] = [ne.longitude, ne.latitude];
    const sw = decodeScore(0);
    expect(formatDistance(geoDistance(x3, y3, sw.longitude, sw.latitude))).toBe('18919844.5891');
  });

  it('is zero between a point and itself and symmetric', () => {
    expect(geoDistance(13, 38, 13, 38)).toBe(0);
    expect(geoDistance(13, 38, 15, 37)).toBe(geoDistance(15, 37, 13, 38));
  });
});

describe('correctly rounded sin, cos, asin', () => {
  // Arguments where V8's Math functions are an ulp away from glibc's (values from glibc 2.x libm).
  const CASES: Array<[(x: number) => number, number, number]> = [
    [crSin, 0.8392962638654144, 0.7441732179103783],
    [crSin, -0.8679608919345516, -0.7630124778987362],
    [crSin, 0.12677583503929202, 0.12643651525605404],
    [crCos, 1.1117879581991446, 0.4430593350403837],
    [crCos, -0.7837791176338507, 0.7082506921523287],
    [crCos, 1.0744483325435832, 0.47621741208669915],
    [crAsin, 0.6163877809773768, 0.6641471430890974],
    [crAsin, 0.9597243376149174, 1.2860193649089913],
    [crAsin, 0.5070946439913607, 0.5318105231873934],
  ];
  for (const [f, x, expected] of CASES) {
    it(`${f.name}(${x}) rounds as glibc`, () => expect(f(x)).toBe(expected));
  }

  it('stays within an ulp of Math over the whole argument range', () => {
    for (let x = -3.14; x <= 3.14; x += 0.0137) {
      expect(Math.abs(crSin(x) - Math.sin(x))).toBeLessThanOrEqual(Math.abs(Math.sin(x)) * 2.3e-16);
      expect(Math.abs(crCos(x) - Math.cos(x))).toBeLessThanOrEqual(Math.abs(Math.cos(x)) * 2.3e-16 + 1e-300);
    }
    for (let y = 0; y <= 1; y += 0.00731) expect(Math.abs(crAsin(y) - Math.asin(y))).toBeLessThanOrEqual(Math.asin(y) * 2.3e-16);
    expect(crSin(0)).toBe(0);
    expect(crAsin(1)).toBe(Math.PI / 2);
  });
});

describe('printf formatting', () => {
  it('rounds exact ties to even as glibc', () => {
    expect(formatFixed(200.0078125, 6)).toBe('200.007812');
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    expect(formatFixed(2.5, 0)).toBe('2');
  });

  it('writes huge values in full and keeps signs', () => {
    expect(formatFixed(1e21, 2)).toBe('1000000000000000000000.00');
    expect(formatFixed(1e300, 6).length).toBe(308);
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(-1.5, 1)).toBe('-1.5');
    expect(formatFixed(Infinity, 6)).toBe('inf');
    expect(formatFixed(-Infinity, 6)).toBe('-inf');
  });

  it('trims coordinates as ld2string LD_STR_HUMAN', () => {
    expect(formatCoordinate(180)).toBe('180');
    expect(formatCoordinate(-0)).toBe('0');
    expect(formatCoordinate(0.5)).toBe('0.5');
    expect(formatCoordinate(1e-18)).toBe('0');
  });
});
