/* eslint-disable @typescript-eslint/require-await -- the record generators share one async signature (some sign) */
import { deadLetterRecordSchema } from '@interop/infra';
import type { Devnet } from '@interop/devnet';
import {
  BN254_FIELD_ORDER,
  fieldToBytes32,
  interopHubDomain,
  messageRecordSchema,
  signBatchRoot,
} from '@interop/protocol';
import { proofMessageSchema } from '@interop/prover';
import fc from 'fast-check';
import { type Hex } from 'viem';
import { generatePrivateKey } from 'viem/accounts';

import { partitionsOf, readAll, TopicCollector, TrackingProducer, type TopicRecord } from './kafka';
import type { Rng } from './rng';

/** `dead-letter`: must come back on the dead-letter topic with a reason; `no-effect`: ignored idempotently. */
type Expect = 'dead-letter' | 'no-effect';
type Gen = {
  category: string;
  weight: number;
  expect: Expect;
  make: (i: number) => Promise<{ key: string | null; value: Buffer | string | null }>;
};

export type TopicFuzzResult = {
  topic: string;
  consumer: string;
  sent: number;
  refusedByBroker: number;
  byCategory: Record<string, { sent: number; expect: Expect; deadLettered: number }>;
  deadLetterCodes: Record<string, number>;
  expectedDeadLetters: number;
  deadLettered: number;
  missingDeadLetters: number;
  reasonsMissing: number;
  exampleReasons: string[];
};

export type KafkaFuzzResult = { topics: TopicFuzzResult[]; ok: boolean; failures: string[]; ms: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function json(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

function parse(r: TopicRecord): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(r.value?.toString('utf8') ?? '') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Generators shared by every topic: bytes, JSON of the wrong shape, a real record with a field broken, oversize. */
function commonGens(rng: Rng, samples: Array<Record<string, unknown>>, seed: number, strictSchema = true): Gen[] {
  const jsonValues = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 500, seed });
  const anything = fc.sample(fc.anything({ maxDepth: 2, withBigInt: false }), { numRuns: 500, seed: seed + 1 });
  const sample = () => (samples.length > 0 ? structuredClone(rng.pick(samples)) : { v: 1 });
  const breakers: Array<(o: Record<string, unknown>) => void> = [
    (o) => delete o[rng.pick(Object.keys(o))],
    (o) => (o[rng.pick(Object.keys(o))] = rng.pick<unknown>([null, -1, 'x', [], {}, 1e308, '0x', true, 'NaN'])),
    // A version no record has (v1 and v2 are both real versions: messages are v1, the rest v2).
    (o) => (o.v = rng.pick([0, 3, 99, '1', '2', null])),
    // An unknown key only breaks a strict schema (the proof job and proof schemas accept extra keys).
    ...(strictSchema ? [(o: Record<string, unknown>) => (o[`extra${rng.int(0, 9)}`] = rng.hex(8))] : []),
  ];
  return [
    {
      category: 'random-bytes',
      weight: 20,
      expect: 'dead-letter',
      make: async () => ({ key: rng.hex(4), value: rng.bytes(rng.int(1, 2_000)) }),
    },
    {
      category: 'not-json-text',
      weight: 5,
      expect: 'dead-letter',
      make: async () => ({ key: null, value: `{"v":1,${rng.hex(6)}` }),
    },
    { category: 'empty-value', weight: 2, expect: 'dead-letter', make: async () => ({ key: null, value: '' }) },
    {
      category: 'wrong-schema',
      weight: 25,
      expect: 'dead-letter',
      make: async (i) => ({
        key: null,
        value: json(i % 2 === 0 ? jsonValues[i % jsonValues.length] : (anything[i % anything.length] ?? null)),
      }),
    },
    {
      category: 'broken-field',
      weight: 20,
      expect: 'dead-letter',
      make: async () => {
        const o = sample();
        rng.pick(breakers)(o);
        return { key: null, value: json(o) };
      },
    },
    {
      category: 'oversize',
      weight: 1,
      expect: 'dead-letter',
      make: async () => ({ key: null, value: json({ ...sample(), padding: 'x'.repeat(rng.int(100_000, 600_000)) }) }),
    },
  ];
}

const COMMON = ['random-bytes', 'not-json-text', 'empty-value', 'wrong-schema', 'broken-field', 'oversize'];

function pickGen(rng: Rng, gens: Gen[]): Gen {
  const total = gens.reduce((a, g) => a + g.weight, 0);
  let x = rng.next() * total;
  for (const g of gens) {
    x -= g.weight;
    if (x < 0) return g;
  }
  return gens[gens.length - 1]!;
}

