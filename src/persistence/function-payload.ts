/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads (Redis 7.0 functions.c functionDumpCommand,
 * functionRestoreCommand; cluster.c createDumpPayload, verifyDumpPayload):
 *
 *   for each library: RDB_OPCODE_FUNCTION2 (245), the library code as an RDB string
 *   then the RDB version, 2 bytes little-endian (10 for Redis 7.0)
 *   then the CRC-64 of everything before it, 8 bytes little-endian
 *
 * A payload with a higher RDB version or a wrong CRC is refused as a whole.
 */
import { RdbReader, RdbWriter } from './rdb-string.js';
import { finishDumpPayload, RDB_VERSION, verifyDumpPayload } from './dump-payload.js';

export { RDB_VERSION, verifyDumpPayload };

/** RDB opcodes and version: persisted values, never renumbered. */
export const RDB_OPCODE_FUNCTION2 = 245;
/**
 * The 7.0 release candidates' format: library name, engine name, a description indicator and the
 * description when it is not 0, then the code without its shebang line. Still read by 7.0.15.
 */
export const RDB_OPCODE_FUNCTION_PRE_GA = 246;

/** createDumpPayload for functions: `codes` are library bodies in dump order. */
export function dumpFunctions(codes: Iterable<Uint8Array>, compress: boolean): Uint8Array {
  const out = new RdbWriter();
  for (const code of codes) {
    out.byte(RDB_OPCODE_FUNCTION2);
    out.string(code, compress);
  }
  return finishDumpPayload(out);
}

/**
 * The library codes of a verified payload, in order, or the error text (without "ERR ") that
 * functionRestoreCommand answers for a malformed one.
 */
export function readFunctionsPayload(payload: Uint8Array): Uint8Array[] | { error: string } {
  // As in Redis, a string may run into the footer: only the loop stops 10 bytes before the end.
  const reader = new RdbReader(payload, 0, payload.length);
  const codes: Uint8Array[] = [];
  while (reader.pos < payload.length - 10) {
    const type = reader.byte();
    if (type === RDB_OPCODE_FUNCTION_PRE_GA) {
      const code = readPreGaLibrary(reader);
      if ('error' in code) return code;
      codes.push(code.code);
      continue;
    }
    if (type !== RDB_OPCODE_FUNCTION2) return { error: 'given type is not a function' };
    const code = reader.string();
    if (code === null) return { error: 'Failed loading library payload' };
    codes.push(code);
  }
  return codes;
}

/** One pre-GA library as the code Redis 7.0.15 loads: "#!<engine> name=<name>\n<code>"; the description is dropped. */
function readPreGaLibrary(reader: RdbReader): { code: Uint8Array } | { error: string } {
  const name = reader.string();
  if (name === null) return { error: 'Failed loading library name' };
  const engine = reader.string();
  if (engine === null) return { error: 'Failed loading engine name' };
  const hasDescription = reader.len();
  if (hasDescription === null) return { error: 'Failed loading library description indicator' };
  if (hasDescription !== 0 && reader.string() === null) return { error: 'Failed loading library description' };
  const body = reader.string();
  if (body === null) return { error: 'Failed loading library blob' };
  const header = Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n')]);
  return { code: Buffer.concat([header, body]) };
}
