/** Tessera's own version, and the Redis version it reports (INFO redis_version, HELLO): clients pick features by the latter. */
export const TESSERA_VERSION = '0.1.0';
export const REDIS_VERSION = '7.0.15';
