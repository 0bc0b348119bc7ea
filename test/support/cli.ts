import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string[];
  stderr: string[];
  /** the last stdout line, parsed (with --json) */
  json: Record<string, unknown>;
}

/** Runs `spotlib argv...` in this process with its own env (and standard input). */
export async function spotlib(
  env: NodeJS.ProcessEnv,
  ...argv: string[] | [...string[], { stdin: string }]
): Promise<CliRun> {
  const last = argv.at(-1);
  const input = typeof last === 'object' ? last.stdin : undefined;
  const args = (argv as (string | { stdin: string })[]).filter(
    (a): a is string => typeof a === 'string',
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, {
    env,
    stdout: (text) => stdout.push(...text.split('\n')),
    stderr: (text) => stderr.push(...text.split('\n')),
    stdin: () => Promise.resolve(input ?? ''),
  });
  const line = stdout.at(-1);
  return { code, stdout, stderr, json: line?.startsWith('{') ? JSON.parse(line) : {} };
}
