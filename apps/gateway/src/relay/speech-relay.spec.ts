import pino from 'pino';
import { UpstreamClientMessage } from '@tts/protocol';
import { UpstreamEnd, UpstreamListener } from '../upstream/upstream-connection';
import { RelaySettings } from './relay-settings';
import { SpeechRelay } from './speech-relay';
import { SpeechRelayHost, UpstreamLink } from './speech-relay-host';

/** A stand-in upstream: records what the relay writes; the spec plays Deepgram's part. */
class FakeLink implements UpstreamLink {
  readonly sent: UpstreamClientMessage[] = [];
  isOpen = false;
  ageMs = 0;
  aborted = false;
  /** Deepgram's side of each message, when the spec plays it. */
  onSend?: (message: UpstreamClientMessage) => void;
  constructor(readonly listener: UpstreamListener) {}
  send(message: UpstreamClientMessage): void {
    this.sent.push(message);
    this.onSend?.(message);
  }
  pause(): void {}
  resume(): void {}
  retire(): void {}
  abort(): void {
    this.aborted = true;
  }
  open(): void {
    this.isOpen = true;
    this.listener.onUpstreamOpen();
  }
  reply(message: object): void {
    this.listener.onUpstreamText(JSON.stringify(message));
  }
  end(end: Partial<UpstreamEnd['failure']> & { opened?: boolean }): void {
    this.isOpen = false;
    const { opened = true, ...failure } = end;
    this.listener.onUpstreamEnd({ opened, failure: { kind: 'closed', reason: '', ...failure } });
  }
  types(): string[] {
    return this.sent.map((m) => m.type);
  }
}

/** Deepgram on a link: opens, speaks each Flush 100 ms later, closes 1011 NET-0001 after 60 s with no message. */
function actLikeDeepgram(link: FakeLink): void {
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => link.isOpen && link.end({ closeCode: 1011, reason: 'NET-0001' }), 60_000);
  };
  link.onSend = (message) => {
    arm();
    if (message.type === 'Close') return link.end({ closeCode: 1000 });
    if (message.type !== 'Flush') return;
    setTimeout(() => {
      if (!link.isOpen) return;
      link.listener.onUpstreamAudio(Buffer.alloc(64));
      link.reply({ type: 'Flushed', sequence_id: 0 });
      arm();
    }, 100);
  };
  setTimeout(() => {
    link.open();
    arm();
  }, 10);
}

const pace = { textLimit: 2400, textWindowMs: 61_000, flushLimit: 20, flushWindowMs: 61_000 };
const settings = { maxQueuedTextChars: 20_000, upstreamMaxAgeMs: 3_300_000, pace } as RelaySettings;
const config = {
  model: 'aura-2-thalia-en',
  encoding: 'linear16',
  sample_rate: 16000,
  container: 'none',
  language: 'en',
} as const;

