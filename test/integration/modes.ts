/**
 * The execution modes every integration test runs in: inline and worker threads, each parser. The
 * native-parser modes serve connections on the addon's I/O set (config `io native`, the default),
 * the TypeScript-parser modes through Node's streams (`io node`), so both paths stay tested.
 */
import fs from 'node:fs';

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
