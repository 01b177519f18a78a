/** The execution modes every integration test runs in: inline and worker threads, each parser. */
import fs from 'node:fs';

export interface Mode {
  name: string;
  options: Record<string, string | number>;
}

/** The native parser where the addon is built (CI builds it), else 'auto' (the TypeScript twin). */
const NATIVE = fs.existsSync(new URL('../../native/tessera.node', import.meta.url)) ? 'native' : 'auto';

export const MODES: Mode[] = [
  { name: `inline (--threads 0), ${NATIVE} parser`, options: { threads: 0, parser: NATIVE } },
  { name: `workers (--threads 2), ${NATIVE} parser`, options: { threads: 2, parser: NATIVE } },
  { name: 'inline, TypeScript parser', options: { threads: 0, parser: 'typescript' } },
  { name: 'workers, TypeScript parser', options: { threads: 2, parser: 'typescript' } },
];

export async function startTessera(options: Record<string, string | number>): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const mod = (await import('../../dist/index.js')) as typeof import('../../src/index.js');
  return mod.startServer({ port: 0, bind: '127.0.0.1', loglevel: 'warning', 'enable-debug-command': 'yes', ...options });
}
