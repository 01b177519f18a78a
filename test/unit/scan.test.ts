/**
 * SCAN over the sharded keyspace: cursor parsing (strtoul's rules) and, against a running Tessera in
 * every execution mode, the guarantee that a full iteration returns every key present for its whole
 * duration, even when tables grow and shrink between calls.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parseCursor, scanCursor } from '../../src/commands/scan-cursor.js';
import { RawClient, elements } from '../oracle/resp-client.js';
import { MODES, startTessera } from '../integration/modes.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function cursorOf(text: string): string | null {
  const buf = b(text);
  if (!parseCursor(buf, 0, buf.length)) return null;
  return ((BigInt(scanCursor.hi) << 32n) | BigInt(scanCursor.lo)).toString();
}

describe('SCAN cursor parsing', () => {
  it('accepts decimal cursors up to 2^64-1', () => {
    expect(cursorOf('0')).toBe('0');
    expect(cursorOf('12345')).toBe('12345');
    expect(cursorOf('4294967296')).toBe('4294967296');
    expect(cursorOf('18446744073709551615')).toBe('18446744073709551615');
    expect(cursorOf('18446744073709551616')).toBeNull();
  });

  it('follows strtoul: signs, wrap-around of negatives, leading zeros, empty text', () => {
    expect(cursorOf('+7')).toBe('7');
    expect(cursorOf('-1')).toBe('18446744073709551615');
    expect(cursorOf('-0')).toBe('0');
    expect(cursorOf('007')).toBe('7');
    expect(cursorOf('')).toBe('0');
    expect(cursorOf('-18446744073709551615')).toBe('1');
    expect(cursorOf('-18446744073709551616')).toBeNull();
  });

  it('rejects spaces, trailing bytes and bare signs, but stops at a NUL byte', () => {
    expect(cursorOf(' 1')).toBeNull();
    expect(cursorOf('\t1')).toBeNull();
    expect(cursorOf('1 ')).toBeNull();
    expect(cursorOf('1x')).toBeNull();
    expect(cursorOf('0x10')).toBeNull();
    expect(cursorOf('-')).toBeNull();
    expect(cursorOf('+')).toBeNull();
    expect(cursorOf('5\x00junk')).toBe('5');
    expect(cursorOf('\x005')).toBe('0');
  });
});

/** Decodes an array of bulk strings (raw RESP element bytes) to latin1 strings. */
function bulks(raw: Buffer[]): string[] {
  return raw.map((r) => r.toString('latin1', r.indexOf(10) + 1, r.length - 2));
}

async function scanPage(c: RawClient, cursor: string, extra: string[] = []): Promise<{ cursor: string; keys: string[] }> {
  const reply = await c.call([b('SCAN'), b(cursor), ...extra.map(b)]);
  const top = elements(reply);
  if (top === null) throw new Error(`unexpected SCAN reply ${reply.toString('latin1')}`);
  return { cursor: bulks([top[0]])[0], keys: bulks(elements(top[1])!) };
}

async function fill(c: RawClient, prefix: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 500) {
    const args = [b('MSET')];
    for (let k = i; k < Math.min(to, i + 500); k++) args.push(b(`${prefix}${k}`), b('v'));
    await c.call(args);
  }
}

async function remove(c: RawClient, prefix: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 500) {
    const args = [b('DEL')];
    for (let k = i; k < Math.min(to, i + 500); k++) args.push(b(`${prefix}${k}`));
    await c.call(args);
  }
}

for (const mode of MODES.filter((m) => !m.options.parser)) {
  describe(`SCAN over every shard, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let c: RawClient;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      c = await RawClient.connect(server.port);
    });
    afterAll(async () => {
      c?.close();
      await server?.close();
    });

    it('returns every key of a static keyspace, with the union equal to KEYS *', async () => {
      await c.call([b('FLUSHALL')]);
      await fill(c, 'k:', 0, 3000);
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const page = await scanPage(c, cursor, ['COUNT', '37']);
        for (const k of page.keys) seen.add(k);
        cursor = page.cursor;
        calls++;
      } while (cursor !== '0' && calls < 100000);
      expect(cursor).toBe('0');
      expect(seen.size).toBe(3000);
      const all = bulks(elements(await c.call([b('KEYS'), b('*')]))!);
      expect([...seen].sort()).toEqual(all.sort());
    });

    it('returns every stable key while tables grow and then shrink mid-scan', async () => {
      await c.call([b('FLUSHALL')]);
      await fill(c, 'stable:', 0, 2000);
      await fill(c, 'doomed:', 0, 2000);
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const page = await scanPage(c, cursor, ['COUNT', '20']);
        for (const k of page.keys) seen.add(k);
        cursor = page.cursor;
        calls++;
        if (calls === 5) await fill(c, 'grow:', 0, 20000); // every shard's table doubles a few times
        if (calls === 40) {
          await remove(c, 'grow:', 0, 20000); // and shrinks back
          await remove(c, 'doomed:', 0, 2000);
        }
        if (calls === 60) await fill(c, 'late:', 0, 5000);
      } while (cursor !== '0' && calls < 100000);
      expect(cursor).toBe('0');
      const missing: string[] = [];
      for (let i = 0; i < 2000; i++) if (!seen.has(`stable:${i}`)) missing.push(`stable:${i}`);
      expect(missing).toEqual([]);
    });

    it('applies MATCH and TYPE across a full iteration', async () => {
      await c.call([b('FLUSHALL')]);
      await fill(c, 'a:', 0, 500);
      await fill(c, 'b:', 0, 500);
      await c.call([b('RPUSH'), b('a:list'), b('x')]);
      const byMatch = new Set<string>();
      const byType = new Set<string>();
      for (const [extra, into] of [
        [['MATCH', 'a:*', 'COUNT', '15'], byMatch],
        [['TYPE', 'list', 'COUNT', '15'], byType],
      ] as const) {
        let cursor = '0';
        do {
          const page = await scanPage(c, cursor, [...extra]);
          for (const k of page.keys) into.add(k);
          cursor = page.cursor;
        } while (cursor !== '0');
      }
      expect(byMatch.size).toBe(501);
      for (const k of byMatch) expect(k.startsWith('a:')).toBe(true);
      expect([...byType]).toEqual(['a:list']);
    });

    it('ends at once on an empty database and on a cursor past the last shard', async () => {
      await c.call([b('FLUSHALL')]);
      expect(await scanPage(c, '0', ['COUNT', '1'])).toEqual({ cursor: '0', keys: [] });
      await fill(c, 'k', 0, 10);
      expect(await scanPage(c, String(2 ** 40))).toEqual({ cursor: '0', keys: [] });
      expect(await scanPage(c, '18446744073709551615')).toEqual({ cursor: '0', keys: [] });
    });
  });
}
