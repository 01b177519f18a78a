/**
 * Starting and inspecting the servers under test: a real redis-server and Tessera (dist/cli.js), each
 * a child process on a free loopback port, so both are measured the same way (RSS from /proc, INFO
 * over a socket) and nothing runs in the harness's own process.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { command } from './resp.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const INSTALL_HINT =
  'Install Redis 7 (Debian/Ubuntu: `sudo apt-get install -y redis-server redis-tools`; redis-benchmark ' +
  'is in redis-tools) or put redis-server and redis-benchmark on PATH.';

/** Exits with a clear message when a required binary is missing. */
export function requireBinaries(...names) {
  const missing = names.filter((name) => {
    try {
      execFileSync('which', [name], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    console.error(`bench: ${missing.join(' and ')} not found. ${INSTALL_HINT}`);
    process.exit(2);
  }
  if (names.includes('redis-server')) {
    const v = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    const m = /v=(\d+)\./.exec(v);
    if (m && Number(m[1]) < 7) console.error(`bench: warning: ${v.trim()}; the comparison is meant for Redis 7.`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/cli.js'))) {
    console.error('bench: dist/cli.js not found; build first: npx tsc -p tsconfig.json (and npm run build:native)');
    process.exit(2);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(port, proc, name) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with code ${proc.exitCode} before accepting connections`);
    try {
      const reply = await command(port, ['PING'], 1000);
      if (reply === 'PONG') return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} on port ${port} did not answer PING within 20 s`);
}

/**
 * Starts one server. `kind` is 'redis' or 'tessera'; `threads` (Tessera only) is a number or
 * 'default' (no --threads flag: the server picks). Returns { name, kind, port, pid, stop() }.
 */
export async function startServer(kind, threads = 'default') {
  const port = await freePort();
  let proc;
  let name;
  if (kind === 'redis') {
    name = 'redis';
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
  } else {
    name = threads === 'default' ? 'tessera' : `tessera-t${threads}`;
    const args = [path.join(ROOT, 'dist/cli.js'), '--port', String(port), '--bind', '127.0.0.1', '--loglevel', 'notice', '--save', ''];
    if (threads !== 'default') args.push('--threads', String(threads));
    proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    // Keep the startup line (mode, shards, parser), drain the rest.
    let head = '';
    proc.stdout.on('data', (chunk) => {
      if (head.length < 4096) head += chunk.toString('utf8');
    });
    proc.startupLine = () => (/Tessera [^\n]*/.exec(head) ?? [''])[0];
  }
  const server = {
    name,
    kind,
    threads,
    port,
    pid: proc.pid,
    proc,
    /** Tessera's startup log line ("... inline mode (--threads 0), 16 shards, parser ..."). */
    describe: () => (proc.startupLine ? proc.startupLine() : ''),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitReady(port, proc, name);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** Stops every server (best effort), e.g. in a finally block or on SIGINT. */
export async function stopAll(servers) {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
}

/** The resident set size of a process in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

const CLK_TCK = 100; // Linux's USER_HZ for /proc times

/** CPU time (user + system, every thread) a process has used, in microseconds, from /proc/PID/stat. */
export function cpuMicros(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1e6) / CLK_TCK;
}

/** INFO [section] as field -> string. */
export async function info(port, section) {
  const text = await command(port, section ? ['INFO', section] : ['INFO'], 10_000);
  const out = {};
  for (const line of String(text).split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** `--threads 0,2,default` -> [0, 2, 'default']. */
export function parseThreadModes(text) {
  return text.split(',').map((t) => (t === 'default' ? 'default' : Number(t)));
}
