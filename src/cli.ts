#!/usr/bin/env node
/**
 * tessera-server: redis-server's argument conventions, `tessera-server [config-file] [--name value ...]`.
 */
import fs from 'node:fs';
import v8 from 'node:v8';

/**
 * V8 flags for the server process, set before the server's modules load (process-wide, so shard
 * workers get them too). Measured in bench/README.md, "Memory floor and GC pauses of the process".
 * - `--semi-space-growth-factor=1`: the young generation starts at 1 MiB per semi-space and doubles
 *   (up to 16 MiB, 32 MiB resident) whenever survivors since its last growth exceed its size, which
 *   module loading and any burst of writes do; it never shrinks back while the server is busy.
 *   Tessera keeps its data in arenas and what a command allocates dies young, so a fixed 1 MiB costs
 *   more frequent but much shorter scavenges. V8 reads this flag when it would grow the space, so it
 *   works set at run time (on node's command line V8 clamps it to 2 at heap setup).
 * - `--no-parallel-scavenge`: with so little surviving a scavenge, handing it to helper threads
 *   (which must first be scheduled on a busy machine) costs more than the work they share.
 */
const V8_FLAGS = ['--semi-space-growth-factor=1', '--no-parallel-scavenge'];

function setV8Flags(): void {
  if (process.env.TESSERA_NODE_DEFAULTS !== '1') for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
}

async function main(): Promise<void> {
  setV8Flags();
  // A worker_threads Worker (the shard workers) puts V8's process-wide flags back to their defaults
  // while its thread starts, so they are set again once each worker is online.
  process.on('worker', (worker) => worker.once('online', setV8Flags));
  const { Config, ConfigError, parseServerArgs } = await import('./config/config.js');
  const { Server, TESSERA_VERSION, REDIS_VERSION } = await import('./server/server.js');
  const argv = process.argv.slice(2);
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(`Tessera server v=${TESSERA_VERSION} (Redis ${REDIS_VERSION} compatible)`);
    return;
  }
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log('Usage: tessera-server [/path/to/redis.conf] [--port 6379] [--threads N] [--shards N] [--<config-name> <value>...]');
    return;
  }
  const config = new Config();
  try {
    parseServerArgs(argv, config, (path) => fs.readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const server = new Server(config);
  // The shutdown hooks are in place before the server listens: once it accepts connections, a
  // client's script can hold the event loop, and SHUTDOWN NOSAVE from another client must then find
  // exitNow set (an await between listening and setting them left a window where it did not).
  let stopping = false;
  const stop = (why: string | null) => {
    if (stopping) return;
    stopping = true;
    if (why !== null) server.log.warning(`${why}, scheduling shutdown...`);
    server.log.notice('Tessera is now ready to exit, bye bye...');
    void server.close().then(() => process.exit(0));
  };
  server.shutdownRequested = () => stop('User requested shutdown');
  server.exitNow = () => {
    server.log.notice('Tessera is now ready to exit, bye bye...');
    process.exit(0);
  };
  // node's startup pages and glibc's free memory (src/native/process-memory.ts).
  const { startProcessMemoryCare } = await import('./native/process-memory.js');
  try {
    await server.listen();
  } catch (e) {
    server.log.warning(`Failed listening: ${(e as Error).message}`);
    process.exit(1);
  }
  startProcessMemoryCare();
  // Redis's prepareForShutdown for a signal: with save points configured the final RDB snapshot is
  // written first, and a failed save keeps the server running (SHUTDOWN does its own in server-admin.ts).
  const onSignal = (name: string) => {
    if (stopping) return;
    server.log.warning(`Received ${name}, scheduling shutdown...`);
    if (!server.saveBeforeExit(false, false, false)) {
      server.log.warning(`${name} received but errors trying to shut down the server, check the logs for more information`);
      return;
    }
    stop(null);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

void main();
