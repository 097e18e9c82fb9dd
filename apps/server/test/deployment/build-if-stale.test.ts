import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, parleyBuildPlan } from '../../../../scripts/build-if-stale.mjs';

/** A tiny project in a temporary directory whose "build" copies one source into one output. */
describe('npm start builds only when something changed (scripts/build-if-stale.mjs)', () => {
  let root: string;
  let builds: number;
  let failNextBuild: boolean;

  const plan = () => ({
    root,
    inputs: ['package.json', 'src'],
    outputs: ['dist/main.js'],
    stampFile: 'node_modules/.cache/stamp',
    build: async () => {
      builds += 1;
      if (failNextBuild) {
        failNextBuild = false;
        throw new Error('compile error');
      }
      await mkdir(join(root, 'dist'), { recursive: true });
      await writeFile(join(root, 'dist/main.js'), 'built');
    },
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-build-if-stale-'));
    builds = 0;
    failNextBuild = false;
    await mkdir(join(root, 'src/nested'), { recursive: true });
    await writeFile(join(root, 'package.json'), '{}');
    await writeFile(join(root, 'src/main.ts'), 'export const a = 1;');
    await writeFile(join(root, 'src/nested/util.ts'), 'export const b = 2;');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds the first time, then starts without building while nothing changed', async () => {
    expect(await ensureBuilt(plan())).toBe('built');
    expect(await ensureBuilt(plan())).toBe('fresh');
    expect(await ensureBuilt(plan())).toBe('fresh');
    expect(builds).toBe(1);
  });

  it('builds again after a source is edited, added or deleted, or a listed file changes', async () => {
    await ensureBuilt(plan());
    await writeFile(join(root, 'src/nested/util.ts'), 'export const b = 3;');
    expect(await ensureBuilt(plan())).toBe('built');
    await writeFile(join(root, 'src/nested/extra.ts'), 'export const c = 4;');
    expect(await ensureBuilt(plan())).toBe('built');
    await rm(join(root, 'src/nested/extra.ts'));
    expect(await ensureBuilt(plan())).toBe('built');
    await writeFile(join(root, 'package.json'), '{"name":"x"}');
    expect(await ensureBuilt(plan())).toBe('built');
    expect(builds).toBe(5);
  });

  it('builds again when an output is missing', async () => {
    await ensureBuilt(plan());
    await rm(join(root, 'dist'), { recursive: true });
    expect(await ensureBuilt(plan())).toBe('built');
    expect(builds).toBe(2);
  });

  it('ignores a touch that changes no content, and edits to tests', async () => {
    await ensureBuilt(plan());
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'src/main.ts'), later, later);
    await writeFile(join(root, 'src/main.test.ts'), 'test');
    await mkdir(join(root, 'src/test'));
    await writeFile(join(root, 'src/test/helper.ts'), 'helper');
    expect(await ensureBuilt(plan())).toBe('fresh');
    expect(builds).toBe(1);
  });

  it('after a failed build, tries again on the next start', async () => {
    failNextBuild = true;
    await expect(ensureBuilt(plan())).rejects.toThrow('compile error');
    expect(await ensureBuilt(plan())).toBe('built');
    expect(await ensureBuilt(plan())).toBe('fresh');
    expect(builds).toBe(2);
  });

  it("the repository's plan names inputs and outputs that exist", async () => {
    const repository = fileURLToPath(new URL('../../../../', import.meta.url));
    const parley = parleyBuildPlan(repository);
    // Vite copies apps/web/public only when it exists.
    const optional = new Set(['apps/web/public']);
    for (const input of parley.inputs.filter((path) => !optional.has(path))) {
      await expect(stat(join(repository, input)), input).resolves.toBeTruthy();
    }
    expect(parley.outputs).toContain('apps/server/dist/main.js');
    expect(parley.outputs).toContain('apps/web/dist/index.html');
  });
});
