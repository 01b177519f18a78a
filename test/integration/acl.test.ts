/**
 * ACL behaviour that needs several connections or a file: a deleted user's clients are closed, a
 * subscriber whose channels are revoked is closed, ACL LOG entries, rules changed between MULTI and
 * EXEC, redis.call under the caller's user, requirepass and ACL SAVE / LOAD with an aclfile.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { MODES, startTessera } from './modes.js';
import { RawClient } from '../oracle/resp-client.js';

function connect(port: number): Redis {
  return new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
}

/** Resolves when the connection is closed by the server (or after `ms`, with false). */
function closedWithin(r: Redis, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (r.status === 'end') return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    r.once('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** ACL LOG's RESP2 map entries as objects. */
function logEntries(raw: unknown): Array<Record<string, string | number>> {
  return (raw as unknown[][]).map((flat) => {
    const o: Record<string, string | number> = {};
    for (let i = 0; i < flat.length; i += 2) o[String(flat[i])] = flat[i + 1] as string | number;
    return o;
  });
}

for (const mode of MODES) {
  describe(`ACL, ${mode.name}`, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let admin: Redis;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-acl-'));
    const aclfile = path.join(dir, 'users.acl');
    beforeAll(async () => {
      fs.writeFileSync(aclfile, 'user default on nopass ~* &* +@all\n');
      server = await startTessera({ ...mode.options, aclfile });
      admin = connect(server.port);
      await admin.connect();
    });
    afterAll(async () => {
      admin.disconnect();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("deleting a user closes that user's connections and no one else's", async () => {
      await admin.call('acl', 'setuser', 'gone', 'on', '>pw', '+@all', '~*');
      const a = connect(server.port);
      const b = connect(server.port);
      const other = connect(server.port);
      await Promise.all([a.connect(), b.connect(), other.connect()]);
      try {
        expect(await a.call('auth', 'gone', 'pw')).toBe('OK');
        expect(await b.call('auth', 'gone', 'pw')).toBe('OK');
        expect(await a.call('acl', 'whoami')).toBe('gone');
        const list = (await admin.call('client', 'list')) as string;
        expect(list.split('\n').filter((l) => l.includes(' user=gone ')).length).toBe(2);
        const aClosed = closedWithin(a, 3000);
        const bClosed = closedWithin(b, 3000);
        expect(await admin.call('acl', 'deluser', 'gone')).toBe(1);
        expect(await aClosed).toBe(true);
        expect(await bClosed).toBe(true);
        expect(await other.call('ping')).toBe('PONG');
        expect(await admin.call('ping')).toBe('PONG');
      } finally {
        a.disconnect();
        b.disconnect();
        other.disconnect();
      }
    });

    it('a user deleting itself gets its reply, then is disconnected', async () => {
      await admin.call('acl', 'setuser', 'self', 'on', 'nopass', '+@all', '~*');
      const c = connect(server.port);
      await c.connect();
      try {
        await c.call('auth', 'self', 'x');
        const closed = closedWithin(c, 3000);
        expect(await c.call('acl', 'deluser', 'self')).toBe(1);
        expect(await closed).toBe(true);
      } finally {
        c.disconnect();
      }
    });

    it('a subscriber whose channel permission is revoked is disconnected', async () => {
      await admin.call('acl', 'setuser', 'sub', 'on', 'nopass', '+@all', '~*', 'resetchannels', '&news.*', '&other');
      const s = connect(server.port);
      await s.connect();
      try {
        await s.call('auth', 'sub', 'x');
        await s.subscribe('news.today');
        // Still allowed: a superset of the old channels.
        await admin.call('acl', 'setuser', 'sub', '&more');
        const closed = closedWithin(s, 3000);
        await admin.call('acl', 'setuser', 'sub', 'resetchannels', '&other');
        expect(await closed).toBe(true);
      } finally {
        s.disconnect();
        await admin.call('acl', 'deluser', 'sub');
      }
    });

    it('ACL LOG records command, key, channel and auth denials with their context', async () => {
      await admin.call('acl', 'log', 'reset');
      await admin.call('acl', 'setuser', 'logged', 'on', '>pw', '~k*', '&ch*', '+get', '+publish', '+eval', '+multi', '+exec');
      const c = connect(server.port);
      await c.connect();
      try {
        await expect(c.call('auth', 'logged', 'wrong')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
        await c.call('auth', 'logged', 'pw');
        await expect(c.call('get', 'secret')).rejects.toThrow('NOPERM this user has no permissions to access one of the keys used as arguments');
        await expect(c.call('get', 'secret')).rejects.toThrow('NOPERM');
        await expect(c.call('hset', 'k1', 'f', 'v')).rejects.toThrow("NOPERM this user has no permissions to run the 'hset' command");
        await expect(c.call('publish', 'elsewhere', 'm')).rejects.toThrow('NOPERM this user has no permissions to access one of the channels used as arguments');
        await expect(c.call('eval', "return redis.call('get', 'nope')", '0')).rejects.toThrow(
          "The user executing the script can't access at least one of the keys mentioned in the command arguments",
        );
        const entries = logEntries(await admin.call('acl', 'log'));
        expect(entries.map((e) => [e.reason, e.context, e.object, e.username, e.count])).toEqual([
          ['key', 'lua', 'nope', 'logged', 1],
          ['channel', 'toplevel', 'elsewhere', 'logged', 1],
          ['command', 'toplevel', 'hset', 'logged', 1],
          ['key', 'toplevel', 'secret', 'logged', 2],
          ['auth', 'toplevel', 'auth', 'logged', 1],
        ]);
        expect(String(entries[1]['client-info'])).toMatch(/ user=logged .*cmd=publish|cmd=publish user=logged/);
        expect(logEntries(await admin.call('acl', 'log', '2')).length).toBe(2);
        await admin.call('config', 'set', 'acllog-max-len', '2');
        await expect(c.call('get', 'another')).rejects.toThrow('NOPERM');
        expect(logEntries(await admin.call('acl', 'log')).length).toBe(2);
        await admin.call('config', 'set', 'acllog-max-len', '128');
        expect(await admin.call('acl', 'log', 'reset')).toBe('OK');
        expect(await admin.call('acl', 'log')).toEqual([]);
      } finally {
        c.disconnect();
        await admin.call('acl', 'deluser', 'logged');
      }
    });

    it('EXEC checks the rules again when they changed after the commands were queued', async () => {
      await admin.call('acl', 'setuser', 'tx', 'on', 'nopass', '~*', '+get', '+set', '+multi', '+exec');
      const c = connect(server.port);
      await c.connect();
      try {
        await c.call('auth', 'tx', 'x');
        await c.call('multi');
        expect(await c.call('set', 'txkey', 'v')).toBe('QUEUED');
        expect(await c.call('get', 'txkey')).toBe('QUEUED');
        await admin.call('acl', 'setuser', 'tx', '-set');
        const result = (await c.call('exec')) as unknown[];
        expect(result.length).toBe(2);
        expect(String(result[0])).toContain(
          'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand',
        );
        expect(result[1]).toBe(null);
        expect(await admin.call('exists', 'txkey')).toBe(0);
        const log = logEntries(await admin.call('acl', 'log', '1'));
        expect([log[0].reason, log[0].context, log[0].object]).toEqual(['command', 'multi', 'set']);
      } finally {
        c.disconnect();
        await admin.call('acl', 'deluser', 'tx');
      }
    });

    it('scripts and functions call commands as the calling user', async () => {
      await admin.call('set', 'open:1', 'yes');
      await admin.call('set', 'closed:1', 'no');
      await admin.call('function', 'load', 'REPLACE', "#!lua name=acltest\nredis.register_function('readkey', function(keys) return redis.call('get', keys[1]) end)");
      await admin.call('acl', 'setuser', 'scripted', 'on', 'nopass', '~open:*', '+eval', '+fcall', '+get');
      const c = connect(server.port);
      await c.connect();
      try {
        await c.call('auth', 'scripted', 'x');
        expect(await c.call('eval', "return redis.call('get', 'open:1')", '0')).toBe('yes');
        await expect(c.call('eval', "return redis.call('get', 'closed:1')", '0')).rejects.toThrow("can't access at least one of the keys");
        await expect(c.call('eval', "return redis.call('set', 'open:1', 'x')", '0')).rejects.toThrow("can't run this command or subcommand");
        expect(await c.call('fcall', 'readkey', '1', 'open:1')).toBe('yes');
        // FCALL's own key check happens at dispatch, before the function runs.
        await expect(c.call('fcall', 'readkey', '1', 'closed:1')).rejects.toThrow('NOPERM this user has no permissions to access one of the keys used as arguments');
        expect(await admin.call('get', 'open:1')).toBe('yes');
      } finally {
        c.disconnect();
        await admin.call('acl', 'deluser', 'scripted');
        await admin.call('function', 'delete', 'acltest');
      }
    });

    it('requirepass sets the default user password', async () => {
      await admin.call('config', 'set', 'requirepass', 'sekret');
      const c = await RawClient.connect(server.port);
      const call = async (...args: string[]) => (await c.call(args.map((a) => Buffer.from(a)))).toString('latin1');
      try {
        expect(await call('get', 'x')).toBe('-NOAUTH Authentication required.\r\n');
        expect(await call('auth', 'nope')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
        expect(await call('auth', 'sekret')).toBe('+OK\r\n');
        expect(await call('acl', 'whoami')).toBe('$7\r\ndefault\r\n');
        const descr = (await admin.call('acl', 'list')) as string[];
        expect(descr.find((l) => l.startsWith('user default '))).toMatch(/^user default on #[0-9a-f]{64} ~\* &\* \+@all$/);
        // The admin connection authenticated (as nopass) before the password was set: it stays so.
        expect(await admin.call('ping')).toBe('PONG');
      } finally {
        await admin.call('config', 'set', 'requirepass', '');
        c.close();
      }
      expect((await admin.call('acl', 'list')) as string[]).toContain('user default on nopass ~* &* +@all');
    });

    it('ACL SAVE writes the users and ACL LOAD reads them back, all or nothing', async () => {
      await admin.call('acl', 'setuser', 'saved', 'on', '>pw', '~k*', '&c*', '+get', '(%R~r* +@hash)');
      const before = (await admin.call('acl', 'list')) as string[];
      expect(await admin.call('acl', 'save')).toBe('OK');
      const text = fs.readFileSync(aclfile, 'utf8');
      expect(text).toBe(before.join('\n') + '\n');
      // A logged-in user's connections are closed by ACL LOAD, even when the user is in the file.
      const c = connect(server.port);
      await c.connect();
      await c.call('auth', 'saved', 'pw');
      const closed = closedWithin(c, 3000);
      await admin.call('acl', 'deluser', 'saved');
      expect(await admin.call('acl', 'users')).toEqual(['default']);
      expect(await closed).toBe(true);
      await admin.call('acl', 'setuser', 'temp', 'on');
      expect(await admin.call('acl', 'load')).toBe('OK');
      expect(await admin.call('acl', 'list')).toEqual(before);
      const d = connect(server.port);
      await d.connect();
      try {
        expect(await d.call('auth', 'saved', 'pw')).toBe('OK');
        expect(await admin.call('acl', 'dryrun', 'saved', 'hget', 'r1', 'f')).toBe('OK');
        expect(await d.call('get', 'k1')).toBe(null);
        const dClosed = closedWithin(d, 3000);
        expect(await admin.call('acl', 'load')).toBe('OK');
        expect(await dClosed).toBe(true);
      } finally {
        d.disconnect();
      }
      fs.writeFileSync(aclfile, 'user default on nopass ~* &* +@all\nuser bad on +nosuchcommand\n# comment\n');
      await expect(admin.call('acl', 'load')).rejects.toThrow(
        `${aclfile}:2: Unknown command or category name in ACL. ${aclfile}:3 should start with user keyword followed by the username. WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
      );
      expect(await admin.call('acl', 'list')).toEqual(before);
      fs.rmSync(aclfile);
      await expect(admin.call('acl', 'load')).rejects.toThrow(`Error loading ACLs, opening file '${aclfile}': No such file or directory`);
      await admin.call('acl', 'deluser', 'saved');
    });
  });
}
