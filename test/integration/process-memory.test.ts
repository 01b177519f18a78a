/**
 * The CLI's process memory care (src/native/process-memory.ts): about a second after it listens,
 * the server drops node's clean startup pages from its page tables, and then serves as before
 * (the pages it needs come back). Both thread modes; TESSERA_MEMORY_CARE=0 keeps the pages. After
 * a busy period, once the event loop is idle, it releases them again (TESSERA_MEMORY_CARE=once: not).
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../oracle/redis-server.js';
import { loadNative } from '../../src/native/loader.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const supported = process.platform === 'linux' && typeof loadNative()?.releaseFilePages === 'function';

function rssFileKb(pid: number): number {
  const m = /^RssFile:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `count` SETs then GETs over one connection; answers what came back. */
async function setGet(port: number, count: number): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let data = '';
  socket.on('data', (d: string) => (data += d));
  let out = '';
  for (let i = 0; i < count; i++) out += `*3\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\nk:${i}\r\n$${String(i).length + 2}\r\nv:${i}\r\n`;
  for (let i = 0; i < count; i++) out += `*2\r\n$3\r\nGET\r\n$${String(i).length + 2}\r\nk:${i}\r\n`;
  socket.write(out, 'latin1');
  let expected = '+OK\r\n'.repeat(count);
  for (let i = 0; i < count; i++) expected += `$${String(i).length + 2}\r\nv:${i}\r\n`;
  const deadline = Date.now() + 10000;
  while (data.length < expected.length && Date.now() < deadline) await sleep(20);
  socket.destroy();
  return data === expected ? 'ok' : `unexpected reply (${data.length} of ${expected.length} bytes)`;
}

async function run(threads: number, care: boolean): Promise<{ startup: number; later: number; reply: string }> {
  const port = await freePort();
  const env = { ...process.env, TESSERA_MEMORY_CARE: care ? '1' : '0' };
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--bind', '127.0.0.1', '--threads', String(threads), '--loglevel', 'warning'], { stdio: 'ignore', env });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitForPort(port, child, 'tessera', 15000);
    const startup = rssFileKb(child.pid!);
    await sleep(2500);
    const reply = await setGet(port, 2000);
    await sleep(200);
    return { startup, later: rssFileKb(child.pid!), reply };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Traffic, then idle: RssFile right after the traffic, and the lowest seen in the next 15 s (the
 * release after a busy period waits for an idle tick and at most every 5 s, src/native/process-memory.ts,
 * and a release just before the traffic pushes the next one 5 s out: three gaps fit);
 * stops early once it fell under `enough` x busy.
 */
async function busyThenIdle(care: string, enough: number): Promise<{ busy: number; idle: number; reply: string }> {
  const port = await freePort();
  const env = { ...process.env, TESSERA_MEMORY_CARE: care };
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--bind', '127.0.0.1', '--threads', '0', '--loglevel', 'warning'], { stdio: 'ignore', env });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitForPort(port, child, 'tessera', 15000);
    await sleep(2000);
    let reply = 'ok';
    for (let i = 0; i < 5 && reply === 'ok'; i++) reply = await setGet(port, 4000);
    const busy = rssFileKb(child.pid!);
    let idle = busy;
    for (const end = Date.now() + 15000; Date.now() < end && idle >= busy * enough; ) {
      await sleep(250);
      idle = Math.min(idle, rssFileKb(child.pid!));
    }
    return { busy, idle, reply };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

describe.skipIf(!supported)('process memory care in the CLI', () => {
  for (const threads of [0, 2]) {
    it(`--threads ${threads}: startup pages leave the resident set, and the server still serves`, async () => {
      const cared = await run(threads, true);
      expect(cared.reply).toBe('ok');
      expect(cared.later).toBeLessThan(cared.startup * 0.75);
    }, 30000);
  }

  it('TESSERA_MEMORY_CARE=0 keeps them', async () => {
    const plain = await run(0, false);
    expect(plain.reply).toBe('ok');
    expect(plain.later).toBeGreaterThan(plain.startup * 0.9);
  }, 30000);

  it('after a busy period the pages leave again once the server is idle; TESSERA_MEMORY_CARE=once keeps them', async () => {
    const again = await busyThenIdle('1', 0.8);
    expect(again.reply).toBe('ok');
    expect(again.idle).toBeLessThan(again.busy * 0.8);
    const once = await busyThenIdle('once', 0);
    expect(once.reply).toBe('ok');
    expect(once.idle).toBeGreaterThan(once.busy * 0.9);
  }, 90000);
});
