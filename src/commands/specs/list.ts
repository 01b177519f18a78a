/**
 * List commands (non-blocking).
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const LIST_COMMANDS: CommandDef[] = [
  {
    name: 'lpush',
    summary: 'Adds elements at the head of a list, creating it when absent',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    history: [
      ['2.4.0', 'Accepts multiple `element` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string', multiple: true },
    ],
  },
  {
    name: 'rpush',
    summary: 'Adds elements at the tail of a list, creating it when absent',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    history: [
      ['2.4.0', 'Accepts multiple `element` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string', multiple: true },
    ],
  },
  {
    name: 'lpushx',
    summary: 'Adds elements at the head of a list only when the list exists',
    group: 'list',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    history: [
      ['4.0.0', 'Accepts multiple `element` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string', multiple: true },
    ],
  },
  {
    name: 'rpushx',
    summary: 'Adds elements at the tail of a list only when the list exists',
    group: 'list',
    since: '2.2.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    history: [
      ['4.0.0', 'Accepts multiple `element` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string', multiple: true },
    ],
  },
  {
    name: 'lpop',
    summary: 'Removes and returns elements from the head of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    history: [
      ['6.2.0', 'Added the `count` argument.'],
    ],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true, since: '6.2.0' },
    ],
  },
  {
    name: 'rpop',
    summary: 'Removes and returns elements from the tail of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    history: [
      ['6.2.0', 'Added the `count` argument.'],
    ],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true, since: '6.2.0' },
    ],
  },
  {
    name: 'llen',
    summary: 'Returns the number of elements of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'lindex',
    summary: 'Returns the element at a position of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    arity: 3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'index', type: 'integer' },
    ],
  },
  {
    name: 'lset',
    summary: 'Overwrites the element at a position of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'index', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
  },
  {
    name: 'lrange',
    summary: 'Returns a range of elements of a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    arity: 4,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
  },
  {
    name: 'ltrim',
    summary: 'Keeps only a range of elements of a list, dropping the rest',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'start', type: 'integer' },
      { name: 'stop', type: 'integer' },
    ],
  },
  {
    name: 'lrem',
    summary: 'Removes occurrences of an element from a list',
    group: 'list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer' },
      { name: 'element', type: 'string' },
    ],
  },
  {
    name: 'linsert',
    summary: 'Inserts an element before or after a pivot element of a list',
    group: 'list',
    since: '2.2.0',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'where', type: 'oneof',
        arguments: [
          { name: 'before', type: 'pure-token', token: 'BEFORE' },
          { name: 'after', type: 'pure-token', token: 'AFTER' },
        ],
      },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
  },
  {
    name: 'lpos',
    summary: 'Returns the positions of elements of a list equal to a value',
    group: 'list',
    since: '6.0.6',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    arity: -3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true },
      { name: 'len', type: 'integer', token: 'MAXLEN', optional: true },
    ],
  },
  {
    name: 'lmove',
    summary: 'Pops an element from one end of a list and pushes it onto an end of another',
    group: 'list',
    since: '6.2.0',
    complexity: 'O(1)',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      {
        name: 'wherefrom', type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      {
        name: 'whereto', type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
    ],
  },
  {
    name: 'rpoplpush',
    summary: 'Pops the tail of a list and pushes it onto the head of another',
    group: 'list',
    since: '1.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    docFlags: ['deprecated'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
    ],
  },
  {
    name: 'lmpop',
    summary: 'Pops elements from the first non-empty list among several keys',
    group: 'list',
    since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arity: -4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } } },
    ],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 0 },
      {
        name: 'where', type: 'oneof',
        arguments: [
          { name: 'left', type: 'pure-token', token: 'LEFT' },
          { name: 'right', type: 'pure-token', token: 'RIGHT' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
];
