#!/usr/bin/env node
/**
 * tessera-server: redis-server's argument conventions, `tessera-server [config-file] [--name value ...]`.
 */
import fs from 'node:fs';
import { Config, ConfigError, parseServerArgs } from './config/config.js';
import { Server, TESSERA_VERSION, REDIS_VERSION } from './server/server.js';

async function main(): Promise<void> {
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
