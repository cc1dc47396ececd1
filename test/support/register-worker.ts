import { appendFileSync } from 'fs';
import { join } from 'path';

// Test company ids carry the worker's pid (see gateway.ts, browser-stack.ts): the leak check at the end
// of the run uses these pids to tell this run's jobs from another run's on a shared machine.
if (process.env.TTS_TEST_RUN_DIR) appendFileSync(join(process.env.TTS_TEST_RUN_DIR, 'pids'), `${process.pid}\n`);
