import { readSync } from 'fs';
import pino from 'pino';
import { Fifo, openFifo, readUntil } from '../../../../test/support/fifo';
import { nonBlockingLogStream } from './logging.module';

describe(nonBlockingLogStream.name, () => {
  // A real pipe that nobody reads: a log collector that stopped.
  let pipe: Fifo;
  beforeEach(() => (pipe = openFifo()));
  afterEach(() => pipe.close());

  it('drops lines past its cap while the pipe is full, says so on stderr, and never blocks the caller', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const stream = nonBlockingLogStream(pipe.writeFd, 256 * 1024) as pino.DestinationStream &
        NodeJS.EventEmitter & { end(): void };
      const log = pino(stream);
      // 4 MB of lines into a 64 KiB pipe: each call returns at once (a blocking write would hang here).
      for (let i = 0; i < 4000; i++) log.info({ i, pad: 'x'.repeat(1000) }, 'line');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const notices = stderr.mock.calls.map(([text]) => String(text));
      expect(notices[0]).toMatch(/^gateway: the log output is not keeping up; 1 log lines dropped so far\n$/);
      // What the pipe then gives is whole JSON lines, the first ones logged.
      const chunk = Buffer.alloc(64 * 1024);
      const text = chunk.toString('utf8', 0, readSync(pipe.readFd, chunk));
      const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { i: number; msg: string };
      expect(first).toMatchObject({ i: 0, msg: 'line' });
      // Read on until the stream has written what it held and closed the pipe's write end itself.
      let closed = false;
      stream.once('close', () => (closed = true));
      stream.end();
      await readUntil(pipe.readFd, () => closed, 10_000);
      expect(closed).toBe(true);
    } finally {
      stderr.mockRestore();
    }
  });
});
