/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO (Redis 7.0.15's
 * clientCommand branches, same checks in the same order and the same error texts), over the
 * tracking tables of src/server/tracking.ts.
 */
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { SYNTAX } from '../protocol/errors.js';
import { ClientTracking, trackingOf } from '../server/tracking.js';
import { string2ll } from '../protocol/number-parse.js';
import { clientInfoProviders, connectionHooks } from './connection.js';

clientInfoProviders.push((c) => {
  const t = c.tracking;
  if (t === null) return null;
  return { flags: 't' + (t.brokenRedirect ? 'R' : '') + (t.bcast ? 'B' : ''), redir: t.redirect };
});

connectionHooks.clientSubcommands.set('tracking', clientTracking);
connectionHooks.clientSubcommands.set('caching', (ctx, client) => clientCaching(ctx, client));
connectionHooks.clientSubcommands.set('getredir', (ctx, client) => clientGetredir(ctx, client));
connectionHooks.clientSubcommands.set('trackinginfo', (ctx, client) => clientTrackingInfo(ctx, client));

connectionHooks.onReset.push((client, server) => {
  if (client.tracking !== null) {
    trackingOf(server).disable(client);
    server.refreshNotifyMask();
  }
});

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
export function clientTracking(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: Uint8Array[] = [];
  for (let j = 3; j < args.argc; j++) {
    const moreargs = args.argc - 1 - j;
    if (args.is(j, 'redirect') && moreargs > 0) {
      j++;
      if (redirect !== 0) {
        reply.error('ERR A client can only redirect to a single other client');
        return;
      }
      const id = string2ll(args.buf, args.offset(j), args.length(j));
      if (id === null) {
        reply.error('ERR value is not an integer or out of range');
        return;
      }
      const target = server.clients.get(id);
      if (target === undefined || target.closed) {
        reply.error('ERR The client ID you want redirect to does not exist');
        return;
      }
      redirect = id;
    } else if (args.is(j, 'bcast')) bcast = true;
    else if (args.is(j, 'optin')) optin = true;
    else if (args.is(j, 'optout')) optout = true;
    else if (args.is(j, 'noloop')) noloop = true;
    else if (args.is(j, 'prefix') && moreargs > 0) {
      j++;
      prefixes.push(args.copy(j));
    } else {
      reply.error(SYNTAX);
      return;
    }
  }
  const registry = trackingOf(server);
  const current = client.tracking;
  if (args.is(2, 'on')) {
    if (!bcast && prefixes.length > 0) {
      reply.error('ERR PREFIX option requires BCAST mode to be enabled');
      return;
    }
    if (current !== null && current.bcast !== bcast) {
      reply.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
      return;
    }
    if (bcast && (optin || optout)) {
      reply.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
      return;
    }
    if (optin && optout) {
      reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if (current !== null && ((optin && current.optout) || (optout && current.optin))) {
      reply.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
      return;
    }
    if (bcast) {
      const collision = prefixCollision(current, prefixes);
      if (collision !== null) {
        reply.error(collision);
        return;
      }
    }
    // Redis's enableTracking: the mode flags are replaced, BCAST prefixes add up.
    const state = current ?? new ClientTracking();
    state.redirect = redirect;
    state.brokenRedirect = false;
    state.bcast = bcast;
    state.optin = optin;
    state.optout = optout;
    state.noloop = noloop;
    registry.enable(client, state, prefixes);
    server.refreshNotifyMask();
  } else if (args.is(2, 'off')) {
    registry.disable(client);
    server.refreshNotifyMask();
  } else {
    reply.error(SYNTAX);
    return;
  }
  reply.ok();
}

function startsWith(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Redis's checkPrefixCollisionsOrReply: the error text, or null when no two prefixes overlap. */
function prefixCollision(current: ClientTracking | null, prefixes: Uint8Array[]): string | null {
  const existing = current === null ? [] : [...current.prefixes].sort().map((p) => Buffer.from(p, 'latin1'));
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of existing) {
      if (startsWith(old, prefixes[i])) {
        return `ERR Prefix '${cString(prefixes[i])}' overlaps with an existing prefix '${cString(old)}'. Prefixes for a single client must not overlap.`;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (startsWith(prefixes[i], prefixes[j])) {
        return `ERR Prefix '${cString(prefixes[i])}' overlaps with another provided prefix '${cString(prefixes[j])}'. Prefixes for a single client must not overlap.`;
      }
    }
  }
  return null;
}

/** A prefix as Redis's %s prints it (up to the first NUL byte). */
function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul)).toString('latin1');
}

/** CLIENT CACHING YES|NO */
export function clientCaching(ctx: ExecContext, client: Client): void {
  const { args, reply } = ctx;
  const t = client.tracking;
  if (t === null) {
    reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  if (args.is(2, 'yes')) {
    if (!t.optin) {
      reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      return;
    }
  } else if (args.is(2, 'no')) {
    if (!t.optout) {
      reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      return;
    }
  } else {
    reply.error(SYNTAX);
    return;
  }
  t.caching = true;
  t.cachingConsumed = false;
  reply.ok();
}

/** CLIENT GETREDIR: the redirect id (0 none), -1 with tracking off. */
export function clientGetredir(ctx: ExecContext, client: Client): void {
  ctx.reply.integer(client.tracking === null ? -1 : client.tracking.redirect);
}

/** CLIENT TRACKINGINFO */
export function clientTrackingInfo(ctx: ExecContext, client: Client): void {
  const r = ctx.reply;
  const t = client.tracking;
  r.mapLen(3);
  r.bulkLatin1('flags');
  const flags = [t === null ? 'off' : 'on'];
  if (t !== null) {
    if (t.bcast) flags.push('bcast');
    if (t.optin) {
      flags.push('optin');
      if (t.caching && !t.cachingConsumed) flags.push('caching-yes');
    }
    if (t.optout) {
      flags.push('optout');
      if (t.caching && !t.cachingConsumed) flags.push('caching-no');
    }
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  r.setLen(flags.length);
  for (const f of flags) r.bulkLatin1(f);
  r.bulkLatin1('redirect');
  r.integer(t === null ? -1 : t.redirect);
  r.bulkLatin1('prefixes');
  const prefixes = t === null ? [] : [...t.prefixes].sort();
  r.arrayLen(prefixes.length);
  for (const p of prefixes) r.bulkLatin1(p);
}
