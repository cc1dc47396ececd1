import { isPrivateAddress, privateAddressOf, webhookUrlProblem } from './webhook-url';

describe('webhook URL checks', () => {
  it('accepts http and https URLs and refuses other schemes, credentials and junk', () => {
    expect(webhookUrlProblem('https://hooks.example.com/tts?x=1')).toBeUndefined();
    expect(webhookUrlProblem('http://10.0.0.1:8080/')).toBeUndefined();
    expect(webhookUrlProblem('ftp://example.com/')).toMatch(/http or https/);
    expect(webhookUrlProblem('file:///etc/passwd')).toMatch(/http or https/);
    expect(webhookUrlProblem('https://user:pw@example.com/')).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url')).toMatch(/absolute/);
    expect(webhookUrlProblem(`https://example.com/${'a'.repeat(2048)}`)).toMatch(/2048/);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    // IPv4-compatible (::/96) and NAT64 (64:ff9b::/96): the embedded IPv4 decides
    '::7f00:1',
    '::127.0.0.1',
    '::a9fe:a9fe',
    '64:ff9b::7f00:1',
    '64:ff9b::169.254.169.254',
    '64:ff9b::a00:8',
    // Local-use NAT64 (64:ff9b:1::/48): refused whatever it carries, its layout is the network's own
    '64:ff9b:1::c0a8:101',
    '64:ff9b:1:ab::a9fe:a9fe',
    '64:ff9b:1::808:808',
    '64:ff9b:1:a9fe:a9:fe00:808:808',
    // SIIT (::ffff:0:0:0/96), 6to4 (2002:AABB:CCDD::/48 is AA.BB.CC.DD), site-local, benchmarking, IETF
    '::ffff:0:7f00:1',
    '::ffff:0:169.254.169.254',
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::1',
    '2002:c0a8:101:1:2:3:4:5',
    'fec0::1',
    '198.18.0.1',
    '198.19.255.255',
    '192.0.0.8',
  ])('treats %s as private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '2606:4700::1111',
    '172.32.0.1',
    '::ffff:808:808',
    '::808:808',
    '64:ff9b::808:808',
    '64:ff9b::93.184.216.34',
    '::ffff:0:808:808',
    '2002:808:808::1',
    '198.20.0.1',
  ])('treats %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('resolves names before judging them', async () => {
    expect(await privateAddressOf('http://localhost:9/x')).toBeDefined();
    expect(await privateAddressOf('http://[::1]:9/x')).toBe('::1');
    expect(await privateAddressOf('https://8.8.8.8/x')).toBeUndefined();
    expect(await privateAddressOf('http://[::7f00:1]/x')).toBe('::7f00:1');
    expect(await privateAddressOf('http://[64:ff9b::127.0.0.1]/x')).toBe('64:ff9b::7f00:1');
    expect(await privateAddressOf('http://[64:ff9b::808:808]/x')).toBeUndefined();
  });
});
