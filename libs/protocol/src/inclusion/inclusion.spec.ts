import fc from 'fast-check';
import type { Hex } from 'viem';
import { ProtocolError } from '../errors/base';
import { ProtocolDecodingError } from '../errors/encoding';
import { InclusionProofBuildError, InclusionProofVerificationError } from '../errors/inclusion';
import { messageLeaf } from '../message/messageLeaf';
import { sampleMessage } from '../testing/fixtures';
import { buildScenario } from '../testing/scenario';
import { PRODUCTION_DEPTHS, TEST_DEPTHS } from '../trees/depths';
import { buildInclusionProof, buildInclusionProofs } from './buildInclusionProof';
import { decodeInclusionProof } from './decodeInclusionProof';
import { encodeInclusionProof } from './encodeInclusionProof';
import type { InclusionProof } from './inclusionProof';
import { inclusionProofFromJson } from './inclusionProofFromJson';
import { inclusionProofToJson } from './inclusionProofToJson';
import { verifyInclusionProof } from './verifyInclusionProof';

const flip = (x: bigint, bit: number): bigint => x ^ (1n << BigInt(bit));
const flipHex = (h: Hex, bit: number): Hex => `0x${flip(BigInt(h), bit).toString(16).padStart(64, '0')}`;

describe('inclusion proofs at test depths', () => {
  const scenario = buildScenario({ depths: TEST_DEPTHS, chains: 3, epochs: 4, messagesPerBatch: 3 });
  /** Every message of every batch, proven against every epoch that includes its batch. */
  const cases = scenario.batches.flatMap((b) =>
    scenario.epochs
      .filter((e) => BigInt(e.chainSizes.get(b.chainId)!) > b.batchNumber)
      .flatMap((e) => b.messages.map((m) => ({ b, e, m }))),
  );
  const proofOf = ({ b, e, m }: (typeof cases)[number]): InclusionProof =>
    buildInclusionProof({
      message: m,
      batch: b.tree,
      batchNumber: b.batchNumber,
      chainTree: scenario.state.chainTree(b.chainId)!,
      chainSizeAtEpoch: e.chainSizes.get(b.chainId)!,
      sharedTree: e.sharedTree,
      slot: Number(b.chainId - 31337n),
      epoch: e.epoch,
    });

  it('every message proves against every epoch that contains it', () => {
    expect(cases.length).toBe(3 * 3 * (4 + 3 + 2 + 1));
    for (const c of cases) {
      const proof = proofOf(c);
      expect(verifyInclusionProof(c.m, proof, c.e.sharedTree.root, TEST_DEPTHS)).toBe(true);
      // Roots travel as bytes32 too.
      const asBytes: Hex = `0x${c.e.sharedTree.root.toString(16).padStart(64, '0')}`;
      expect(verifyInclusionProof(c.m, proof, asBytes, TEST_DEPTHS)).toBe(true);
    }
  });

  it('buildInclusionProofs gives exactly what buildInclusionProof gives per message, errors included (property)', () => {
    const allMessages = scenario.batches.flatMap((b) => b.messages);
    type Outcome = { proof: InclusionProof } | { error: string };
    const seen = { proved: 0, rejected: 0 };
    const outcome = (run: () => InclusionProof): Outcome => {
      try {
        return { proof: run() };
      } catch (e) {
        expect(e).toBeInstanceOf(InclusionProofBuildError);
        return { error: (e as InclusionProofBuildError).message };
      }
    };
    type Pick = { own: number } | { any: number };
    const ownPick = fc.nat(2).map((i): Pick => ({ own: i }));
    // Any batch, epoch, messages and slot: mostly rejected (a message of another batch, an epoch before the batch, a
    // wrong slot)...
    const anyInput = fc.tuple(
      fc.nat(scenario.batches.length - 1),
      fc.nat(scenario.epochs.length - 1),
      fc.array(
        fc.oneof(
          ownPick,
          fc.nat(allMessages.length - 1).map((i): Pick => ({ any: i })),
        ),
        { maxLength: 6 },
      ),
      fc.boolean(),
      fc.option(fc.nat(3), { freq: 4 }),
    );
    // ...and as often, a batch's own messages against an epoch that includes it, at its slot: proved. Without this
    // half a run of 150 saw as few as 4 proved cases, so the "both branches" check below failed now and then.
    const provable = scenario.batches.flatMap((b, bi) =>
      scenario.epochs.flatMap((e, ei) => (BigInt(e.chainSizes.get(b.chainId) ?? 0) > b.batchNumber ? [[bi, ei]] : [])),
    );
    const validInput = fc
      .tuple(fc.constantFrom(...provable), fc.array(ownPick, { minLength: 1, maxLength: 6 }), fc.boolean())
      .map(
        ([[bi, ei], picks, asLeaves]) => [bi!, ei!, picks, asLeaves, null] as [number, number, Pick[], boolean, null],
      );
    fc.assert(
      fc.property(fc.oneof(anyInput, validInput), ([bi, ei, picks, asLeaves, wrongSlot]) => {
        const b = scenario.batches[bi]!;
        const e = scenario.epochs[ei]!;
        const messages = picks.map((pick) => ('own' in pick ? b.messages[pick.own]! : allMessages[pick.any]!));
        const common = {
          batch: asLeaves ? b.messages.map(messageLeaf) : b.tree,
          batchNumber: b.batchNumber,
          chainTree: scenario.state.chainTree(b.chainId)!,
          chainSizeAtEpoch: e.chainSizes.get(b.chainId) ?? 0,
          sharedTree: e.sharedTree,
          slot: wrongSlot ?? Number(b.chainId - 31337n),
          epoch: e.epoch,
        };
        const each = messages.map((message) => outcome(() => buildInclusionProof({ ...common, message })));
        const firstError = each.find((o) => 'error' in o);
        let batched: InclusionProof[] | undefined;
        try {
          batched = buildInclusionProofs({ ...common, messages });
        } catch (err) {
          expect(err).toBeInstanceOf(InclusionProofBuildError);
          expect(firstError).toEqual({ error: (err as InclusionProofBuildError).message });
          seen.rejected++;
          return;
        }
        expect(firstError).toBeUndefined();
        expect(batched).toEqual(each.map((o) => ('proof' in o ? o.proof : undefined)));
        if (messages.length > 0) seen.proved++;
      }),
      { numRuns: 150 },
    );
    // Both branches were exercised.
    expect(seen.proved).toBeGreaterThan(5);
    expect(seen.rejected).toBeGreaterThan(5);
  });

  it('verifying again (the remembered Poseidon part) gives the same answers, tampered copies still fail', () => {
    for (const c of cases.slice(0, 12)) {
      const proof = proofOf(c);
      for (let round = 0; round < 2; round++) {
        expect(verifyInclusionProof(c.m, proof, c.e.sharedTree.root, TEST_DEPTHS)).toBe(true);
        expect(() => verifyInclusionProof(c.m, proof, c.e.sharedTree.root + 1n, TEST_DEPTHS)).toThrow(
          InclusionProofVerificationError,
        );
        const tampered = { ...proof, chainPath: proof.chainPath.map((x, i) => (i === 1 ? flip(x, 3) : x)) };
        expect(() => verifyInclusionProof(c.m, tampered, c.e.sharedTree.root, TEST_DEPTHS)).toThrow(
          InclusionProofVerificationError,
        );
        const otherSlot = { ...proof, slot: (proof.slot + 1) % 4 };
        expect(() => verifyInclusionProof(c.m, otherSlot, c.e.sharedTree.root, TEST_DEPTHS)).toThrow(
          InclusionProofVerificationError,
        );
      }
    }
  });

  it('fails on a proof checked against another epoch root', () => {
    const c = cases.find((x) => x.e.epoch === 2n)!;
    const other = scenario.epochs[0]!.sharedTree.root;
    expect(() => verifyInclusionProof(c.m, proofOf(c), other, TEST_DEPTHS)).toThrow(InclusionProofVerificationError);
  });

  it('any single-bit change to a sibling, the message or the root fails (property)', () => {
    fc.assert(
      fc.property(fc.nat(cases.length - 1), fc.nat(253), fc.nat(20), (ci, bit, where) => {
        const c = cases[ci]!;
        const proof = proofOf(c);
        let root = c.e.sharedTree.root;
        let message = c.m;
        const p: InclusionProof = {
          ...proof,
          batchPath: [...proof.batchPath],
          chainPath: [...proof.chainPath],
          sharedPath: [...proof.sharedPath],
        };
        if (where < 16) p.batchPath[where] = flipHex(p.batchPath[where]!, bit);
        else if (where < 19) p.chainPath[where - 16] = flip(p.chainPath[where - 16]!, bit);
        else if (where === 19) p.sharedPath[bit % 2] = flip(p.sharedPath[bit % 2]!, bit);
        else if (bit % 2 === 0) root = flip(root, bit);
        else message = { ...message, fee: flip(message.fee, bit) };
        expect(() => verifyInclusionProof(message, p, root, TEST_DEPTHS)).toThrow(InclusionProofVerificationError);
      }),
      { numRuns: 150 },
    );
  });

  it('reports the failing level', () => {
    const c = cases[0]!;
    const proof = proofOf(c);
    const levelOf = (p: InclusionProof, root = c.e.sharedTree.root): string => {
      try {
        verifyInclusionProof(c.m, p, root, TEST_DEPTHS);
        return 'none';
      } catch (e) {
        return (e as InclusionProofVerificationError).level;
      }
    };
    expect(levelOf({ ...proof, batchPath: proof.batchPath.slice(1) })).toBe('batch');
    expect(levelOf({ ...proof, leafIndex: 2 ** 16 })).toBe('batch');
    expect(levelOf({ ...proof, chainPath: [...proof.chainPath, 0n] })).toBe('chain');
    expect(levelOf({ ...proof, batchNumber: 8n })).toBe('chain');
    expect(levelOf({ ...proof, sharedPath: [] })).toBe('shared');
    expect(levelOf({ ...proof, slot: 4 })).toBe('shared');
    expect(levelOf(proof, 1n)).toBe('root');
    expect(levelOf(proof)).toBe('none');
  });

  it('refuses to build proofs from inconsistent data', () => {
    const c = cases[0]!;
    const base = {
      message: c.m,
      batch: c.b.tree,
      batchNumber: c.b.batchNumber,
      chainTree: scenario.state.chainTree(c.b.chainId)!,
      chainSizeAtEpoch: c.e.chainSizes.get(c.b.chainId)!,
      sharedTree: c.e.sharedTree,
      slot: 0,
      epoch: c.e.epoch,
    };
    expect(() => buildInclusionProof({ ...base, message: sampleMessage({ nonce: 999n }) })).toThrow(
      InclusionProofBuildError,
    );
    expect(() => buildInclusionProof({ ...base, slot: 1 })).toThrow(InclusionProofBuildError);
    expect(() => buildInclusionProof({ ...base, chainSizeAtEpoch: 0 })).toThrow(InclusionProofBuildError);
    expect(() => buildInclusionProof({ ...base, sharedTree: scenario.epochs[3]!.sharedTree })).toThrow(
      InclusionProofBuildError,
    );
    // A plain leaf list works like the tree.
    const fromLeaves = buildInclusionProof({ ...base, batch: c.b.messages.map(messageLeaf) });
    expect(fromLeaves).toEqual(proofOf(c));
  });

  it('compact bytes and JSON round-trip', () => {
    for (const c of cases.slice(0, 10)) {
      const proof = proofOf(c);
      const bytes = encodeInclusionProof(c.m, proof);
      const decoded = decodeInclusionProof(bytes, { depths: TEST_DEPTHS });
      expect(verifyInclusionProof(decoded.message, decoded.proof, c.e.sharedTree.root, TEST_DEPTHS)).toBe(true);
      expect(encodeInclusionProof(decoded.message, decoded.proof)).toBe(bytes);
      const json = JSON.stringify(inclusionProofToJson(c.m, proof));
      const fromText = inclusionProofFromJson(json, TEST_DEPTHS);
      const fromObject = inclusionProofFromJson(JSON.parse(json), TEST_DEPTHS);
      expect(fromObject).toEqual(fromText);
      expect(fromText.proof).toEqual(proof);
      expect(messageLeaf(fromText.message)).toBe(messageLeaf(c.m));
    }
  });

  it('decoders enforce version, depths and canonical form', () => {
    const c = cases[0]!;
    const proof = proofOf(c);
    const bytes = encodeInclusionProof(c.m, proof);
    expect(() => decodeInclusionProof(bytes)).toThrow(ProtocolDecodingError); // production depths expected
    expect(() => decodeInclusionProof(`${bytes}00` as Hex, { depths: TEST_DEPTHS })).toThrow(ProtocolDecodingError);
    expect(() => decodeInclusionProof(`${bytes}${'00'.repeat(32)}` as Hex, { depths: TEST_DEPTHS })).toThrow(
      ProtocolDecodingError,
    );
    const v2 = `0x${'02'.padStart(64, '0')}${bytes.slice(66)}` as Hex;
    expect(() => decodeInclusionProof(v2, { depths: TEST_DEPTHS })).toThrow(/version/);
    expect(() => decodeInclusionProof(bytes, { depths: TEST_DEPTHS, maxBytes: 10 })).toThrow(ProtocolDecodingError);
    const json = inclusionProofToJson(c.m, proof);
    expect(() => inclusionProofFromJson(json)).toThrow(ProtocolDecodingError);
    expect(() => inclusionProofFromJson({ ...json, version: 2 }, TEST_DEPTHS)).toThrow(ProtocolDecodingError);
    expect(() => inclusionProofFromJson('{', TEST_DEPTHS)).toThrow(ProtocolDecodingError);
    const badField = {
      ...json,
      proof: {
        ...json.proof,
        chainPath: [
          ...json.proof.chainPath.slice(1),
          '2188824287183927522224640574525727508854836440041603434369820418657580849561700',
        ],
      },
    };
    expect(() => inclusionProofFromJson(badField, TEST_DEPTHS)).toThrow(ProtocolDecodingError);
  });

  it('random bytes, mutated bytes and random JSON never throw anything but ProtocolError (property)', () => {
    const bytes = encodeInclusionProof(cases[0]!.m, proofOf(cases[0]!));
    const expectProtocolError = (run: () => unknown): void => {
      try {
        run();
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        expectProtocolError(() => decodeInclusionProof(`0x${Buffer.from(b).toString('hex')}`));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat((bytes.length - 2) / 2 - 1), fc.nat(255), (pos, value) => {
        const mutated = `${bytes.slice(0, 2 + pos * 2)}${value.toString(16).padStart(2, '0')}${bytes.slice(4 + pos * 2)}`;
        expectProtocolError(() => decodeInclusionProof(mutated as Hex, { depths: TEST_DEPTHS }));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expectProtocolError(() => inclusionProofFromJson(v, TEST_DEPTHS));
        expectProtocolError(() => inclusionProofFromJson(JSON.stringify(v), TEST_DEPTHS));
      }),
      { numRuns: 300 },
    );
    const json = inclusionProofToJson(cases[0]!.m, proofOf(cases[0]!));
    fc.assert(
      fc.property(
        fc.constantFrom('epoch', 'leafIndex', 'batchPath', 'batchNumber', 'chainPath', 'slot', 'sharedPath'),
        fc.jsonValue(),
        (key, v) => {
          expectProtocolError(() =>
            inclusionProofFromJson({ ...json, proof: { ...json.proof, [key]: v } }, TEST_DEPTHS),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('inclusion proofs at production depths', () => {
  it('build, encode, decode and verify', () => {
    const scenario = buildScenario({ depths: PRODUCTION_DEPTHS, chains: 2, epochs: 2, messagesPerBatch: 2 });
    const b = scenario.batches[2]!; // chain 31337, batch 1
    const e = scenario.epochs[1]!;
    const proof = buildInclusionProof({
      message: b.messages[1]!,
      batch: b.tree,
      batchNumber: b.batchNumber,
      chainTree: scenario.state.chainTree(b.chainId)!,
      chainSizeAtEpoch: e.chainSizes.get(b.chainId)!,
      sharedTree: e.sharedTree,
      slot: 0,
      epoch: e.epoch,
    });
    expect(proof.chainPath).toHaveLength(20);
    expect(proof.sharedPath).toHaveLength(10);
    const { message, proof: decoded } = decodeInclusionProof(encodeInclusionProof(b.messages[1]!, proof));
    expect(verifyInclusionProof(message, decoded, e.sharedTree.root)).toBe(true);
    expect(() => verifyInclusionProof(message, decoded, e.sharedTree.root, TEST_DEPTHS)).toThrow(
      InclusionProofVerificationError,
    );
  });
});
