// Writes the race's report from its results file: the SVG charts, and the section of
// BENCHMARKS.md between the race markers. Run after the race:
//   node dist/bench/race/report-command.js [--results bench/race/results.json] [--charts docs/bench] [--markdown BENCHMARKS.md]
// Exit 0 when written, 2 with one line on stderr when the options, the results or the
// markers are wrong. Everything is checked before the first file is written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fail, ok, type Result } from '../../core/index.js';
import { buildReport, parseReportOptions, parseResults, replaceSection, REPORT_USAGE } from './report.js';

const PREFIX = 'race report';

/** The file's text, or undefined when there is no such file. */
function readText(path: string): Result<string | undefined> {
  try {
    return ok(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return ok(undefined);
    return fail(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The charts folder as the markdown file's links see it. */
function chartsHref(markdown: string, charts: string): string {
  return relative(dirname(resolve(markdown)), resolve(charts))
    .split(sep)
    .join('/');
}

function reportCommand(argv: readonly string[]): number {
  const options = parseReportOptions(argv);
  if (!options.ok) {
    process.stderr.write(`${PREFIX}: ${options.error}\n${REPORT_USAGE}`);
    return 2;
  }
  if (options.value.help) {
    process.stdout.write(REPORT_USAGE);
    return 0;
  }
  const { results: resultsFile, charts, markdown } = options.value;
  const content = readText(resultsFile);
  if (!content.ok || content.value === undefined) {
    const problem = content.ok ? `${resultsFile}: no such file (run the race first)` : content.error;
    process.stderr.write(`${PREFIX}: ${problem}\n`);
    return 2;
  }
  const results = parseResults(content.value, resultsFile);
  if (!results.ok) {
    process.stderr.write(`${PREFIX}: ${results.error}\n`);
    return 2;
  }
  const report = buildReport(results.value, chartsHref(markdown, charts));
  const existing = readText(markdown);
  const document = existing.ok ? replaceSection(existing.value, report.markdown, markdown) : existing;
  if (!document.ok) {
    process.stderr.write(`${PREFIX}: ${document.error}\n`);
    return 2;
  }
  mkdirSync(charts, { recursive: true });
  for (const chart of report.charts) writeFileSync(join(charts, chart.name), chart.svg);
  writeFileSync(markdown, document.value);
  const written = [...report.charts.map((chart) => join(charts, chart.name)), markdown];
  process.stdout.write(`${PREFIX}: wrote ${written.join(', ')}\n`);
  return 0;
}

try {
  process.exitCode = reportCommand(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${PREFIX}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
