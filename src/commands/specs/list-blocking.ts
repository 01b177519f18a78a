/**
 * Blocking list commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP), handled in list-blocking.ts.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const LIST_BLOCKING_COMMANDS: CommandDef[] = [
  {
    name: 'blpop',
    summary: 'Removes and returns the first element of the first non-empty list, or waits until one gets an element',
    group: 'list',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: -2, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'brpop',
    summary: 'Removes and returns the last element of the first non-empty list, or waits until one gets an element',
    group: 'list',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: -2, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'blmove',
    summary: 'Moves an element from one end of a list to an end of another, waiting for the source to get one',
    group: 'list',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin: { index: 2 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      {
        name: 'wherefrom',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      {
        name: 'whereto',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'brpoplpush',
    summary: 'Moves the last element of a list to the head of another, waiting for the source to get one',
    group: 'list',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    docFlags: ['deprecated'],
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['RW', 'insert'],
        begin: { index: 2 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'blmpop',
    summary: 'Pops one or more elements from the first non-empty list among several, or waits until one gets elements',
    group: 'list',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['list'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 2 },
        find: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
      },
    ],
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
];
