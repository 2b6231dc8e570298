// src/core is the pure planner: it imports only itself and reads no clock, randomness,
// environment or files. This test reads the sources to keep it that way.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const coreDir = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sources(coreDir);

describe('src/core purity', () => {
  it('finds the planner sources', () => {
    expect(files.map((f) => relative(coreDir, f))).toEqual(
      expect.arrayContaining(['plan.ts', 'model.ts', 'filters/fit.ts']),
    );
  });

  it.each(files.map((f) => [relative(coreDir, f), f]))('%s imports only src/core', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|^import\s+'([^']+)'/gm)].map(
      (m) => m[1] ?? m[2] ?? m[3] ?? '',
    );
    for (const spec of specifiers) {
      expect(spec.startsWith('.')).toBe(true);
      expect(resolve(dirname(file), spec).startsWith(coreDir)).toBe(true);
    }
  });

  it.each(files.map((f) => [relative(coreDir, f), f]))(
    '%s reads no clock, randomness, environment or I/O',
    (_name, file) => {
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      expect(text).not.toMatch(
        /\bDate\.now\b|\bnew Date\b|\bMath\.random\b|\bprocess\.|\bperformance\.|\bsetTimeout\b|\bsetInterval\b|\brequire\(/,
      );
    },
  );
});
