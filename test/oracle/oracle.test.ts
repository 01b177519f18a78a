/**
 * The oracle: every script in cases/ runs against a real redis-server 7 and against Tessera in each
 * execution mode; replies must be identical (byte for byte unless the step says otherwise).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawClient, elements } from './resp-client.js';
import { parseScript, type OracleTest, type Step } from './script.js';
import { redisAvailable, startRedis, type RedisProcess } from './redis-server.js';
import { MODES, startTessera } from '../integration/modes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const casesDir = path.join(here, 'cases');
const files = fs
  .readdirSync(casesDir)
  .filter((f) => f.endsWith('.oracle'))
  .sort();
const scripts = files.map((f) => ({ file: f, tests: parseScript(fs.readFileSync(path.join(casesDir, f), 'utf8'), f) }));
const haveRedis = redisAvailable();
if (!haveRedis) console.warn('oracle tests SKIPPED: redis-server is not installed (apt-get install -y redis-server redis-tools)');

const RESET: Buffer[][] = [['FLUSHALL'], ['SELECT', '0'], ['HELLO', '2']].map((c) => c.map((a) => Buffer.from(a)));

function show(b: Buffer): string {
  const text = JSON.stringify(b.toString('latin1'));
  return text.length > 2000 ? `${text.slice(0, 2000)}... (${b.length} bytes)` : text;
}

function compared(step: Step, reply: Buffer): string {
  if (step.directive === 'sorted') {
    const els = elements(reply);
    if (els === null) return show(reply);
    return `${String.fromCharCode(reply[0])}${els.length} ` + els.map((e) => show(e)).sort().join(',');
  }
  if (step.directive === 'type') {
    const els = elements(reply);
    return String.fromCharCode(reply[0]) + (els === null ? '' : String(els.length));
  }
  return show(reply);
}

async function runTest(test: OracleTest, redis: RawClient, tessera: RawClient): Promise<void> {
  for (const c of RESET) {
    await redis.call(c);
    await tessera.call(c);
  }
  for (const step of test.steps) {
    if (step.directive === 'sleep') {
      await new Promise((r) => setTimeout(r, Number(step.args[0].toString())));
      continue;
    }
    const expected = await redis.call(step.args);
    const actual = await tessera.call(step.args);
    if (step.directive === 'ignore') continue;
    expect(compared(step, actual), `line ${step.line}: ${step.text.length > 160 ? step.text.slice(0, 160) + '...' : step.text}`).toBe(compared(step, expected));
  }
}

for (const mode of MODES) {
  describe.skipIf(!haveRedis)(`oracle, ${mode.name}`, () => {
    let redisProc: RedisProcess;
    let server: Awaited<ReturnType<typeof startTessera>>;
    beforeAll(async () => {
      redisProc = await startRedis();
      server = await startTessera(mode.options);
    });
    afterAll(async () => {
      await server?.close();
      await redisProc?.close();
    });
    for (const { file, tests } of scripts) {
      describe(file, () => {
        let redis: RawClient;
        let tessera: RawClient;
        beforeAll(async () => {
          redis = await RawClient.connect(redisProc.port);
          tessera = await RawClient.connect(server.port);
        });
        afterAll(() => {
          redis?.close();
          tessera?.close();
        });
        for (const test of tests) {
          it(test.title, async () => {
            // A test that ended its connection (QUIT, a protocol error) does not break the next one.
            if (redis.closed) redis = await RawClient.connect(redisProc.port);
            if (tessera.closed) tessera = await RawClient.connect(server.port);
            await runTest(test, redis, tessera);
          });
        }
      });
    }
  });
}
