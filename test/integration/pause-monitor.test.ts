import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Redis from 'ioredis';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MODES, startTessera } from './modes.js';

/** field -> number of INFO's `tessera_*` lines. */
function pauseFields(info: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of info.split('\r\n')) {
    if (line.startsWith('tessera_')) {
      const at = line.indexOf(':');
      out[line.slice(0, at)] = Number(line.slice(at + 1));
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Inline and workers, native parser: the monitor watches the main thread in both.
for (const mode of MODES.slice(0, 2)) {
  describe(`INFO stats reports event-loop and GC pauses, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let r: Redis;
    beforeAll(async () => {
      server = await startTessera(mode.options);
      r = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 });
      await r.connect();
    });
    afterAll(async () => {
      r.disconnect();
      await server.close();
    });

    it('lists the seven tessera_ fields in the stats section, as integers', async () => {
      const f = pauseFields(await r.info('stats'));
      expect(Object.keys(f)).toEqual([
        'tessera_eventloop_delay_max_usec',
        'tessera_eventloop_delay_p99_usec',
        'tessera_eventloop_busy_max_usec',
        'tessera_gc_pauses',
        'tessera_gc_pause_total_usec',
        'tessera_gc_pause_max_usec',
        'tessera_gc_major_pause_max_usec',
      ]);
      for (const v of Object.values(f)) expect(Number.isInteger(v) && v >= 0).toBe(true);
    });

    it('measures a blocked event loop (DEBUG SLEEP) and forgets it on CONFIG RESETSTAT', async () => {
      // DEBUG SLEEP blocks without using the CPU: a stall, but not a busy one.
      await r.config('RESETSTAT');
      await r.call('DEBUG', 'SLEEP', '0.15');
      await sleep(40); // the loop-delay timer records the stall on its next tick
      const blocked = pauseFields(await r.info('stats'));
      expect(blocked.tessera_eventloop_delay_max_usec).toBeGreaterThanOrEqual(140_000);
      expect(blocked.tessera_eventloop_delay_max_usec).toBeLessThan(5_000_000);
      // Inline, the process is idle while DEBUG SLEEP waits; with workers their CPU time counts too.
      if (mode.options.threads === 0) expect(blocked.tessera_eventloop_busy_max_usec).toBeLessThan(blocked.tessera_eventloop_delay_max_usec / 2);
      expect(blocked.tessera_eventloop_busy_max_usec).toBeLessThanOrEqual(blocked.tessera_eventloop_delay_max_usec + 1);
      await r.config('RESETSTAT');
      await sleep(40);
      const after = pauseFields(await r.info('stats'));
      expect(after.tessera_eventloop_delay_max_usec).toBeLessThan(blocked.tessera_eventloop_delay_max_usec);
    });

    it('measures a busy stall: the loop blocked by work on the CPU', async () => {
      await r.config('RESETSTAT');
      // This process hosts the server: spin on its event loop for 120 ms.
      const until = performance.now() + 120;
      let spins = 0;
      while (performance.now() < until) spins++;
      expect(spins).toBeGreaterThan(0);
      await sleep(40);
      const f = pauseFields(await r.info('stats'));
      expect(f.tessera_eventloop_delay_max_usec).toBeGreaterThanOrEqual(100_000);
      // CPU time is at most the wall time; a busy machine takes some of it away (DEBUG SLEEP's is ~0).
      expect(f.tessera_eventloop_busy_max_usec).toBeGreaterThanOrEqual(10_000);
      expect(f.tessera_eventloop_busy_max_usec).toBeLessThanOrEqual(f.tessera_eventloop_delay_max_usec + 1);
    });

    it('counts garbage collections of the main thread, their total and longest pause', async () => {
      await r.config('RESETSTAT');
      // The server shares this process's heap: make garbage until V8 collects.
      let keep = 0;
      for (let round = 0; round < 20; round++) {
        const junk: number[][] = [];
        for (let i = 0; i < 50_000; i++) junk.push([i, i + 1, i + 2]);
        keep += junk.length;
        await sleep(1);
      }
      expect(keep).toBe(1_000_000);
      await sleep(20); // GC entries are delivered asynchronously
      const f = pauseFields(await r.info('stats'));
      expect(f.tessera_gc_pauses).toBeGreaterThan(0);
      expect(f.tessera_gc_pause_max_usec).toBeGreaterThan(0);
      expect(f.tessera_gc_pause_total_usec).toBeGreaterThanOrEqual(f.tessera_gc_pause_max_usec);
      await r.config('RESETSTAT');
      const reset = pauseFields(await r.info('stats'));
      expect(reset.tessera_gc_pauses).toBeLessThan(f.tessera_gc_pauses);
    });

    it('keeps the longest pause that was not a scavenge apart: a forced mark-compact', async () => {
      await r.config('RESETSTAT');
      // This process hosts the server: a full collection of its heap is one of the server's.
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc') as () => void;
      gc();
      await sleep(20); // GC entries are delivered asynchronously
      const f = pauseFields(await r.info('stats'));
      expect(f.tessera_gc_major_pause_max_usec).toBeGreaterThan(0);
      expect(f.tessera_gc_major_pause_max_usec).toBeLessThanOrEqual(f.tessera_gc_pause_max_usec);
      await r.config('RESETSTAT');
      expect(pauseFields(await r.info('stats')).tessera_gc_major_pause_max_usec).toBe(0);
    });
  });
}
