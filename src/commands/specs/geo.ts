/**
 * Geospatial commands (geo sets are sorted sets scored by 52-bit geohashes).
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const GEO_COMMANDS: CommandDef[] = [
  {
    name: 'geoadd',
    summary: 'Adds members with longitude/latitude positions to a geospatial index (a sorted set)',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    keySpecs: [
      {
        flags: ['RW', 'update'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'condition',
        type: 'oneof',
        optional: true,
        since: '6.2.0',
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'change', type: 'pure-token', token: 'CH', optional: true, since: '6.2.0' },
      {
        name: 'longitude_latitude_member',
        type: 'block',
        multiple: true,
        arguments: [
          { name: 'longitude', type: 'double' },
          { name: 'latitude', type: 'double' },
          { name: 'member', type: 'string' },
        ],
      },
    ],
  },
  {
    name: 'geodist',
    summary: 'Measures how far apart two members of a geo set are, in a chosen unit',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(log(N))',
    arity: -4,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member1', type: 'string' },
      { name: 'member2', type: 'string' },
      {
        name: 'unit',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'm', type: 'pure-token', token: 'm' },
          { name: 'km', type: 'pure-token', token: 'km' },
          { name: 'ft', type: 'pure-token', token: 'ft' },
          { name: 'mi', type: 'pure-token', token: 'mi' },
        ],
      },
    ],
  },
  {
    name: 'geohash',
    summary: 'Returns the positions of members as standard 11-character geohash strings',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
  },
  {
    name: 'geopos',
    summary: 'Returns the longitude and latitude of members of a geospatial index',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
  },
  {
    name: 'georadius',
    summary: 'Finds members within a radius of a longitude/latitude point, optionally storing them',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.',
    arity: -6,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    docFlags: ['deprecated'],
    history: [
      ['6.2.0', 'Added the `ANY` option for `COUNT`.'],
      ['7.0.0', 'Added support for uppercase unit names.'],
    ],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin: { keyword: 'STORE', startfrom: 6 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin: { keyword: 'STOREDIST', startfrom: 6 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'longitude', type: 'double' },
      { name: 'latitude', type: 'double' },
      { name: 'radius', type: 'double' },
      {
        name: 'unit',
        type: 'oneof',
        arguments: [
          { name: 'm', type: 'pure-token', token: 'm' },
          { name: 'km', type: 'pure-token', token: 'km' },
          { name: 'ft', type: 'pure-token', token: 'ft' },
          { name: 'mi', type: 'pure-token', token: 'mi' },
        ],
      },
      { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
      { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
      { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true, since: '6.2.0' },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
      { name: 'key', type: 'key', token: 'STORE', keySpecIndex: 1, optional: true },
      { name: 'key', type: 'key', token: 'STOREDIST', keySpecIndex: 2, optional: true },
    ],
  },
  {
    name: 'georadiusbymember',
    summary: 'Finds members within a radius of another member, optionally storing them',
    group: 'geo',
    since: '3.2.0',
    complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    docFlags: ['deprecated'],
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin: { keyword: 'STORE', startfrom: 5 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['OW', 'update'],
        begin: { keyword: 'STOREDIST', startfrom: 5 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' },
      { name: 'radius', type: 'double' },
      {
        name: 'unit',
        type: 'oneof',
        arguments: [
          { name: 'm', type: 'pure-token', token: 'm' },
          { name: 'km', type: 'pure-token', token: 'km' },
          { name: 'ft', type: 'pure-token', token: 'ft' },
          { name: 'mi', type: 'pure-token', token: 'mi' },
        ],
      },
      { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
      { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
      { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
      { name: 'key', type: 'key', token: 'STORE', keySpecIndex: 1, optional: true },
      { name: 'key', type: 'key', token: 'STOREDIST', keySpecIndex: 2, optional: true },
    ],
  },
  {
    name: 'georadius_ro',
    summary: 'Read-only form of GEORADIUS: finds members within a radius of a point',
    group: 'geo',
    since: '3.2.10',
    complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.',
    arity: -6,
    flags: ['readonly'],
    acl: ['geo'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    docFlags: ['deprecated'],
    history: [['6.2.0', 'Added the `ANY` option for `COUNT`.']],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'longitude', type: 'double' },
      { name: 'latitude', type: 'double' },
      { name: 'radius', type: 'double' },
      {
        name: 'unit',
        type: 'oneof',
        arguments: [
          { name: 'm', type: 'pure-token', token: 'm' },
          { name: 'km', type: 'pure-token', token: 'km' },
          { name: 'ft', type: 'pure-token', token: 'ft' },
          { name: 'mi', type: 'pure-token', token: 'mi' },
        ],
      },
      { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
      { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
      { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true, since: '6.2.0' },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
    ],
  },
  {
    name: 'georadiusbymember_ro',
    summary: 'Read-only form of GEORADIUSBYMEMBER: finds members within a radius of a member',
    group: 'geo',
    since: '3.2.10',
    complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.',
    arity: -5,
    flags: ['readonly'],
    acl: ['geo'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    docFlags: ['deprecated'],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' },
      { name: 'radius', type: 'double' },
      {
        name: 'unit',
        type: 'oneof',
        arguments: [
          { name: 'm', type: 'pure-token', token: 'm' },
          { name: 'km', type: 'pure-token', token: 'km' },
          { name: 'ft', type: 'pure-token', token: 'ft' },
          { name: 'mi', type: 'pure-token', token: 'mi' },
        ],
      },
      { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
      { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
      { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
    ],
  },
  {
    name: 'geosearch',
    summary: 'Finds members inside a circle or a box around a point or a member',
    group: 'geo',
    since: '6.2.0',
    complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape',
    arity: -7,
    flags: ['readonly'],
    acl: ['geo'],
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [
      {
        flags: ['RO', 'access'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      {
        name: 'from',
        type: 'oneof',
        arguments: [
          { name: 'member', type: 'string', token: 'FROMMEMBER' },
          {
            name: 'longitude_latitude',
            type: 'block',
            token: 'FROMLONLAT',
            arguments: [{ name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }],
          },
        ],
      },
      {
        name: 'by',
        type: 'oneof',
        arguments: [
          {
            name: 'circle',
            type: 'block',
            arguments: [
              { name: 'radius', type: 'double', token: 'BYRADIUS' },
              {
                name: 'unit',
                type: 'oneof',
                arguments: [
                  { name: 'm', type: 'pure-token', token: 'm' },
                  { name: 'km', type: 'pure-token', token: 'km' },
                  { name: 'ft', type: 'pure-token', token: 'ft' },
                  { name: 'mi', type: 'pure-token', token: 'mi' },
                ],
              },
            ],
          },
          {
            name: 'box',
            type: 'block',
            arguments: [
              { name: 'width', type: 'double', token: 'BYBOX' },
              { name: 'height', type: 'double' },
              {
                name: 'unit',
                type: 'oneof',
                arguments: [
                  { name: 'm', type: 'pure-token', token: 'm' },
                  { name: 'km', type: 'pure-token', token: 'km' },
                  { name: 'ft', type: 'pure-token', token: 'ft' },
                  { name: 'mi', type: 'pure-token', token: 'mi' },
                ],
              },
            ],
          },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true },
        ],
      },
      { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
      { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
      { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
    ],
  },
  {
    name: 'geosearchstore',
    summary: 'Finds members inside a circle or a box and stores them in a key',
    group: 'geo',
    since: '6.2.0',
    complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape',
    arity: -8,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin: { index: 1 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
      {
        flags: ['RO', 'access'],
        begin: { index: 2 },
        find: { range: { lastkey: 0, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'source', type: 'key', keySpecIndex: 1 },
      {
        name: 'from',
        type: 'oneof',
        arguments: [
          { name: 'member', type: 'string', token: 'FROMMEMBER' },
          {
            name: 'longitude_latitude',
            type: 'block',
            token: 'FROMLONLAT',
            arguments: [{ name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }],
          },
        ],
      },
      {
        name: 'by',
        type: 'oneof',
        arguments: [
          {
            name: 'circle',
            type: 'block',
            arguments: [
              { name: 'radius', type: 'double', token: 'BYRADIUS' },
              {
                name: 'unit',
                type: 'oneof',
                arguments: [
                  { name: 'm', type: 'pure-token', token: 'm' },
                  { name: 'km', type: 'pure-token', token: 'km' },
                  { name: 'ft', type: 'pure-token', token: 'ft' },
                  { name: 'mi', type: 'pure-token', token: 'mi' },
                ],
              },
            ],
          },
          {
            name: 'box',
            type: 'block',
            arguments: [
              { name: 'width', type: 'double', token: 'BYBOX' },
              { name: 'height', type: 'double' },
              {
                name: 'unit',
                type: 'oneof',
                arguments: [
                  { name: 'm', type: 'pure-token', token: 'm' },
                  { name: 'km', type: 'pure-token', token: 'km' },
                  { name: 'ft', type: 'pure-token', token: 'ft' },
                  { name: 'mi', type: 'pure-token', token: 'mi' },
                ],
              },
            ],
          },
        ],
      },
      {
        name: 'order',
        type: 'oneof',
        optional: true,
        arguments: [
          { name: 'asc', type: 'pure-token', token: 'ASC' },
          { name: 'desc', type: 'pure-token', token: 'DESC' },
        ],
      },
      {
        name: 'count',
        type: 'block',
        optional: true,
        arguments: [
          { name: 'count', type: 'integer', token: 'COUNT' },
          { name: 'any', type: 'pure-token', token: 'ANY', optional: true },
        ],
      },
      { name: 'storedist', type: 'pure-token', token: 'STOREDIST', optional: true },
    ],
  },
];
