/**
 * A minimal RESP client for tests: sends commands as multibulk and returns each reply's raw bytes,
 * so replies from Redis and Tessera can be compared byte for byte.
 */
import net from 'node:net';

export class RawClient {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting: Array<{ resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private closedError: Error | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d) => {
      this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
      this.pump();
    });
    const fail = (e: Error) => {
      this.closedError = e;
      for (const w of this.waiting.splice(0)) {
        clearTimeout(w.timer);
        w.reject(e);
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => {
        s.off('error', reject);
        resolve(new RawClient(s));
      });
      s.once('error', reject);
    });
  }

  /** Sends one command and resolves with its reply's raw bytes. */
  call(args: Buffer[], timeoutMs = 10000): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
    const p = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({ resolve, reject, timer });
    });
    this.socket.write(Buffer.concat(parts));
    return p;
  }

  close(): void {
    this.socket.destroy();
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  private pump(): void {
    for (;;) {
      if (this.buffer.length === 0) return;
      const end = replyEnd(this.buffer, 0);
      if (end < 0) return;
      const reply = this.buffer.subarray(0, end);
      this.buffer = this.buffer.subarray(end);
      // RESP3 push messages (invalidations, pub/sub) are not replies to a command.
      if (reply[0] === 62) continue;
      const w = this.waiting.shift();
      if (!w) continue;
      clearTimeout(w.timer);
      w.resolve(Buffer.from(reply));
    }
  }
}

/** Offset just past the RESP value starting at `pos`, or -1 when incomplete. */
export function replyEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const nl = buf.indexOf(10, pos);
  if (nl < 0) return -1;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, nl - 1);
  switch (type) {
    case 43: // +
    case 45: // -
    case 58: // :
    case 95: // _
    case 35: // #
    case 44: // ,
    case 40: // (
      return nl + 1;
    case 36: // $
    case 61: // =
    case 33: {
      // !
      const n = Number(line);
      if (n < 0) return nl + 1;
      return nl + 1 + n + 2 <= buf.length ? nl + 1 + n + 2 : -1;
    }
    case 42: // *
    case 126: // ~
    case 62: // >
    case 37: // %
    case 124: {
      // |
      let n = Number(line);
      if (n < 0) return nl + 1;
      if (type === 37 || type === 124) n *= 2;
      let p = nl + 1;
      for (let i = 0; i < n; i++) {
        p = replyEnd(buf, p);
        if (p < 0) return -1;
      }
      return type === 124 ? replyEnd(buf, p) : p;
    }
    default:
      throw new Error(`bad RESP type byte ${type} in ${JSON.stringify(buf.toString('latin1', pos, Math.min(buf.length, pos + 40)))}`);
  }
}

/** The elements' raw bytes of an aggregate reply (array, set, map pairs flattened), or null. */
export function elements(reply: Buffer): Buffer[] | null {
  const type = reply[0];
  if (type !== 42 && type !== 126 && type !== 37) return null;
  const nl = reply.indexOf(10);
  let n = Number(reply.toString('latin1', 1, nl - 1));
  if (n < 0) return null;
  if (type === 37) n *= 2;
  const out: Buffer[] = [];
  let p = nl + 1;
  for (let i = 0; i < n; i++) {
    const e = replyEnd(reply, p);
    out.push(reply.subarray(p, e));
    p = e;
  }
  return out;
}
