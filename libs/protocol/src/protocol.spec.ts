import { ErrorCode, closeCodeFor, isFatal } from './errors';
import { parseClientMessage } from './client-messages';
import { resolveSessionConfig, DEFAULT_SESSION_CONFIG } from './session-config';
import { parseStreamQuery } from './stream-query';
import { VOICES, DEFAULT_VOICE_BY_LANGUAGE, findVoice } from './voices';

describe('parseClientMessage', () => {
  it('reads the guide messages', () => {
    expect(parseClientMessage('{"type":"Speak","text":"Hola, ¿cómo estás?"}')).toEqual({
      ok: true,
      message: { type: 'Speak', text: 'Hola, ¿cómo estás?' },
    });
    expect(parseClientMessage('{"type":"Flush"}')).toEqual({ ok: true, message: { type: 'Flush' } });
    expect(parseClientMessage('{"model":"aura-2-estrella-es","sample_rate":16000}')).toEqual({
      ok: true,
      message: { type: 'Config', config: { model: 'aura-2-estrella-es', sample_rate: 16000 } },
    });
    expect(parseClientMessage('{"type":"Configure","encoding":"mulaw"}')).toMatchObject({
      ok: true,
      message: { type: 'Config', config: { encoding: 'mulaw' } },
    });
  });

  it.each([
    ['not json', ErrorCode.InvalidJson],
    ['[1,2]', ErrorCode.InvalidMessage],
    ['"Speak"', ErrorCode.InvalidMessage],
    ['null', ErrorCode.InvalidMessage],
    ['{"type":"Dance"}', ErrorCode.InvalidMessage],
    ['{"type":"Speak"}', ErrorCode.InvalidMessage],
    ['{"type":"Speak","text":""}', ErrorCode.InvalidMessage],
    ['{"type":"Speak","text":42}', ErrorCode.InvalidMessage],
    ['{"type":{"a":1}}', ErrorCode.InvalidMessage],
    ['{"__proto__":{"type":"Flush"}}', ErrorCode.InvalidMessage],
    ['{"text":"hola"}', ErrorCode.InvalidMessage],
  ])('answers %s with %s', (frame, code) => {
    const result = parseClientMessage(frame);
    expect(result).toMatchObject({ ok: false, code });
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('reads an empty object as a default Config', () => {
    expect(parseClientMessage('{}')).toEqual({ ok: true, message: { type: 'Config', config: {} } });
  });

  it('survives deeply nested JSON', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseClientMessage(deep).ok).toBe(false);
  });
});

describe('resolveSessionConfig', () => {
  it('gives the seed defaults for no config', () => {
    expect(resolveSessionConfig({})).toEqual({ ok: true, config: DEFAULT_SESSION_CONFIG });
  });

  it('picks the default voice of the query language', () => {
    expect(resolveSessionConfig({}, 'en')).toMatchObject({ ok: true, config: { model: 'aura-2-thalia-en' } });
  });

  it.each([
    [{ model: 'aura-2-nobody-es' }, 'model'],
    [{ encoding: 'mp3' }, 'encoding'],
    [{ encoding: 'mulaw', sample_rate: 24000 }, 'sample_rate'],
    [{ sample_rate: '16000' }, 'sample_rate'],
    [{ container: 'ogg' }, 'container'],
    [{ model: 'aura-2-thalia-en', language: 'es' }, 'language'],
    [{ language: 'xx' }, 'language'],
  ])('rejects %j naming %s', (input, field) => {
    const result = resolveSessionConfig(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(field);
  });

  it('accepts every allowed encoding/rate pair', () => {
    expect(resolveSessionConfig({ encoding: 'alaw', sample_rate: 8000, container: 'none' }).ok).toBe(true);
    expect(resolveSessionConfig({ encoding: 'linear16', sample_rate: 48000 }).ok).toBe(true);
    expect(resolveSessionConfig({ model: 'aura-asteria-en', language: 'en' }).ok).toBe(true);
  });
});

describe('parseStreamQuery', () => {
  it('requires the three ids and defaults language to es', () => {
    expect(parseStreamQuery(new URLSearchParams('company_id=c1&user_id=u.1&session_id=s:1'))).toEqual({
      ok: true,
      query: { company_id: 'c1', user_id: 'u.1', session_id: 's:1', language: 'es' },
    });
    expect(parseStreamQuery(new URLSearchParams('company_id=c1&user_id=u1')).ok).toBe(false);
    expect(parseStreamQuery(new URLSearchParams('company_id=c 1&user_id=u1&session_id=s')).ok).toBe(false);
    expect(parseStreamQuery(new URLSearchParams(`company_id=${'c'.repeat(129)}&user_id=u1&session_id=s`)).ok).toBe(
      false,
    );
  });
});

describe('voices and errors', () => {
  it('has a default voice for every language that exists in the catalogue', () => {
    for (const model of Object.values(DEFAULT_VOICE_BY_LANGUAGE)) expect(findVoice(model)).toBeDefined();
    expect(VOICES.length).toBe(41 + 17 + 7 + 9 + 2 + 10 + 5 + 12);
  });

  it('maps fatal codes to close codes', () => {
    expect(closeCodeFor(ErrorCode.Unauthorized)).toBe(4401);
    expect(closeCodeFor(ErrorCode.UpstreamError)).toBe(1011);
    expect(isFatal(ErrorCode.RateLimited)).toBe(false);
  });
});
