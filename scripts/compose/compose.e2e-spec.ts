/**
 * docker-compose.yml must stay true to the code. Docker is not needed: this test reads the compose file and boots its
 * services as local processes, with the same entrypoints, commands and environments, in compose's order
 * (depends_on and its conditions):
 *
 * - infrastructure images are replaced by the project's local parts: postgres -> a scratch database on the test
 *   Postgres, kafka -> the test broker (KAFKA_BROKERS), foundry anvil -> anvil from node_modules with the service's
 *   `--chain-id`;
 * - container names become 127.0.0.1 (`service:port` -> a local port, every app on a free port), the named volumes
 *   temp dirs, `/app` the repository (the image's WORKDIR holds the repository, Dockerfile);
 * - the only variables added to a compose environment are the apps' Kafka topic and group names (unique per run, so
 *   that no other run's records reach these apps) and PORT (the free port); the rest of each process's environment
 *   is PATH and HOME.
 *
 * Every one-shot service (kafka-topics, migrate, deploy, register) must exit 0, every app's environment as its
 * entrypoint hands it over must pass the app's zod config, and every app must answer /health 200 and pass its
 * compose healthcheck. A variable an app requires that is removed from docker-compose.yml fails the test naming it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureTopics, TOPICS } from '@interop/infra';
import { createScratchDatabase, type ScratchDatabase } from '@interop/infra/prisma/createScratchDatabase';
import { freePort, startAnvil, type AnvilInstance } from '@interop/infra/testing/anvil';
import { requireKafkaBrokers } from '@interop/infra/testing/kafkaBrokers';
import { uniqueKafkaName } from '@interop/infra/testing/kafkaNames';
import { ensureCircuits } from '@interop/prover/testing/ensureCircuits';
import type { z } from 'zod';

import { bridgeConfigSchema } from '../../apps/bridge/src/config/bridgeConfig';
import { chainConfigSchema } from '../../apps/chain/src/config/chainConfig';
import { hubConfigSchema } from '../../apps/hub/src/config/hubConfig';
import {
  dockerIgnored,
  healthcheckArgs,
  loadCompose,
  processArgs,
  rawEnvironmentValues,
  rewrite,
  startOrder,
  type ComposeService,
  type Rewrites,
} from './composeFile';
import { parseEnvFile } from './deploy';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const compose = loadCompose(COMPOSE_FILE);

type AppKind = 'hub' | 'chain' | 'bridge';
const SCHEMAS: Record<AppKind, z.ZodType> = {
  hub: hubConfigSchema,
  chain: chainConfigSchema,
  bridge: bridgeConfigSchema,
};

function appKind(s: ComposeService): AppKind | undefined {
  const m = processArgs(s)
    .join(' ')
    .match(/apps\/(hub|chain|bridge)\/src\/main\.ts/);
  return m ? (m[1] as AppKind) : undefined;
}

const isInfra = (s: ComposeService) => s.build === undefined;
const apps = [...compose.services.values()].filter((s) => !isInfra(s) && appKind(s));

describe('docker-compose.yml and the image (static)', () => {
  it('runs every app: hub, two chain apps (901, 902), bridge, each from the image with a healthcheck', () => {
    expect(apps.map((s) => `${s.name}:${appKind(s)}`).sort()).toEqual([
      'bridge:bridge',
      'chain-901:chain',
      'chain-902:chain',
      'hub:hub',
    ]);
    for (const s of apps) expect(healthcheckArgs(s)).toBeDefined();
    expect(startOrder(compose)).toContain('register');
  });

  it('writes every environment value of the image services as a string (hex keys must not become YAML numbers)', () => {
    const imageServices = new Set([...compose.services.values()].filter((s) => !isInfra(s)).map((s) => s.name));
    const bad = rawEnvironmentValues(COMPOSE_FILE).filter(
      (e) => imageServices.has(e.service) && typeof e.value !== 'string',
    );
    expect(bad).toEqual([]);
  });

  it('uses the default topic names in the apps, which the kafka-topics service creates with the project code', () => {
    for (const s of apps)
      for (const key of Object.keys(s.environment)) expect(key).not.toMatch(/^(KAFKA_)?TOPIC_|^KAFKA_GROUP_ID$/);
    expect(processArgs(compose.services.get('kafka-topics')!).join(' ')).toMatch(
      /scripts\/infra\/kafka-admin\.ts topics/,
    );
    expect(Object.values(TOPICS).length).toBe(6);
  });

  it('builds the image with what the apps read at boot and leaves none of it out of the build context', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN .*npm ci/);
    expect(dockerfile).toMatch(/RUN .*scripts\/prisma-generate\.sh/);
    expect(dockerfile).toMatch(/RUN .*npm run build:circuits/);
    expect(dockerfile).toMatch(/COPY --from=build .*\/app \/app/);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
    const bootReads = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'apps/hub/src/main.ts',
      'apps/chain/src/main.ts',
      'apps/bridge/src/main.ts',
      'apps/bridge/src/operator/public/index.html',
      'libs/prover/src/worker/prove-worker.js',
      'libs/contracts/src/generated/abis.ts',
      'contracts/src/InteropHub.sol',
      'circuits/shapes/s2.json',
      'circuits/keys/s2.vkey.json',
      'circuits/src/aggregation.circom',
      'prisma/schema.prisma',
      'prisma/migrations',
      'scripts/migrate.ts',
      'scripts/prisma-generate.sh',
      'scripts/build-circuits.ts',
      'scripts/infra/kafka-admin.ts',
      'scripts/compose/deploy.ts',
      'scripts/compose/entrypoint.sh',
      'scripts/compose/healthcheck.mjs',
    ];
    for (const p of bootReads) expect(existsSync(join(ROOT, p)) ? p : `${p} (missing)`).toBe(p);
    expect(bootReads.filter((p) => dockerIgnored(ignore, p))).toEqual([]);
    // Made inside the image instead (host builds would be stale or for another platform).
    expect(
      ['node_modules', 'prisma/generated/client.ts', 'circuits/build/s2'].filter((p) => !dockerIgnored(ignore, p)),
    ).toEqual([]);
  });
});

type Running = { name: string; child: ChildProcess; exited: Promise<number | null>; log: string };

describe('docker-compose.yml booted as local processes (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-e2e-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const anvils: AnvilInstance[] = [];
  const running: Running[] = [];
  let db: ScratchDatabase | undefined;
  const rewrites: Rewrites = { addresses: new Map(), patterns: [], paths: [['/app', ROOT]] };
  const localPort = new Map<string, number>();
  const overrides = new Map<string, Record<string, string>>();
  const done = new Map<string, Promise<void>>();
  let deployFile = '';
  let startedAt = 0;
  /** Set by afterAll: no service starts any more and every wait gives up (nothing is left behind after a failure). */
  let stopping = false;

  const tail = (log: string) => {
    try {
      return readFileSync(log, 'utf8').slice(-4_000);
    } catch {
      return '(no log)';
    }
  };

  const baseEnv = (s: ComposeService): Record<string, string> => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    for (const [k, v] of Object.entries(s.environment)) env[k] = rewrite(v, rewrites);
    return { ...env, ...overrides.get(s.name) };
  };

  const spawnService = (name: string, args: string[], env: Record<string, string>, logName = name): Running => {
    if (stopping) throw new Error(`${name}: not started, the test is stopping`);
    const log = join(logDir, `${logName}.log`);
    const fd = openSync(log, 'a');
    try {
      const child = spawn(args[0]!, args.slice(1), { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
      const exited = new Promise<number | null>((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.once('error', () => resolve(-1));
      });
      const r = { name, child, exited, log };
      running.push(r);
      return r;
    } finally {
      closeSync(fd);
    }
  };

  /** The environment the app process gets from its entrypoint (which exports the deploy service's addresses). */
  const entrypointEnv = (s: ComposeService, env: Record<string, string>): Record<string, string> => {
    const args = [
      ...s.entrypoint.map((a) => rewrite(a, rewrites)),
      process.execPath,
      '-e',
      'process.stdout.write(JSON.stringify(process.env))',
    ];
    const r = spawnSync(args[0]!, args.slice(1), { cwd: ROOT, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${s.name}: entrypoint ${s.entrypoint.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, string>;
  };

  const waitHealthy = async (s: ComposeService, r: Running, timeoutMs = 150_000) => {
    const url = `http://127.0.0.1:${localPort.get(s.name)}/health`;
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void r.exited.then((c) => (exitCode = c));
    for (;;) {
      if (exitCode !== undefined)
        throw new Error(`${s.name} exited (${exitCode}) before it was healthy:\n${tail(r.log)}`);
      const status = await fetch(url, { signal: AbortSignal.timeout(2_000) })
        .then((res) => res.status)
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > deadline)
        throw new Error(`${s.name}: ${url} not 200 after ${timeoutMs} ms (${status}):\n${tail(r.log)}`);
      await new Promise((res) => setTimeout(res, 300));
    }
  };

  /** Starts one image service once its dependencies meet their conditions: a job must exit 0, an app get healthy. */
  const launch = async (s: ComposeService): Promise<void> => {
    const env = baseEnv(s);
    const args = processArgs(s).map((a) => rewrite(a, rewrites));
    const kind = appKind(s);
    if (!kind) {
      const r = spawnService(s.name, args, env);
      const code = await r.exited;
      if (code !== 0) throw new Error(`${s.name} (${args.join(' ')}) exited ${code}:\n${tail(r.log)}`);
      return;
    }
    const parsed = SCHEMAS[kind].safeParse(entrypointEnv(s, env));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${s.name}: the environment docker-compose.yml gives it fails the ${kind} config: ${issues}`);
    }
    await waitHealthy(s, spawnService(s.name, args, env));
  };

  beforeAll(async () => {
    startedAt = Date.now();
    // The image's `npm run build:circuits` step (a no-op when the ZK cache and circuits/build are warm).
    await ensureCircuits();

    const runId = uniqueKafkaName('compose').slice('compose.'.length);
    const topic = (t: string) => `compose.${runId}.${t.replace(/^interop\./, '')}`;
    await ensureTopics(
      requireKafkaBrokers().split(','),
      Object.values(TOPICS).map((t) => ({ topic: topic(t), numPartitions: t === TOPICS.sharedRoots ? 1 : 3 })),
    );
    const kafkaEnv: Record<AppKind, Record<string, string>> = {
      hub: {
        KAFKA_GROUP_ID: `interop-hub-${runId}`,
        TOPIC_BATCH_ROOTS: topic(TOPICS.batchRoots),
        TOPIC_SHARED_ROOTS: topic(TOPICS.sharedRoots),
        TOPIC_DEAD_LETTER: topic(TOPICS.deadLetter),
        TOPIC_PROOF_JOBS: topic(TOPICS.proofJobs),
        TOPIC_PROOFS: topic(TOPICS.proofs),
      },
      chain: { KAFKA_TOPIC_BATCH_ROOTS: topic(TOPICS.batchRoots), KAFKA_TOPIC_MESSAGES: topic(TOPICS.messages) },
      bridge: {
        KAFKA_GROUP_ID: `bridge-${runId}`,
        TOPIC_MESSAGES: topic(TOPICS.messages),
        TOPIC_SHARED_ROOTS: topic(TOPICS.sharedRoots),
        TOPIC_DEAD_LETTER: topic(TOPICS.deadLetter),
      },
    };

    // Infrastructure: the project's local parts in place of the images.
    for (const s of compose.services.values()) {
      if (!isInfra(s)) continue;
      const image = s.image ?? '';
      if (/^postgres:/.test(image)) {
        db = await createScratchDatabase('compose_e2e');
        rewrites.patterns.push([new RegExp(`postgres(ql)?://[^\\s@/]*@${s.name}:5432/\\w+`, 'g'), db.url]);
      } else if (/kafka/.test(image)) {
        rewrites.addresses.set(`${s.name}:9092`, requireKafkaBrokers());
      } else if (/foundry/.test(image)) {
        const args = processArgs(s);
        const chainId = Number(args[args.indexOf('--chain-id') + 1]);
        const containerPort = Number(args[args.indexOf('--port') + 1]);
        expect(Number.isInteger(chainId) && Number.isInteger(containerPort)).toBe(true);
        const node = await startAnvil({ chainId });
        anvils.push(node);
        rewrites.addresses.set(`${s.name}:${containerPort}`, `127.0.0.1:${node.port}`);
      } else {
        throw new Error(`${s.name}: the test has no local stand-in for image ${image}`);
      }
    }
    for (const s of compose.services.values()) {
      for (const v of s.volumes) {
        const local = join(dir, 'volumes', v.volume);
        mkdirSync(local, { recursive: true });
        if (!rewrites.paths.some(([from]) => from === v.path)) rewrites.paths.push([v.path, local]);
      }
    }
    // Apps: each on a free port, reachable by its service name.
    for (const s of apps) {
      const port = await freePort();
      localPort.set(s.name, port);
      for (const p of s.ports) rewrites.addresses.set(`${s.name}:${p.container}`, `127.0.0.1:${port}`);
      expect(s.ports.map((p) => String(p.container))).toContain(s.environment.PORT);
      overrides.set(s.name, { PORT: String(port), ...kafkaEnv[appKind(s)!] });
    }
    const deploy = compose.services.get('deploy')!;
    deployFile = rewrite(deploy.environment.DEPLOY_ENV_FILE!, rewrites);

    // Compose's order: each service after its dependencies meet their conditions (infrastructure is up already).
    for (const name of startOrder(compose)) {
      const s = compose.services.get(name)!;
      if (isInfra(s)) {
        done.set(name, Promise.resolve());
        continue;
      }
      const deps = Object.keys(s.dependsOn).map((d) => done.get(d)!);
      done.set(
        name,
        Promise.all(deps).then(() => launch(s)),
      );
    }
    // Every service, or the first failure (the others are stopped in afterAll).
    await Promise.all([...done.values()]);
  });

  afterAll(async () => {
    stopping = true;
    await Promise.allSettled(done.values());
    for (const r of [...running].reverse()) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.child.kill('SIGTERM');
      const t = setTimeout(() => r.child.kill('SIGKILL'), 10_000);
      await r.exited;
      clearTimeout(t);
    }
    for (const a of anvils) await a.stop().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs kafka-topics, migrate, deploy and register to exit 0 and every app to a 200 /health', async () => {
    process.stderr.write(
      `[compose e2e] every service up ${Math.round((Date.now() - startedAt) / 1000)} s after start\n`,
    );
    for (const s of apps) {
      const res = await fetch(`http://127.0.0.1:${localPort.get(s.name)}/health`);
      expect(`${s.name} ${res.status}`).toBe(`${s.name} 200`);
    }
  });

  it('passes each app service its compose healthcheck', () => {
    for (const s of apps) {
      const args = healthcheckArgs(s)!.map((a) => rewrite(a, rewrites));
      const r = spawnSync(args[0]!, args.slice(1), { cwd: ROOT, env: baseEnv(s), encoding: 'utf8' });
      expect(`${s.name} ${r.status}`).toBe(`${s.name} 0`);
    }
  });

  it('has the deployed contracts in the deploy file and both chains registered through the hub', async () => {
    const net = parseEnvFile(readFileSync(deployFile, 'utf8'));
    expect(net.L1_HUB_ADDRESS).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const chainsJson = JSON.parse(net.CHAINS_JSON!) as Array<{ chainId: string }>;
    expect(chainsJson.map((c) => c.chainId)).toEqual(['901', '902']);
    const hub = `http://127.0.0.1:${localPort.get('hub')}`;
    const chains = (await (await fetch(`${hub}/chains`)).json()) as Array<{ chainId: string; status: string }>;
    expect(chains.map((c) => c.chainId).sort()).toEqual(['901', '902']);
    for (const c of chains) expect(['approving', 'active']).toContain(c.status);
  });

  it('deploys nothing again when the deploy service runs a second time on the same nodes', async () => {
    const before = readFileSync(deployFile, 'utf8');
    const s = compose.services.get('deploy')!;
    const r = spawnService(
      'deploy',
      processArgs(s).map((a) => rewrite(a, rewrites)),
      baseEnv(s),
      'deploy-again',
    );
    expect(await r.exited).toBe(0);
    expect(tail(r.log)).toMatch(/nothing deployed/);
    expect(readFileSync(deployFile, 'utf8')).toBe(before);
  });
});
