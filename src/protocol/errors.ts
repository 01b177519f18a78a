/** Redis's error replies, word for word (Redis 7.0.15 server.c shared objects and t_*.c texts). */
export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const NO_SUCH_KEY = 'ERR no such key';
export const INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const DB_INDEX_OUT_OF_RANGE = 'ERR DB index is out of range';
export const INVALID_EXPIRE = (command: string) => `ERR invalid expire time in '${command}' command`;
export const WRONG_ARITY = (command: string) => `ERR wrong number of arguments for '${command}' command`;
export const NOT_POSITIVE = (what: string) => `ERR ${what} must be positive`;
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/**
 * Redis's unknown-command error: the name and up to 128 bytes of each following argument are quoted,
 * cut at 128 characters each as Redis does (sdscatrepr of the first 128 bytes).
 */
export function unknownCommand(name: string, args: string[]): string {
  let argsText = '';
  for (const a of args) {
    if (argsText.length >= 128) break;
    argsText += `'${a.slice(0, 128 - argsText.length)}' `;
  }
  return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${argsText}`;
}

export function unknownSubcommand(sub: string, command: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`;
}

/** Internal faults carry a stable code, as undici's errors do. */
export class TesseraError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Connection and server commands (AUTH, HELLO, getPositiveLong/getInt parsing, subcommand dispatch). */
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const NOPROTO = 'NOPROTO unsupported protocol version';
export const NOT_POSITIVE_LONG = 'ERR value is out of range, must be positive';
export const NOT_INT_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';

/** Redis's addReplySubcommandSyntaxError: a known subcommand with the wrong arguments, or an unknown one. */
export function subcommandSyntaxError(sub: string, command: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`;
}
