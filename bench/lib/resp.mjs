/**
 * Just enough RESP2 for the harness, over raw sockets: encoding commands, a one-shot `command()` for
 * INFO / CONFIG / PING, and `skipReply()`, which finds where a reply ends without building its value
 * (the load generators count replies, they do not read them).
 */
import net from 'node:net';

/** A command as RESP bytes. Arguments are strings or Buffers. */
export function encode(args) {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) {
    const s = typeof a === 'string' ? a : a.toString('latin1');
    parts.push(`$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

function lineEnd(buf, pos) {
  const i = buf.indexOf(13, pos);
  return i >= 0 && i + 1 < buf.length ? i : -1;
}

function intAt(buf, start, end) {
  return Number(buf.toString('latin1', start, end));
}

/** The offset just past the reply starting at `pos`, or -1 if `buf` does not hold all of it yet. */
export function skipReply(buf, pos) {
  if (pos >= buf.length) return -1;
  const cr = lineEnd(buf, pos);
  if (cr < 0) return -1;
  const type = buf[pos];
  if (type === 0x24 /* $ */) {
    const len = intAt(buf, pos + 1, cr);
    if (len < 0) return cr + 2;
    const end = cr + 2 + len + 2;
    return end <= buf.length ? end : -1;
  }
  if (type === 0x2a /* * */) {
    const n = intAt(buf, pos + 1, cr);
    let p = cr + 2;
    for (let i = 0; i < n; i++) {
      p = skipReply(buf, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return cr + 2; // + - :
}

/** The reply at `pos` as a value ({ value, end }), or null if incomplete. Errors become Error values. */
export function parseReply(buf, pos) {
  const cr = lineEnd(buf, pos);
  if (cr < 0) return null;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, cr);
  switch (type) {
    case 0x2b:
      return { value: line, end: cr + 2 };
    case 0x2d:
      return { value: new Error(line), end: cr + 2 };
    case 0x3a:
      return { value: Number(line), end: cr + 2 };
    case 0x24: {
      const len = Number(line);
      if (len < 0) return { value: null, end: cr + 2 };
      const end = cr + 2 + len + 2;
      if (end > buf.length) return null;
      return { value: buf.toString('utf8', cr + 2, cr + 2 + len), end };
    }
    case 0x2a: {
      const n = Number(line);
      if (n < 0) return { value: null, end: cr + 2 };
      const items = [];
      let p = cr + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}

/** Sends one command on a fresh connection and resolves with its reply; error replies reject. */
export function command(port, args, timeoutMs = 5000, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${args[0]} on port ${port}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const r = parseReply(buf, 0);
      if (r === null) return;
      clearTimeout(timer);
      socket.destroy();
      if (r.value instanceof Error) reject(r.value);
      else resolve(r.value);
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * A connection that streams pipelined commands and counts replies: `send(bytes, n)` writes n
 * commands, `drain()` resolves when every reply has arrived. For the memory loader.
 */
export async function openPipe(port, host = '127.0.0.1') {
  const socket = net.connect({ port, host, noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let pending = null;
  let outstanding = 0;
  let waiters = [];
  let errors = 0;
  let firstError = null;
  socket.on('data', (chunk) => {
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    let pos = 0;
    for (;;) {
      if (buf[pos] === 0x2d && firstError === null) {
        const cr = buf.indexOf(13, pos);
        if (cr > 0) firstError = buf.toString('latin1', pos + 1, cr);
      }
      const end = skipReply(buf, pos);
      if (end < 0) break;
      if (buf[pos] === 0x2d) errors++;
      outstanding--;
      pos = end;
    }
    pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
    if (outstanding <= 0 || waiters.length > 0) {
      const ready = waiters.filter((w) => outstanding <= w.atMost);
      waiters = waiters.filter((w) => outstanding > w.atMost);
      for (const w of ready) w.resolve();
    }
  });
  return {
    send(bytes, n) {
      outstanding += n;
      socket.write(bytes);
    },
    /** Resolves once at most `atMost` replies are outstanding. */
    until(atMost) {
      if (outstanding <= atMost) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ atMost, resolve }));
    },
    get errors() {
      return { count: errors, first: firstError };
    },
    close() {
      socket.destroy();
    },
  };
}
