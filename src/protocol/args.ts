/**
 * A command's arguments as byte ranges: no JS object per argument.
 *
 * `words` holds, from index `base`, argc pairs (offset, length) into `buf`: the layout the RESP parser
 * (native and TypeScript) writes. Argument 0 is the command name. The view is reused across commands
 * (`reset`), so handlers must not keep it past their return.
 */
export class Args {
  buf: Uint8Array = new Uint8Array(0);
  words: Uint32Array = new Uint32Array(0);
  base = 0;
  argc = 0;

  reset(buf: Uint8Array, words: Uint32Array, base: number, argc: number): this {
    this.buf = buf;
    this.words = words;
    this.base = base;
    this.argc = argc;
    return this;
  }

  offset(i: number): number {
    return this.words[this.base + 2 * i];
  }

  length(i: number): number {
    return this.words[this.base + 2 * i + 1];
  }

  /** A view (no copy) of argument i; valid only while the command runs. */
  bytes(i: number): Uint8Array {
    const o = this.words[this.base + 2 * i];
    return this.buf.subarray(o, o + this.words[this.base + 2 * i + 1]);
  }

  /**
   * A copy of argument i, for values that outlive the command. (Not `bytes(i).slice()`: on a Buffer,
   * slice is a view, and connections' reads share one buffer.)
   */
  copy(i: number): Uint8Array {
    return new Uint8Array(this.bytes(i));
  }

  /** Argument i as a JS string (latin1, so any byte string round-trips). Allocates: use where semantics need it. */
  string(i: number): string {
    const o = this.words[this.base + 2 * i];
    return latin1(this.buf, o, o + this.words[this.base + 2 * i + 1]);
  }

  /** Argument i as UTF-8 text, for names shown to people (error messages, client names). */
  text(i: number): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + this.offset(i), this.length(i)).toString('utf8');
  }

  /** Case-insensitive comparison with a lowercase ASCII token, without allocating. */
  is(i: number, lowerToken: string): boolean {
    const n = this.words[this.base + 2 * i + 1];
    if (n !== lowerToken.length) return false;
    const o = this.words[this.base + 2 * i];
    const b = this.buf;
    for (let k = 0; k < n; k++) {
      let c = b[o + k];
      if (c >= 65 && c <= 90) c |= 0x20;
      if (c !== lowerToken.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Lowercased argument i as a string: for subcommand names and option tokens. */
  lower(i: number): string {
    return this.string(i).toLowerCase();
  }
}

/**
 * An Args over its own copy of the bytes, for commands kept past their read (MULTI's queue, blocked
 * commands): one buffer for all arguments, one words array.
 */
export function ownedCopy(args: Args): Args {
  let bytes = 0;
  for (let i = 0; i < args.argc; i++) bytes += args.length(i);
  const buf = new Uint8Array(bytes);
  const words = new Uint32Array(2 * args.argc);
  let pos = 0;
  for (let i = 0; i < args.argc; i++) {
    const o = args.offset(i);
    const n = args.length(i);
    buf.set(args.buf.subarray(o, o + n), pos);
    words[2 * i] = pos;
    words[2 * i + 1] = n;
    pos += n;
  }
  return new Args().reset(buf, words, 0, args.argc);
}

/** Bytes as a latin1 string: every byte maps to one UTF-16 unit and back. */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}
