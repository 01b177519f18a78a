/**
 * SORT and SORT_RO. Facts follow Redis 7.0.15's command JSON; summaries are ours.
 * The BY/GET patterns name keys only at run time and STORE can sit anywhere among the options, so
 * both are declared with unknown key specs, as Redis does (COMMAND GETKEYS uses sortGetKeys).
 */
import type { ArgDef, CommandDef } from '../spec.js';

function sortArgs(withStore: boolean): ArgDef[] {
  const args: ArgDef[] = [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'pattern', type: 'pattern', token: 'BY', keySpecIndex: 1, optional: true },
    {
      name: 'offset_count', type: 'block', token: 'LIMIT', optional: true,
      arguments: [
        { name: 'offset', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    },
    { name: 'pattern', type: 'pattern', token: 'GET', keySpecIndex: 1, optional: true, multiple: true, multipleToken: true },
    {
      name: 'order', type: 'oneof', optional: true,
      arguments: [
        { name: 'asc', type: 'pure-token', token: 'ASC' },
        { name: 'desc', type: 'pure-token', token: 'DESC' },
      ],
    },
    { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
  ];
  if (withStore) args.push({ name: 'destination', type: 'key', token: 'STORE', keySpecIndex: 2, optional: true });
  return args;
}

const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const SORT_COMMANDS: CommandDef[] = [
  {
    name: 'sort',
    summary: 'Sorts the elements of a list, set or sorted set, optionally by or with values of other keys, and may store the result',
    group: 'generic',
    since: '1.0.0',
    complexity: COMPLEXITY,
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      {
        notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
        flags: ['RO', 'access'], begin: 'unknown', find: 'unknown',
      },
      {
        notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ['OW', 'update'], begin: 'unknown', find: 'unknown',
      },
    ],
    args: sortArgs(true),
  },
  {
    name: 'sort_ro',
    summary: 'Sorts the elements of a list, set or sorted set without storing them (the read-only SORT)',
    group: 'generic',
    since: '7.0.0',
    complexity: COMPLEXITY,
    arity: -2,
    flags: ['readonly'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      {
        notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
        flags: ['RO', 'access'], begin: 'unknown', find: 'unknown',
      },
    ],
    args: sortArgs(false),
  },
];
