import { IncomingHttpHeaders } from 'node:http';
import { UpstreamServerMessage } from '@tts/protocol';
import { Fault } from './fault';
import { Refusal, SpeakParams } from './speak-request';

export interface ConnectionEnd {
  code: number;
  reason: string;
  /** Who ended it: the emulator (close frame), the client, or a TCP drop without close frame. */
  by: 'server' | 'client' | 'drop';
}

/** What a test can observe of one upgrade request to the emulator (kept in memory only, never logged). */
export interface EmulatedConnection {
  id: number;
  requestId: string;
  /** Upgrade request headers, unredacted (this is a test tool: keys included, but never logged). */
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  /**
   * Over TLS: whether the client resumed an earlier TLS session (a ticket from a previous connection)
   * instead of a full handshake. Undefined on a plain ws:// emulator.
   */
  tlsResumed?: boolean;
  /** Over TLS: the host name the client asked for in the SNI extension; undefined when it sent none. */
  tlsServerName?: string;
  fault: Fault;
  /** Set when the upgrade was refused with an HTTP error. */
  refused?: Refusal;
  params?: SpeakParams;
  /** Every text message received, verbatim. */
  received: string[];
  /** Every JSON message sent. */
  sent: UpstreamServerMessage[];
  audioBytesSent: number;
  audioFrames: number;
  end?: ConnectionEnd;
  /** Resolves when the connection ends (at once for a refused upgrade). */
  ended: Promise<ConnectionEnd | undefined>;
}

export function newConnectionRecord(
  id: number,
  requestId: string,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  fault: Fault,
  tls?: { resumed: boolean; serverName?: string },
): { record: EmulatedConnection; finish: (end?: ConnectionEnd) => void } {
  let resolve!: (end?: ConnectionEnd) => void;
  const ended = new Promise<ConnectionEnd | undefined>((r) => (resolve = r));
  const record: EmulatedConnection = {
    id,
    requestId,
    headers,
    query: Object.fromEntries(query),
    tlsResumed: tls?.resumed,
    tlsServerName: tls?.serverName,
    fault,
    received: [],
    sent: [],
    audioBytesSent: 0,
    audioFrames: 0,
    ended,
  };
  const finish = (end?: ConnectionEnd): void => {
    if (end && !record.end) record.end = end;
    resolve(record.end);
  };
  return { record, finish };
}
