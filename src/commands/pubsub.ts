/**
 * Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE PUBLISH
 * SPUBLISH PUBSUB, all on the main thread over the registries of src/server/pubsub.ts.
 *
 * Replies follow Redis 7.0.15: one confirmation per argument (`subscribe`, name, count) as a push in
 * RESP3 and an array in RESP2; SUBSCRIBE/PSUBSCRIBE (and their UNSUBSCRIBEs) count channels plus
 * patterns, the shard commands count shard channels only; an UNSUBSCRIBE without arguments from
 * nothing answers one confirmation with a null name. A RESP2 connection with any subscription is in
 * subscribed mode: only the commands of pubsub.ts's ALLOWED_SUBSCRIBED run (server dispatch checks),
 * and PING answers `pong` and its argument as an array.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { Reply } from '../protocol/reply.js';
import { pubsubOf, type PubSubRegistry, type SubscriptionKind } from '../server/pubsub.js';
import { globMatch } from './glob.js';
import { clientInfoProviders, connectionHooks, replyHelp, subcommandSyntaxErrorOf } from './connection.js';

// ---------------------------------------------------------------- connection state for CLIENT LIST / RESET

clientInfoProviders.unshift((c) => {
  const s = c.pubsub;
  if (s === null) return null;
  return {
    flags: s.active ? 'P' : undefined,
    sub: s.channels.size,
    psub: s.patterns.size,
    ssub: s.shardChannels.size,
    type: s.active ? 'pubsub' : undefined,
  };
});

connectionHooks.onReset.push((client, server) => {
  if (client.pubsub !== null) pubsubOf(server).forget(client);
});

// ---------------------------------------------------------------- confirmations

const KIND_OF = {
  subscribe: 'channel',
  unsubscribe: 'channel',
  psubscribe: 'pattern',
  punsubscribe: 'pattern',
  ssubscribe: 'shard',
  sunsubscribe: 'shard',
} as const satisfies Record<string, SubscriptionKind>;

/** The count a confirmation carries: channels + patterns, or shard channels for the shard commands. */
function countFor(client: Client, kind: SubscriptionKind): number {
  const s = client.pubsub;
  if (s === null) return 0;
  return kind === 'shard' ? s.shardChannels.size : s.count;
}

function confirm(reply: Reply, what: string, name: Uint8Array | string | null, count: number): void {
  reply.pushLen(3);
  reply.bulkLatin1(what);
  if (name === null) reply.nullBulk();
  else if (typeof name === 'string') reply.bulkLatin1(name);
  else reply.bulk(name);
  reply.integer(count);
}

function subscribeCommand(what: 'subscribe' | 'psubscribe' | 'ssubscribe') {
  const kind = KIND_OF[what];
  return (ctx: ExecContext, client: Client, server: Server): void => {
    const { args, reply } = ctx;
    const reg = pubsubOf(server);
    for (let i = 1; i < args.argc; i++) {
      const bytes = args.bytes(i);
      reg.subscribe(client, kind, args.string(i), bytes);
      confirm(reply, what, bytes, countFor(client, kind));
    }
  };
}

function unsubscribeCommand(what: 'unsubscribe' | 'punsubscribe' | 'sunsubscribe') {
  const kind = KIND_OF[what];
  return (ctx: ExecContext, client: Client, server: Server): void => {
    const { args, reply } = ctx;
    const reg = pubsubOf(server);
    if (args.argc === 1) {
      unsubscribeAll(reg, reply, client, kind, what);
      return;
    }
    for (let i = 1; i < args.argc; i++) {
      reg.unsubscribe(client, kind, args.string(i));
      confirm(reply, what, args.bytes(i), countFor(client, kind));
    }
  };
}

/** UNSUBSCRIBE (and the others) without arguments: every subscription of the kind, in order. */
function unsubscribeAll(reg: PubSubRegistry, reply: Reply, client: Client, kind: SubscriptionKind, what: string): void {
  const s = client.pubsub;
  const names = s === null ? [] : [...(kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shardChannels)];
  if (names.length === 0) {
    confirm(reply, what, null, countFor(client, kind));
    return;
  }
  for (const name of names) {
    reg.unsubscribe(client, kind, name);
    confirm(reply, what, name, countFor(client, kind));
  }
}

// ---------------------------------------------------------------- PUBLISH SPUBLISH

function publish(ctx: ExecContext, client: Client, server: Server): void {
  ctx.reply.integer(pubsubOf(server).publish(server, ctx.args.bytes(1), ctx.args.bytes(2), client, ctx.reply));
}

function spublish(ctx: ExecContext, client: Client, server: Server): void {
  ctx.reply.integer(pubsubOf(server).spublish(server, ctx.args.bytes(1), ctx.args.bytes(2), client, ctx.reply));
}

// ---------------------------------------------------------------- PUBSUB

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsubCommand(ctx: ExecContext, _client: Client, server: Server): void {
  const { args, reply } = ctx;
  const reg = pubsubOf(server);
  const argc = args.argc;
  if (argc === 2 && args.is(1, 'help')) {
    replyHelp(ctx, PUBSUB_HELP);
  } else if (args.is(1, 'channels') && (argc === 2 || argc === 3)) {
    channelList(ctx, reg.channels, argc === 3 ? args.bytes(2) : null);
  } else if (args.is(1, 'numsub')) {
    numsub(ctx, reg.channels);
  } else if (args.is(1, 'numpat') && argc === 2) {
    reply.integer(reg.patterns.size);
  } else if (args.is(1, 'shardchannels') && (argc === 2 || argc === 3)) {
    channelList(ctx, reg.shardChannels, argc === 3 ? args.bytes(2) : null);
  } else if (args.is(1, 'shardnumsub')) {
    numsub(ctx, reg.shardChannels);
  } else {
    reply.error(subcommandSyntaxErrorOf(ctx));
  }
}

function channelList(ctx: ExecContext, map: Map<string, Set<Client>>, pattern: Uint8Array | null): void {
  const names: Buffer[] = [];
  for (const name of map.keys()) {
    const bytes = Buffer.from(name, 'latin1');
    if (pattern === null || globMatch(pattern, 0, pattern.length, bytes, 0, bytes.length)) names.push(bytes);
  }
  ctx.reply.arrayLen(names.length);
  for (const b of names) ctx.reply.bulk(b);
}

function numsub(ctx: ExecContext, map: Map<string, Set<Client>>): void {
  const { args, reply } = ctx;
  reply.arrayLen((args.argc - 2) * 2);
  for (let i = 2; i < args.argc; i++) {
    reply.bulk(args.bytes(i));
    reply.integer(map.get(args.string(i))?.size ?? 0);
  }
}

// ---------------------------------------------------------------- the family

export const pubsubCommands: CommandFamily = {
  subscribe: { route: 'main', run: subscribeCommand('subscribe') },
  psubscribe: { route: 'main', run: subscribeCommand('psubscribe') },
  ssubscribe: { route: 'main', run: subscribeCommand('ssubscribe') },
  unsubscribe: { route: 'main', run: unsubscribeCommand('unsubscribe') },
  punsubscribe: { route: 'main', run: unsubscribeCommand('punsubscribe') },
  sunsubscribe: { route: 'main', run: unsubscribeCommand('sunsubscribe') },
  publish: { route: 'main', run: publish },
  spublish: { route: 'main', run: spublish },
  pubsub: { route: 'main', run: pubsubCommand },
};
