/** Starts a real redis-server (Debian's 7.0.15) on a free loopback port for oracle and side-by-side tests. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export function redisAvailable(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Waits until something accepts connections on the loopback port; kills `child` and throws when it
 * exits first or `ms` pass.
 */
export async function waitForPort(port: number, child: ChildProcess, name: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisProcess {
  port: number;
  close(): Promise<void>;
}

export async function startRedis(extra: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--daemonize', 'no', '--loglevel', 'warning', ...extra],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, 'redis-server', 10000);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
