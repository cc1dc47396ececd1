import { redisConnectionOptions, redisUrlProblem } from './redis-options';

describe(redisConnectionOptions.name, () => {
  it.each([
    ['redis://h:6379/3', { host: 'h', port: 6379, db: 3 }],
    ['redis://h:6379?db=7', { host: 'h', port: 6379, db: 7 }],
    ['redis://h', { host: 'h', port: 6379, db: 0 }],
    ['redis://[::1]:6379/2', { host: '::1', port: 6379, db: 2 }],
    ['rediss://cache.example:6380/1', { host: 'cache.example', port: 6380, db: 1, tls: {} }],
    ['redis://app:p%40ss%3Aword@h:6379/4', { host: 'h', db: 4, username: 'app', password: 'p@ss:word' }],
    ['redis://:only-pass@h', { host: 'h', db: 0, password: 'only-pass' }],
  ])('reads %s as ioredis connects to it', (url, expected) => {
    expect(redisConnectionOptions(url)).toMatchObject(expected);
  });

  it('leaves out TLS and credentials a plain URL does not have', () => {
    const options = redisConnectionOptions('redis://h:6379/3');
    expect(options).not.toHaveProperty('tls');
    expect(options).not.toHaveProperty('password');
  });
});

describe(redisUrlProblem.name, () => {
  it.each(['redis://h:6379/3', 'redis://h:6379?db=7', 'rediss://[::1]:6380/2', 'redis://u:p@h'])('accepts %s', (url) =>
    expect(redisUrlProblem(url)).toBeUndefined(),
  );

  it.each([
    ['http://h:6379', /redis:\/\/ or rediss:\/\//],
    ['redis://h:6379/abc', /db/],
    ['redis://h:6379?db=x', /db/],
    ['redis://h:6379?db=-1', /db/],
    ['redis://h:99999', /parse|port/],
  ])('refuses %s clearly', (url, message) => expect(redisUrlProblem(url)).toMatch(message));
});
