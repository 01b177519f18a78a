import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { MODES, startTessera } from '../integration/modes.js';
import { fuzzRandom as rng } from '../unit/prng.js';

const SEEDS = [
  '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n',
  '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n',
  '*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n',
  'PING\r\n',
  'SET "quoted \\x41" \'single\'\r\n',
  '*2\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n',
  '*4\r\n$6\r\nSETEX\r\n$1\r\nk\r\n$2\r\n10\r\n$1\r\nv\r\n',
];

function mutate(r: () => number): Buffer {
  const base = Buffer.from(SEEDS[Math.floor(r() * SEEDS.length)] + SEEDS[Math.floor(r() * SEEDS.length)]);
  const out = Buffer.from(base);
  const edits = 1 + Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const pos = Math.floor(r() * out.length);
    const what = r();
    if (what < 0.4) out[pos] = Math.floor(r() * 256);
    else if (what < 0.6) out[pos] = '0123456789-*$\r\n '.charCodeAt(Math.floor(r() * 16));
    else if (what < 0.8) return Buffer.concat([out.subarray(0, pos), out.subarray(pos + 1)]);
    else return Buffer.concat([out.subarray(0, pos), Buffer.from(String(Math.floor(r() * 1e6))), out.subarray(pos)]);
  }
  return out;
}

function send(port: number, payload: Buffer, waitMs: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(payload));
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined);
    const done = () => {
      s.destroy();
      resolve(Buffer.concat(chunks));
    };
    s.on('close', done);
    setTimeout(done, waitMs);
  });
}

for (const mode of MODES) {
  describe(`protocol fuzzing, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    beforeAll(async () => {
      server = await startTessera(mode.options);
    });
    afterAll(async () => {
      await server.close();
    });

    it('survives random and mutated RESP and still answers PING', async () => {
      const seed = 20261124 + mode.name.length;
      const r = rng(seed);
      for (let round = 0; round < 150; round++) {
        const payload =
          round % 3 === 0 ? Buffer.from(Array.from({ length: 1 + Math.floor(r() * 200) }, () => Math.floor(r() * 256))) : mutate(r);
        await send(server.port, payload, 15);
      }
      const pong = await send(server.port, Buffer.from('*1\r\n$4\r\nPING\r\n'), 300);
      expect(pong.toString(), `seed ${seed}`).toBe('+PONG\r\n');
    });
  });
}
