import { FaultQueue, faultFromQuery } from './fault';

describe('faultFromQuery', () => {
  it('reads every fault parameter and nothing else', () => {
    const sut = faultFromQuery(
      new URLSearchParams(
        'model=aura-2-thalia-en&fault=refuse&fault_status=401&fault_drop_after_bytes=5000' +
          '&fault_close_after_bytes=10&fault_close_code=1011&fault_close_reason=NET-0002&fault_chunk=odd' +
          '&fault_close_linger_ms=400&fault_close_on_flush=true&fault_warn_fields_only=true' +
          '&fault_idle_ms=300&fault_ttfb_ms=0&fault_chars_per_window=50&fault_char_window_ms=2000' +
          '&fault_flush_limit=3&fault_flush_window_ms=1000',
      ),
    );
    expect(sut).toEqual({
      refuseStatus: 401,
      dropAfterBytes: 5000,
      closeAfterBytes: 10,
      closeCode: 1011,
      closeReason: 'NET-0002',
      closeLingerMs: 400,
      closeOnFlush: true,
      warnFieldsOnly: true,
      oddChunks: true,
      idleMs: 300,
      ttfbMs: 0,
      charsPerWindow: 50,
      charWindowMs: 2000,
      flushLimit: 3,
      flushWindowMs: 1000,
    });
  });

  it('ignores malformed numbers and defaults a refusal to 503', () => {
    expect(faultFromQuery(new URLSearchParams('fault=refuse&fault_drop_after_bytes=-3&fault_idle_ms=x'))).toEqual({
      refuseStatus: 503,
    });
    expect(faultFromQuery(new URLSearchParams('sample_rate=16000'))).toEqual({});
  });
});

describe(FaultQueue.name, () => {
  it('hands an injected fault to the next connections only, the URL winning on conflicts', () => {
    const sut = new FaultQueue();
    sut.push({ closeAfterBytes: 100, closeCode: 1011, connections: 2 });
    expect(sut.take({ closeCode: 1008 })).toEqual({ closeAfterBytes: 100, closeCode: 1008 });
    expect(sut.take({})).toEqual({ closeAfterBytes: 100, closeCode: 1011 });
    expect(sut.take({})).toEqual({});
  });

  it('keeps an Infinity fault until cleared', () => {
    const sut = new FaultQueue();
    sut.push({ oddChunks: true, connections: Infinity });
    for (let i = 0; i < 5; i++) expect(sut.take({})).toEqual({ oddChunks: true });
    sut.clear();
    expect(sut.take({})).toEqual({});
  });
});
