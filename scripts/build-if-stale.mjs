// @ts-check
// Runs before `npm start`. Plain JavaScript (type-checked through JSDoc) because it must run on a
// fresh clone before anything is compiled, and starting a TypeScript runner would cost seconds.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} BuildPlan
 * @property {string} root Directory the other paths are relative to.
 * @property {string[]} inputs Files and directories (walked recursively) the build reads.
 * @property {string[]} outputs Files the build writes; a missing one forces a build.
 * @property {string} stampFile Where the fingerprint of the inputs of the last good build is kept.
 * @property {() => Promise<void>} build Runs the build; rejects when it fails.
 */

/** Directories that never hold build inputs, wherever they appear under an input directory. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'test', 'e2e']);
/** Tests are excluded by every tsconfig and never bundled, so editing one needs no build. */
const isTestFile = (/** @type {string} */ name) => /\.test\.[cm]?[jt]sx?$/.test(name);

/**
 * The files under `path` that the build reads, relative to `root`, sorted.
 * @param {string} root
 * @param {string} path
 * @returns {Promise<string[]>}
 */
async function inputFiles(root, path) {
  const absolute = join(root, path);
  const info = await stat(absolute).catch(() => null);
  if (info === null) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(absolute, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => (entry.isDirectory() ? !SKIPPED_DIRECTORIES.has(entry.name) : entry.isFile() && !isTestFile(entry.name)))
      .map((entry) => inputFiles(root, join(path, entry.name))),
  );
  return nested.flat().sort();
}

/**
 * A digest of the names and contents of every input: contents rather than modification times,
 * so a checkout or a touch that changes nothing does not force a build, and any real change does.
 * @param {string} root
 * @param {string[]} inputs
 * @returns {Promise<string>}
 */
export async function fingerprint(root, inputs) {
  const files = [...new Set((await Promise.all(inputs.map((path) => inputFiles(root, path)))).flat())].sort();
  const digest = createHash('sha256');
  for (const file of files) {
    digest.update(file.split(sep).join('/')).update('\0');
    digest.update(createHash('sha256').update(await readFile(join(root, file))).digest()).update('\0');
  }
  return digest.digest('hex');
}

/**
 * Builds unless the outputs exist and the inputs are exactly those of the last good build.
 * The fingerprint is taken before building, so an edit made while the build runs is built next time.
 * @param {BuildPlan} plan
 * @returns {Promise<'fresh' | 'built'>}
 */
export async function ensureBuilt(plan) {
  const current = await fingerprint(plan.root, plan.inputs);
  const stampFile = join(plan.root, plan.stampFile);
  const recorded = await readFile(stampFile, 'utf8').catch(() => null);
  const outputsPresent = (await Promise.all(plan.outputs.map((path) => stat(join(plan.root, path)).then(() => true, () => false)))).every(Boolean);
  if (recorded?.trim() === current && outputsPresent) return 'fresh';
  await plan.build();
  await mkdir(dirname(stampFile), { recursive: true });
  await writeFile(stampFile, current + '\n');
  return 'built';
}

/** What `npm run build` reads and writes in this repository. */
export function parleyBuildPlan(/** @type {string} */ root) {
  return {
    root,
    inputs: [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      ...['packages/protocol', 'packages/sdk', 'apps/server'].flatMap((workspace) => ['src', 'package.json', 'tsconfig.json'].map((file) => `${workspace}/${file}`)),
      ...['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((file) => `apps/web/${file}`),
    ],
    outputs: ['packages/protocol/dist/index.js', 'packages/sdk/dist/index.js', 'apps/server/dist/main.js', 'apps/web/dist/index.html'],
    stampFile: 'node_modules/.cache/parley/build-fingerprint',
    build: () =>
      /** @type {Promise<void>} */ (
        new Promise((resolve, reject) => {
          const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
          child.once('error', reject);
          child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${signal ?? `exit code ${code}`})`))));
        })
      ),
  };
}

// Node runs the real path of a script reached through a symbolic link; compare real paths.
const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
if (invokedDirectly) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const outcome = await ensureBuilt(parleyBuildPlan(root));
    if (outcome === 'fresh') console.log('The build is up to date: starting without building.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
