import { hostname } from 'node:os';

import {
  buildDeadLetter,
  ConsumerSupervisor,
  sendDeadLetters,
  type ConsumerStatus,
  type ConsumerSupervisorLogger,
} from '@interop/infra';
import type { Consumer, Kafka, Producer } from 'kafkajs';

import { ProofJobInvalidError } from './errors';
import type { Prover } from './prover';
import {
  DEAD_LETTER_TOPIC,
  encodeProofMessage,
  PROOF_JOBS_TOPIC,
  proofJobSchema,
  PROOFS_TOPIC,
  type ProofMessage,
} from './proofMessages';

export type ProofWorkerOptions = {
  /** a kafkajs client (the worker creates its own consumer, producer and admin from it) */
  kafka: Kafka;
  /** a prover pool per epoch shape this worker proves (circuits/shapes name); jobs of another shape are dead-lettered */
  provers: ReadonlyMap<string, Prover>;
  /** jobs proven at once (default: the largest pool's size) */
  concurrency?: number;
  /** consumer group shared by all prover workers (default `interop-prover`) */
  groupId?: string;
  /** name written into `provedBy` (default `<hostname>:<pid>`) */
  workerId?: string;
  jobsTopic?: string;
  proofsTopic?: string;
  deadLetterTopic?: string;
  /** partitions to create for the jobs topic if it does not exist (default 4) */
  jobPartitions?: number;
  /** called after each produced proof (metrics, tests) */
  onProof?: (m: ProofMessage) => void;
  /** called when a job cannot be proven and goes to the dead-letter topic */
  onDeadLetter?: (reason: string, errorCode: string) => void;
  /** called when the worker starts proving a job (logging) */
  onJob?: (epoch: bigint) => void;
  /** consumer session timeout: how long the group waits for a silent member before reassigning its jobs */
  sessionTimeoutMs?: number;
  /** where the consumer's crashes and restarts are logged */
  logger?: ConsumerSupervisorLogger;
};

type SourceRecord = {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  /** the value as read, for the dead letter */
  raw: Buffer | null;
  value: string;
};

const HEARTBEAT_MS = 3_000;

/**
 * A member of the prover consumer group: takes jobs from `interop.proof-jobs` (key = epoch,
 * value `{ v: 2, epoch, shape, input }`), proves them on the {@link Prover} of the job's shape, publishes
 * `{ v: 2, epoch, proof, publicSignals, provedBy, ms }` to `interop.proofs`, and only then commits the job's offset.
 * A worker that dies mid-proof therefore leaves its job uncommitted, and the group hands it to another member
 * after the rebalance. A job proven twice yields two proofs of one epoch, which the hub ignores (idempotent by
 * epoch). Invalid jobs (bad JSON, wrong version, unknown keys or shape, a witness the circuit rejects) go to
 * `interop.dead-letter` with the reason (bounded: libs/infra `buildDeadLetter`) and never stop the worker; the
 * consumer is supervised (libs/infra `ConsumerSupervisor`), so a crash kafkajs does not recover from starts a new one.
 *
 * @example
 * const worker = new ProofWorker({ kafka, provers: new Map([['s4', s4Prover], ['l32', l32Prover]]) });
 * await worker.start();
 * // ... later
 * await worker.stop();
 */
export class ProofWorker {
  private supervisor: ConsumerSupervisor | undefined;
  private producer: Producer | undefined;
  private readonly workerId: string;
  private assigned = 0;