/**
 * Writes `perTopic` bad records into each topic the apps consume (batch-roots: hub; messages, shared-roots: bridge;
 * proof-jobs: prover workers; proofs: hub) and follows each one to its dead-letter record by (topic, partition,
 * offset). Besides garbage, the records are made from the real records already on the topic: replays (must change
 * nothing), wrong signatures, forged roots, equivocations signed by someone else than the operator, a batch root of
 * one chain signed by the other chain's operator, forged messages and shared roots, tampered proofs and jobs.
 * `budget.expensive` caps the records that make a prover work (valid-looking jobs).
 */
export async function fuzzKafka(
  devnet: Devnet,
  rng: Rng,
  perTopic: number,
  log: (line: string) => void,
  timeoutMs: number,
): Promise<KafkaFuzzResult> {
  const t0 = Date.now();
  const brokers = devnet.kafkaBrokers;
  const t = devnet.topics;
  const dlq = new TopicCollector(brokers, t.deadLetter);
  await dlq.start();
  const producer = new TrackingProducer(brokers);
  await producer.connect();
  const domain = interopHubDomain(BigInt(devnet.l1.chainId), devnet.l1.hub);
  const [opA, opB] = devnet.chains;
  const seed = rng.int(1, 2 ** 30);
  const results: TopicFuzzResult[] = [];
  const failures: string[] = [];
  const tracked = new Map<string, { topic: string; category: string }>();
  /** A random canonical field element as bytes32 (a chain or shared root that passes the records' schemas). */
  const fieldHex = () => fieldToBytes32(BigInt(rng.hex(32)) % BN254_FIELD_ORDER);

  const plans: Array<{
    topic: string;
    consumer: string;
    /** Consumers that ignore a well-formed record (no dead letter): a mutation that still passes is relabelled. */
    accepts?: (v: unknown) => boolean;
    gens: (samples: Array<Record<string, unknown>>, raw: TopicRecord[]) => Gen[];
  }> = [
    {
      topic: t.batchRoots,
      consumer: 'hub',
      gens: (samples, raw) => [
        ...commonGens(rng, samples, seed),
        {
          category: 'replay',
          weight: 5,
          expect: 'no-effect',
          make: async () => {
            const r = rng.pick(raw);
            return { key: r.key, value: r.value };
          },
        },
        {
          category: 'wrong-signature',
          weight: 8,
          expect: 'dead-letter',
          make: async () => ({ key: null, value: json({ ...rng.pick(samples), signature: rng.hex(65) }) }),
        },
        {
          category: 'forged-root',
          weight: 8,
          expect: 'dead-letter',
          make: async () => ({ key: null, value: json({ ...rng.pick(samples), batchRoot: rng.hex(32) }) }),
        },
        {
          // A real record with another chain root: the operator's signature covers the chain root (v2).
          category: 'forged-chain-root',
          weight: 6,
          expect: 'dead-letter',
          make: async () => ({ key: null, value: json({ ...rng.pick(samples), chainRoot: fieldHex() }) }),
        },
        {
          category: 'equivocation-not-operator',
          weight: 4,
          expect: 'dead-letter',
          make: async () => {
            const s = rng.pick(samples);
            const c = {
              chainId: BigInt(s.chainId as string),
              batchNumber: BigInt(s.batchNumber as string),
              batchRoot: rng.hex(32),
              chainRoot: fieldHex(),
              messageCount: Number(s.messageCount),
              firstBlock: BigInt(s.firstBlock as string),
              lastBlock: BigInt(s.lastBlock as string),
            };
            const signature = await signBatchRoot(generatePrivateKey(), domain, c);
            return { key: String(c.chainId), value: json({ v: 2, ...c, signature }) };
          },
        },
        {
          category: 'other-chains-operator',
          weight: 4,
          expect: 'dead-letter',
          make: async () => {
            // A root for chain B signed by chain A's operator (and vice versa): a chain posting for another.
            const [victim, signer] = rng.chance(0.5) ? [opB!, opA!] : [opA!, opB!];
            const c = {
              chainId: victim.chainId,
              batchNumber: BigInt(rng.int(1, 50)),
              batchRoot: rng.hex(32),
              chainRoot: fieldHex(),
              messageCount: rng.int(1, 10),
              firstBlock: 1n,
              lastBlock: 2n,
            };
            const signature = await signBatchRoot(signer.operatorKey, domain, c);
            return { key: String(c.chainId), value: json({ v: 2, ...c, signature }) };
          },
        },
        {
          category: 'unknown-chain',
          weight: 3,
          expect: 'dead-letter',
          make: async () => {
            const c = {
              chainId: BigInt(rng.int(10_000, 99_999)),
              batchNumber: 1n,
              batchRoot: rng.hex(32),
              chainRoot: fieldHex(),
              messageCount: 1,
              firstBlock: 1n,
              lastBlock: 1n,
            };
            const signature = await signBatchRoot(generatePrivateKey(), domain, c);
            return { key: String(c.chainId), value: json({ v: 2, ...c, signature }) };
          },
        },
      ],
    },
    {
      topic: t.messages,
      consumer: 'bridge',
      accepts: (v) => messageRecordSchema.safeParse(v).success,
      gens: (samples, raw) => [
        ...commonGens(rng, samples, seed + 10),
        {
          category: 'replay',
          weight: 8,
          expect: 'no-effect',
          make: async () => {
            const r = rng.pick(raw);
            return { key: r.key, value: r.value };
          },
        },
        {
          // A real record with the message changed (amount, recipient): it cannot hash into the signed batch root.
          category: 'forged-message',
          weight: 10,
          expect: 'no-effect',
          make: async () => {
            const s = structuredClone(rng.pick(samples));
            const m = s.message as Record<string, unknown>;
            if (rng.chance(0.5)) m.amount = String(rng.bigint(1n, 10n ** 24n));
            else m.recipient = rng.hex(20);
            return { key: null, value: json(s) };
          },
        },
        {
          category: 'forged-batch',
          weight: 5,
          expect: 'no-effect',
          make: async () => {
            const s = structuredClone(rng.pick(samples));
            s.batchNumber = String(rng.int(1_000, 1_000_000));
            s.batchRoot = rng.hex(32);
            return { key: null, value: json(s) };
          },
        },
      ],
    },
    {
      topic: t.sharedRoots,
      consumer: 'bridge',
      gens: (samples, raw) => [
        ...commonGens(rng, samples, seed + 20),
        {
          category: 'replay',
          weight: 8,
          expect: 'no-effect',
          make: async () => {
            const r = rng.pick(raw);
            return { key: r.key, value: r.value };
          },
        },
        {
          category: 'conflicting-root',
          weight: 10,
          expect: 'dead-letter',
          make: async () => ({ key: 'shared-root', value: json({ ...rng.pick(samples), root: rng.hex(32) }) }),
        },
        {
          category: 'forged-next-epoch',
          weight: 10,
          expect: 'dead-letter',
          make: async () => {
            const last = samples.reduce((a, s) => (BigInt(s.epoch as string) > BigInt(a.epoch as string) ? s : a));
            return {
              key: 'shared-root',
              value: json({
                ...structuredClone(last),
                epoch: String(BigInt(last.epoch as string) + BigInt(rng.int(1, 3))),
                prevRoot: last.root,
                root: rng.hex(32),
              }),
            };
          },
        },
        {
          // The real next epoch's shape (the next batch of a chain, on the last settled root) with a chain root its
          // tree does not give: the bridge replays every update and compares the signed chain root.
          category: 'forged-chain-root',
          weight: 8,
          expect: 'dead-letter',
          make: async () => {
            const last = samples.reduce((a, s) => (BigInt(s.epoch as string) > BigInt(a.epoch as string) ? s : a));
            const next = new Map<string, { slot: number; batchNumber: bigint }>();
            for (const s of samples) {
              for (const u of (s.updates as Array<Record<string, unknown>> | undefined) ?? []) {
                const n = BigInt(u.batchNumber as string) + 1n;
                const k = String(u.chainId);
                if (n > (next.get(k)?.batchNumber ?? -1n)) next.set(k, { slot: Number(u.slot), batchNumber: n });
              }
            }
            const [chainId, at] = rng.pick([...next.entries()]);
            return {
              key: 'shared-root',
              value: json({
                ...structuredClone(last),
                epoch: String(BigInt(last.epoch as string) + 1n),
                prevRoot: last.root,
                root: fieldHex(),
                dataCommitment: fieldHex(),
                updates: [
                  {
                    slot: at.slot,
                    chainId,
                    batchNumber: String(at.batchNumber),
                    batchRoot: rng.hex(32),
                    chainRoot: fieldHex(),
                    messageCount: 1,
                    firstBlock: '1',
                    lastBlock: '1',
                  },
                ],
              }),
            };
          },
        },
      ],
    },
    {
      topic: t.proofJobs,
      consumer: 'prover',
      gens: (samples, raw) => {
        let expensive = 0;
        return [
          ...commonGens(rng, samples, seed + 30, false).map((g) =>
            g.category === 'oversize'
              ? {
                  ...g,
                  make: async () => ({
                    key: null,
                    value: json({ v: 2, epoch: '1', shape: 'x'.repeat(rng.int(100_000, 600_000)), input: {} }),
                  }),
                }
              : g,
          ),
          {
            // A real job for a shape no worker proves (SPEC: shapes are circuits/shapes names).
            category: 'wrong-shape',
            weight: 10,
            expect: 'dead-letter',
            make: async () => ({
              key: null,
              value: json({ ...rng.pick(samples), shape: rng.pick(['s8', 'l64', 'evil', 'test', 'prod']) }),
            }),
          },
          {
            // A real job with its witness input tampered (the evaluation no longer matches the epoch data): the
            // prover fails it (constraints) and dead-letters it. Capped: each one costs a witness computation.
            category: 'tampered-input',
            weight: 2,
            expect: 'dead-letter',
            make: async () => {
              if (expensive++ >= 20)
                return { key: null, value: json({ v: 2, epoch: '1', shape: 's2', input: 'not-an-object' }) };
              const s = structuredClone(rng.pick(samples));
              const input = s.input as Record<string, unknown>;
              input.evaluation = String(rng.bigint(1n, 10n ** 15n));
              return { key: null, value: json(s) };
            },
          },
          {
            category: 'replay',
            weight: 1,
            expect: 'no-effect',
            make: async () => {
              if (expensive++ >= 22) return { key: null, value: json({ v: 2, epoch: 'x', shape: 's2', input: {} }) };
              const r = rng.pick(raw);
              return { key: r.key, value: r.value };
            },
          },
        ];
      },
    },
    {
      topic: t.proofs,
      consumer: 'hub',
      accepts: (v) => proofMessageSchema.safeParse(v).success,
      gens: (samples, raw) => [
        ...commonGens(rng, samples, seed + 40, false),
        {
          category: 'replay',
          weight: 5,
          expect: 'no-effect',
          make: async () => {
            const r = rng.pick(raw);
            return { key: r.key, value: r.value };
          },
        },
        {
          // A proof whose points are changed: the hub only takes a proof for an epoch it waits for with matching
          // public signals, and L1 verifies it anyway.
          category: 'tampered-proof',
          weight: 10,
          expect: 'no-effect',
          make: async () => {
            const s = structuredClone(rng.pick(samples));
            const p = s.proof as { pi_a: string[] };
            p.pi_a[0] = String(rng.bigint(1n, 10n ** 30n));
            return { key: null, value: json(s) };
          },
        },
      ],
    },
  ];

  try {
    for (const plan of plans) {
      const raw = (await readAll(brokers, plan.topic)).filter((r) => parse(r) !== undefined);
      const samples = raw.map((r) => parse(r)!);
      const gens = plan
        .gens(samples, raw)
        .filter((g) => samples.length > 0 || !['replay', 'broken-field'].includes(g.category));
      const usable = gens.filter((g) => {
        if (samples.length > 0) return true;
        return [
          'random-bytes',
          'not-json-text',
          'empty-value',
          'wrong-schema',
          'unknown-chain',
          'other-chains-operator',
        ].includes(g.category);
      });
      const partitions = await partitionsOf(brokers, plan.topic);
      const res: TopicFuzzResult = {
        topic: plan.topic,
        consumer: plan.consumer,
        sent: 0,
        refusedByBroker: 0,
        byCategory: {},
        deadLetterCodes: {},
        expectedDeadLetters: 0,
        deadLettered: 0,
        missingDeadLetters: 0,
        reasonsMissing: 0,
        exampleReasons: [],
      };
      const chunk = 200;
      for (let i = 0; i < perTopic; i += chunk) {
        const batch: Array<{ gen: Gen; rec: { key: string | null; value: Buffer | string | null } }> = [];
        for (let j = i; j < Math.min(perTopic, i + chunk); j++) {
          let gen = pickGen(rng, usable);
          const rec = await gen.make(j);
          if (plan.accepts && COMMON.includes(gen.category) && typeof rec.value === 'string') {
            let v: unknown;
            try {
              v = JSON.parse(rec.value);
            } catch {
              v = undefined;
            }
            // A mutation that happens to keep the record well-formed: the consumer ignores it, no dead letter.
            if (v !== undefined && plan.accepts(v))
              gen = { ...gen, category: 'mutated-but-well-formed', expect: 'no-effect' };
          }
          batch.push({ gen, rec });
        }
        const out = await producer.send(
          plan.topic,
          partitions,
          batch.map((b) => b.rec),
        );
        for (const [k, o] of out.entries()) {
          const gen = batch[k]!.gen;
          const cat = (res.byCategory[gen.category] ??= { sent: 0, expect: gen.expect, deadLettered: 0 });
          if ('error' in o) {
            res.refusedByBroker++;
            continue;
          }
          cat.sent++;
          res.sent++;
          if (gen.expect === 'dead-letter') res.expectedDeadLetters++;
          tracked.set(`${plan.topic}|${o.partition}|${o.offset}`, { topic: plan.topic, category: gen.category });
        }
      }
      // One record above the broker's size limit: refused at the door, never reaches a consumer.
      const huge = await producer.send(plan.topic, partitions, [{ key: null, value: 'x'.repeat(2_000_000) }]);
      if ('error' in huge[0]!) res.refusedByBroker++;
      results.push(res);
      log(
        `fuzz: ${res.sent} records into ${plan.topic} (${Object.entries(res.byCategory)
          .map(([c, v]) => `${c} ${v.sent}`)
          .join(', ')})`,
      );
    }

    // Follow every expected rejection to its dead-letter record.
    const deadline = Date.now() + timeoutMs;
    let lastLog = 0;
    let lastTotal = Number.MAX_SAFE_INTEGER;
    let lastProgress = Date.now();
    for (;;) {
      const got = new Set<string>();
      for (const r of dlq.records) {
        const d = parseDeadLetter(r);
        if (d) got.add(`${d.sourceTopic}|${d.partition}|${d.offset}`);
      }
      const missing = results.map(
        (res) =>
          [...tracked.entries()].filter(
            ([k, v]) => v.topic === res.topic && !got.has(k) && res.byCategory[v.category]?.expect === 'dead-letter',
          ).length,
      );
      const total = missing.reduce((a, b) => a + b, 0);
      if (total === 0 || Date.now() > deadline) break;
      // Stalled: no new dead letter for a minute (the rest will not come).
      if (total < lastTotal) {
        lastTotal = total;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > 60_000) break;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(
          `fuzz: waiting for ${total} dead letter(s) (${results.map((r, i) => `${r.topic.split('.').pop()} ${missing[i]}`).join(', ')})`,
        );
      }
      await sleep(1_000);
    }
    for (const r of dlq.records) {
      const d = parseDeadLetter(r);
      if (!d) continue;
      const key = `${d.sourceTopic}|${d.partition}|${d.offset}`;
      const tr = tracked.get(key);
      if (!tr) continue;
      tracked.delete(key); // a record dead-lettered twice (redelivery after a crash) counts once
      const res = results.find((x) => x.topic === tr.topic)!;
      res.deadLettered++;
      res.byCategory[tr.category]!.deadLettered++;
      res.deadLetterCodes[d.errorCode] = (res.deadLetterCodes[d.errorCode] ?? 0) + 1;
      if (d.reason.trim().length === 0) res.reasonsMissing++;
      if (res.exampleReasons.length < 6 && !res.exampleReasons.some((x) => x.startsWith(`${d.errorCode}:`))) {
        res.exampleReasons.push(`${d.errorCode}: ${d.reason.slice(0, 160)}`);
      }
    }
    for (const res of results) {
      const dlExpected = Object.values(res.byCategory).filter((c) => c.expect === 'dead-letter');
      res.missingDeadLetters = dlExpected.reduce((a, c) => a + c.sent - c.deadLettered, 0);
      if (res.missingDeadLetters > 0)
        failures.push(`${res.topic}: ${res.missingDeadLetters} bad record(s) without a dead letter`);
      if (res.reasonsMissing > 0) failures.push(`${res.topic}: ${res.reasonsMissing} dead letter(s) without a reason`);
    }
  } finally {
    await producer.close();
    await dlq.close();
  }
  return { topics: results, ok: failures.length === 0, failures, ms: Date.now() - t0 };
}

function parseDeadLetter(
  r: TopicRecord,
): { sourceTopic: string; partition: number; offset: string; errorCode: string; reason: string } | undefined {
  try {
    const p = deadLetterRecordSchema.safeParse(JSON.parse(r.value?.toString('utf8') ?? ''));
    return p.success ? p.data : undefined;
  } catch {
    return undefined;
  }
}

export type { Hex };
