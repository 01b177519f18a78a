/**
 * The command table's contents: every implemented command, one file per group. A command gets a
 * spec only when it is really implemented (an unknown command must get Redis's unknown-command error).
 */
import type { CommandDef } from '../spec.js';
import { CONNECTION_COMMANDS } from './connection.js';
import { SERVER_COMMANDS } from './server.js';
import { STRING_COMMANDS } from './string.js';
import { KEYSPACE_COMMANDS } from './keyspace.js';
import { SORTED_SET_COMMANDS } from './sorted-set.js';
import { SORTED_SET_BLOCKING_COMMANDS } from './sorted-set-blocking.js';
import { LIST_COMMANDS } from './list.js';
import { LIST_BLOCKING_COMMANDS } from './list-blocking.js';
import { HASH_COMMANDS } from './hash.js';
import { SET_COMMANDS } from './set.js';
import { GEO_COMMANDS } from './geo.js';
import { BITMAP_COMMANDS } from './bitmap.js';
import { HYPERLOGLOG_COMMANDS } from './hyperloglog.js';
import { SORT_COMMANDS } from './sort.js';
import { PUBSUB_COMMANDS } from './pubsub.js';
import { TRANSACTION_COMMANDS } from './transactions.js';
import { STREAM_COMMANDS } from './stream.js';
import { SCRIPTING_COMMANDS } from './scripting.js';
import { DUMP_RESTORE_COMMANDS } from './dump-restore.js';
import { ACL_COMMANDS } from './acl.js';

export const ALL_COMMANDS: CommandDef[] = [
  ...CONNECTION_COMMANDS,
  ...SERVER_COMMANDS,
  ...STRING_COMMANDS,
  ...KEYSPACE_COMMANDS,
  ...SORTED_SET_COMMANDS,
  ...SORTED_SET_BLOCKING_COMMANDS,
  ...LIST_COMMANDS,
  ...LIST_BLOCKING_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...GEO_COMMANDS,
  ...BITMAP_COMMANDS,
  ...HYPERLOGLOG_COMMANDS,
  ...SORT_COMMANDS,
  ...PUBSUB_COMMANDS,
  ...TRANSACTION_COMMANDS,
  ...STREAM_COMMANDS,
  ...SCRIPTING_COMMANDS,
  ...DUMP_RESTORE_COMMANDS,
  ...ACL_COMMANDS,
];
