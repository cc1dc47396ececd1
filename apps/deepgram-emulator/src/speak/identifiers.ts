import { createHash, randomUUID } from 'node:crypto';

/** A stable, UUID-shaped id per model, as Deepgram reports one per voice. */
export function modelUuid(model: string): string {
  const hex = createHash('sha1').update(model).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const newRequestId = (): string => randomUUID();
