import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import type { BenchResult } from '../src/bench/bench.service.js';

interface ImportReport {
  engine: string;
  date: string;
  rows: number;
  machine: { cores: number; memoryGiB: number };
  firstImport: { seconds: number; playsPerSecond: number; maxRssMB: number };
  reimport: { seconds: number; rowsPerSecond: number; maxRssMB: number };
  /** the same rows in other files (absent from results before the files' fingerprints) */
  reimportOtherFiles?: { seconds: number; rowsPerSecond: number; maxRssMB: number };
  verify: { drift: number };
  /** PostgreSQL: what any first import of these files costs at least (absent before 2026-11-29) */
  floor?: { parseCpuSeconds: number; historyInsertSeconds: number; targetSeconds: number };
}

interface SyncReport {
  engine: string;
  date: string;
  tracks: number;
  machine: { cores: number; memoryGiB: number };
  fullSync: { seconds: number; tracksPerSecond: number; maxRssMB: number };
  incrementalSync: { seconds: number; maxRssMB: number };
  verify: { drift: number };
}

/** BENCHMARKS.md from the latest result file of each engine and scale (and of each import run). */
export async function writeBenchmarksMarkdown(resultsDir: string, target: string): Promise<void> {
  const files = (await readdir(resultsDir)).filter((f) => f.endsWith('.json')).sort();
  const latest = new Map<string, string>();
  for (const file of files) latest.set(file.replace(/-\d{4}-\d{2}-\d{2}\.json$/, ''), file);
  const read = async <T>(file: string) =>
    JSON.parse(await readFile(path.join(resultsDir, file), 'utf8')) as T;
  const sections: string[] = [];
  for (const [key, file] of latest) {
    if (key.startsWith('import-'))
      sections.push(importSection(await read<ImportReport>(file), file));
    else if (key.startsWith('sync-'))
      sections.push(syncSection(await read<SyncReport>(file), file));
    else if (key.startsWith('recording-'))
      sections.push(recordingSection(await read<RecordingReport>(file), file));
    else if (/^(postgres|pglite)-[SML]$/.test(key)) {
      sections.push(suiteSection(await read<BenchResult>(file), file));
    }
  }
  const options = (await prettier.resolveConfig(target)) ?? {};
  const markdown = await prettier.format(`${HEADER}\n${sections.join('\n')}`, {
    ...options,
    parser: 'markdown',
  });
  await writeFile(target, markdown);
}

const HEADER = `# Benchmarks

Every speed claim of Spotlib is a number from this suite, measured next to the
slower way on the same data in the same run (\`npm run bench\`, see README).
Latencies are tinybench percentiles in milliseconds; \`ratio\` is ours / baseline
by p50 (below 1: ours is faster). This file is rewritten from the latest file of
each engine and scale in \`bench/results/\`.

Targets (PostgreSQL, scale M): a deep page (90k) costs at most 1.5x the first
page; our page is at least 10x faster than per-row nested loading and 50x
faster than OFFSET at 90k.
`;

function suiteSection(result: BenchResult, file: string): string {
  const { machine } = result;
  const rows = result.scenarios.map((s) =>
    [
      s.name,
      s.p50Ms,
      s.p99Ms,
      s.runs,
      s.baseline?.name ?? '',
      s.baseline?.p50Ms ?? '',
      s.baseline?.p99Ms ?? '',
      s.ratio ?? '',
    ].join(' | '),
  );
  return `
## ${result.engine}, scale ${result.scale} (${result.startedAt.slice(0, 10)})

${machine.cpus} cores, ${machine.memoryGb} GB, ${machine.postgres ?? ''}; \`bench/results/${file}\`

| scenario | p50 | p99 | runs | baseline | baseline p50 | baseline p99 | ratio |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r} |`).join('\n')}
`;
}

interface RecordingReport {
  date: string;
  plays: number;
  batch: number;
  machine: { cores: number };
  results: {
    oneWriter: { playsPerSecond: number };
    eightWriters: { playsPerSecond: number };
    redelivery: { playsPerSecond: number };
    drift: number;
    archival: { rows: number; guideLoopSeconds: number; partitionMoveMs: number; ratio: number };
  };
}

function recordingSection(report: RecordingReport, file: string): string {
  const r = report.results;
  const a = r.archival;
  return `
## Recording and archival, postgres (${report.date.slice(0, 10)})

${report.plays.toLocaleString('en')} plays in batches of ${report.batch} through the recording service, ${report.machine.cores} cores; \`bench/results/${file}\` (\`npm run bench:recording\`)

| 1 writer | 8 writers | all duplicates | drift | archiving one month (${a.rows.toLocaleString('en')} rows) | guide's copy-and-delete loop | ratio |
| --- | --- | --- | --- | --- | --- | --- |
| ${r.oneWriter.playsPerSecond.toLocaleString('en')} plays/s | ${r.eightWriters.playsPerSecond.toLocaleString('en')} plays/s | ${r.redelivery.playsPerSecond.toLocaleString('en')} plays/s | ${r.drift} | ${a.partitionMoveMs} ms | ${a.guideLoopSeconds} s | ${a.ratio} |
`;
}

function importSection(report: ImportReport, file: string): string {
  const { firstImport: first, reimport: again, reimportOtherFiles: other } = report;
  const rate = (run: { rowsPerSecond: number; seconds: number }) =>
    `${run.rowsPerSecond.toLocaleString('en')} rows/s (${run.seconds} s)`;
  const peakMB = Math.max(first.maxRssMB, again.maxRssMB, other?.maxRssMB ?? 0);
  return `
## Import, ${report.engine} (${report.date.slice(0, 10)})

${report.rows.toLocaleString('en')} generated extended-history rows through the CLI, ${report.machine.cores} cores; \`bench/results/${file}\` (\`npm run bench:import\`)

| first import | re-import, same files | re-import, same rows in other files | peak RSS | drift after |
| --- | --- | --- | --- | --- |
| ${first.playsPerSecond.toLocaleString('en')} plays/s (${first.seconds} s) | ${rate(again)} | ${other ? rate(other) : 'not measured'} | ${peakMB} MB | ${report.verify.drift} |
${floorLine(report.floor)}`;
}

function floorLine(floor: ImportReport['floor']): string {
  if (!floor) return '';
  return `
The first import's floor, whatever else it does: parsing the files takes ${floor.parseCpuSeconds} s of CPU, and inserting its plays into the history with its indexes (from a table holding them) ${floor.historyInsertSeconds} s of the server; 100k plays/s would allow ${floor.targetSeconds} s in all.
`;
}

function syncSection(report: SyncReport, file: string): string {
  const { fullSync: full, incrementalSync: incremental } = report;
  return `
## Spotify sync, ${report.engine} (${report.date.slice(0, 10)})

A ${report.tracks.toLocaleString('en')}-track library from the emulator (answering at once) through the CLI, ${report.machine.cores} cores; \`bench/results/${file}\` (\`npm run bench:sync\`). Target: at least 5,000 tracks/s, peak RSS under 250 MB.

| full sync | peak RSS | incremental sync after it | drift after |
| --- | --- | --- | --- |
| ${full.tracksPerSecond.toLocaleString('en')} tracks/s (${full.seconds} s) | ${full.maxRssMB} MB | ${incremental.seconds} s | ${report.verify.drift} |
`;
}
