// The layers of src/ and what each may import, checked on every source file (tests
// excluded: they may reach anything they need to set up). Dependencies point one way:
//
//   main.ts -> cli -----------------> snapshot -> core
//          \-> runtime -> cluster --/
//
//   core      the planner: only core
//   snapshot  Kubernetes JSON -> the core model: snapshot and core
//   cluster   the API server: cluster, snapshot, core, and the only layer that may
//             import @kubernetes/client-node
//   runtime   the run command's loop: runtime, snapshot, core, and cluster through
//             cluster/index.ts only
//   cli       the plan command: cli, snapshot, core
//   main.ts   picks a command: cli and runtime
//   bench     benchmarks, run by hand against a local cluster: any layer and any
//             package (they create nodes and pods themselves); nothing imports them
//
// node: built-ins are fine everywhere. Other packages: not in core, snapshot, cli or
// main.ts (they have no use for one today); the client library only in cluster and bench.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Layer = 'core' | 'snapshot' | 'cluster' | 'runtime' | 'cli' | 'main' | 'bench';

interface Rule {
  /** Layers this one may import from. */
  readonly layers: readonly Layer[];
  /** npm packages (other than node: built-ins) allowed at all. */
  readonly packages: boolean;
  /** @kubernetes/client-node in particular. */
  readonly kubernetesClient: boolean;
}

const RULES: Readonly<Record<Layer, Rule>> = {
  core: { layers: ['core'], packages: false, kubernetesClient: false },
  snapshot: { layers: ['snapshot', 'core'], packages: false, kubernetesClient: false },
  cluster: { layers: ['cluster', 'snapshot', 'core'], packages: true, kubernetesClient: true },
  runtime: { layers: ['runtime', 'cluster', 'snapshot', 'core'], packages: true, kubernetesClient: false },
  cli: { layers: ['cli', 'snapshot', 'core'], packages: false, kubernetesClient: false },
  main: { layers: ['cli', 'runtime'], packages: false, kubernetesClient: false },
  bench: { layers: ['bench', 'core', 'snapshot', 'cluster', 'runtime', 'cli'], packages: true, kubernetesClient: true },
};

const KUBERNETES_CLIENT = '@kubernetes/client-node';
/** The one cluster file runtime may import: the layer's narrow public surface. */
const CLUSTER_ENTRY = 'cluster/index.ts';

/** The layer of a path relative to src/ (posix separators), or undefined outside the layers. */
function layerOf(path: string): Layer | undefined {
  if (path === 'main.ts') return 'main';
  const top = path.split('/')[0];
  return top === 'core' ||
    top === 'snapshot' ||
    top === 'cluster' ||
    top === 'runtime' ||
    top === 'cli' ||
    top === 'bench'
    ? top
    : undefined;
}

/** Every module specifier a file names: imports, re-exports, import types, import() and require(). */
function specifiersOf(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) found.push(expression.text);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) found.push(argument.literal.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((dynamic || required) && first !== undefined && ts.isStringLiteralLike(first)) found.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** One line per import that crosses the layers the wrong way. Paths are relative to src/. */
function layerViolations(files: readonly { path: string; text: string }[]): string[] {
  const problems: string[] = [];
  for (const { path, text } of files) {
    const layer = layerOf(path);
    if (layer === undefined) {
      problems.push(`src/${path}: belongs to no layer (add it to a layer, or the layer to the rules)`);
      continue;
    }
    const rule = RULES[layer];
    for (const specifier of specifiersOf(path, text)) {
      const at = `src/${path} imports ${specifier}`;
      if (specifier.startsWith('node:')) continue;
      if (!specifier.startsWith('.')) {
        const name = packageOf(specifier);
        if (name === KUBERNETES_CLIENT && !rule.kubernetesClient) {
          problems.push(`${at}: only cluster may import ${KUBERNETES_CLIENT}`);
        } else if (!rule.packages) {
          problems.push(`${at}: ${layer} imports no packages`);
        }
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(path), specifier)).replace(/\.js$/, '.ts');
      const targetLayer = target.startsWith('..') ? undefined : layerOf(target);
      if (targetLayer === undefined || !rule.layers.includes(targetLayer)) {
        const allowed = rule.layers.join(', ');
        problems.push(`${at}: ${layer} may import only ${allowed}`);
      } else if (layer === 'runtime' && targetLayer === 'cluster' && target !== CLUSTER_ENTRY) {
        problems.push(`${at}: runtime reaches cluster through ${CLUSTER_ENTRY} only`);
      }
    }
  }
  return problems;
}

