import { randomBytes } from 'node:crypto';

import {
  buildDeadLetter,
  ConsumerSupervisor,
  createKafkaClient,
  ensureTopics,
  KafkaProducerService,
  sendDeadLetters,
  type ConsumerRegistry,
  type DeadLetterProducer,
} from '@interop/infra';
import { encodeProofJob, proofMessageSchema, type CircuitInput } from '@interop/prover';
import { Logger } from '@nestjs/common';

import type { EpochProof, ProofProvider } from './proofProvider';

export type KafkaProofProviderOptions = {
  brokers: string[];
  groupId: string;
  /** Epochs proved at once by the prover workers (the aggregator starts no more). */
  capacity: number;
  jobsTopic: string;
  proofsTopic: string;
  /** Where a record on the proofs topic that is not a proof message goes, with its reason. */
  deadLetterTopic: string;
  timeoutMs: number;
  fast: boolean;
};

type Waiter = { input: CircuitInput; resolve: (p: EpochProof) => void };

/**
 * PROVER_MODE=kafka: publishes the job to `interop.proof-jobs` (key = epoch) and waits for a proof of that epoch on
 * `interop.proofs` whose public signals are the job's (so a stale proof of an older attempt cannot be taken). Idempotent by epoch: a second proof of the same epoch is ignored. The hub listens with a group
 * of its own per process, so it sees every proof; a job lost with a crash is simply published again on restart. A
 * record that is not a proof message at all (not JSON, wrong schema) is dead-lettered with its reason (bounded, see
 * libs/infra `sendDeadLetters`); the consumer is supervised, so nothing stops it for good.
 */
export class KafkaProofProvider implements ProofProvider {
  private readonly logger = new Logger('KafkaProofProvider');
  private supervisor: ConsumerSupervisor | undefined;
  private starting: Promise<void> | undefined;
  private readonly waiters = new Map<bigint, Waiter>();

  constructor(
    private readonly producer: KafkaProducerService,
    private readonly consumers: ConsumerRegistry,
    private readonly options: KafkaProofProviderOptions,
  ) {}

  get capacity(): number {
    return this.options.capacity;
  }

  async prove(epoch: bigint, shape: string, input: CircuitInput): Promise<EpochProof> {
    await this.start();
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<EpochProof>((resolve, reject) => {
      timer = setTimeout(() => {
        this.waiters.delete(epoch);
        reject(
          new Error(`no proof of epoch ${epoch} on ${this.options.proofsTopic} within ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
      this.waiters.set(epoch, {
        input,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
    try {
      await this.producer.send(this.options.jobsTopic, epoch, encodeProofJob({ v: 2, epoch, shape, input }));
    } catch (err) {
      // The job never left (broker away): nobody will await `result`, so its timeout must not fire later as an
      // unhandled rejection (that stopped the hub 600 s after a send failed during a broker restart, chaos seed 17103).
      clearTimeout(timer);
      if (this.waiters.get(epoch)?.input === input) this.waiters.delete(epoch);
      throw err;
    }
    return result;
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const supervisor = this.supervisor;
    this.supervisor = undefined;
    this.starting = undefined;
    await supervisor?.stop();
    if (supervisor) this.consumers.remove(supervisor);
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      const o = this.options;
      await ensureTopics(o.brokers, [o.jobsTopic, o.proofsTopic]);
      const kafka = createKafkaClient({ brokers: o.brokers, clientId: 'hub-proofs', fast: o.fast });
      const groupId = `${o.groupId}.proofs.${randomBytes(4).toString('hex')}`;
      const supervisor = new ConsumerSupervisor({
        name: 'hub.proofs',
        logger: this.logger,
        create: () =>
          kafka.consumer({
            groupId,
            sessionTimeout: o.fast ? 6_000 : 30_000,
            heartbeatInterval: o.fast ? 500 : 3_000,
            maxWaitTimeInMs: o.fast ? 100 : 1_000,
            allowAutoTopicCreation: false,
          }),
        run: async (consumer) => {
          await consumer.connect();
          await consumer.subscribe({ topic: o.proofsTopic, fromBeginning: false });
          await consumer.run({
            eachMessage: async ({ topic, partition, message }) => {
              const rejected = this.onProof(message.value?.toString() ?? '');
              if (!rejected) return;
              // Written before the offset is committed: if the broker is away, kafkajs redelivers the record.
              const record = buildDeadLetter({
                sourceTopic: topic,
                partition,
                offset: message.offset,
                key: message.key,
                value: message.value,
                reason: rejected.reason,
                errorCode: rejected.code,
                consumer: groupId,
              });
              await sendDeadLetters(this.deadLetterProducer, o.deadLetterTopic, [record], {
                onUnwritable: (r, e) => {
                  supervisor.noteDroppedDeadLetter();
                  this.logger.error(`dead letter of ${r.sourceTopic}/${r.partition}@${r.offset} dropped: ${String(e)}`);
                },
              });
            },
          });
        },
      });
      this.supervisor = this.consumers.add(supervisor);
      await supervisor.start();
    })();
    return this.starting;
  }

  /** Hands a proof to the step waiting for it; returns why a record is not a proof message at all. */
  private onProof(text: string): { code: string; reason: string } | undefined {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return { code: 'MALFORMED_JSON', reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    const result = proofMessageSchema.safeParse(json);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return { code: 'SCHEMA_VIOLATION', reason: issues.join('; ') };
    }
    const parsed = result.data;
    const waiter = this.waiters.get(parsed.epoch);
    const [dataCommitment, challenge, evaluation] = parsed.publicSignals;
    if (
      !waiter ||
      dataCommitment !== waiter.input.dataCommitment ||
      challenge !== waiter.input.challenge ||
      evaluation !== waiter.input.evaluation
    ) {
      return undefined; // a proof of another attempt or epoch, or a duplicate: nothing to do
    }
    this.waiters.delete(parsed.epoch);
    waiter.resolve({ proof: parsed.proof, publicSignals: parsed.publicSignals, ms: parsed.ms });
    return undefined;
  }

  /** The producer's `send(topic, key, value)` in the shape `publishDeadLetter` takes. */
  private readonly deadLetterProducer: DeadLetterProducer = {
    send: async ({ topic, messages }) => {
      for (const m of messages) await this.producer.send(topic, m.key, m.value);
    },
  };
}
