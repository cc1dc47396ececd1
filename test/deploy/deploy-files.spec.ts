/**
 * docker-compose.yml, the Dockerfile, .env.example, deploy/ and the README cannot be run here (no Docker
 * engine, no cluster): this keeps them true to the code — services, ports, env var names, commands.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { BillingEnv, EmulatorEnv, GatewayEnv, envVarNames, loadConfig } from '@tts/config';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const scripts: Record<string, string> = JSON.parse(read('package.json')).scripts;

const gatewayVars = envVarNames(GatewayEnv);
const billingVars = envVarNames(BillingEnv);
const emulatorVars = envVarNames(EmulatorEnv);
const allVars = [...new Set([...gatewayVars, ...billingVars, ...emulatorVars])];

/**
 * The README's "Tuning knobs" table: variables whose defaults suit production, so a deployment file may
 * leave them out. Every other variable an app reads is part of its contract and is set, visibly, in
 * docker-compose.yml and in the Kubernetes config: a new one missing there fails this spec.
 */
const tuningKnobs = (() => {
  const readme = read('README.md');
  const start = readme.indexOf('Tuning knobs beyond the contract');
  const table = readme.slice(start, readme.indexOf('\n## ', start));
  return [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
})();
const contractOf = (vars: string[]) => vars.filter((name) => !tuningKnobs.includes(name));

const varsOf: Record<string, string[]> = {
  gateway: gatewayVars,
  billing: billingVars,
  migrate: billingVars,
  emulator: emulatorVars,
};

/** `node [options] dist/apps/x/src/main.js` -> the TypeScript source it is built from. */
function sourceOf(command: string[]): string {
  expect(command[0]).toBe('node');
  return command[command.length - 1].replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

function scriptCommand(name: string): string[] {
  return scripts[name].split(' ');
}

interface ComposeService {
  command?: string[];
  environment?: Record<string, unknown>;
  ports?: string[];
  deploy?: { replicas?: number };
  image?: string;
  build?: unknown;
  stop_grace_period?: string;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it('runs redis, postgres, migrations, the emulator, billing, two gateways and a load balancer', () => {
    expect(Object.keys(services).sort()).toEqual([
      'billing',
      'emulator',
      'gateway',
      'lb',
      'migrate',
      'postgres',
      'redis',
    ]);
    expect(services.gateway.deploy?.replicas).toBe(2);
    expect(services.redis.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
  });

  it.each([
    ['gateway', 'start:gateway'],
    ['billing', 'start:billing'],
    ['emulator', 'start:emulator'],
    ['migrate', 'migration:run'],
  ])('starts %s with the same command as npm run %s, built from a real source file', (service, script) => {
    const command = services[service].command!;
    expect(command).toEqual(scriptCommand(script));
    expect(existsSync(join(root, sourceOf(command)))).toBe(true);
  });

  it('starts the gateway with the Node.js options its heap needs, wherever it is started', () => {
    expect(scriptCommand('start:gateway')).toEqual(['node', ...GATEWAY_NODE_FLAGS, 'dist/apps/gateway/src/main.js']);
    expect(GATEWAY_NODE_FLAGS).toContain('--max-semi-space-size=16');
  });

  it.each(Object.keys(varsOf))('gives %s only variables its config reads, and valid values', (service) => {
    const env = services[service].environment ?? {};
    for (const name of Object.keys(env)) expect(varsOf[service]).toContain(name);
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
    );
    const schema = { gateway: GatewayEnv, billing: BillingEnv, migrate: BillingEnv, emulator: EmulatorEnv }[service]!;
    expect(() => loadConfig(schema as new () => object, resolved)).not.toThrow();
  });

  it.each([
    ['billing', billingVars],
    ['gateway', gatewayVars],
  ])('sets every %s variable outside the tuning knobs', (service, vars) => {
    const set = Object.keys(services[service].environment ?? {});
    expect(contractOf(vars).filter((name) => !set.includes(name))).toEqual([]);
  });

  it('publishes the documented ports and balances WebSockets across the gateways', () => {
    // On loopback only: the defaults of AUTH_JWT_SECRET and BILLING_ADMIN_TOKEN are public.
    expect(services.lb.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(services.billing.ports).toEqual(['127.0.0.1:8081:8081']);
    expect(services.gateway.environment?.GATEWAY_PORT).toBe(8080);
    expect(services.emulator.environment?.EMULATOR_PORT).toBe(8090);
    expect(String(services.gateway.environment?.DEEPGRAM_URL)).toContain('ws://emulator:8090/v1/speak');
    const nginx = read('deploy/nginx/nginx.conf');
    expect(nginx).toContain('server gateway:8080');
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade/);
  });

  it('gives the gateways time to drain: stop_grace_period covers DRAIN_TIMEOUT_MS plus the usage hand-off', () => {
    const drainMs = Number(
      /\$\{DRAIN_TIMEOUT_MS:-(\d+)\}/.exec(String(services.gateway.environment?.DRAIN_TIMEOUT_MS))![1],
    );
    const grace = /^(\d+)s$/.exec(String(services.gateway.stop_grace_period))!;
    expect(Number(grace[1])).toBeGreaterThanOrEqual(drainMs / 1000 + 15);
  });

  it('runs an nginx that knows the resolve parameter its config uses (1.27.3 and later)', () => {
    expect(read('deploy/nginx/nginx.conf')).toMatch(/server gateway:8080 resolve;/);
    const [, major, minor] = /^nginx:(\d+)\.(\d+)(?:\.\d+)?-alpine$/.exec(String(services.lb.image))!.map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1028); // a floating 1.27 tag could be a cached 1.27.0
  });

  it('keeps /metrics and /health off the public entry point in any spelling the gateway answers', () => {
    const nginx = read('deploy/nginx/nginx.conf');
    const [, pattern] = /location ~\* (\S+) \{\s*return 404;/.exec(nginx)!;
    const blocked = new RegExp(pattern, 'i');
    for (const path of ['/metrics', '/METRICS', '//metrics', '/health/ready', '/Health/Live', '/health']) {
      expect([path, blocked.test(path)]).toEqual([path, true]);
    }
    for (const path of ['/', '/demo/', '/v1/balance', '/client/tts-client.js', '/metricsfoo']) {
      expect([path, blocked.test(path)]).toEqual([path, false]);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('is multi-stage with production dependencies only and a non-root user in the final image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages[stages.length - 1];
    expect(final).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(final).not.toMatch(/npm ci(?! --omit=dev)/);
  });

  it('defaults to the gateway with the start:gateway command, and copies what the build needs', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]);
    expect(cmd).toEqual(scriptCommand('start:gateway'));
    for (const path of ['apps', 'libs', 'tsconfig.json', '.swcrc', 'package-lock.json']) {
      expect(dockerfile).toContain(path);
      expect(existsSync(join(root, path))).toBe(true);
    }
  });
});

