/**
 * The execution modes every integration test runs in: inline and worker threads, each parser. The
 * native-parser modes serve connections on the addon's I/O set (config `io native`, the default),
 * the TypeScript-parser modes through Node's streams (`io node`), so both paths stay tested.
 */
import fs from 'node:fs';
import { beforeAll, afterAll } from 'vitest';
import { RawClient } from '../oracle/resp-client.js';
import { startRedis, type RedisProcess } from '../oracle/redis-server.js';

export interface Mode {
  name: string;
  options: Record<string, string | number>;
}

/** The native parser where the addon is built (CI builds it), else 'auto' (the TypeScript twin). */
const NATIVE = fs.existsSync(new URL('../../native/tessera.node', import.meta.url)) ? 'native' : 'auto';

export const MODES: Mode[] = [
  { name: `inline (--threads 0), ${NATIVE} parser, native io`, options: { threads: 0, parser: NATIVE, io: 'native' } },
  { name: `workers (--threads 2), ${NATIVE} parser, native io`, options: { threads: 2, parser: NATIVE, io: 'native' } },
  { name: 'inline, TypeScript parser, node io', options: { threads: 0, parser: 'typescript', io: 'node' } },
  { name: 'workers, TypeScript parser, node io', options: { threads: 2, parser: 'typescript', io: 'node' } },
];

export async function startTessera(options: Record<string, string | number>): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const mod = (await import('../../dist/index.js')) as typeof import('../../src/index.js');
  return mod.startServer({ port: 0, bind: '127.0.0.1', loglevel: 'warning', 'enable-debug-command': 'yes', ...options });
}

/**
 * A real redis-server and a Tessera started with `options`, with one raw connection to each, for
 * tests that compare the two: registers beforeAll/afterAll in the calling describe block; the
 * returned connections are set once beforeAll has run.
 */
export function redisAndTessera(options: Record<string, string | number>): { redis: RawClient; tessera: RawClient } {
  const pair = {} as { redis: RawClient; tessera: RawClient };
  let redisProc: RedisProcess | undefined;
  let server: Awaited<ReturnType<typeof startTessera>> | undefined;
  beforeAll(async () => {
    redisProc = await startRedis();
    server = await startTessera(options);
    pair.redis = await RawClient.connect(redisProc.port);
    pair.tessera = await RawClient.connect(server.port);
  });
  afterAll(async () => {
    pair.redis?.close();
    pair.tessera?.close();
    await server?.close();
    await redisProc?.close();
  });
  return pair;
}