describe(SpeechRelay.name, () => {
  let links: FakeLink[];
  let events: string[];
  let sut: SpeechRelay;
  /** What the relay logged, parsed. */
  let logLines: { level: number; msg: string; type?: string }[];
  /** Plays the upstream's part on each new link, when set. */
  let onNewLink: ((link: FakeLink) => void) | undefined;
  const link = () => links[links.length - 1];

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    links = [];
    events = [];
    logLines = [];
    onNewLink = undefined;
    const host: SpeechRelayHost = {
      speechConnected: () => events.push('connected'),
      sendAudio: () => events.push('audio'),
      sendText: (raw) => events.push(JSON.parse(raw).type === 'Warning' ? `Warning:${JSON.parse(raw).code}` : raw),
      utteranceDelivered: () => undefined,
      sendRateLimited: () => events.push('rate_limited'),
      speechFinished: () => events.push('finished'),
      speechFailed: (message) => events.push(`failed:${message}`),
    };
    const tap = { audioDelivered: () => undefined, textSent: () => undefined, end: () => Promise.resolve() };
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    sut = new SpeechRelay(settings, config, tap, host, log, (listener) => {
      links.push(new FakeLink(listener));
      onNewLink?.(link());
      return link();
    });
  });
  afterEach(() => jest.useRealTimers());

  describe('against an upstream that closes after 60 s without a message (NET-0001)', () => {
    const speakTexts = () => links.flatMap((l) => l.sent.flatMap((m) => (m.type === 'Speak' ? [m.text] : [])));

    it('flushes the text that fit when holding starts: its audio comes at once, and nothing is sent twice', () => {
      const timeline: [number, string][] = [];
      const record = events.push.bind(events);
      events.push = (...items: string[]) => {
        for (const item of items) timeline.push([Date.now(), item]);
        return record(...items);
      };
      onNewLink = actLikeDeepgram;
      sut.connect();
      jest.advanceTimersByTime(10);
      const text = 'palabra '.repeat(375); // 3,000 characters: 2,000 fit the window, 1,000 are held
      sut.speak(text);
      sut.flush(Date.now());
      expect(link().types()).toEqual(['Speak', 'Speak', 'Flush']); // the gateway's own Flush for what fit
      jest.advanceTimersByTime(200_000);
      const audioTimes = timeline.filter(([, e]) => e === 'audio').map(([at]) => at);
      expect(audioTimes[0]).toBeLessThan(pace.textWindowMs); // the first audio never waited for the window
      const flushed = timeline.filter(([, e]) => e.includes('Flushed'));
      expect(flushed).toHaveLength(1);
      expect(flushed[0][0]).toBeGreaterThanOrEqual(audioTimes.at(-1)!);
      expect(speakTexts().join('')).toBe(text); // Deepgram got every character once
      expect(links.length).toBeLessThanOrEqual(2);
      expect(sut.busy).toBe(false);
      sut.close();
      jest.advanceTimersByTime(1000);
      expect(events.at(-1)).toBe('finished');
    });

    it('gives up with upstream_error when reopened upstreams keep closing without speaking, instead of replaying forever', () => {
      // Each upstream refuses the Flush (so nothing is owed) and closes: the text would be replayed on and on.
      onNewLink = (l) =>
        setTimeout(() => {
          l.open();
          l.reply({ type: 'Warning', warn_code: 'EXCESSIVE_FLUSH', warn_msg: 'too many' });
          l.end({ closeCode: 1011, reason: 'NET-0000' });
        }, 10);
      sut.connect();
      sut.speak('Hola.');
      sut.flush(Date.now());
      jest.advanceTimersByTime(1000);
      expect(links).toHaveLength(2);
      expect(events.at(-1)).toBe('failed:Deepgram closed the connection (1011 NET-0000)');
    });
  });

  it('dormant -> connecting -> open: nothing is written before the upstream opens', () => {
    expect(sut.current).toBe('dormant');
    sut.connect();
    expect(sut.current).toBe('connecting');
    sut.speak('Hola.');
    expect(link().sent).toEqual([]);
    link().open();
    expect(sut.current).toBe('open');
    expect(link().sent).toEqual([{ type: 'Speak', text: 'Hola.' }]);
    expect(events).toEqual(['connected']);
  });

  it('writes nothing on a (pooled) link that is already open until it announces its open, so the status comes first', () => {
    sut.connect();
    link().isOpen = true;
    sut.speak('palabra '.repeat(400));
    expect(link().sent).toEqual([]);
    expect(events).toEqual([]);
    link().open();
    expect(events).toEqual(['connected', 'Warning:text_held']);
    expect(link().types()).toEqual(['Speak', 'Speak', 'Flush']);
  });

  it('splits by the model limit (1,000 on Aura-2) and holds what is over 2,400 a window, with one notice', () => {
    sut.connect();
    link().open();
    sut.speak('palabra '.repeat(400)); // 3,200 characters
    expect(link().sent.map((m) => (m.type === 'Speak' ? m.text.length : m.type))).toEqual([1000, 1000, 'Flush']);
    sut.speak('más.');
    expect(events.filter((e) => e === 'Warning:text_held')).toHaveLength(1);
    expect(sut.busy).toBe(true);
    jest.advanceTimersByTime(61_000);
    const speakLengths = link().sent.flatMap((m) => (m.type === 'Speak' ? [m.text.length] : []));
    expect(speakLengths).toEqual([1000, 1000, 1000, 200, 4]);
  });

  it("answers every Clear when one crosses Deepgram's close and another comes before the link has ended", () => {
    sut.connect();
    const first = link();
    first.open();
    sut.speak('Hello there.');
    sut.flush(0);
    first.listener.onUpstreamAudio(Buffer.alloc(64));
    first.reply({ type: 'Flushed', sequence_id: 0 });
    sut.clear(); // goes up just as Deepgram's close frame comes down: never answered
    first.isOpen = false; // the close frame is here, the connection has not ended
    sut.clear(); // in the gap: the closing link is dropped for a new one
    expect(first.aborted).toBe(true);
    const second = link();
    second.open();
    expect(second.types()).toEqual(['Clear', 'Clear']);
    second.reply({ type: 'Cleared', sequence_id: 0 });
    second.reply({ type: 'Cleared', sequence_id: 1 });
    expect(events.filter((e) => e.includes('"Cleared"'))).toHaveLength(2);

    // Nothing is owed any more: the next utterance is heard and the session is quiet after it.
    sut.speak('Second utterance.');
    sut.flush(1);
    const audioBefore = events.filter((e) => e === 'audio').length;
    second.listener.onUpstreamAudio(Buffer.alloc(640));
    second.reply({ type: 'Flushed', sequence_id: 0 });
    expect(events.filter((e) => e === 'audio').length).toBe(audioBefore + 1);
    expect(sut.busy).toBe(false);
  });

  it('open -> draining -> closing -> ended: held text is spoken and answered before Close goes upstream', () => {
    sut.connect();
    link().open();
    sut.speak('x '.repeat(1500));
    sut.close();
    expect(sut.current).toBe('draining');
    expect(link().types()).toEqual(['Speak', 'Speak', 'Flush']); // what fit is spoken at once
    link().reply({ type: 'Flushed', sequence_id: 0 });
    jest.advanceTimersByTime(61_000);
    expect(link().types()).toEqual(['Speak', 'Speak', 'Flush', 'Speak', 'Flush']);
    expect(sut.current).toBe('draining');
    link().reply({ type: 'Flushed', sequence_id: 1 });
    expect(sut.current).toBe('closing');
    expect(link().types().at(-1)).toBe('Close');
    link().end({ closeCode: 1000 });
    expect(sut.current).toBe('ended');
    expect(events).toEqual(['connected', 'Warning:text_held', 'finished']); // no Flushed for the gateway's own Flush
  });

  it('one Flushed per client Flush, even when Flushes merged over the Flush allowance', () => {
    sut.connect();
    link().open();
    for (let i = 0; i < 21; i++) {
      sut.speak(`Frase ${i}.`);
      sut.flush(Date.now());
    }
    expect(
      link()
        .types()
        .filter((t) => t === 'Flush'),
    ).toHaveLength(20);
    expect(events).toContain('rate_limited');
    for (let i = 0; i < 20; i++) link().reply({ type: 'Flushed', sequence_id: i });
    jest.advanceTimersByTime(61_000);
    expect(
      link()
        .types()
        .filter((t) => t === 'Flush'),
    ).toHaveLength(21);
    link().reply({ type: 'Flushed', sequence_id: 20 });
    expect(events.filter((e) => e.includes('Flushed'))).toHaveLength(21);
    expect(sut.busy).toBe(false);
  });

  it('passes no Flushed to the client that no Flush is owed (e.g. a late one after the answer was given up)', () => {
    sut.connect();
    link().open();
    sut.speak('Hola.');
    sut.flush(Date.now());
    jest.advanceTimersByTime(60_000); // Deepgram silent: the watchdog gives the answer up
    link().reply({ type: 'Flushed', sequence_id: 0 });
    expect(events.filter((e) => e.includes('Flushed'))).toEqual([]);
  });

  it('an idle close with nothing owed goes dormant and reopens, replaying unflushed text', () => {
    sut.connect();
    link().open();
    sut.speak('Sin flush.');
    link().end({ closeCode: 1011, reason: 'NET-0001' });
    expect(sut.current).toBe('dormant');
    expect(links).toHaveLength(1);
    sut.flush(Date.now());
    expect(sut.current).toBe('connecting');
    link().open();
    expect(link().sent).toEqual([{ type: 'Speak', text: 'Sin flush.' }, { type: 'Flush' }]);
  });

  it('a close while answers are owed, or a refused upgrade, fails with the structured reason', () => {
    sut.connect();
    link().open();
    sut.speak('Hola.');
    sut.flush(Date.now());
    link().end({ closeCode: 1008, reason: 'DATA-0001' });
    expect(events.at(-1)).toBe('failed:Deepgram closed the connection (1008 DATA-0001)');
  });

  it('a Clear drops held text: none of it is ever written upstream', () => {
    sut.connect();
    link().open();
    sut.speak('y '.repeat(1500));
    sut.clear();
    link().listener.onUpstreamAudio(Buffer.alloc(10));
    expect(events).not.toContain('audio');
    link().reply({ type: 'Cleared', sequence_id: 0 });
    jest.advanceTimersByTime(61_000);
    expect(link().types()).toEqual(['Speak', 'Speak', 'Flush', 'Clear']);
    expect(events.at(-1)).toBe('{"type":"Cleared","sequence_id":0}');
    expect(sut.busy).toBe(false);
  });

  it('a Close keeps waiting while audio comes, however long (here: 3 utterances of 100 s each, sent slowly)', () => {
    // Deepgram speaks the Flushes one after the other, one frame a second (as when a slow client holds it back).
    const queue: number[] = [];
    let speaking = false;
    const speakNext = (l: FakeLink) => {
      if (speaking || queue.length === 0) return;
      speaking = true;
      queue.shift();
      for (let s = 1; s <= 100; s++)
        setTimeout(() => l.isOpen && l.listener.onUpstreamAudio(Buffer.alloc(64)), s * 1000);
      setTimeout(() => {
        speaking = false;
        if (!l.isOpen) return;
        l.reply({ type: 'Flushed', sequence_id: 0 });
        speakNext(l);
      }, 100_500);
    };
    onNewLink = (l) => {
      l.onSend = (message) => {
        if (message.type === 'Close') return l.end({ closeCode: 1000 });
        if (message.type !== 'Flush') return;
        queue.push(1);
        speakNext(l);
      };
    };
    sut.connect();
    link().open();
    sut.speak('palabra '.repeat(625)); // 5,000 characters: three windows of text
    sut.close();
    jest.advanceTimersByTime(400_000);
    expect(
      link()
        .types()
        .filter((t) => t === 'Flush'),
    ).toHaveLength(3);
    expect(events.filter((e) => e === 'audio')).toHaveLength(300);
    expect(link().types().at(-1)).toBe('Close');
    expect(link().aborted).toBe(false);
    expect(events.at(-1)).toBe('finished');
  });

  it.each([
    ['refuses every Flush (Warnings are not progress)', true],
    ['makes no progress at all', false],
  ])('a Close ends a session whose upstream %s, once the grace period passes', (_name, refuses) => {
    onNewLink = (l) => {
      l.onSend = (message) => {
        if (refuses && message.type === 'Flush') {
          l.reply({ type: 'Warning', warn_code: 'EXCESSIVE_FLUSH', warn_msg: 'too many' });
        }
      };
    };
    sut.connect();
    link().open();
    sut.speak('Hola.');
    sut.close();
    jest.advanceTimersByTime(180_000);
    expect(events).not.toContain('finished');
    jest.advanceTimersByTime(2_000); // 120 s plus the longest pacing window (61 s here) without audio or answers
    expect(link().aborted).toBe(true);
    expect(events.at(-1)).toBe('finished');
    jest.advanceTimersByTime(3_600_000);
    expect(events.filter((e) => e === 'finished')).toHaveLength(1);
  });

  it('relays no message type it does not know, and logs each one once per session at warn level', () => {
    sut.connect();
    link().open();
    link().reply({ type: 'Error', description: 'something new', code: 'X' });
    link().reply({ type: 'Error', description: 'again' });
    link().reply({ type: 'Mystery' });
    for (let i = 0; i < 10; i++) link().reply({ type: `Flood${i}` });
    expect(events).toEqual(['connected']); // nothing reached the client
    const warned = logLines.filter((l) => l.level === 40 && l.msg.includes('does not know')).map((l) => l.type);
    expect(warned).toEqual(['Error', 'Mystery', 'Flood0', 'Flood1', 'Flood2']);
  });

  it('a Close does not count time the upstream was paused for a slow client as Deepgram making no progress', () => {
    onNewLink = (l) => {
      l.onSend = (message) => message.type === 'Close' && l.end({ closeCode: 1000 });
    };
    sut.connect();
    link().open();
    sut.speak('Hola.');
    sut.close();
    sut.pause(); // the client reads slowly: nothing is read from Deepgram meanwhile
    jest.advanceTimersByTime(300_000); // a slow-client timeout set above the grace
    expect(link().aborted).toBe(false);
    sut.resume();
    link().listener.onUpstreamAudio(Buffer.alloc(64)); // what Deepgram had sent meanwhile
    link().reply({ type: 'Flushed', sequence_id: 0 });
    expect(link().types().at(-1)).toBe('Close');
    expect(link().aborted).toBe(false);
    expect(events.at(-1)).toBe('finished');
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
