import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createKafkaClient } from '@interop/infra';
import { freePort } from '@interop/infra/testing/anvil';
import { KafkaCluster } from '@interop/infra/testing/kafkaCluster';
import { repoRoot } from '@interop/prover/repoRoot';
import { pollUntil } from '@interop/devnet';
import { logLevel } from 'kafkajs';

const run = promisify(execFile);

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Kafka broker of its own for a chaos run (scripts/infra/kafka.sh on free ports), so restarting it never touches the
 * shared broker. `restart()` kills the JVM and starts the same command line again on the same data directory (the
 * topics and committed offsets survive, like a broker reboot); `stop()` is kafka.sh stop (which deletes its data).
 */
export class DedicatedKafka implements RestartableKafka {
  restarts = 0;

  private constructor(
    readonly port: number,
    readonly controllerPort: number,
    readonly brokers: string,
  ) {}

  private static env(port: number, controllerPort: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
    };
    delete env.KAFKA_BROKERS;
    return env;
  }

  static async start(): Promise<DedicatedKafka> {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const { stdout } = await run('bash', ['scripts/infra/kafka.sh', 'start'], {
      cwd: repoRoot(),
      env: DedicatedKafka.env(port, controllerPort),
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('KAFKA_BROKERS='));
    if (!line) throw new Error(`kafka.sh start printed no KAFKA_BROKERS line: ${stdout}`);
    return new DedicatedKafka(port, controllerPort, line.slice('KAFKA_BROKERS='.length).trim());
  }

  private get pidFile(): string {
    return join(repoRoot(), '.cache', 'kafka', `kafka-${this.port}.pid`);
  }

  private get outFile(): string {
    return join(repoRoot(), '.cache', 'kafka', `kafka-${this.port}.out`);
  }

  pid(): number {
    return Number(readFileSync(this.pidFile, 'utf8').trim());
  }

  /** Kills the broker (`signal`, default SIGKILL: a crash) and starts it again on its data; resolves once it serves. */
  async restart(signal: NodeJS.Signals = 'SIGKILL', downMs = 2_000): Promise<{ ms: number; target: string }> {
    const t0 = Date.now();
    const pid = this.pid();
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a.length > 0);
    const cwd = repoRoot();
    process.kill(pid, signal);
    await pollUntil('kafka broker exit', () => Promise.resolve(pidAlive(pid) ? undefined : true), 60_000, 100);
    await pollUntil('kafka port free', async () => ((await portOpen(this.port)) ? undefined : true), 30_000, 100);
    await new Promise((r) => setTimeout(r, downMs));
    const fd = openSync(this.outFile, 'a');
    const child = spawn(argv[0]!, argv.slice(1), { cwd, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    writeFileSync(this.pidFile, `${child.pid}\n`);
    await this.waitReady(120_000);
    this.restarts += 1;
    return { ms: Date.now() - t0, target: `kafka:${this.port}` };
  }

  async waitReady(timeoutMs: number): Promise<void> {
    await pollUntil(
      `kafka broker ${this.brokers}`,
      async () => {
        if (!(await portOpen(this.port))) return undefined;
        const admin = createKafkaClient({
          brokers: this.brokers,
          clientId: 'chaos-ready',
          fast: true,
          logLevel: logLevel.NOTHING,
        }).admin();
        try {
          await admin.connect();
          const topics = await admin.listTopics();
          return topics.length >= 0 ? true : undefined;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
      timeoutMs,
      500,
    );
  }

  async stop(): Promise<void> {
    await run('bash', ['scripts/infra/kafka.sh', 'stop'], {
      cwd: repoRoot(),
      env: DedicatedKafka.env(this.port, this.controllerPort),
    }).catch(() => undefined);
  }
}

/** What the fault injector restarts: the dedicated broker, or one node of a dedicated cluster at a time. */
export interface RestartableKafka {
  readonly brokers: string;
  /** Kills (`signal`), waits `downMs`, starts again; resolves with the whole restart's ms and what was restarted. */
  restart(signal: NodeJS.Signals, downMs: number): Promise<{ ms: number; target: string }>;
  stop(): Promise<void>;
}

/**
 * A dedicated N-node KRaft cluster for a chaos run (`npm run chaos -- --kafka-cluster 3`): each restart SIGKILLs one
 * node, the active controller first, then the others in turn, keeps it down for `downMs`, starts it again on its data
 * and waits until every partition of the devnet's topics has its full ISR again, so the next restart again takes
 * down one replica of three: one broker at a time, as a rolling failure.
 */
export class ClusterKafka implements RestartableKafka {
  restarts = 0;
  private order: number[] | undefined;
  /** The devnet's topics, once known (their ISR is awaited after each restart). */
  topics: string[] = [];

  private constructor(readonly cluster: KafkaCluster) {}

  static async start(nodes: number): Promise<ClusterKafka> {
    return new ClusterKafka(await KafkaCluster.start({ nodes }));
  }

  get brokers(): string {
    return this.cluster.brokers;
  }

  async restart(signal: NodeJS.Signals, downMs: number): Promise<{ ms: number; target: string }> {
    const t0 = Date.now();
    const controller = await this.cluster.activeController();
    // The controller first; then the others in turn, round robin.
    this.order ??= [
      controller,
      ...Array.from({ length: this.cluster.nodes }, (_, i) => i + 1).filter((n) => n !== controller),
    ];
    const node = this.order[this.restarts % this.order.length]!;
    await this.cluster.kill(node, signal === 'SIGTERM' ? 'TERM' : 'KILL');
    await new Promise((r) => setTimeout(r, downMs));
    await this.cluster.restart(node);
    const isrMs = this.topics.length > 0 ? await this.cluster.waitForFullIsr(this.topics, 180_000) : 0;
    this.restarts += 1;
    const role = node === controller ? 'active controller' : `controller was ${controller}`;
    return { ms: Date.now() - t0, target: `kafka node ${node} (${role}; full ISR ${isrMs} ms after its restart)` };
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}

function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('pg_ctl not found under /usr/lib/postgresql/*/bin (install postgresql)');
  return join(base, versions[0] as string, 'bin');
}

/**
 * A throwaway PostgreSQL cluster for a chaos run (initdb in a temp directory, its own port), so the harness can
 * crash-restart the database (`pg_ctl stop -m immediate`, then start: crash recovery) without touching the shared
 * server on 5432. Deleted by `stop()`.
 */
export class DedicatedPostgres {
  restarts = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/chaos`;
  }

  private static asPg(cmd: string, args: string[]): Promise<{ stdout: string }> {
    if (process.getuid?.() === 0) return run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
    return run(cmd, args);
  }

  static async start(): Promise<DedicatedPostgres> {
    const bin = pgBinDir();
    const dir = mkdtempSync(join(tmpdir(), 'chaos-pg-'));
    chmodSync(dir, 0o777);
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const port = await freePort();
    const pg = new DedicatedPostgres(dir, port, bin);
    await DedicatedPostgres.asPg(join(bin, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await pg.pgCtlStart();
    await run('psql', [`postgresql://postgres@127.0.0.1:${port}/postgres`, '-X', '-q', '-c', 'create database chaos']);
    return pg;
  }

  private async pgCtlStart(): Promise<void> {
    await DedicatedPostgres.asPg(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'postgres.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** Crash (`-m immediate`: no checkpoint, recovery on start) and start again; resolves once it accepts connections. */
  async restart(downMs = 2_000): Promise<number> {
    const t0 = Date.now();
    await DedicatedPostgres.asPg(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-m',
      'immediate',
      '-w',
      'stop',
    ]);
    await new Promise((r) => setTimeout(r, downMs));
    await this.pgCtlStart();
    this.restarts += 1;
    return Date.now() - t0;
  }

  async stop(): Promise<void> {
    await DedicatedPostgres.asPg(join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-m',
      'fast',
      '-w',
      'stop',
    ]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
