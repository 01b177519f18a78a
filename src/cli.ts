#!/usr/bin/env node
/**
 * tessera-server: redis-server's argument conventions, `tessera-server [config-file] [--name value ...]`.
 */
import fs from 'node:fs';
import v8 from 'node:v8';

/**
 * V8's young generation starts at 1 MiB per semi-space and doubles (up to 16 MiB, so 32 MiB of
 * resident pages) whenever a scavenge finds many survivors, which module loading at startup and any
 * burst of writes do; it never shrinks back while the server stays busy. Tessera keeps its data in
 * arenas, not on the V8 heap, and what a command allocates dies young, so a fixed 1 MiB semi-space
 * costs only more frequent (and shorter) scavenges: measured in bench/README.md (the memory floor
 * section). Set before the server's modules load; process-wide, so shard workers get it too.
 * `--semi-space-growth-factor` is read when the young generation would grow, so setting it at run
 * time works where `--max-semi-space-size` (read once at heap setup) would not.
 */
const V8_FLAGS = ['--semi-space-growth-factor=1'];

async function main(): Promise<void> {
  if (process.env.TESSERA_NODE_DEFAULTS !== '1') for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
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
  try {
    await server.listen();
  } catch (e) {
    server.log.warning(`Failed listening: ${(e as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    server.log.warning(`${why}, scheduling shutdown...`);
    server.log.notice('Tessera is now ready to exit, bye bye...');
    void server.close().then(() => process.exit(0));
  };
  server.shutdownRequested = () => stop('User requested shutdown');
  server.exitNow = () => {
    server.log.notice('Tessera is now ready to exit, bye bye...');
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('Received SIGTERM'));
  process.on('SIGINT', () => stop('Received SIGINT'));
}

void main();
