/** Small statistics and table formatting shared by the bench scripts. */

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function geomean(values) {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return NaN;
  return Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
}

/** (max - min) / median, the spread across rounds as a fraction. */
export function spread(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2) return 0;
  return (Math.max(...v) - Math.min(...v)) / median(v);
}

export const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
export const fmtMs = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(3) : x < 100 ? x.toFixed(2) : x.toFixed(1)) : '-');
export const fmtRatio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
export const fmtPct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '-');
export const fmtMiB = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MiB` : '-');

/** A markdown table (also readable as plain text): numeric-looking columns right-aligned. */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const isNumber = (c) => c === '' || /^-?[\d.,]+( MiB| %|%)?( \[[\d.]+-[\d.]+\])?$|^[\d.]+( \/ [\d.]+)+$|^-$/.test(c);
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => isNumber(String(r[i] ?? ''))));
  const line = (r) => `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}

/** `--name value` options with defaults; flags (no value) with `flag(name)`. */
export function parseOptions(argv) {
  return {
    get(name, def) {
      const i = argv.indexOf(name);
      return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
    },
    flag(name) {
      return argv.includes(name);
    },
  };
}
