import { parseArgs } from 'node:util';
import { mintClientToken } from './mint-token';

const USAGE = `Usage: AUTH_JWT_SECRET=... node dist/apps/gateway/src/auth/mint-token.cli.js --company <id> --user <id> [--ttl <seconds>]
Prints a client token (HS256 JWT) for the gateway on stdout.`;

/** Mints a client token from the command line, for backends' smoke tests and local development. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      company: { type: 'string' },
      user: { type: 'string' },
      ttl: { type: 'string', default: '900' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const secret = process.env.AUTH_JWT_SECRET;
  const ttlSeconds = Number(values.ttl);
  if (values.help || !values.company || !values.user || !secret || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  process.stdout.write(
    `${await mintClientToken({ secret, companyId: values.company, userId: values.user, ttlSeconds })}\n`,
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    process.stderr.write(`mint-token: ${err.message}\n`);
    process.exitCode = 1;
  },
);
