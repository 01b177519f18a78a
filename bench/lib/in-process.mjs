/**
 * A Tessera server in this process (--threads 0) with one connection whose socket is a stand-in,
 * fed through the same entry point a socket read uses: for the in-process benchmarks
 * (exec-path.mjs, zadd-large.mjs), which measure the server's own CPU per command.
 */

/** A command in RESP, from string arguments. */
export const resp = (...parts) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;

/** redis-benchmark's `__rand_int__` formatting: 12 digits, zero-padded. */
export const pad = (n) => String(n).padStart(12, '0');

/** A socket stand-in: takes every write at once, as an idle loopback socket does. */
function stubSocket() {
  return {
    bytes: 0,
    /** Error replies seen (a '-' opening a reply): the benchmark's commands must all succeed. */
    errors: 0,
    writableLength: 0,
    remoteAddress: '127.0.0.1',
    remotePort: 40000,
    localAddress: '127.0.0.1',
    localPort: 6379,
    remoteFamily: 'IPv4',
    write(chunk) {
      this.bytes += chunk.length;
      if (chunk[0] === 45) this.errors++;
      for (let i = chunk.indexOf(10); i >= 0 && i + 1 < chunk.length; i = chunk.indexOf(10, i + 1)) if (chunk[i + 1] === 45) this.errors++;
      return true;
    },
    setNoDelay() {},
    setKeepAlive() {},
    on() {},
    end() {},
    destroy() {},
  };
}

/**
 * A server built from dist's Config and Server classes, its stand-in socket, and `feed(buf)`, which
 * hands `buf` to the server as one socket read.
 */
export function inProcessServer(Config, Server) {
  const config = new Config();
  config.setFromText('threads', '0', true);
  config.setFromText('port', '0', true);
  const server = new Server(config);
  const socket = stubSocket();
  const client = server.accept(socket, false);
  return { server, socket, feed: (buf) => server.onData(client, buf, buf.length) };
}