  constructor(private readonly options: ProofWorkerOptions) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  }

  /**
   * Creates the topics if needed, joins the group and starts proving. Rejects if the topics cannot be checked (broker
   * away: call again); once it resolves the consumer is supervised, running or being restarted with backoff.
   */
  async start(): Promise<void> {
    if (this.supervisor) return;
    const o = this.options;
    const jobsTopic = o.jobsTopic ?? PROOF_JOBS_TOPIC;
    await this.ensureTopics();
    this.producer = o.kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
    const supervisor = new ConsumerSupervisor({
      name: 'prover.jobs',
      ...(o.logger ? { logger: o.logger } : {}),
      create: () => {
        const consumer = o.kafka.consumer({
          groupId: o.groupId ?? 'interop-prover',
          sessionTimeout: o.sessionTimeoutMs ?? 30_000,
          heartbeatInterval: HEARTBEAT_MS,
          // eachMessage runs one record at a time per partition; at most poolSize partitions are in flight (below).
          maxBytesPerPartition: 1 << 20,
        });
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          this.assigned = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
        });
        return consumer;
      },
      run: (consumer) => this.run(consumer, jobsTopic),
    });
    this.supervisor = supervisor;
    await supervisor.start();
  }

  /** The state of the worker's consumer (running, restarting after a crash, ...), for health and logs. */
  status(): ConsumerStatus | undefined {
    return this.supervisor?.status();
  }

  private async run(consumer: Consumer, jobsTopic: string): Promise<void> {
    const o = this.options;
    await this.producer!.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: jobsTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: o.concurrency ?? Math.max(1, ...[...o.provers.values()].map((p) => p.size)),
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const record: SourceRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          raw: message.value,
          value: message.value?.toString() ?? '',
        };
        await this.handle(record, heartbeat);
        // Commit only now: the proof (or the dead letter) is already on the broker.
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  }

  /** Number of job partitions assigned to this member at the last rebalance. */
  get assignedPartitions(): number {
    return this.assigned;
  }

  /** Leaves the group (the uncommitted job in flight, if any, goes to another member) and disconnects. */
  async stop(): Promise<void> {
    await this.supervisor?.stop();
    await this.producer?.disconnect();
    this.supervisor = undefined;
    this.producer = undefined;
  }

  private async handle(record: SourceRecord, heartbeat: () => Promise<void>): Promise<void> {
    const o = this.options;
    let json: unknown;
    try {
      json = JSON.parse(record.value);
    } catch {
      await this.deadLetter(record, 'MALFORMED_JSON', new ProofJobInvalidError('value is not JSON'));
      return;
    }
    const parsed = proofJobSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const why = issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema mismatch';
      await this.deadLetter(record, 'SCHEMA_VIOLATION', new ProofJobInvalidError(why));
      return;
    }
    const job = parsed.data;
    const prover = o.provers.get(job.shape);
    if (!prover) {
      const err = new ProofJobInvalidError(
        `shape ${job.shape}, this worker proves ${[...o.provers.keys()].join(', ')}`,
      );
      await this.deadLetter(record, 'WRONG_SHAPE', err);
      return;
    }
    o.onJob?.(job.epoch);
    // Keep the group membership alive through a long proof.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      const { proof, publicSignals, ms } = await prover.prove(job.input);
      const message: ProofMessage = { v: 2, epoch: job.epoch, proof, publicSignals, provedBy: this.workerId, ms };
      await this.producer!.send({
        topic: o.proofsTopic ?? PROOFS_TOPIC,
        messages: [{ key: job.epoch.toString(), value: encodeProofMessage(message) }],
      });
      o.onProof?.(message);
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'PROVER_FAILED') {
        await this.deadLetter(record, 'PROVER_FAILED', err);
        return;
      }
      throw err; // broker trouble or a closed prover: leave the offset uncommitted, the job will be retried
    } finally {
      clearInterval(beat);
    }
  }

  /** Publishes the record's dead letter (libs/infra's bounded record: excerpt, size and hash of the value). */
  private async deadLetter(record: SourceRecord, errorCode: string, err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    const letter = buildDeadLetter({
      sourceTopic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      value: record.raw,
      reason,
      errorCode,
      consumer: this.options.groupId ?? 'interop-prover',
    });
    await sendDeadLetters(this.producer!, this.options.deadLetterTopic ?? DEAD_LETTER_TOPIC, [letter], {
      onUnwritable: (r, e) => {
        this.supervisor?.noteDroppedDeadLetter();
        this.options.logger?.error(`dead letter of ${r.sourceTopic}/${r.partition}@${r.offset} dropped: ${String(e)}`);
      },
    });
    this.options.onDeadLetter?.(letter.reason, errorCode);
  }

  private async ensureTopics(): Promise<void> {
    const o = this.options;
    const admin = o.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [
        { topic: o.jobsTopic ?? PROOF_JOBS_TOPIC, numPartitions: o.jobPartitions ?? 4 },
        { topic: o.proofsTopic ?? PROOFS_TOPIC, numPartitions: 1 },
        { topic: o.deadLetterTopic ?? DEAD_LETTER_TOPIC, numPartitions: 1 },
      ].filter((t) => !existing.has(t.topic));
      if (wanted.length > 0) {
        // A concurrent member may create the same topic first: createTopics then reports false, which is fine.
        try {
          await admin.createTopics({
            topics: wanted.map((t) => ({ ...t, replicationFactor: 1 })),
            waitForLeaders: true,
          });
        } catch (err) {
          if (!(err instanceof Error && /already exists/i.test(JSON.stringify(err) + err.message))) throw err;
        }
      }
    } finally {
      await admin.disconnect();
    }
  }
}
