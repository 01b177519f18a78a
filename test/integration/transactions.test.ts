import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';

for (const mode of MODES) {
  describe(`WATCH across connections, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let a: Redis;
    let b: Redis;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      a = new Redis({ port: server.port, host: '127.0.0.1' });
      b = new Redis({ port: server.port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      a.disconnect();
      b.disconnect();
      await server.close();
    });

    it('a change by another client fails the EXEC', async () => {
      await a.set('w:k', '1');
      await a.watch('w:k');
      await b.set('w:k', '2');
      expect(await a.multi().set('w:k', '3').exec()).toBeNull();
      expect(await a.get('w:k')).toBe('2');
    });

    it('a write by another client that changes nothing lets the EXEC run', async () => {
      await a.set('w:n', '1');
      await a.watch('w:n');
      expect(await b.set('w:n', 'x', 'NX')).toBeNull();
      expect(await a.multi().set('w:n', '3').exec()).toEqual([[null, 'OK']]);
    });

    it('a change to a key in another shard than the watched one does not fail it', async () => {
      await a.watch('{left}k');
      await b.set('{right}k', 'v');
      expect(await a.multi().get('{left}k').exec()).toEqual([[null, null]]);
    });

    it('FLUSHALL by another client fails the EXEC', async () => {
      await a.set('w:f', '1');
      await a.watch('w:f');
      await b.flushall();
      expect(await a.multi().ping().exec()).toBeNull();
    });
  });
}
