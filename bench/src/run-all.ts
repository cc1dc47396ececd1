/**
 * `npm run bench`: the relay bench, then the billing bench, each in its own child process (so one's
 * load never skews the other), then both reports together. Arguments go to the relay bench
 * (e.g. `npm run bench -- --quick`); progress streams to stderr, the markdown reports to stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NginxUnavailable, ensureNginx } from '../relay/nginx-install';
import { NGINX_BIN } from '../relay/nginx-proxy';

const DIST_BENCH = join(__dirname, '..');

interface Part {
  name: string;
  entry: string;
  args: string[];
}

const PARTS: Part[] = [
  { name: 'relay', entry: join(DIST_BENCH, 'relay', 'main.js'), args: process.argv.slice(2) },
  { name: 'billing', entry: join(DIST_BENCH, 'billing', 'main.js'), args: [] },
];

function runPart(part: Part): Promise<{ code: number; report: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [part.entry, ...part.args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code) => resolve({ code: code ?? 1, report: Buffer.concat(chunks).toString('utf8').trim() }));
  });
}

async function main(): Promise<void> {
  // Before anything starts: the relay bench's nginx reference is installed or the run stops here.
  try {
    ensureNginx(NGINX_BIN);
  } catch (err) {
    if (!(err instanceof NginxUnavailable)) throw err;
    console.error(`[bench] ${err.message}`);
    process.exitCode = 1;
    return;
  }
  const reports: string[] = [];
  let failed = false;
  for (const part of PARTS) {
    if (!existsSync(part.entry)) {
      reports.push(`## ${part.name}\n\n(not built: ${part.entry} is missing)`);
      continue;
    }
    process.stderr.write(`[bench] ${part.name} bench starting\n`);
    const { code, report } = await runPart(part);
    failed ||= code !== 0;
    reports.push(code === 0 ? report : `## ${part.name}\n\nFAILED (exit ${code})${report ? `\n\n${report}` : ''}`);
  }
  console.log(reports.join('\n\n'));
  process.exitCode = failed ? 1 : 0;
}

void main();
