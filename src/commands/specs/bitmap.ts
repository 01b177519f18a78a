/**
 * Bitmap commands.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const BITMAP_COMMANDS: CommandDef[] = [
  {
    name: 'setbit',
    summary: 'Sets one bit of a string value to 0 or 1 and returns what it was',
    group: 'bitmap',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      { flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'integer' },
    ],
  },
  {
    name: 'getbit',
    summary: 'Reads one bit of a string value (0 past its end)',
    group: 'bitmap',
    since: '2.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'offset', type: 'integer' },
    ],
  },
  {
    name: 'bitcount',
    summary: 'Counts the 1 bits of a string value, optionally within a byte or bit range',
    group: 'bitmap',
    since: '2.6.0',
    complexity: 'O(N)',
    arity: -2,
    flags: ['readonly'],
    acl: ['bitmap'],
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'index', type: 'block', optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          { name: 'end', type: 'integer' },
          {
            name: 'index_unit', type: 'oneof', optional: true, since: '7.0.0',
            arguments: [
              { name: 'byte', type: 'pure-token', token: 'BYTE' },
              { name: 'bit', type: 'pure-token', token: 'BIT' },
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'bitpos',
    summary: 'Finds the position of the first 0 or 1 bit of a string value, optionally within a range',
    group: 'bitmap',
    since: '2.8.7',
    complexity: 'O(N)',
    arity: -3,
    flags: ['readonly'],
    acl: ['bitmap'],
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'bit', type: 'integer' },
      {
        name: 'index', type: 'block', optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          {
            name: 'end_index', type: 'block', optional: true,
            arguments: [
              { name: 'end', type: 'integer' },
              {
                name: 'index_unit', type: 'oneof', optional: true, since: '7.0.0',
                arguments: [
                  { name: 'byte', type: 'pure-token', token: 'BYTE' },
                  { name: 'bit', type: 'pure-token', token: 'BIT' },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'bitop',
    summary: 'Combines string values bit by bit (AND, OR, XOR) or inverts one (NOT) into a destination key',
    group: 'bitmap',
    since: '2.6.0',
    complexity: 'O(N)',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RO', 'access'], begin: { index: 3 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', keySpecIndex: 1, multiple: true },
    ],
  },
  {
    name: 'bitfield',
    summary: 'Reads, writes and increments integer fields of any width and bit offset within a string value',
    group: 'bitmap',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['bitmap'],
    keySpecs: [
      {
        flags: ['RW', 'update', 'access', 'variable_flags'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
        notes: 'This command allows both access and modification of the key',
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'operation', type: 'oneof', multiple: true, optional: true,
        arguments: [
          {
            name: 'encoding_offset', type: 'block', token: 'GET',
            arguments: [
              { name: 'encoding', type: 'string' },
              { name: 'offset', type: 'integer' },
            ],
          },
          {
            name: 'write', type: 'block',
            arguments: [
              {
                name: 'wrap_sat_fail', type: 'oneof', token: 'OVERFLOW', optional: true,
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation', type: 'oneof',
                arguments: [
                  {
                    name: 'encoding_offset_value', type: 'block', token: 'SET',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'value', type: 'integer' },
                    ],
                  },
                  {
                    name: 'encoding_offset_increment', type: 'block', token: 'INCRBY',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'increment', type: 'integer' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'bitfield_ro',
    summary: 'Reads integer fields of a string value: the GET-only form of BITFIELD',
    group: 'bitmap',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['bitmap'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'encoding_offset', type: 'block', token: 'GET', optional: true, multiple: true, multipleToken: true,
        arguments: [
          { name: 'encoding', type: 'string' },
          { name: 'offset', type: 'integer' },
        ],
      },
    ],
  },
];
