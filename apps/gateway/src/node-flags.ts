/**
 * Node.js options the gateway's process must be started with (package.json's `start:gateway`, the
 * Dockerfile, docker-compose, the k8s Deployment, `npm start` and the bench all pass these; a test holds
 * them to this list). V8 reads them when the heap is created, so the process cannot set them itself.
 *
 * `--max-semi-space-size=16`: Node 24 (the Docker image's) lets V8 grow the young generation to 64 MB,
 * twice Node 20's. The relay allocates a buffer per audio chunk, and with the larger young generation
 * each scavenge had more to copy: at 500 sessions, 142 KB of memory per session instead of 55, the
 * event loop stalled up to 35 ms, and the gateway added 51 ms to the first audio's p99 with 530
 * playback underruns, against 6 ms and none with this flag (docs/BENCHMARKS.md). On Node 20 it is the
 * default already.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
