import { UpstreamEnd, UpstreamListener } from '../../apps/gateway/src/upstream/upstream-connection';

/** What a session would see of its upstream connection. */
export class SessionSide implements UpstreamListener {
  opens = 0;
  readonly texts: Record<string, unknown>[] = [];
  audioBytes = 0;
  end?: UpstreamEnd;

  onUpstreamOpen(): void {
    this.opens++;
  }
  onUpstreamAudio(chunk: Buffer): void {
    this.audioBytes += chunk.length;
  }
  onUpstreamText(raw: string): void {
    this.texts.push(JSON.parse(raw) as Record<string, unknown>);
  }
  onUpstreamEnd(end: UpstreamEnd): void {
    this.end = end;
  }
  onRelayFault(error: Error): void {
    throw error;
  }
  types(): unknown[] {
    return this.texts.map((t) => t.type);
  }
}
