import { describe, expect, it } from 'vitest';
import { TouchedClients } from '../../src/server/touched-clients.js';
import type { Client } from '../../src/server/client.js';

const client = (id: number): Client => ({ id, dirtyOutput: false }) as unknown as Client;

describe('TouchedClients', () => {
  it('visits each touched client once, in first-touch order, and skips removed ones', () => {
    const t = new TouchedClients();
    const [a, b, c] = [client(1), client(2), client(3)];
    t.add(b);
    t.add(a);
    t.add(b);
    t.add(c);
    t.delete(a);
    expect(t.has(b)).toBe(true);
    expect(t.has(a)).toBe(false);
    const seen: number[] = [];
    t.drain((x) => seen.push(x.id));
    expect(seen).toEqual([2, 3]);
    expect(t.size).toBe(0);
    expect([a, b, c].map((x) => x.dirtyOutput)).toEqual([false, false, false]);
  });

  it('visits clients added while draining in the same pass, and starts clean for the next batch', () => {
    const t = new TouchedClients();
    const [a, b, c] = [client(1), client(2), client(3)];
    for (let round = 0; round < 3; round++) {
      t.add(a);
      const seen: number[] = [];
      t.drain((x) => {
        seen.push(x.id);
        if (seen.length === 1) t.add(b);
        if (seen.length === 2) {
          t.add(a); // visited already in this pass: new output, so it is visited again
          t.add(c);
        }
      });
      expect(seen).toEqual([1, 2, 1, 3]);
      expect(t.size).toBe(0);
    }
  });

  it('a client removed and touched again is visited once', () => {
    const t = new TouchedClients();
    const a = client(1);
    t.add(a);
    t.delete(a);
    t.add(a);
    const seen: number[] = [];
    t.drain((x) => seen.push(x.id));
    expect(seen).toEqual([1]);
  });
});