describe('.env.example and README', () => {
  it('reads the tuning knobs from the README', () => {
    expect(tuningKnobs).toEqual(expect.arrayContaining(['LOG_LEVEL', 'WEBHOOK_ATTEMPTS', 'UPSTREAM_POOL_SIZE']));
    for (const name of tuningKnobs) expect(allVars).toContain(name);
  });

  it.each(allVars)('documents %s', (name) => {
    expect(read('.env.example')).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    expect(read('README.md')).toContain(`| \`${name}\` |`);
  });
});

describe('deploy/k8s', () => {
  const dir = join(root, 'deploy', 'k8s');
  const manifests = (folder: string, files?: string[]) =>
    (files ?? readdirSync(folder).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(folder, f), 'utf8')).map((d) => d.toJS()))
      .filter(Boolean);
  const docs = [...manifests(dir), ...manifests(join(dir, 'migrate'))];
  const kustomization = (folder: string) => parse(readFileSync(join(folder, 'kustomization.yaml'), 'utf8'));
  const byKind = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const configMap = byKind('ConfigMap', 'tts-config');

  it('lists every manifest in the kustomization, but never the Secret nor the migration Job', () => {
    const { resources } = kustomization(dir);
    for (const file of resources) expect(existsSync(join(dir, file))).toBe(true);
    // A re-apply must not overwrite the real Secret with the example's placeholders, and a Job's pod
    // template cannot change once created (a new image tag would fail the whole apply).
    const kinds = manifests(dir, resources).map((d) => d.kind);
    expect(kinds).not.toContain('Secret');
    expect(kinds).not.toContain('Job');
    expect(readdirSync(dir).filter((f) => f.endsWith('.yaml') && !resources.includes(f))).toEqual([
      'kustomization.yaml',
      'secret.example.yaml',
    ]);
  });

  it('runs migrations as their own kustomization, on the same image', () => {
    const migrate = kustomization(join(dir, 'migrate'));
    expect(migrate.resources).toEqual(['migrate-job.yaml']);
    expect(migrate.namespace).toBe(kustomization(dir).namespace);
    expect(migrate.images).toEqual(kustomization(dir).images);
  });

  it('ships a Secret example whose placeholders the apps refuse to boot with', () => {
    const secret = byKind('Secret', 'tts-secrets');
    expect(() => loadConfig(GatewayEnv, { AUTH_JWT_SECRET: secret.stringData.AUTH_JWT_SECRET })).toThrow(
      /AUTH_JWT_SECRET/,
    );
    expect(() => loadConfig(BillingEnv, { BILLING_ADMIN_TOKEN: secret.stringData.BILLING_ADMIN_TOKEN })).toThrow(
      /BILLING_ADMIN_TOKEN/,
    );
    expect(() => loadConfig(BillingEnv, { WEBHOOK_SIGNING_SECRET: secret.stringData.WEBHOOK_SIGNING_SECRET })).toThrow(
      /WEBHOOK_SIGNING_SECRET/,
    );
  });

  it('configures only variables the apps read', () => {
    const secret = byKind('Secret', 'tts-secrets');
    for (const name of [...Object.keys(configMap.data), ...Object.keys(secret.stringData)])
      expect(allVars).toContain(name);
  });

  it.each([
    ['tts-billing', billingVars],
    ['tts-gateway', gatewayVars],
  ])('gives %s every variable outside the tuning knobs', (name, vars) => {
    const container = byKind('Deployment', name).spec.template.spec.containers[0];
    const set = [
      ...(container.env ?? []).map((e: { name: string }) => e.name),
      ...(container.envFrom ?? []).flatMap((from: { configMapRef?: { name: string }; secretRef?: { name: string } }) =>
        from.configMapRef
          ? Object.keys(byKind('ConfigMap', from.configMapRef.name).data)
          : Object.keys(byKind('Secret', from.secretRef!.name).stringData),
      ),
    ];
    expect(contractOf(vars).filter((name) => !set.includes(name))).toEqual([]);
  });

  it.each([
    ['tts-gateway', 'start:gateway', 'GATEWAY_PORT'],
    ['tts-billing', 'start:billing', 'BILLING_PORT'],
  ])('runs %s with probes on its health endpoints', (name, script, portVar) => {
    const pod = byKind('Deployment', name).spec.template.spec;
    const container = pod.containers[0];
    expect(container.command).toEqual(scriptCommand(script));
    expect(container.ports[0].containerPort).toBe(Number(configMap.data[portVar]));
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.securityContext?.runAsNonRoot ?? pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('gives the gateway time to drain: grace period covers preStop plus DRAIN_TIMEOUT_MS', () => {
    const pod = byKind('Deployment', 'tts-gateway').spec.template.spec;
    const preStopSeconds = Number(pod.containers[0].lifecycle.preStop.exec.command[1]);
    const drainSeconds = Number(configMap.data.DRAIN_TIMEOUT_MS) / 1000;
    // + the usage hand-off after the drain (final events <= 2 s, held events <= 5 s, queue close) and a margin.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + drainSeconds + 15);
  });

  it('lets evictions take one gateway pod at a time', () => {
    const pdb = byKind('PodDisruptionBudget', 'tts-gateway');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { app: 'tts-gateway' } } });
    expect(pdb.spec.minAvailable).toBeUndefined();
  });

  it('autoscales the gateway deployment and runs migrations with the migration command', () => {
    const hpa = byKind('HorizontalPodAutoscaler', 'tts-gateway');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'tts-gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const job = byKind('Job', 'tts-migrate');
    expect(job.spec.template.spec.containers[0].command).toEqual(scriptCommand('migration:run'));
  });
});
