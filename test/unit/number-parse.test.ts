import { describe, it, expect } from 'vitest';
import {
  string2ll,
  string2llExact,
  isCanonicalInt64,
  string2d,
  string2ld,
  addLongDouble,
  formatLongDoubleHuman,
  longDoubleFromInteger,
  type LongDouble,
} from '../../src/protocol/number-parse.js';
import { writeDecimal, decimalLength } from '../../src/protocol/number-parse.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const ll = (s: string) => string2ll(bytes(s), 0, s.length);
const llx = (s: string) => string2llExact(bytes(s), 0, s.length);
const d = (s: string) => string2d(bytes(s), 0, s.length);
const ld = (s: string) => string2ld(bytes(s), 0, s.length);
/** INCRBYFLOAT on a missing key: 0 + increment, formatted as Redis replies. */
const incr = (s: string): string | null => {
  const v = ld(s);
  if (v === null) return null;
  const sum = addLongDouble(longDoubleFromInteger(0n), v);
  return sum.kind === 'finite' ? formatLongDoubleHuman(sum) : 'not finite';
};
const sumOf = (a: string, b: string): string => {
  const sum = addLongDouble(ld(a) as LongDouble, ld(b) as LongDouble);
  return sum.kind === 'finite' ? formatLongDoubleHuman(sum) : 'not finite';
};

