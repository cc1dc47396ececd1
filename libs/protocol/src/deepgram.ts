/** Facts of Deepgram's /v1/speak websocket (PROTOCOL.md section 2), shared by the relay and the emulator. */

export const DEEPGRAM_SPEAK_URL = 'wss://api.deepgram.com/v1/speak';
export const EMULATOR_SPEAK_PATH = '/v1/speak';

/** Query parameters of Deepgram's REST speak endpoint that the websocket does not take. */
export const UPSTREAM_REST_ONLY_PARAMS: readonly string[] = ['container', 'bit_rate'];

/** Characters per Speak message the upstream accepts. */
export const UPSTREAM_MAX_SPEAK_CHARS = 2000;
/** Flushes per window before the upstream answers with a Warning. */
export const UPSTREAM_FLUSH_LIMIT = 20;
export const UPSTREAM_FLUSH_WINDOW_MS = 60_000;
/** A connection lives at most this long upstream. */
export const UPSTREAM_MAX_CONNECTION_MS = 60 * 60_000;

/** Message types the upstream accepts from us. */
export type UpstreamClientMessage =
  { type: 'Speak'; text: string } | { type: 'Flush' } | { type: 'Clear' } | { type: 'Close' };

/** Text messages the upstream sends. */
export type UpstreamServerMessage =
  | { type: 'Metadata'; request_id: string; model_name: string; model_version: string; model_uuid: string }
  | { type: 'Flushed'; sequence_id: number }
  | { type: 'Cleared'; sequence_id: number }
  | { type: 'Warning'; description: string; code: string; warn_code?: string; warn_msg?: string };

/** Close codes the upstream uses, and the families of `reason` that go with them. */
export const UpstreamCloseCode = {
  Normal: 1000,
  UnsupportedData: 1003, // e.g. a binary frame sent to the upstream
  PolicyViolation: 1008, // DATA-*: unknown message type, bad payload
  MessageTooBig: 1009, // BIG-*: text over the per-message limit
  InternalError: 1011, // NET-*: idle timeout (NET-0001), connection limit, internal error
} as const;

export const UPSTREAM_IDLE_CLOSE_REASON = 'NET-0001';

/** Response headers of a refused upgrade. */
export const DG_REQUEST_ID_HEADER = 'dg-request-id';
export const DG_ERROR_HEADER = 'dg-error';
