import { AddressInfo, Server, Socket, connect, createServer } from 'net';

/** A TCP proxy in front of the real Redis that a test can take down and bring back (a Redis outage). */
export class RedisProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  port = 0;
  /** Client connections accepted so far (a reconnecting client shows here once the proxy is up). */
  accepted = 0;

  constructor(private readonly target = { host: '127.0.0.1', port: 6379 }) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      this.accepted++;
      this.clients.add(client);
      client.on('close', () => this.clients.delete(client));
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Redis stops answering, connections stay open (a hung server): commands already sent wait; `resume()` ends it. */
  stall(): void {
    for (const c of this.clients) c.pause();
  }

  resume(): void {
    for (const c of this.clients) c.resume();
  }
}
