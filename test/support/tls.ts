import { join } from 'path';

/**
 * The emulator's TLS pair for tests: self-signed for localhost and 127.0.0.1, made for tests only (valid
 * until 2126). A gateway process trusts it through NODE_EXTRA_CA_CERTS, as it would a private CA.
 */
export const TEST_TLS = {
  cert: join(__dirname, '..', 'fixtures', 'tls', 'emulator.crt'),
  key: join(__dirname, '..', 'fixtures', 'tls', 'emulator.key'),
};
