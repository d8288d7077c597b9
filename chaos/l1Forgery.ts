/**
 * Forged settlements against L1 `InteropHub.submitRoot` (v2): an honest next epoch is prepared on top of what L1
 * settled (libs/contracts `rebuildFromL1` replayed into libs/protocol `AggregationState`, signed by the chains' real
 * operator keys, proved with the shape's real circuit) and simulated as a positive control — it must be accepted,
 * so each forgery made from it reverts because of its one change only. Every forgery is simulated (eth_call) and
 * must revert with its own custom error; one is also sent as a transaction (mined as reverted). Paused chains and
 * retired shapes are eth_call state overrides: the live hub never sees them. Needs an RPC URL and keys only.
 */
import {
  interopHubAbi,
  submitRootArgs,
  type SignedBatchMetadata,
  type SolidityProofArgs,
  type SubmitRootArgs,
} from '@interop/contracts';
import {
  BN254_FIELD_ORDER,
  epochData,
  epochPublicSignals,
  fieldToBytes32,
  interopHubDomain,
  signBatchRoot,
  type AggregationShape,
  type AggregationStepResult,
  type Update,
} from '@interop/protocol';
import { buildCircuitInput, circuitArtifacts, Prover, toSolidityProof } from '@interop/prover';
import { keccak256, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

import {
  activeShapes,
  l1Clients,
  lastSubmitRoot,
  pausedChainOverride,
  replayL1,
  retiredShapeOverride,
  revertOf,
  shapeLabel,
  type L1Shape,
  type L1Target,
} from './l1';
import type { Rng } from './rng';

export type L1ForgeryParams = {
  target: L1Target;
  /** Holds SUBMITTER_ROLE (the hub's L1 key): the forgeries must fail on their content, not on the role. */
  submitterKey: Hex;
  /** Holds no role: its submission must fail with Unauthorized. */
  outsiderKey: Hex;
  /** Two registered chains and their operators' keys (the forged batches are signed with them). */
  chains: readonly [{ chainId: bigint; operatorKey: Hex }, { chainId: bigint; operatorKey: Hex }];
  rng: Rng;
  /** Random tampered submissions besides the fixed cases. */
  random: number;
  log?: (line: string) => void;
};

/** One fixed forgery: the revert it must cause and the one it caused. */
export type L1ForgeryCase = { name: string; expected: string; error: string; ok: boolean };

export type L1ForgeryResult = {
  /** The shape of the forged epochs (the active shape with the smallest K that this checkout can prove). */
  shape: string | null;
  /** The honest next epoch (really proved, simulated only): L1 must accept it. */
  control: { proven: boolean; provingMs: number; accepted: boolean; error: string };
  /**
   * L1's `epochPublicSignals` view equals libs/protocol's `epochPublicSignals(epochData(..))` for the honest epoch,
   * and differs from the proof's signals for the tampered calldata (so those forgeries fail through the evaluation).
   */
  binding: { l1MatchesProtocol: boolean; tamperedDiffer: boolean };
  attempts: number;
  reverted: number;
  errors: Record<string, number>;
  cases: L1ForgeryCase[];
  realTx: { status: string; error: string } | null;
  stateUnchanged: boolean;
  ok: boolean;
  failures: string[];
};

type Group = SubmitRootArgs[5][number];
type StateOverride = Array<{ address: Address; stateDiff: Array<{ slot: Hex; value: Hex }> }>;
type Attempt = { args: SubmitRootArgs; account?: Address; stateOverride?: StateOverride };

const R = BN254_FIELD_ORDER;
const META = { messageCount: 1, firstBlock: 1n, lastBlock: 1n } as const;
const ZERO_PROOF: SolidityProofArgs = {
  a: [0n, 0n],
  b: [
    [0n, 0n],
    [0n, 0n],
  ],
  c: [0n, 0n],
};

function bump(h: Record<string, number>, k: string): void {
  h[k] = (h[k] ?? 0) + 1;
}

/** `args` with some of its parts replaced (the tuple of `submitRoot(newEpoch, shapeId, prevRoot, newRoot, dataCommitment, groups, proof)`). */
function patch(
  args: SubmitRootArgs,
  p: Partial<{
    epoch: bigint;
    shapeId: number;
    prevRoot: Hex;
    newRoot: Hex;
    dataCommitment: bigint;
    groups: readonly Group[];
    proof: SolidityProofArgs;
  }>,
): SubmitRootArgs {
  const proof = p.proof ?? args[6];
  return [
    p.epoch ?? args[0],
    p.shapeId ?? args[1],
    p.prevRoot ?? args[2],
    p.newRoot ?? args[3],
    p.dataCommitment ?? args[4],
    p.groups ?? args[5],
    {
      a: [proof.a[0], proof.a[1]],
      b: [
        [proof.b[0][0], proof.b[0][1]],
        [proof.b[1][0], proof.b[1][1]],
      ],
      c: [proof.c[0], proof.c[1]],
    },
  ];
}

/** Runs the forged settlements against L1 (see the module comment). */
export async function forgeL1Submissions(p: L1ForgeryParams): Promise<L1ForgeryResult> {
  const { target, rng } = p;
  const hub = target.hub;
  const log = p.log ?? (() => undefined);
  const failures: string[] = [];
  const { publicClient: pc, walletClient } = l1Clients(target, p.submitterKey);
  const submitter = privateKeyToAccount(p.submitterKey).address;
  const [A, B] = p.chains;
  const keyOf = new Map(p.chains.map((c) => [c.chainId, c.operatorKey]));
  const domain = interopHubDomain(BigInt(target.chainId), hub);
  const read = <F extends 'epoch' | 'sharedRoot'>(functionName: F) =>
    pc.readContract({ address: hub, abi: interopHubAbi, functionName });
  const chainInfo = (chainId: bigint) =>
    pc.readContract({ address: hub, abi: interopHubAbi, functionName: 'getChain', args: [chainId] });
  const hubState = async () =>
    JSON.stringify([
      String(await read('epoch')),
      await read('sharedRoot'),
      ...(await Promise.all(p.chains.map(async (c) => String((await chainInfo(c.chainId)).nextBatchNumber)))),
    ]);
  const before = await hubState();
  const result: L1ForgeryResult = {
    shape: null,
    control: { proven: false, provingMs: 0, accepted: false, error: 'not run' },
    binding: { l1MatchesProtocol: false, tamperedDiffer: false },
    attempts: 0,
    reverted: 0,
    errors: {},
    cases: [],
    realTx: null,
    stateUnchanged: false,
    ok: false,
    failures,
  };

  const simulate = async (a: Attempt) => {
    result.attempts++;
    const r = await revertOf(() =>
      pc.simulateContract({
        account: a.account ?? submitter,
        address: hub,
        abi: interopHubAbi,
        functionName: 'submitRoot',
        args: a.args,
        ...(a.stateOverride ? { stateOverride: a.stateOverride } : {}),
      }),
    );
    if (r.reverted) result.reverted++;
    bump(result.errors, r.error);
    return r;
  };
  const check = async (name: string, expected: string, attempt: Attempt | string) => {
    if (typeof attempt === 'string') {
      result.cases.push({ name, expected, error: attempt, ok: false });
      failures.push(`L1 forgery "${name}": ${attempt}`);
      return;
    }
    const r = await simulate(attempt);
    const ok = r.reverted && r.error === expected;
    result.cases.push({ name, expected, error: r.error, ok });
    if (!r.reverted) failures.push(`L1 submitRoot accepted a forged submission: ${name}`);
    else if (!ok) failures.push(`L1 forgery "${name}" reverted with ${r.error}, expected ${expected}`);
  };

  // What L1 settled, replayed; the shape to forge with; the chains' next batch numbers.
  const replay = await replayL1(pc, hub);
  const state = replay.state;
  const epoch = await read('epoch');
  const next = epoch + 1n;
  if (fieldToBytes32(state.sharedRoot) !== (await read('sharedRoot')).toLowerCase()) {
    failures.push('replaying L1 does not give its sharedRoot()');
  }
  const shapes = await activeShapes(pc, hub);
  const provable = shapes.find((s) => s.name !== undefined && builtCircuit(s.name));
  const shapeDef: L1Shape | undefined = provable ?? shapes[0];
  if (!shapeDef) {
    failures.push('no epoch shape is active on L1');
    result.ok = false;
    return result;
  }
  if (!provable) failures.push('no active shape has a built circuit here: the control epoch cannot be proved');
  result.shape = shapeLabel(shapeDef.shapeId);
  const sid = shapeDef.shapeId;
  const M = shapeDef.groupSize;
  const G = shapeDef.groups;
  const shape: AggregationShape = { k: G * M, groupSize: M };
  const slotOf = (chainId: bigint) => {
    const s = replay.slots.get(chainId);
    if (s === undefined) throw new Error(`chain ${chainId} is not registered on L1`);
    return s;
  };
  const nextA = BigInt(state.chainSize(A.chainId));
  const nextB = BigInt(state.chainSize(B.chainId));
  const seed = rng.int(1, 2 ** 30);
  const rootOf = (label: string): Hex => keccak256(toHex(`chaos-l1-forgery ${seed} ${label}`));
  const fieldOf = (label: string): bigint => BigInt(rootOf(label)) % R;

  const sign = (key: Hex, chainId: bigint, batchNumber: bigint, batchRoot: Hex, chainRoot: bigint | Hex) =>
    signBatchRoot(key, domain, {
      chainId,
      batchNumber,
      batchRoot,
      chainRoot: typeof chainRoot === 'bigint' ? fieldToBytes32(chainRoot) : chainRoot,
      ...META,
    });
  /** An epoch of `batches` (each the next batch of its chain) on the settled state, signed as the hub would. */
  const prepare = async (batches: Array<{ chainId: bigint; batchRoot: Hex }>) => {
    const taken = new Map<bigint, bigint>();
    const updates = batches.map((b): Update => {
      const n = taken.get(b.chainId) ?? BigInt(state.chainSize(b.chainId));
      taken.set(b.chainId, n + 1n);
      return { slot: slotOf(b.chainId), chainId: b.chainId, batchNumber: n, batchRoot: b.batchRoot };
    });
    const step: AggregationStepResult = state.clone().apply(updates, shape);
    const metadata: SignedBatchMetadata[] = await Promise.all(
      updates.map(async (u, i) => ({
        ...META,
        signature: await sign(keyOf.get(u.chainId)!, u.chainId, u.batchNumber, u.batchRoot, step.chainRoots[i]!),
      })),
    );
    const argsWith = (proof: SolidityProofArgs): SubmitRootArgs =>
      submitRootArgs({
        epoch: next,
        shapeId: sid,
        prevRoot: step.oldRoot,
        newRoot: step.newRoot,
        dataCommitment: step.publicSignals.dataCommitment,
        groups: step.groups,
        metadata,
        proof,
      });
    return { updates, step, metadata, argsWith };
  };
  /** One group as calldata, signed by `signer` (its chain's operator by default; null: unsigned). */
  const group = async (
    chainId: bigint,
    firstBatch: bigint,
    batchRoots: Hex[],
    chainRoot: bigint,
    signer: Hex | null = keyOf.get(chainId) ?? generatePrivateKey(),
  ): Promise<Group> => {
    const common = { chainId, firstBatch, chainRoot: toHex(chainRoot, { size: 32 }), batchRoots };
    if (signer === null) return { ...common, messageCount: 0, firstBlock: 0n, lastBlock: 0n, signature: '0x' };
    const last = firstBatch + BigInt(batchRoots.length - 1);
    return { ...common, ...META, signature: await sign(signer, chainId, last, batchRoots.at(-1)!, chainRoot) };
  };
  const roots = (label: string, n: number) => Array.from({ length: n }, (_, i) => rootOf(`${label} ${i}`));
  const l1Signals = async (args: SubmitRootArgs) => {
    const [challenge, evaluation] = await pc.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'epochPublicSignals',
      args: [args[1], args[2], args[3], args[4], args[5]],
    });
    return { challenge, evaluation };
  };

  // The honest next epoch: chain A's next batch, signed by A's operator, proved with the shape's circuit.
  const honest = await prepare([{ chainId: A.chainId, batchRoot: rootOf('honest') }]);
  const signals = epochPublicSignals(epochData(honest.step.oldRoot, honest.step.newRoot, honest.step.groups, shape));
  if (
    signals.dataCommitment !== honest.step.publicSignals.dataCommitment ||
    signals.challenge !== honest.step.publicSignals.challenge ||
    signals.evaluation !== honest.step.publicSignals.evaluation
  ) {
    failures.push('epochPublicSignals(epochData(..)) differs from the AggregationState step');
  }
  let proof = ZERO_PROOF;
  if (provable?.name) {
    const prover = new Prover({ artifacts: circuitArtifacts(provable.name), poolSize: 1 });
    const t = Date.now();
    try {
      const r = await prover.prove(
        buildCircuitInput(honest.step.witnesses, honest.step.oldRoot, honest.step.publicSignals),
      );
      proof = toSolidityProof(r.proof);
      result.control.proven = true;
      if (r.publicSignals.join() !== [signals.dataCommitment, signals.challenge, signals.evaluation].join()) {
        failures.push('the prover gave other public signals than libs/protocol for the control epoch');
      }
    } catch (e) {
      failures.push(`proving the control epoch with ${provable.name} failed: ${(e as Error).message.slice(0, 300)}`);
    } finally {
      result.control.provingMs = Date.now() - t;
      await prover.close();
    }
  }
  const base = honest.argsWith(proof);
  const baseGroup = base[5][0]!;
  const l1Base = await l1Signals(base);
  result.binding.l1MatchesProtocol = l1Base.challenge === signals.challenge && l1Base.evaluation === signals.evaluation;
  if (!result.binding.l1MatchesProtocol) {
    failures.push('L1 epochPublicSignals differs from libs/protocol epochPublicSignals(epochData(..))');
  }
  if (result.control.proven) {
    const r = await simulate({ args: base });
    result.control.accepted = !r.reverted;
    result.control.error = r.error;
    if (r.reverted) {
      failures.push(
        `L1 refused the honest control epoch (${r.error}): the forgeries below do not isolate their change`,
      );
    }
  }
  log(
    `L1 forgeries: epoch ${next}, shape ${result.shape}, control ${result.control.accepted ? 'accepted' : 'NOT accepted'} (proved in ${result.control.provingMs} ms)`,
  );

  // Replays and stale proofs.
  const real = await lastSubmitRoot(pc, hub);
  if (real) {
    await check('replay of the last settled submission', 'WrongEpoch', { args: real.args });
    await check('the last settled proof for the next epoch', 'InvalidProof', {
      args: patch(base, { proof: real.args[6] }),
    });
  }
  // The proof itself.
  await check('tampered proof (a.x + 1)', 'InvalidProof', {
    args: patch(base, { proof: { ...proof, a: [proof.a[0] + 1n, proof.a[1]] } }),
  });
  await check('proof points swapped (a <-> c)', 'InvalidProof', {
    args: patch(base, { proof: { a: proof.c, b: proof.b, c: proof.a } }),
  });
  await check('tampered data commitment', 'InvalidProof', {
    args: patch(base, { dataCommitment: (base[4] + 1n) % R }),
  });
  await check('tampered new root', 'InvalidProof', {
    args: patch(base, { newRoot: toHex((BigInt(base[3]) + 1n) % R, { size: 32 }) }),
  });
  // Through the evaluation: calldata that passes every other check (re-signed by the real operators) but is not
  // the data the proof is about.
  const tamperedRoot = patch(base, {
    groups: [await group(A.chainId, nextA, [rootOf('tampered')], BigInt(baseGroup.chainRoot))],
  });
  await check('tampered batch root, re-signed by the operator', 'InvalidProof', { args: tamperedRoot });
  const otherSlot = patch(base, {
    groups: [await group(B.chainId, nextB, [...baseGroup.batchRoots], BigInt(baseGroup.chainRoot))],
  });
  await check(
    "the proven batch claimed for another chain (its slot), signed by that chain's operator",
    'InvalidProof',
    {
      args: otherSlot,
    },
  );
  const proven = [signals.challenge, signals.evaluation].join();
  result.binding.tamperedDiffer = (
    await Promise.all([tamperedRoot, otherSlot].map(async (a) => Object.values(await l1Signals(a)).join()))
  ).every((s) => s !== proven);
  if (!result.binding.tamperedDiffer) failures.push("tampered calldata gives L1 the proof's challenge and evaluation");
  const otherShape = shapes.find((s) => s.shapeId !== sid);
  if (otherShape) {
    await check(`the proof under another shape (${shapeLabel(otherShape.shapeId)})`, 'InvalidProof', {
      args: patch(base, { shapeId: otherShape.shapeId }),
    });
  }

  // Epoch and root.
  await check('wrong epoch (epoch + 2)', 'WrongEpoch', { args: patch(base, { epoch: next + 1n }) });
  await check('wrong prevRoot', 'WrongPrevRoot', { args: patch(base, { prevRoot: base[3] }) });
  if (epoch > 0n) {
    const older = await pc.readContract({
      address: hub,
      abi: interopHubAbi,
      functionName: 'rootAt',
      args: [epoch - 1n],
    });
    await check('prevRoot of the epoch before', 'WrongPrevRoot', { args: patch(base, { prevRoot: older }) });
  }
  // Shapes.
  let unknown = 3 * 2 ** 16 + 8;
  while (shapes.some((s) => s.shapeId === unknown)) unknown++;
  await check('unknown shape', 'ShapeNotActive', { args: patch(base, { shapeId: unknown }) });
  const retired = await retiredShapeOverride(pc, hub, shapeDef);
  await check(
    'retired shape (eth_call state override)',
    'ShapeNotActive',
    retired ? { args: base, stateOverride: retired } : 'setup: the shape record was not found in storage',
  );
  // Group count and canonical values.
  await check('no groups', 'InvalidGroupCount', { args: patch(base, { groups: [] }) });
  await check(`${G + 1} groups (the shape has ${G})`, 'InvalidGroupCount', {
    args: patch(base, { groups: Array.from({ length: G + 1 }, () => baseGroup) }),
  });
  await check('non-canonical new root', 'NonCanonicalFieldElement', {
    args: patch(base, { newRoot: toHex(R + 5n, { size: 32 }) }),
  });
  await check('non-canonical chain root', 'NonCanonicalFieldElement', {
    args: patch(base, { groups: [{ ...baseGroup, chainRoot: toHex(R + 5n, { size: 32 }) }] }),
  });
  // Chains.
  await check('unregistered chain', 'ChainNotRegistered', {
    args: patch(base, { groups: [await group(999_999n, 0n, [rootOf('unknown chain')], fieldOf('c'))] }),
  });
  const paused = await pausedChainOverride(pc, hub, A.chainId);
  await check(
    'paused chain (eth_call state override)',
    'ChainIsPaused',
    paused ? { args: base, stateOverride: paused } : 'setup: the chain record was not found in storage',
  );
  // Signatures.
  await check('unsigned group', 'InvalidSignature', {
    args: patch(base, { groups: [{ ...baseGroup, signature: '0x' }] }),
  });
  await check("group signed by another chain's operator", 'InvalidSignature', {
    args: patch(base, {
      groups: [await group(A.chainId, nextA, [...baseGroup.batchRoots], BigInt(baseGroup.chainRoot), B.operatorKey)],
    }),
  });
  await check('group signed by a stranger', 'InvalidSignature', {
    args: patch(base, {
      groups: [
        await group(A.chainId, nextA, [...baseGroup.batchRoots], BigInt(baseGroup.chainRoot), generatePrivateKey()),
      ],
    }),
  });
  await check('signature over another chain root', 'InvalidSignature', {
    args: patch(base, { groups: [{ ...baseGroup, chainRoot: toHex(fieldOf('other chain root'), { size: 32 }) }] }),
  });
  // Cases that need two groups: under a shape with G >= 2 (they revert before the proof is looked at).
  const multi = shapes.find((x) => x.groups >= 2);
  if (multi) {
    // Chain A in two groups (the first ends at its block boundary): only the last may carry a signature.
    const mm = BigInt(multi.groupSize);
    const first = Number(mm - (nextA % mm));
    await check(`signature on a non-last group of the chain (${shapeLabel(multi.shapeId)})`, 'UnexpectedSignature', {
      args: patch(base, {
        shapeId: multi.shapeId,
        groups: [
          await group(A.chainId, nextA, roots('twice0', first), fieldOf('twice0')),
          await group(A.chainId, nextA + BigInt(first), roots('twice1', 1), fieldOf('twice1')),
        ],
      }),
    });
  }
  // Batch numbers and blocks.
  await check('skipped batch number', 'NonConsecutiveBatch', {
    args: patch(base, { groups: [await group(A.chainId, nextA + 1n, [rootOf('skip')], fieldOf('skip'))] }),
  });
  if (nextA > 0n) {
    await check('a settled batch again', 'NonConsecutiveBatch', {
      args: patch(base, { groups: [await group(A.chainId, nextA - 1n, [rootOf('again')], fieldOf('again'))] }),
    });
  }
  if (multi) {
    await check('the same batch twice in one epoch', 'NonConsecutiveBatch', {
      args: patch(base, {
        shapeId: multi.shapeId,
        groups: [
          await group(A.chainId, nextA, [rootOf('dup')], fieldOf('dup'), null),
          await group(A.chainId, nextA, [rootOf('dup')], fieldOf('dup')),
        ],
      }),
    });
  }
  // A group crossing its aligned block: one group when chain A's next batch is inside a block of the shape, else
  // (a shape with two groups) a batch, then a full block starting off its block.
  const crossingUnder = async (x: L1Shape) => {
    const m = x.groupSize;
    const off = Number(nextA % BigInt(m));
    if (off !== 0) {
      return {
        shapeId: x.shapeId,
        groups: [await group(A.chainId, nextA, roots('cross', m - off + 1), fieldOf('cross'))],
      };
    }
    if (x.groups < 2) return undefined;
    return {
      shapeId: x.shapeId,
      groups: [
        await group(A.chainId, nextA, roots('cross0', 1), fieldOf('cross0'), null),
        await group(A.chainId, nextA + 1n, roots('cross1', m), fieldOf('cross1')),
      ],
    };
  };
  const crossing = (await crossingUnder(shapeDef)) ?? (multi ? await crossingUnder(multi) : undefined);
  if (crossing) await check('group crossing its aligned block', 'GroupCrossesBlock', { args: patch(base, crossing) });
  await check(`${M + 1} batches in one group (the shape has ${M})`, 'InvalidBatchCount', {
    args: patch(base, { groups: [await group(A.chainId, nextA, roots('many', M + 1), fieldOf('many'))] }),
  });
  // Roles.
  await check('submitted by an outsider', 'Unauthorized', {
    args: base,
    account: privateKeyToAccount(p.outsiderKey).address,
  });

  // Random tampering of the honest epoch, each with the revert it must cause.
  for (let i = 0; i < p.random; i++) {
    const kind = rng.int(0, 5);
    let attempt: SubmitRootArgs;
    let expected = 'InvalidProof';
    const big = () => rng.bigint(1n, 10n ** 15n);
    if (kind === 0) attempt = patch(base, { proof: { ...proof, a: [big(), proof.a[1]] } });
    else if (kind === 1) attempt = patch(base, { proof: { ...proof, b: [[big(), proof.b[0][1]], proof.b[1]] } });
    else if (kind === 2) attempt = patch(base, { proof: { ...proof, c: [proof.c[0], big()] } });
    else if (kind === 3) {
      const x = BigInt(rng.hex(32));
      attempt = patch(base, { newRoot: toHex(x, { size: 32 }) });
      if (x >= R) expected = 'NonCanonicalFieldElement';
    } else if (kind === 4) attempt = patch(base, { dataCommitment: BigInt(rng.hex(32)) % R });
    else {
      attempt = patch(base, {
        groups: [await group(A.chainId, nextA, [rng.hex(32)], BigInt(baseGroup.chainRoot))],
      });
    }
    const r = await simulate({ args: attempt });
    if (!r.reverted) failures.push(`L1 submitRoot accepted a random forgery (kind ${kind})`);
    else if (r.error !== expected)
      failures.push(`random L1 forgery (kind ${kind}) reverted with ${r.error}, expected ${expected}`);
  }

  // One forgery as a real transaction: mined, reverted.
  const hash = await walletClient.writeContract({
    address: hub,
    abi: interopHubAbi,
    functionName: 'submitRoot',
    args: patch(base, { proof: { ...proof, a: [proof.a[0] + 1n, proof.a[1]] } }),
    gas: 3_000_000n,
  });
  const receipt = await pc.waitForTransactionReceipt({ hash });
  result.realTx = { status: receipt.status, error: 'InvalidProof (simulated)' };
  if (receipt.status !== 'reverted') failures.push('a forged submitRoot transaction was not reverted');

  result.stateUnchanged = (await hubState()) === before;
  if (!result.stateUnchanged) failures.push('forged submissions changed the L1 epoch, root or a batch number');
  result.ok = failures.length === 0;
  return result;
}

function builtCircuit(name: string): boolean {
  try {
    circuitArtifacts(name);
    return true;
  } catch {
    return false;
  }
}
