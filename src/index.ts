/** Tessera as a library: start a Redis-compatible server in this process. */
export { startServer, Server, TESSERA_VERSION, REDIS_VERSION, type ServerHandle } from './server/server.js';
export { Config, CONFIG_PARAMS } from './config/config.js';
