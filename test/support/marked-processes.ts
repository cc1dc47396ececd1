import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';

/**
 * A mark for the processes one spec file starts: put `env` into the environment of what it runs (children
 * inherit it), then `running(path)` lists the pids still running `path` that carry the mark, so specs
 * running side by side never count each other's processes.
 */
export function processMark(): { env: Record<string, string>; running: (path: string) => number[] } {
  const value = `${process.pid}-${Date.now()}`;
  const entry = `TTS_SPEC_PROCESS_MARK=${value}`;
  const running = (path: string): number[] =>
    spawnSync('pgrep', ['-f', path], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
        } catch {
          return false; // gone meanwhile
        }
      });
  return { env: { TTS_SPEC_PROCESS_MARK: value }, running };
}
