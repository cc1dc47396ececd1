/**
 * The floor of any Node.js relay: a plain TCP byte pipe from a listening port to the emulator, with
 * nothing parsed (the WebSocket upgrade and frames pass through as bytes, as through nginx). Run by
 * the bench's simultaneous mode: `node node-pipe.js <listen port> <upstream port>`.
 */
import { connect, createServer, Socket } from 'node:net';

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
if (!Number.isInteger(listenPort) || !Number.isInteger(upstreamPort)) {
  console.error('usage: node node-pipe.js <listen port> <upstream port>');
  process.exit(2);
}

createServer({ noDelay: true }, (client: Socket) => {
  const upstream = connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
  client.pipe(upstream);
  upstream.pipe(client);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) socket.on('error', close).on('close', close);
}).listen(listenPort, '127.0.0.1');
