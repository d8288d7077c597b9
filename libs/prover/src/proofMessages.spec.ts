import {
  encodeProofJob,
  encodeProofMessage,
  proofJobSchema,
  proofMessageSchema,
  type ProofMessage,
} from './proofMessages';

// Shaped like a snarkjs Groth16 proof (the schema checks the shape, not the curve arithmetic).
const proof = {
  pi_a: ['1', '2', '1'],
  pi_b: [
    ['3', '4'],
    ['5', '6'],
    ['1', '0'],
  ],
  pi_c: ['7', '8', '1'],
  protocol: 'groth16',
  curve: 'bn128',
};
const message: ProofMessage = { v: 2, epoch: 7n, proof, publicSignals: ['11', '12', '13'], provedBy: 'w1', ms: 1234 };
const job = { v: 2 as const, epoch: 7n, shape: 's4', input: { dataCommitment: '11' } };

/** What the schema says about `value`, as `path: code` lines (empty when it parses). */
function issues(schema: typeof proofJobSchema | typeof proofMessageSchema, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`);
}

describe('proof records (interop.proof-jobs, interop.proofs)', () => {
  it('reads back what encodeProofJob / encodeProofMessage write', () => {
    expect(proofJobSchema.parse(JSON.parse(encodeProofJob(job)))).toEqual(job);
    expect(proofMessageSchema.parse(JSON.parse(encodeProofMessage(message)))).toEqual(message);
  });

  // The consumers (libs/prover proofWorker for jobs, the hub's KafkaProofProvider for proofs) dead-letter a record
  // the schema refuses with SCHEMA_VIOLATION: a record with a key the schema does not know must be refused, not
  // half-read with the key dropped.
  it('refuses a proof job with an unknown key', () => {
    const encoded = JSON.parse(encodeProofJob(job)) as Record<string, unknown>;
    expect(issues(proofJobSchema, { ...encoded, instance: 'test' })).toEqual(['(root): unrecognized_keys']);
    expect(issues(proofJobSchema, { ...encoded, priority: 1 })).toEqual(['(root): unrecognized_keys']);
  });

  it('refuses a proof message with an unknown key, at the top or inside the proof', () => {
    const encoded = JSON.parse(encodeProofMessage(message)) as Record<string, unknown>;
    expect(issues(proofMessageSchema, { ...encoded, verified: true })).toEqual(['(root): unrecognized_keys']);
    expect(issues(proofMessageSchema, { ...encoded, proof: { ...proof, pi_z: ['0'] } })).toEqual([
      'proof: unrecognized_keys',
    ]);
  });

  it('still refuses a wrong version, a bad epoch and a missing field', () => {
    const encoded = JSON.parse(encodeProofMessage(message)) as Record<string, unknown>;
    expect(issues(proofMessageSchema, { ...encoded, v: 1 })).toEqual(['v: invalid_value']);
    expect(issues(proofJobSchema, { v: 2, epoch: '-1', shape: 's4', input: {} })).not.toEqual([]);
    const { provedBy: _dropped, ...missing } = encoded;
    expect(issues(proofMessageSchema, missing)).toEqual(['provedBy: invalid_type']);
  });
});
