#!/usr/bin/env node
// Builds the Rust addon (native/) into native/tessera.node: `npm run build:native`, run by `npm ci`.
//
// The addon is optional: every native function has a TypeScript twin. So a machine without cargo, or
// a failed build, only prints a note and exits 0. The build is offline (the crate has no external
// crates). test/unit/resp-parser.test.ts fails when cargo is present but the addon did not load.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(root, 'native');
const targetDir = join(crate, 'target');
const destination = join(crate, 'tessera.node');

const probe = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('build:native: cargo not found, skipping the native addon (the TypeScript twins will be used)');
  process.exit(0);
}

// cwd = the crate, so that native/.cargo/config.toml applies.
const build = spawnSync('cargo', ['build', '--release', '--offline', '--target-dir', targetDir], {
  cwd: crate,
  encoding: 'utf8',
  stdio: ['ignore', 'inherit', 'pipe'],
});
if (build.error || build.status !== 0) {
  process.stderr.write(build.stderr ?? '');
  if (build.error) console.error(build.error.message);
  console.warn('build:native: WARNING: the native addon failed to build; the TypeScript twins will be used');
  process.exit(0);
}

const library = {
  linux: 'libtessera.so',
  darwin: 'libtessera.dylib',
  win32: 'tessera.dll',
}[process.platform] ?? 'libtessera.so';
const built = join(targetDir, 'release', library);
if (!existsSync(built)) {
  console.warn(`build:native: WARNING: cargo succeeded but ${built} is missing; the TypeScript twins will be used`);
  process.exit(0);
}

// Copy then rename: a process that has the old addon mapped keeps a valid file.
const temporary = `${destination}.${process.pid}.tmp`;
try {
  copyFileSync(built, temporary);
  renameSync(temporary, destination);
} catch (err) {
  rmSync(temporary, { force: true });
  console.warn(`build:native: WARNING: could not install ${destination}: ${err.message}`);
  process.exit(0);
}
console.log(`build:native: built ${destination}`);