describe('string2ll', () => {
  it('accepts canonical integers', () => {
    expect(ll('0')).toBe(0);
    expect(ll('1')).toBe(1);
    expect(ll('-1')).toBe(-1);
    expect(ll('123456789012345')).toBe(123456789012345);
    expect(ll('9007199254740991')).toBe(9007199254740991);
  });

  it('rejects signs, spaces, leading zeros and "-0"', () => {
    for (const s of ['', '-', '+1', ' 1', '1 ', '01', '-0', '00', '1.0', '1e3', 'abc', '0x10', '1\x00']) {
      expect(ll(s)).toBeNull();
    }
  });

  it('accepts the int64 limits exactly and rejects one beyond', () => {
    expect(llx('9223372036854775807')).toBe(9223372036854775807n);
    expect(llx('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(llx('9223372036854775808')).toBeNull();
    expect(llx('-9223372036854775809')).toBeNull();
    expect(ll('9223372036854775807')).toBe(9223372036854775807);
    expect(ll('99999999999999999999')).toBeNull();
    expect(ll('123456789012345678901')).toBeNull();
  });

  it('tells canonical int64 text apart for the int encoding', () => {
    expect(isCanonicalInt64(bytes('12345'), 0, 5)).toBe(true);
    expect(isCanonicalInt64(bytes('-9223372036854775808'), 0, 20)).toBe(true);
    expect(isCanonicalInt64(bytes('9223372036854775808'), 0, 19)).toBe(false);
    expect(isCanonicalInt64(bytes('012'), 0, 3)).toBe(false);
  });

  it('parses a range inside a larger buffer', () => {
    const b = bytes('xx-42yy');
    expect(string2ll(b, 2, 3)).toBe(-42);
  });
});

describe('string2d', () => {
  it('accepts strtod syntax', () => {
    expect(d('1.5')).toBe(1.5);
    expect(d('-.5')).toBe(-0.5);
    expect(d('5.')).toBe(5);
    expect(d('+3')).toBe(3);
    expect(d('1e3')).toBe(1000);
    expect(d('1E-2')).toBe(0.01);
    expect(d('inf')).toBe(Infinity);
    expect(d('-Infinity')).toBe(-Infinity);
    expect(d('0x10')).toBe(16);
    expect(d('0x1p-2')).toBe(0.25);
    expect(d('0X1.8P1')).toBe(3);
    expect(d('1e-310')).toBe(1e-310);
    expect(d('0e-400')).toBe(0);
  });

  it('rejects spaces, trailing bytes, NaN, overflow and underflow to zero', () => {
    for (const s of ['', ' 1', '1 ', '1e', '1e+', '.', 'nan', 'NaN', '-nan', 'in', 'infinit', '0x', '1e400', '-1e400', '1e-400', 'abc', '1\x00']) {
      expect(d(s)).toBeNull();
    }
  });
});

describe('long double (INCRBYFLOAT arithmetic)', () => {
  it('formats like Redis (%.17Lf, trailing zeros trimmed)', () => {
    expect(incr('0.1')).toBe('0.1');
    expect(incr('1.1')).toBe('1.1');
    expect(incr('3.0e3')).toBe('3000');
    expect(incr('5.0e-3')).toBe('0.005');
    expect(incr('0x1p-3')).toBe('0.125');
    expect(incr('0X1P4')).toBe('16');
    expect(incr('.5')).toBe('0.5');
    expect(incr('5.')).toBe('5');
    expect(incr('-0.0')).toBe('0');
    expect(incr('1e-16')).toBe('0.0000000000000001');
    expect(incr('1e-17')).toBe('0.00000000000000001');
    expect(incr('0.000000000000000005')).toBe('0');
    expect(incr('0.000000000000000015')).toBe('0.00000000000000002');
    expect(incr('2.5e-17')).toBe('0.00000000000000002');
    expect(incr('123456789012345678901234567890')).toBe('123456789012345678899921813504');
  });

  it('keeps 64-bit mantissa precision', () => {
    expect(sumOf('10.50', '0.1')).toBe('10.6');
    expect(incr('0.000003814697265625')).toBe('0.00000381469726562');
    expect(incr('1e308')).toBe(
      '99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048',
    );
    expect(sumOf('1e308', '1e308')).toBe(
      '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
    );
  });

  it('accepts subnormals and rejects what rounds to zero or overflows', () => {
    expect(incr('1e-4950')).toBe('0');
    expect(incr('3.7e-4951')).toBe('0');
    expect(ld('1.8e-4951')).toBeNull();
    expect(ld('1.2e4932')).toBeNull();
    expect(ld('1.18973149535723176502e+4932')).not.toBeNull();
    expect(ld('1e99999999999')).toBeNull();
    expect(ld('1e-99999999999')).toBeNull();
  });

  it('rejects what Redis rejects and lets infinities through to the caller', () => {
    for (const s of [' 1', '1 ', '1e', '0x', '.', 'nan', '']) expect(ld(s)).toBeNull();
    expect(incr('+inf')).toBe('not finite');
    expect(incr('-infinity')).toBe('not finite');
    expect(sumOf('1.18973149535723176502e+4932', '1.18973149535723176502e+4932')).toBe('not finite');
  });

  it('adds integers exactly', () => {
    const a = longDoubleFromInteger(9223372036854775807n);
    expect(formatLongDoubleHuman(addLongDouble(a, longDoubleFromInteger(0n)))).toBe('9223372036854775807');
    expect(formatLongDoubleHuman(addLongDouble(longDoubleFromInteger(-5n), longDoubleFromInteger(5n)))).toBe('0');
  });
});

describe('writeDecimal', () => {
  const text = (n: number): string => {
    const b = new Uint8Array(32);
    const end = writeDecimal(b, 3, n);
    return Buffer.from(b.subarray(3, end)).toString('latin1');
  };

  it('prints integers as String() does, at an offset', () => {
    for (const n of [0, -0, 1, -1, 9, 10, -10, 99, 100, 101, 12345, -98765, 2 ** 31, -(2 ** 31), 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(text(n)).toBe(String(n === 0 ? 0 : n));
    }
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const digits = 1 + (seed % 16);
      const n = Math.floor(Math.random() * 10 ** digits) * (seed & 1 ? -1 : 1);
      expect(text(n)).toBe(String(n === 0 ? 0 : n));
    }
  });

  it('prints both sides of the int32 and power-of-ten boundaries', () => {
    const edges: number[] = [];
    for (let p = 1; p <= 15; p++) edges.push(10 ** p - 1, 10 ** p, 10 ** p + 1);
    edges.push(2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32);
    for (const n of edges) {
      expect(text(n)).toBe(String(n));
      expect(text(-n)).toBe(String(-n));
    }
  });

  it('prints doubles beyond 2^53 as String() does', () => {
    expect(text(2 ** 53 + 2)).toBe(String(2 ** 53 + 2));
    expect(text(-(2 ** 60))).toBe(String(-(2 ** 60)));
  });
});

describe('decimalLength', () => {
  it('is the number of bytes writeDecimal writes', () => {
    const b = new Uint8Array(32);
    const values: number[] = [0, 1, -1, 9, -9, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31 - 1, -(2 ** 31), 2 ** 31];
    for (let p = 1; p <= 15; p++) values.push(10 ** p - 1, 10 ** p, -(10 ** p - 1), -(10 ** p));
    for (const n of values) {
      expect(decimalLength(n), String(n)).toBe(writeDecimal(b, 0, n));
      expect(decimalLength(n), String(n)).toBe(String(n).length);
    }
  });
});
