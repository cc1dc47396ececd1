import { execFileSync } from 'child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** A real pipe (a FIFO, 64 KiB of buffer as a container's stdout has) whose reading end a test controls. */
export interface Fifo {
  /** Non-blocking read end: nothing is read unless the test reads it. */
  readFd: number;
  /** Blocking write end, for the writer under test. */
  writeFd: number;
  /** Closes what is still open and removes the FIFO. */
  close(): void;
}

export function openFifo(): Fifo {
  const dir = mkdtempSync(join(tmpdir(), 'tts-fifo-'));
  const path = join(dir, 'pipe');
  execFileSync('mkfifo', [path]);
  // The read end first (non-blocking, so neither open waits for the other).
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY);
  return {
    readFd,
    writeFd,
    close: () => {
      for (const fd of [readFd, writeFd]) {
        try {
          closeSync(fd);
        } catch {
          // already closed by the writer under test
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads `fd` (non-blocking) until `enough` holds for all read so far, or `timeoutMs` passes; what was read. */
export async function readUntil(fd: number, enough: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const chunk = Buffer.alloc(64 * 1024);
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!enough(text) && Date.now() < deadline) {
    let n = 0;
    try {
      n = readSync(fd, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
    if (n > 0) text += chunk.toString('utf8', 0, n);
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return text;
}
