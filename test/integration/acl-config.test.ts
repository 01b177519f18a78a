/**
 * ACL users declared in the config file (`user` directives): created at startup, written back by
 * CONFIG REWRITE, and refused at startup with Redis's messages when wrong or mixed with an aclfile.
 */
import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-acl-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function start(name: string, text: string, options: Record<string, string | number> = {}) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const mod = (await import('../../dist/index.js')) as typeof import('../../src/index.js');
  return { file, server: await mod.startServer({ port: 0, bind: '127.0.0.1', loglevel: 'warning', ...options }, file) };
}

for (const threads of [0, 2]) {
  describe(`ACL users from the config file, --threads ${threads}`, () => {
    it('creates the declared users and CONFIG REWRITE writes every user back', async () => {
      const { file, server } = await start(`users-${threads}.conf`, 'user alice on >pw ~k* +get\nuser default on nopass ~* &* +@all\n', { threads });
      const admin = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      await admin.connect();
      try {
        expect(await admin.call('acl', 'list')).toEqual([
          'user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* resetchannels -@all +get',
          // A declared default user is reset first (reset turns sanitize-payload on), as in Redis.
          'user default on nopass sanitize-payload ~* &* +@all',
        ]);
        await admin.call('acl', 'setuser', 'bob', 'on', '+ping');
        await admin.call('acl', 'deluser', 'alice');
        expect(await admin.call('config', 'rewrite')).toBe('OK');
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        expect(lines.filter((l) => l.startsWith('user '))).toEqual(['user bob on resetchannels -@all +ping', 'user default on nopass sanitize-payload ~* &* +@all']);
      } finally {
        admin.disconnect();
        await server.close();
      }
    });
  });
}

describe('ACL users from the config file: startup errors', () => {
  it('a rule with a syntax error stops the server with the config file error', async () => {
    await expect(start('bad-syntax.conf', 'port 0\nuser alice on bogus\n', { threads: 0 })).rejects.toThrow(
      "Reading the configuration file, at line 2\n>>> 'user alice on bogus'\nError in user declaration 'alice': Syntax error",
    );
  });

  it('an unknown command stops the server when the users are loaded', async () => {
    await expect(start('bad-command.conf', 'user alice on +nosuchcommand\n', { threads: 0 })).rejects.toThrow(
      "Error loading ACL rule '+nosuchcommand' for the user named 'alice': Unknown command or category name in ACL",
    );
  });

  it('a user declared twice is refused', async () => {
    await expect(start('twice.conf', 'user alice on\nuser alice off\n', { threads: 0 })).rejects.toThrow(
      "Error in user declaration 'alice': Duplicate user found. A user can only be defined once in config files",
    );
  });

  it('users in the config file and an aclfile together are refused', async () => {
    const aclfile = path.join(dir, 'users.acl');
    fs.writeFileSync(aclfile, 'user default on nopass ~* &* +@all\n');
    await expect(start('both.conf', 'user alice on\n', { threads: 0, aclfile })).rejects.toThrow(
      'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.',
    );
  });
});
