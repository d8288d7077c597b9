import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { logLevel, type Admin } from 'kafkajs';

import { createKafkaClient } from '../kafka/createKafkaClient';
import { describeQuorum, type QuorumState } from './kafkaQuorum';

const run = promisify(execFile);

/** The checkout's root: the first parent folder that holds scripts/infra/kafka.sh. */
function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'scripts', 'infra', 'kafka.sh'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`scripts/infra/kafka.sh not found above ${__dirname}`);
    dir = parent;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port B such that B..B+count-1 are free right now (drawn in 30000-39999). */
export async function freePortRange(count: number, attempts = 50): Promise<number> {
  for (let a = 0; a < attempts; a++) {
    const base = 30_000 + Math.floor(Math.random() * (10_000 - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export type KafkaClusterStartParameters = {
  /** Nodes (default 3): each a broker and a controller voter. */
  nodes?: number;
  /** First broker port (node i listens on port + i - 1); default: a free range. */
  port?: number;
  /** First controller port; default: right after the broker ports. */
  controllerPort?: number;
  /** JVM heap per node (default `-Xms64m -Xmx384m`). */
  heapOpts?: string;
};

export type IsrProblem = { topic: string; partition: number; leader: number; replicas: number[]; isr: number[] };

/**
 * A local KRaft cluster for tests and the chaos mode, run by `scripts/infra/kafka.sh start --cluster N` on ports of
 * its own (never the shared 19092/19093). `kill(node)` SIGKILLs one node (its data stays), `restart(node)` starts it
 * again on its data, `activeController()` asks the quorum (DescribeQuorum), `waitForFullIsr()` waits until every
 * partition is back to all its replicas. `stop()` stops every node and deletes the data; call it in `finally`/
 * `afterAll`.
 *
 * @example
 * const cluster = await KafkaCluster.start({ nodes: 3 });
 * try {
 *   const leader = (await cluster.activeController()).leaderId;
 *   await cluster.kill(leader);
 *   await cluster.restart(leader);
 *   await cluster.waitForFullIsr([topic]);
 * } finally {
 *   await cluster.stop();
 * }
 */
export class KafkaCluster {
  private stopped = false;

  private constructor(
    readonly nodes: number,
    readonly port: number,
    readonly controllerPort: number,
    readonly brokers: string,
    private readonly heapOpts: string | undefined,
  ) {}

  /** `host:port` of every controller listener. */
  get controllers(): string {
    return Array.from({ length: this.nodes }, (_, i) => `127.0.0.1:${this.controllerPort + i}`).join(',');
  }

  /** Broker address of node `id` (1-based). */
  brokerOf(id: number): string {
    return `127.0.0.1:${this.port + id - 1}`;
  }

  static async start({
    nodes = 3,
    port,
    controllerPort,
    heapOpts,
  }: KafkaClusterStartParameters = {}): Promise<KafkaCluster> {
    const base = port ?? (await freePortRange(2 * nodes));
    const cbase = controllerPort ?? base + nodes;
    const cluster = new KafkaCluster(nodes, base, cbase, '', heapOpts);
    try {
      const { stdout } = await cluster.script(['start'], 240_000);
      const line = stdout.split('\n').find((l) => l.startsWith('KAFKA_BROKERS='));
      if (!line) throw new Error(`kafka.sh start --cluster ${nodes} printed no KAFKA_BROKERS line: ${stdout}`);
      return new KafkaCluster(nodes, base, cbase, line.slice('KAFKA_BROKERS='.length).trim(), heapOpts);
    } catch (e) {
      await cluster.stop().catch(() => undefined); // whatever did start is not left running
      throw e;
    }
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_NODES: String(this.nodes),
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
    };
    if (this.heapOpts) env.KAFKA_HEAP_OPTS = this.heapOpts;
    // The caller's broker (often the shared 19092) must not be "reused" instead of starting the cluster.
    delete env.KAFKA_BROKERS;
    return env;
  }

  private script(args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
    return run('bash', ['scripts/infra/kafka.sh', ...args, '--cluster', String(this.nodes)], {
      cwd: repoRoot(),
      env: this.env(),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: unknown) => {
      const err = e as { stderr?: string; message?: string };
      throw new Error(`kafka.sh ${args.join(' ')} failed: ${err.message ?? String(e)}\n${err.stderr ?? ''}`);
    });
  }

  /** Pid of node `id`, or undefined when it is not running. */
  pid(id: number): number | undefined {
    const file = join(repoRoot(), '.cache', 'kafka', `kafka-${this.port + id - 1}.pid`);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Kills node `id` (SIGKILL unless told otherwise) and resolves once its JVM is gone. */
  async kill(id: number, signal: 'KILL' | 'TERM' = 'KILL'): Promise<void> {
    await this.script(['kill', String(id), '--signal', signal], 60_000);
  }

  /** Starts node `id` again on its data (killing it first if it runs); resolves once the cluster lists it. */
  async restart(id: number): Promise<void> {
    await this.script(['restart', String(id)], 180_000);
  }

  /** The quorum as the active controller reports it; retried through an election for up to `timeoutMs`. */
  async quorum(timeoutMs = 15_000): Promise<QuorumState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await describeQuorum({ controllers: this.controllers });
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Node id of the active controller. */
  async activeController(timeoutMs = 15_000): Promise<number> {
    return (await this.quorum(timeoutMs)).leaderId;
  }

  admin(): Admin {
    return createKafkaClient({
      brokers: this.brokers,
      clientId: 'kafka-cluster-admin',
      fast: true,
      logLevel: logLevel.NOTHING,
    }).admin();
  }

  /** Partitions of `topics` whose ISR is not all their replicas (or that have no leader). */
  async isrProblems(topics: string[], admin?: Admin): Promise<IsrProblem[]> {
    const a = admin ?? this.admin();
    if (!admin) await a.connect();
    try {
      const { topics: metadata } = await a.fetchTopicMetadata({ topics });
      return metadata.flatMap((t) =>
        t.partitions
          .filter((p) => p.leader < 0 || p.isr.length < p.replicas.length)
          .map((p) => ({
            topic: t.name,
            partition: p.partitionId,
            leader: p.leader,
            replicas: p.replicas,
            isr: p.isr,
          })),
      );
    } finally {
      if (!admin) await a.disconnect().catch(() => undefined);
    }
  }

  /** Waits until every partition of `topics` has a leader and all its replicas in sync; resolves with the wait. */
  async waitForFullIsr(topics: string[], timeoutMs = 120_000): Promise<number> {
    const t0 = Date.now();
    let last: string;
    const admin = this.admin();
    try {
      await admin.connect();
      for (;;) {
        try {
          const problems = await this.isrProblems(topics, admin);
          if (problems.length === 0) return Date.now() - t0;
          last = problems.map((p) => `${p.topic}/${p.partition} isr [${p.isr.join(',')}]`).join(' ');
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() - t0 > timeoutMs) throw new Error(`ISR not full within ${timeoutMs} ms: ${last}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Stops every node and deletes the data (idempotent; safe after a failed start). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.script(['stop'], 120_000);
  }
}
