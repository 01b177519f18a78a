/**
 * The addon's process memory functions (native/src/process_memory.rs). releaseFilePages acts on the
 * whole process running the test, which is the point: afterwards node must still run every kind of
 * code (the dropped pages are clean file pages that come back on use).
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { loadNative } from '../../src/native/loader.js';

const addon = loadNative();
const linuxWithAddon = process.platform === 'linux' && typeof addon?.releaseFilePages === 'function';

function statusKb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]);
}

describe.skipIf(!linuxWithAddon)('process memory (addon)', () => {
  it('releaseFilePages drops resident file pages and the process keeps working', () => {
    const before = statusKb('RssFile');
    const released = addon!.releaseFilePages!();
    const after = statusKb('RssFile');
    expect(released).toBeGreaterThan(1024 * 1024);
    expect(released).toBeLessThanOrEqual(before * 1024 + 1024 * 1024);
    expect(after).toBeLessThan(before);
    // Code in node's binary that ran before the release runs again: compression, hashing, regexps,
    // JSON, the compilers (a fresh function made hot).
    const input = Buffer.alloc(100_000, 'tessera ');
    expect(zlib.inflateSync(zlib.deflateSync(input)).equals(input)).toBe(true);
    expect(crypto.createHash('sha1').update('abc').digest('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(/^(\w+)-(\d+)$/.exec('key-42')?.[2]).toBe('42');
    expect(JSON.parse(JSON.stringify({ a: [1, 2, { b: 'c' }] }))).toEqual({ a: [1, 2, { b: 'c' }] });
    const hot = new Function('n', 'let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s;') as (n: number) => number;
    let total = 0;
    for (let i = 0; i < 2000; i++) total += hot(1000);
    expect(total).toBe(2000 * hot(1000));
  });

  it('mallocTrim answers a boolean and mallocOption sets a valid option', () => {
    const scratch: Buffer[] = [];
    for (let i = 0; i < 200; i++) scratch.push(Buffer.allocUnsafeSlow(10_000));
    scratch.length = 0;
    expect(typeof addon!.mallocTrim!()).toBe('boolean');
    // M_MXFAST (1) at glibc's 64-bit default of 128 bytes (a no-op): accepted (1) by glibc, 0 elsewhere.
    expect([0, 1]).toContain(addon!.mallocOption!(1, 128));
    expect(() => addon!.mallocOption!('x' as unknown as number, 1)).toThrow(TypeError);
  });
});
