/**
 * Transaction commands. Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const TRANSACTION_COMMANDS: CommandDef[] = [
  {
    name: 'multi',
    summary: 'Starts queueing the commands that follow, to run them as one unit at EXEC',
    group: 'transactions',
    since: '1.2.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
  },
  {
    name: 'exec',
    summary: 'Runs every queued command atomically and answers their replies as one array',
    group: 'transactions',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['transaction'],
  },
  {
    name: 'discard',
    summary: 'Drops the queued commands and leaves the transaction',
    group: 'transactions',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
  },
  {
    name: 'watch',
    summary: 'Makes the next EXEC fail if any of these keys changes before it',
    group: 'transactions',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } }],
    args: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
  },
  {
    name: 'unwatch',
    summary: 'Forgets every key this connection watches',
    group: 'transactions',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
  },
];
