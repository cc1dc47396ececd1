import { ErrorCode } from './errors';
import { SessionConfig } from './session-config';

/** Text frames the gateway sends to a client (PROTOCOL.md section 1). */
export interface ConnectedStatus {
  type: 'status';
  message: 'Deepgram TTS connected';
  model: string;
  encoding: string;
  sample_rate: number;
  container: string;
}

export interface SessionUsage {
  audio_bytes: number;
  seconds: number;
}

export interface ClosedStatus {
  type: 'status';
  message: 'closed';
  usage: SessionUsage;
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/** Deepgram's own messages, passed through. */
export interface MetadataFrame {
  type: 'Metadata';
  request_id: string;
  model_name: string;
  model_version: string;
  model_uuid: string;
}
export interface FlushedFrame {
  type: 'Flushed';
  sequence_id: number;
}
export interface ClearedFrame {
  type: 'Cleared';
  sequence_id: number;
}
export interface WarningFrame {
  type: 'Warning';
  description: string;
  code: string;
}

export type ServerMessage =
  ConnectedStatus | ClosedStatus | ErrorFrame | MetadataFrame | FlushedFrame | ClearedFrame | WarningFrame;

export const CONNECTED_MESSAGE = 'Deepgram TTS connected';

export function connectedStatus(config: SessionConfig): ConnectedStatus {
  return {
    type: 'status',
    message: CONNECTED_MESSAGE,
    model: config.model,
    encoding: config.encoding,
    sample_rate: config.sample_rate,
    container: config.container,
  };
}

export function closedStatus(usage: SessionUsage): ClosedStatus {
  return { type: 'status', message: 'closed', usage };
}

export function errorFrame(code: ErrorCode, message: string): ErrorFrame {
  return { type: 'error', code, message };
}
