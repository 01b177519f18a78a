/**
 * Replication commands. Tessera does not replicate yet (no replicas can attach and it cannot follow
 * a master), so ROLE describes what every Tessera server is today: a master with no replicas whose
 * replication offset is 0, as INFO's replication section says.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';

/** ROLE: ["master", offset, [[ip, port, offset] per replica]]. */
function role(ctx: ExecContext): void {
  const r = ctx.reply;
  r.arrayLen(3);
  r.bulkString('master');
  r.integer(0);
  r.arrayLen(0);
}

export const replicationCommands: CommandFamily = {
  role: { route: 'main', run: role },
};
