/**
 * `npm run bench` (full size, minutes) and `npm run bench:smoke` (every part at a tiny size,
 * a few seconds each, for CI): runs each part in its own process, one after the other, and
 * prints their reports as one Markdown document (also written to `--out FILE`).
 *
 * Exits non-zero when a part failed to run; a missed target is reported, never a failure. A
 * part skipped for a reason outside the project (no redis-server) is named in the summary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPriority } from 'node:os';
import { benchNiceness, log, machine, skippedExitCode, smoke } from './lib/part.js';
import { root } from './lib/proc.js';

const parts = ['updates', 'reminders', 'memory', 'peer-walkthrough', 'peer-queue'] as const;

function runOne(part: string): Promise<{ code: number | null; report: string }> {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      join(root, 'bench', `${part}.ts`),
      ...(smoke ? ['--smoke'] : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.once('exit', (code) => resolve({ code, report }));
  });
}

const git = (args: string[]) =>
  spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();
const commit = git(['rev-parse', '--short', 'HEAD']);
const dirty =
  git(['status', '--porcelain', '--', 'src']) === '' ? '' : ' (with uncommitted changes in src/)';
const started = performance.now();
const reports: string[] = [];
const summary: string[] = [];
for (const part of parts) {
  const partStarted = performance.now();
  const { code, report } = await runOne(part);
  reports.push(report.trim());
  const seconds = ((performance.now() - partStarted) / 1000).toFixed(1);
  summary.push(
    code === 0
      ? `- ${part}: ran (${seconds} s)`
      : code === skippedExitCode
        ? `- ${part}: SKIPPED (${seconds} s), see its section`
        : `- ${part}: FAILED TO RUN (exit ${code})`,
  );
}
const document = [
  `# Benchmark run${smoke ? ' (smoke sizes: these numbers measure nothing)' : ''}`,
  '',
  `${new Date().toISOString()}, commit ${commit}${dirty}; ${machine()}. Command: \`npm run ${smoke ? 'bench:smoke' : 'bench'}\`${smoke ? '' : `, each part at nice ${benchNiceness} when allowed (this shell: nice ${getPriority()})`}.`,
  '',
  ...summary,
  '',
  ...reports.map((r) => `${r}\n`),
].join('\n');
process.stdout.write(`${document}\n`);
const out = process.argv.indexOf('--out');
if (out !== -1 && process.argv[out + 1] !== undefined)
  writeFileSync(process.argv[out + 1] ?? '', `${document}\n`);
log(`all parts in ${((performance.now() - started) / 1000).toFixed(0)} s`);
for (const line of summary) log(line.slice(2));
process.exit(summary.some((line) => line.includes('FAILED')) ? 1 : 0);