const srcDir = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the layers of src/', () => {
  const files = sources(srcDir).map((file) => ({
    path: relative(srcDir, file).split('\\').join('/'),
    text: readFileSync(file, 'utf8'),
  }));

  it('reads the sources of every layer', () => {
    const layers = new Set(files.map((f) => layerOf(f.path)));
    expect([...layers].sort()).toEqual(['bench', 'cli', 'cluster', 'core', 'main', 'runtime', 'snapshot']);
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['main.ts', 'core/plan.ts', 'cluster/index.ts', 'runtime/scheduler.ts']),
    );
  });

  it('has no import that crosses them the wrong way', () => {
    expect(layerViolations(files)).toEqual([]);
  });
});

describe('main.ts', () => {
  it('loads the runtime (and the client library) only for run, so plan starts without them', () => {
    const source = ts.createSourceFile(
      'main.ts',
      readFileSync(join(srcDir, 'main.ts'), 'utf8'),
      ts.ScriptTarget.Latest,
    );
    const staticImports = source.statements
      .filter(ts.isImportDeclaration)
      .map((d) => (ts.isStringLiteral(d.moduleSpecifier) ? d.moduleSpecifier.text : ''));
    expect(staticImports).toEqual(['./cli/plan-command.js']);
  });
});

describe('the layer check itself', () => {
  it('finds every form of import', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "type G = import('./g.js').G;",
      "const h = require('./h.js');",
      "import i = require('./i.js');",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      './a.js',
      './b.js',
      './c.js',
      './d.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js',
      './i.js',
    ]);
  });

  it('names each wrong import and lets the right ones pass', () => {
    const files = [
      { path: 'core/plan.ts', text: "import type { X } from '../cluster/index.js';\nimport { y } from './y.js';" },
      { path: 'core/quantity.ts', text: "import { readFile } from 'node:fs';\nimport big from 'big.js';" },
      { path: 'snapshot/pod.ts', text: "import { plan } from '../core/plan.js';\nimport '../cli/plan-options.js';" },
      { path: 'cli/plan.ts', text: "import { KubeConfig } from '@kubernetes/client-node';" },
      { path: 'runtime/pass.ts', text: "import '../cluster/index.js';\nimport type { S } from '../cluster/store.js';" },
      {
        path: 'runtime/log.ts',
        text: "import winston from 'winston';\nimport { V1Pod } from '@kubernetes/client-node/dist/gen';",
      },
      {
        path: 'cluster/api.ts',
        text: "import { CoreV1Api } from '@kubernetes/client-node';\nimport '../runtime/log.js';",
      },
      { path: 'main.ts', text: "import './cli/plan-command.js';\nimport './core/index.js';" },
      {
        path: 'bench/bind.ts',
        text: "import * as k8s from '@kubernetes/client-node';\nimport '../runtime/scheduler.js';",
      },
      { path: 'tools/x.ts', text: '' },
      { path: 'cli/escape.ts', text: "import '../../test/support/index.js';" },
    ];
    expect(layerViolations(files)).toEqual([
      'src/core/plan.ts imports ../cluster/index.js: core may import only core',
      'src/core/quantity.ts imports big.js: core imports no packages',
      'src/snapshot/pod.ts imports ../cli/plan-options.js: snapshot may import only snapshot, core',
      'src/cli/plan.ts imports @kubernetes/client-node: only cluster may import @kubernetes/client-node',
      'src/runtime/pass.ts imports ../cluster/store.js: runtime reaches cluster through cluster/index.ts only',
      'src/runtime/log.ts imports @kubernetes/client-node/dist/gen: only cluster may import @kubernetes/client-node',
      'src/cluster/api.ts imports ../runtime/log.js: cluster may import only cluster, snapshot, core',
      'src/main.ts imports ./core/index.js: main may import only cli, runtime',
      'src/tools/x.ts: belongs to no layer (add it to a layer, or the layer to the rules)',
      'src/cli/escape.ts imports ../../test/support/index.js: cli may import only cli, snapshot, core',
    ]);
  });
});
