import { Args } from '../../src/protocol/args.js';

/** Args over the latin1 bytes of `parts`, as the parser would lay out one command. */
export function argsOf(...parts: string[]): Args {
  const bytes = Buffer.from(parts.join(''), 'latin1');
  const words = new Uint32Array(parts.length * 2);
  let offset = 0;
  parts.forEach((p, i) => {
    words[2 * i] = offset;
    words[2 * i + 1] = p.length;
    offset += p.length;
  });
  return new Args().reset(new Uint8Array(bytes), words, 0, parts.length);
}
