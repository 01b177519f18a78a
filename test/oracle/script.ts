/**
 * Oracle scripts (`cases/*.oracle`): tests as titled command lists, parsed here.
 *
 *   ## title               starts a test (run after FLUSHALL, SELECT 0, HELLO 2)
 *   COMMAND args...         compared byte for byte
 *   @sorted COMMAND ...     the aggregate reply's elements compared as a sorted list
 *   @type COMMAND ...       only the reply type (and an aggregate's length) compared
 *   @ignore COMMAND ...     run on both servers, not compared
 *   @sleep MS               wait
 *   # comment
 * Arguments use redis-cli quoting: "..." with \n \r \t \xHH escapes, '...' literal.
 */
export type Directive = 'exact' | 'sorted' | 'type' | 'ignore' | 'sleep';

export interface Step {
  directive: Directive;
  args: Buffer[];
  line: number;
  text: string;
}

export interface OracleTest {
  title: string;
  steps: Step[];
}

export function parseScript(text: string, file: string): OracleTest[] {
  const tests: OracleTest[] = [];
  let current: OracleTest | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const line = raw.trim();
    if (line === '' || (line.startsWith('#') && !line.startsWith('##'))) continue;
    if (line.startsWith('##')) {
      current = { title: line.slice(2).trim(), steps: [] };
      tests.push(current);
      continue;
    }
    if (current === null) throw new Error(`${file}:${i + 1}: command before the first '## title'`);
    let directive: Directive = 'exact';
    let rest = line;
    const m = /^@(\w+)\s+(.*)$/.exec(line);
    if (m) {
      if (!['sorted', 'type', 'ignore', 'sleep'].includes(m[1])) throw new Error(`${file}:${i + 1}: unknown directive @${m[1]}`);
      directive = m[1] as Directive;
      rest = m[2];
    }
    const args = splitArgs(rest);
    if (args === null) throw new Error(`${file}:${i + 1}: unbalanced quotes`);
    current.steps.push({ directive, args, line: i + 1, text: rest });
  }
  const titles = new Set<string>();
  for (const t of tests) {
    if (titles.has(t.title)) throw new Error(`${file}: duplicate test title '${t.title}'`);
    titles.add(t.title);
  }
  return tests;
}

/** redis-cli's argument splitting (sdssplitargs). */
export function splitArgs(line: string): Buffer[] | null {
  const out: Buffer[] = [];
  let p = 0;
  const n = line.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  while (true) {
    while (p < n && isSpace(line[p])) p++;
    if (p >= n) return out;
    const bytes: number[] = [];
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = p < n ? line[p] : '';
      if (inq) {
        if (c === '\\' && line[p + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(p + 2, p + 4))) {
          bytes.push(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < n) {
          p++;
          const e = line[p];
          const map: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, a: 7 };
          if (e in map) bytes.push(map[e]);
          else bytes.push(...Buffer.from(e, 'utf8'));
        } else if (c === '"') {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          bytes.push(...Buffer.from(c, 'utf8'));
        }
      } else if (insq) {
        if (c === '\\' && line[p + 1] === "'") {
          p++;
          bytes.push(39);
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === '') {
          return null;
        } else {
          bytes.push(...Buffer.from(c, 'utf8'));
        }
      } else if (c === '' || isSpace(c)) {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        bytes.push(...Buffer.from(c, 'utf8'));
      }
      if (p < n) p++;
    }
    out.push(Buffer.from(bytes));
  }
}
