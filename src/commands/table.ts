/**
 * CommandTable: the declarative specs (src/commands/specs/) numbered and indexed for dispatch.
 * Arity is checked here and nowhere else. Lookup is by the command name's bytes, lowercased without
 * allocating for names up to 32 bytes.
 */
import type { Args } from '../protocol/args.js';
import type { CommandDef, CommandSpec } from './spec.js';
import { ALL_COMMANDS } from './specs/index.js';

export class CommandTable {
  /** Every command and subcommand, by id. */
  readonly specs: CommandSpec[] = [];
  /** Top-level commands only, in table order. */
  readonly commands: CommandSpec[] = [];
  private readonly byName = new Map<string, CommandSpec>();
  /**
   * The top-level names again, as an open-addressed table over their bytes, so dispatch finds a
   * command without building a string: slot -> spec, and the lowercase name bytes to compare.
   */
  private readonly slotSpecs: Array<CommandSpec | undefined>;
  private readonly slotNames: Uint8Array[];
  private readonly mask: number;

  constructor(defs: CommandDef[] = ALL_COMMANDS) {
    for (const def of defs) {
      const spec = this.add(def, undefined);
      this.commands.push(spec);
      this.byName.set(spec.name, spec);
    }
    let size = 16;
    while (size < this.commands.length * 4) size *= 2;
    this.mask = size - 1;
    this.slotSpecs = new Array<CommandSpec | undefined>(size).fill(undefined);
    this.slotNames = new Array<Uint8Array>(size).fill(EMPTY_NAME);
    for (const spec of this.commands) {
      const name = Buffer.from(spec.name, 'latin1');
      let slot = nameHash(name, 0, name.length) & this.mask;
      while (this.slotSpecs[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.slotSpecs[slot] = spec;
      this.slotNames[slot] = name;
    }
  }

  private add(def: CommandDef, parent: CommandSpec | undefined): CommandSpec {
    const layout = deriveKeyLayout(def);
    const spec: CommandSpec = {
      ...def,
      id: this.specs.length,
      parent,
      subcommands: undefined,
      legacy: layout.legacy,
      movableKeys: layout.movable,
    };
    this.specs.push(spec);
    if (def.subcommands) spec.subcommands = def.subcommands.map((sub) => this.add(sub, spec));
    return spec;
  }

  /** The top-level command named by argument 0, or undefined. */
  lookup(args: Args): CommandSpec | undefined {
    const b = args.buf;
    const o = args.offset(0);
    const n = args.length(0);
    let slot = nameHash(b, o, n) & this.mask;
    for (;;) {
      const spec = this.slotSpecs[slot];
      if (spec === undefined) return undefined;
      const name = this.slotNames[slot];
      if (name.length === n) {
        let k = 0;
        while (k < n && lowerAscii(b[o + k]) === name[k]) k++;
        if (k === n) return spec;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** A top-level command or 'parent|sub' by name. */
  byFullName(name: string): CommandSpec | undefined {
    const bar = name.indexOf('|');
    if (bar < 0) return this.byName.get(name.toLowerCase());
    const parent = this.byName.get(name.slice(0, bar).toLowerCase());
    const full = name.toLowerCase();
    return parent?.subcommands?.find((s) => s.name === full);
  }

  /** The subcommand named by argument 1 of a container command, or undefined. */
  lookupSubcommand(spec: CommandSpec, args: Args): CommandSpec | undefined {
    const subs = spec.subcommands;
    if (!subs) return undefined;
    const want = spec.name + '|' + lowerName(args, 1);
    for (const s of subs) if (s.name === want) return s;
    return undefined;
  }

  arityOk(spec: CommandSpec, argc: number): boolean {
    return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
  }
}

const EMPTY_NAME = new Uint8Array(0);

/** FNV-1a over the name's bytes with ASCII letters folded to lowercase. */
function nameHash(b: Uint8Array, o: number, n: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < n; k++) {
    h = Math.imul(h ^ lowerAscii(b[o + k]), 0x01000193);
  }
  return h >>> 0;
}

/** ASCII letters folded to lowercase, as strcasecmp in the C locale; other bytes unchanged. */
function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** Lowercased argument as a string; ASCII names are built without an intermediate buffer. */
function lowerName(args: Args, i: number): string {
  const n = args.length(i);
  if (n > 32) return args.string(i).toLowerCase();
  const o = args.offset(i);
  const b = args.buf;
  let s = '';
  for (let k = 0; k < n; k++) {
    let c = b[o + k];
    if (c >= 65 && c <= 90) c |= 0x20;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * Redis's legacy (first, last, step) triple and the movablekeys flag, derived from the key specs as
 * populateCommandLegacyRangeSpec does: one index+range spec is used as is; otherwise consecutive
 * step-1 ranges merge and anything else (keyword/keynum searches, other steps, incomplete specs)
 * makes the keys movable.
 */
function deriveKeyLayout(def: CommandDef): { legacy: { first: number; last: number; step: number }; movable: boolean } {
  const specs = def.keySpecs ?? [];
  if (specs.length === 0) return { legacy: { first: 0, last: 0, step: 0 }, movable: false };
  const isRange = (i: number) => {
    const ks = specs[i];
    return ks.begin !== 'unknown' && 'index' in ks.begin && ks.find !== 'unknown' && 'range' in ks.find;
  };
  if (specs.length === 1 && isRange(0)) {
    const ks = specs[0];
    const pos = (ks.begin as { index: number }).index;
    const r = (ks.find as { range: { lastkey: number; step: number } }).range;
    return { legacy: { first: pos, last: r.lastkey < 0 ? r.lastkey : pos + r.lastkey, step: r.step }, movable: ks.flags.includes('incomplete') };
  }
  let movable = false;
  let first = Number.MAX_SAFE_INTEGER;
  let last = 0;
  let prevLast = 0;
  for (let i = 0; i < specs.length; i++) {
    if (!isRange(i)) {
      movable = true;
      continue;
    }
    const ks = specs[i];
    const pos = (ks.begin as { index: number }).index;
    const r = (ks.find as { range: { lastkey: number; step: number } }).range;
    if (r.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (ks.flags.includes('incomplete')) movable = true;
    first = Math.min(first, pos);
    const abs = r.lastkey >= 0 ? r.lastkey + pos : r.lastkey;
    // Unsigned comparison, as Redis does: a negative (open) last key wins.
    last = (abs >>> 0) > (last >>> 0) ? abs : last;
    prevLast = last;
  }
  if (first === Number.MAX_SAFE_INTEGER) return { legacy: { first: 0, last: 0, step: 0 }, movable: true };
  return { legacy: { first, last, step: 1 }, movable };
}
