#!/usr/bin/env node
/**
 * Dev tool for the declarative command table (src/commands/specs/), against Redis 7.0.15's command
 * JSON in ../shared/reference (not shipped with Tessera).
 *
 *   node scripts/check-specs.mjs
 *       Facts check of the built table (dist/, run `npx tsc -p tsconfig.json` first): arity, flags, ACL
 *       categories, key specs, arguments, history, tips... of every command against the JSON.
 *   node scripts/check-specs.mjs --redis <port|socket-path>
 *       Also compares COMMAND INFO and COMMAND DOCS (RESP2 and RESP3) of every command byte for byte
 *       with that running redis-server 7.0.15; summaries, which are ours, are masked.
 *   node scripts/check-specs.mjs --emit hset hget object
 *       Prints CommandDef literals for these commands (subcommands as 'object|encoding' or with the
 *       container): facts from the JSON, summary left as TODO for you to write in your own words.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE = path.resolve(root, '../shared/reference/redis-7.0.15-commands');
if (!fs.existsSync(REFERENCE)) {
  console.error(`check-specs: ${REFERENCE} is absent; nothing to compare with`);
  process.exit(0);
}

// ---------------------------------------------------------------- the reference, in our vocabulary

function loadReference() {
  const map = new Map();
  for (const file of fs.readdirSync(REFERENCE)) {
    if (!file.endsWith('.json')) continue;
    const [name, c] = Object.entries(JSON.parse(fs.readFileSync(path.join(REFERENCE, file), 'utf8')))[0];
    map.set((c.container ? `${c.container}|${name}` : name).toLowerCase(), c);
  }
  return map;
}

const keySpecFlag = (f) => (['RO', 'RW', 'OW', 'RM'].includes(f) ? f : f.toLowerCase());

function strip(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== false) out[k] = v;
  return out;
}

function argOf(a) {
  return strip({
    name: a.name,
    type: a.type,
    token: a.token,
    keySpecIndex: a.key_spec_index,
    optional: a.optional,
    multiple: a.multiple,
    multipleToken: a.multiple_token,
    since: a.since,
    deprecatedSince: a.deprecated_since,
    arguments: a.arguments?.map(argOf),
  });
}

function keySpecOf(ks) {
  const b = ks.begin_search;
  const f = ks.find_keys;
  return strip({
    flags: ks.flags.map(keySpecFlag),
    begin: b.index ? { index: b.index.pos } : b.keyword ? { keyword: b.keyword.keyword, startfrom: b.keyword.startfrom } : 'unknown',
    find: f.range
      ? { range: { lastkey: f.range.lastkey, step: f.range.step, limit: f.range.limit } }
      : f.keynum
        ? { keynum: { keynumidx: f.keynum.keynumidx, firstkey: f.keynum.firstkey, step: f.keynum.step } }
        : 'unknown',
    notes: ks.notes,
  });
}

function factsFromReference(name, c) {
  return strip({
    name,
    group: c.group,
    since: c.since,
    complexity: c.complexity,
    arity: c.arity,
    flags: (c.command_flags ?? []).map((f) => f.toLowerCase()),
    acl: (c.acl_categories ?? []).map((f) => f.toLowerCase()),
    tips: c.command_tips?.map((t) => t.toLowerCase()),
    deprecatedSince: c.deprecated_since,
    replacedBy: c.replaced_by,
    docFlags: c.doc_flags?.map((t) => t.toLowerCase()),
    history: c.history,
    keySpecs: c.key_specs?.map(keySpecOf),
    args: c.arguments?.map(argOf),
  });
}

function factsOfSpec(s) {
  const arg = (a) => strip({ ...a, arguments: a.arguments?.map(arg) });
  return strip({
    name: s.name,
    group: s.group,
    since: s.since,
    complexity: s.complexity,
    arity: s.arity,
    flags: s.flags,
    acl: s.acl,
    tips: s.tips,
    deprecatedSince: s.deprecatedSince,
    replacedBy: s.replacedBy,
    docFlags: s.docFlags,
    history: s.history,
    keySpecs: s.keySpecs?.map((ks) => strip({ ...ks })),
    args: s.args?.map(arg),
  });
}

// Key order does not matter for the comparison.
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

// ---------------------------------------------------------------- --emit

function tsLiteral(v, indent) {
  const pad = '  '.repeat(indent);
  if (typeof v === 'string') return v.includes("'") && !v.includes('"') ? JSON.stringify(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) {
    const items = v.map((x) => tsLiteral(x, indent + 1));
    const flat = `[${items.join(', ')}]`;
    if (flat.length + pad.length < 100 && !flat.includes('\n')) return flat;
    return `[\n${items.map((x) => `${pad}  ${x},`).join('\n')}\n${pad}]`;
  }
  const entries = Object.entries(v).map(([k, x]) => `${k}: ${tsLiteral(x, indent + 1)}`);
  const flat = `{ ${entries.join(', ')} }`;
  if (flat.length + pad.length < 100 && !flat.includes('\n')) return flat;
  return `{\n${entries.map((x) => `${pad}  ${x},`).join('\n')}\n${pad}}`;
}

function emit(names, reference) {
  for (const raw of names) {
    const name = raw.toLowerCase();
    const c = reference.get(name);
    if (c === undefined) {
      console.error(`// ${name}: not a Redis 7.0.15 command`);
      continue;
    }
    const { name: n, ...facts } = factsFromReference(name, c);
    const def = { name: n, summary: 'TODO: our own words', ...facts };
    const subs = [...reference.keys()].filter((k) => k.startsWith(name + '|'));
    if (subs.length > 0) def.subcommands = subs.map((s) => ({ name: s, summary: 'TODO: our own words', ...factsFromReference(s, reference.get(s)) }));
    console.log(tsLiteral(def, 0).replace(/^/gm, '  ') + ',');
  }
}

// ---------------------------------------------------------------- --redis

/** End offset of one complete RESP value at p, or -1. */
function respEnd(s, p) {
  const nl = s.indexOf('\r\n', p);
  if (nl < 0) return -1;
  const t = s[p];
  const n = parseInt(s.slice(p + 1, nl), 10);
  let q = nl + 2;
  if ('+-:_,#('.includes(t)) return q;
  if (t === '$' || t === '=' || t === '!') return n < 0 ? q : q + n + 2 <= s.length ? q + n + 2 : -1;
  const count = n < 0 ? 0 : t === '%' ? 2 * n : n;
  for (let i = 0; i < count; i++) {
    q = respEnd(s, q);
    if (q < 0) return -1;
  }
  return q;
}

