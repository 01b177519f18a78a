/**
 * ACL and its subcommands. Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

const ADMIN: CommandDef['flags'] = ['admin', 'noscript', 'loading', 'stale', 'sentinel'];
const PLAIN: CommandDef['flags'] = ['noscript', 'loading', 'stale', 'sentinel'];

function sub(name: string, arity: number, flags: CommandDef['flags'], summary: string, complexity: string, extra: Partial<CommandDef> = {}): CommandDef {
  return { name: `acl|${name}`, summary, group: 'server', since: '6.0.0', complexity, arity, flags, acl: [], ...extra };
}

export const ACL_COMMANDS: CommandDef[] = [
  {
    name: 'acl',
    summary: 'Container for the access control list commands',
    group: 'server',
    since: '6.0.0',
    complexity: 'Depends on subcommand.',
    arity: -2,
    flags: ['sentinel'],
    acl: [],
    subcommands: [
      sub('cat', -2, PLAIN, 'Lists the ACL categories, or the commands in one category', 'O(1) since the categories and commands are a fixed set.', {
        args: [{ name: 'categoryname', type: 'string', optional: true }],
      }),
      sub('deluser', -3, ADMIN, 'Deletes ACL users and disconnects their clients', 'O(1) amortized time considering the typical user.', {
        args: [{ name: 'username', type: 'string', multiple: true }],
      }),
      sub('dryrun', -4, ADMIN, 'Tells whether a user could run a command, without running it', 'O(1).', {
        since: '7.0.0',
        history: [],
        args: [
          { name: 'username', type: 'string' },
          { name: 'command', type: 'string' },
          { name: 'arg', type: 'string', optional: true, multiple: true },
        ],
      }),
      sub('genpass', -2, PLAIN, 'Generates a random password', 'O(1)', { args: [{ name: 'bits', type: 'integer', optional: true }] }),
      sub('getuser', 3, ADMIN, "Describes one user's rules", 'O(N). Where N is the number of password, command and pattern rules that the user has.', {
        args: [{ name: 'username', type: 'string' }],
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          ['7.0.0', 'Added selectors and changed the format of key and channel patterns from a list to their rule representation.'],
        ],
      }),
      sub('help', 2, ['loading', 'stale', 'sentinel'], 'Lists the ACL subcommands', 'O(1)'),
      sub('list', 2, ADMIN, 'Lists every user in ACL file format', 'O(N). Where N is the number of configured users.'),
      sub('load', 2, ADMIN, 'Reloads the users from the ACL file', 'O(N). Where N is the number of configured users.'),
      sub('log', -2, ADMIN, 'Lists the latest commands and logins refused by ACLs', 'O(N) with N being the number of entries shown.', {
        args: [
          {
            name: 'operation',
            type: 'oneof',
            optional: true,
            arguments: [
              { name: 'count', type: 'integer' },
              { name: 'reset', type: 'pure-token', token: 'RESET' },
            ],
          },
        ],
      }),
      sub('save', 2, ADMIN, 'Writes the users to the ACL file', 'O(N). Where N is the number of configured users.', {
      }),
      sub('setuser', -3, ADMIN, "Creates a user or changes a user's rules", 'O(N). Where N is the number of rules provided.', {
        args: [
          { name: 'username', type: 'string' },
          { name: 'rule', type: 'string', optional: true, multiple: true },
        ],
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          ['7.0.0', 'Added selectors and key based permissions.'],
        ],
      }),
      sub('users', 2, ADMIN, 'Lists the user names', 'O(N). Where N is the number of configured users.'),
      sub('whoami', 2, PLAIN, "Names the connection's user", 'O(1)'),
    ],
  },
];
