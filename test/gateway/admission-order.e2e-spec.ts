import { DrainState } from '../../apps/gateway/src/drain/drain-state';
import { ADMISSION_PIPELINE } from '../../apps/gateway/src/session/admission-pipeline';
import { SessionHooks } from '../../apps/gateway/src/session/session-hooks.service';
import { TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { sessionOutcome } from '../support/session-outcome';
import { testAuthEnv, tokenFor } from '../support/tokens';
import { TestClient } from '../support/ws-client';

const PREFIX = `admission-order-${process.pid}`;
let counter = 0;

/** The admission pipeline as a connecting client meets it: which step refuses first, and which never ran. */
describe('gateway admission pipeline order', () => {
  let gateway: TestGateway;
  /** The steps that ran for the current connection, by class name. */
  let ran: string[] = [];

  useRelayStack((stack) => ({ gateway } = stack), { gateway: testAuthEnv });
  beforeAll(() => {
    // Records each real step as the relay runs it; the step itself still decides.
    for (const step of gateway.app.get(SessionHooks).admissions) {
      const admit = step.admit.bind(step);
      step.admit = (info) => {
        ran.push(step.constructor.name);
        return admit(info);
      };
    }
  });
  beforeEach(() => (ran = []));

  async function connect(opts: { token: boolean; credits?: number }): Promise<TestClient> {
    const n = ++counter;
    const query: Record<string, string> = { company_id: `${PREFIX}-co-${n}`, user_id: `u-${n}`, session_id: `s-${n}` };
    if (opts.credits !== undefined) await fundCompany(query.company_id, opts.credits);
    if (opts.token) query.token = await tokenFor(query.company_id, query.user_id);
    return TestClient.connect(gateway.streamUrl(query));
  }

  it('runs every step in the listed order for an admitted session', async () => {
    expect(await sessionOutcome(await connect({ token: true, credits: 100 }))).toBe('admitted');
    expect(ran).toEqual(ADMISSION_PIPELINE.map((step) => step.name));
  });

  it('refuses an unauthenticated connection with 4401 before its credits are looked up', async () => {
    const outcome = await sessionOutcome(await connect({ token: false }));
    expect(outcome).toMatch(/^unauthorized 4401 /);
    expect(ran).toEqual(['DrainAdmission', 'AuthAdmission']);
  });

  it('refuses a company without credits with 4402 before it takes a session lease', async () => {
    const outcome = await sessionOutcome(await connect({ token: true, credits: 0 }));
    expect(outcome).toMatch(/^insufficient_credits 4402 /);
    expect(ran).toEqual(['DrainAdmission', 'AuthAdmission', 'OriginAdmission', 'UsageAdmission', 'CreditsAdmission']);
  });

  // Last: a drain cannot be undone.
  it('refuses with server_shutdown on a draining gateway before auth is checked', async () => {
    gateway.app.get(DrainState).begin();
    const outcome = await sessionOutcome(await connect({ token: false }));
    expect(outcome).toMatch(/^server_shutdown 1001 /);
    expect(ran).toEqual(['DrainAdmission']);
  });
});