async function connect(target) {
  const socket = /^\d+$/.test(target) ? net.connect(Number(target), '127.0.0.1') : net.connect(target);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = '';
  let wake = null;
  socket.on('data', (d) => {
    data += d.toString('latin1');
    wake?.();
  });
  const encode = (argv) => `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
  return {
    call(argv) {
      socket.write(Buffer.from(encode(argv), 'latin1'));
      return new Promise((resolve) => {
        const check = () => {
          const end = respEnd(data, 0);
          if (end < 0) return;
          const reply = data.slice(0, end);
          data = data.slice(end);
          wake = null;
          resolve(reply);
        };
        wake = check;
        check();
      });
    },
    close: () => socket.end(),
  };
}

async function compareWithRedis(target, table, dist) {
  const { replyCommandInfo, replyCommandDocs } = await import(pathToFileURL(path.join(dist, 'commands/command-introspection.js')).href);
  const { Reply } = await import(pathToFileURL(path.join(dist, 'protocol/reply.js')).href);
  const redis = await connect(target);
  const mask = (s) => s.replace(/\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n/g, '<summary>');
  let diffs = 0;
  let compared = 0;
  for (const resp of [2, 3]) {
    await redis.call(['HELLO', String(resp)]);
    for (const spec of table.specs) {
      // Containers list their subcommands in hash order in Redis; each subcommand is compared on its own.
      if (spec.subcommands) continue;
      for (const kind of ['info', 'docs']) {
        const reply = new Reply();
        reply.resp = resp;
        if (kind === 'info') {
          reply.arrayLen(1);
          replyCommandInfo(reply, spec);
        } else {
          reply.mapLen(1);
          reply.bulkString(spec.name);
          replyCommandDocs(reply, spec);
        }
        const ours = mask(Buffer.from(reply.take()).toString('latin1'));
        const theirs = mask(await redis.call(['COMMAND', kind.toUpperCase(), spec.name]));
        compared++;
        if (ours !== theirs) {
          diffs++;
          let i = 0;
          while (i < ours.length && ours[i] === theirs[i]) i++;
          console.log(`COMMAND ${kind.toUpperCase()} ${spec.name} (RESP${resp}) differs at byte ${i}:`);
          console.log(`  redis:   ${JSON.stringify(theirs.slice(Math.max(0, i - 60), i + 100))}`);
          console.log(`  tessera: ${JSON.stringify(ours.slice(Math.max(0, i - 60), i + 100))}`);
        }
      }
    }
  }
  redis.close();
  console.log(`check-specs: ${compared} COMMAND INFO/DOCS replies compared with redis-server, ${diffs} differ`);
  return diffs;
}

// ---------------------------------------------------------------- main

const argv = process.argv.slice(2);
const reference = loadReference();
if (argv[0] === '--emit') {
  emit(argv.slice(1), reference);
  process.exit(0);
}

const dist = path.join(root, 'dist');
const { CommandTable } = await import(pathToFileURL(path.join(dist, 'commands/table.js')).href);
const table = new CommandTable();
let problems = 0;
for (const spec of table.specs) {
  const c = reference.get(spec.name);
  if (c === undefined) {
    console.log(`${spec.name}: not a Redis 7.0.15 command`);
    problems++;
    continue;
  }
  const want = JSON.stringify(canonical(factsFromReference(spec.name, c)));
  const have = JSON.stringify(canonical(factsOfSpec(spec)));
  if (want !== have) {
    problems++;
    let i = 0;
    while (i < want.length && want[i] === have[i]) i++;
    console.log(`${spec.name}: facts differ from the reference near ...${have.slice(Math.max(0, i - 40), i + 60)}`);
    console.log(`  reference: ...${want.slice(Math.max(0, i - 40), i + 60)}`);
  }
  if (spec.summary.trim().toLowerCase() === c.summary.trim().toLowerCase()) {
    problems++;
    console.log(`${spec.name}: summary copied from Redis; write it in our own words`);
  }
}
console.log(`check-specs: ${table.specs.length} specs checked against the reference, ${problems} problems`);
const at = argv.indexOf('--redis');
if (at >= 0) problems += await compareWithRedis(argv[at + 1], table, dist);
process.exit(problems === 0 ? 0 : 1);
