import { interopCenterAbi, interopHandlerAbi, interopHubAbi } from '@interop/contracts';
import { ANVIL_PRIVATE_KEYS } from '@interop/infra/testing/anvil';
import { clientsFor, DEVNET_KEYS, DEVNET_FEE_PARAMS, httpJson, type Devnet } from '@interop/devnet';
import {
  inclusionProofJsonSchema,
  messageWithProofJsonSchema,
  type InclusionProof,
  type InteropMessage,
} from '@interop/protocol';
import fc from 'fast-check';
import { keccak256, toHex, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { lastSubmitRoot, revertOf } from './l1';
import { forgeL1Submissions, type L1ForgeryResult } from './l1Forgery';
import type { Rng } from './rng';

export { revertOf };

/** Account 8 of anvil: no role anywhere (the outsider of the security checks). */
export const OUTSIDER_KEY = ANVIL_PRIVATE_KEYS[8];

function bump(h: Record<string, number>, k: string): void {
  h[k] = (h[k] ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP fuzz

export type HttpFuzzResult = {
  requests: number;
  byEndpoint: Array<{
    endpoint: string;
    requests: number;
    statuses: Record<string, number>;
    codes: Record<string, number>;
  }>;
  accepted: number;
  serverErrors: number;
  withoutErrorCode: number;
  ok: boolean;
  failures: string[];
};

/**
 * Fuzzed bodies (fast-check JSON values, near-valid objects with wrong fields, malformed JSON text, oversize bodies)
 * and fuzzed path parameters on every POST endpoint of the hub and the bridge; admin endpoints get the admin token,
 * so the bodies reach validation. Every answer must be a 4xx with the apps' error body `{ error: { code } }`.
 */
export async function fuzzHttp(devnet: Devnet, rng: Rng, perEndpoint: number): Promise<HttpFuzzResult> {
  const seed = rng.int(1, 2 ** 30);
  const values = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: perEndpoint, seed });
  const strings = fc.sample(fc.string({ unit: 'grapheme', maxLength: 30 }), { numRuns: perEndpoint, seed: seed + 1 });
  const nearChain = () => ({
    chainId: rng.pick<unknown>([String(rng.int(100_000, 10 ** 9)), -1, '0', 'abc', 1.5, null]),
    name: rng.pick<unknown>(['x', '', 'a'.repeat(100), 5, null]),
    operator: rng.pick<unknown>([rng.hex(20), rng.hex(19), 'nope', null]),
    signature: rng.pick<unknown>([rng.hex(65), rng.hex(64), '0x', null]),
    ...(rng.chance(0.2) ? { extra: true } : {}),
  });
  const nearPolicy = () => {
    const burn = rng.int(-10, 10_010);
    const staking = rng.int(-10, 10_010);
    let treasury = rng.int(-10, 10_010);
    if (burn + staking + treasury === 10_000 && burn >= 0 && staking >= 0 && treasury >= 0) treasury += 1;
    return {
      burnBps: rng.chance(0.2) ? String(burn) : burn,
      stakingBps: staking,
      treasuryBps: treasury,
      ...(rng.chance(0.3) ? { activeFrom: rng.pick(['yesterday', '2020-13-45', 42]) } : {}),
      ...(rng.chance(0.2) ? { description: 'd'.repeat(rng.int(400, 700)) } : {}),
    };
  };
  const badId = (i: number) =>
    encodeURIComponent(
      rng.pick([strings[i % strings.length] ?? 'x', String(rng.int(100_000, 10 ** 9)), rng.hex(32), '-1', '1e9', '0x']),
    );
  const endpoints: Array<{ name: string; url: (i: number) => string; token?: string; near: () => unknown }> = [
    { name: 'hub POST /chains', url: () => `${devnet.hubUrl}/chains`, near: nearChain },
    ...(['approve', 'pause', 'resume'] as const).map((a) => ({
      name: `hub POST /chains/:id/${a}`,
      url: (i: number) => `${devnet.hubUrl}/chains/${badId(i)}/${a}`,
      token: devnet.adminToken,
      near: () => ({ reason: rng.hex(4) }),
    })),
    {
      name: 'bridge POST /fee-policies',
      url: () => `${devnet.bridgeUrl}/fee-policies`,
      token: devnet.adminToken,
      near: nearPolicy,
    },
    {
      name: 'bridge POST /messages/:id/retry',
      url: (i: number) => `${devnet.bridgeUrl}/messages/${badId(i)}/retry`,
      token: devnet.adminToken,
      near: () => ({}),
    },
  ];
  const out: HttpFuzzResult['byEndpoint'] = [];
  const failures: string[] = [];
  let accepted = 0;
  let serverErrors = 0;
  let withoutErrorCode = 0;
  for (const ep of endpoints) {
    const statuses: Record<string, number> = {};
    const codes: Record<string, number> = {};
    for (let i = 0; i < perEndpoint; i++) {
      const kind = i === 0 ? 'oversize' : rng.pick(['json', 'json', 'near', 'near', 'malformed', 'text']);
      let body: string;
      let contentType = 'application/json';
      if (kind === 'json') body = JSON.stringify(values[i % values.length] ?? null);
      else if (kind === 'near') body = JSON.stringify(ep.near());
      else if (kind === 'malformed') body = `{"a":${rng.hex(3)}`;
      else if (kind === 'oversize') body = JSON.stringify({ x: 'y'.repeat(5_000_000) });
      else {
        body = rng.bytes(rng.int(1, 200)).toString('latin1');
        contentType = rng.pick(['text/plain', 'application/json', 'application/x-www-form-urlencoded']);
      }
      let status: number;
      let text: string;
      try {
        const res = await fetch(ep.url(i), {
          method: 'POST',
          headers: { 'content-type': contentType, ...(ep.token ? { authorization: `Bearer ${ep.token}` } : {}) },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        status = 0;
        text = (e as Error).message;
      }
      bump(statuses, String(status));
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      bump(codes, code ?? '(none)');
      if (status >= 200 && status < 300) {
        accepted++;
        failures.push(`${ep.name} accepted a fuzzed body (${status}): ${body.slice(0, 200)}`);
      } else if (status >= 500 || status === 0) {
        serverErrors++;
        if (serverErrors <= 5) failures.push(`${ep.name} answered ${status} to a fuzzed body: ${text.slice(0, 200)}`);
      } else if (!code) {
        withoutErrorCode++;
      }
    }
    out.push({ endpoint: ep.name, requests: perEndpoint, statuses, codes });
  }
  if (withoutErrorCode > 0) failures.push(`${withoutErrorCode} 4xx answer(s) without an error code`);
  return {
    requests: out.reduce((a, e) => a + e.requests, 0),
    byEndpoint: out,
    accepted,
    serverErrors,
    withoutErrorCode,
    ok: failures.length === 0,
    failures: failures.slice(0, 20),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Forged and tampered proofs

export type ForgeryResult = {
  /** Forged v2 settlements against L1 `InteropHub.submitRoot` (chaos/l1Forgery.ts). */
  l1: L1ForgeryResult;
  l2: {
    attempts: number;
    reverted: number;
    errors: Record<string, number>;
    realTx: { status: string; error: string } | null;
  };
  stateUnchanged: boolean;
  ok: boolean;
  failures: string[];
};

/**
 * Forged settlements sent to L1 `InteropHub.submitRoot` (as the real submitter; `forgeL1Submissions`: an honest,
 * really proved next epoch as the positive control, then one change per forgery, each with the custom error it must
 * cause) and tampered inclusion proofs sent to the L2 `InteropHandler.executeMessage`: replays, tampered message
 * fields and Merkle paths, unknown epochs, the wrong destination. Each is simulated (eth_call) and must revert with
 * a custom error; one of each is also sent as a transaction (it must be mined as reverted). The L1 root and batch
 * numbers and the handlers' message statuses must be unchanged.
 */
export async function forgeProofs(
  devnet: Devnet,
  rng: Rng,
  n: number,
  executed: Array<{ id: Hex; dst: bigint; message: InteropMessage }>,
  log: (line: string) => void = () => undefined,
): Promise<ForgeryResult> {
  const failures: string[] = [];
  const [a, b] = devnet.chains as [Devnet['chains'][0], Devnet['chains'][0]];
  const l1 = await forgeL1Submissions({
    target: { chainId: devnet.l1.chainId, rpcUrl: devnet.l1.rpcUrl, hub: devnet.l1.hub },
    submitterKey: DEVNET_KEYS.deployer,
    outsiderKey: OUTSIDER_KEY,
    chains: [
      { chainId: a.chainId, operatorKey: a.operatorKey },
      { chainId: b.chainId, operatorKey: b.operatorKey },
    ],
    rng: rng.fork('l1'),
    random: n,
    log,
  });
  failures.push(...l1.failures);

  // L2: tampered inclusion proofs against the real handler.
  const l2: ForgeryResult['l2'] = { attempts: 0, reverted: 0, errors: {}, realTx: null };
  const views: Array<{ id: Hex; dst: bigint; message: InteropMessage; proof: InclusionProof }> = [];
  for (const e of executed.slice(0, 10)) {
    const v = await httpJson('GET', `${devnet.bridgeUrl}/messages/${e.id}`);
    const body = v.body as { inclusionProof?: unknown };
    const pj = body.inclusionProof;
    const parsed = messageWithProofJsonSchema.safeParse(pj);
    const proof = parsed.success ? parsed.data.proof : inclusionProofJsonSchema.safeParse(pj).data;
    if (proof) views.push({ ...e, proof: proof });
  }
  const relayer = privateKeyToAccount(DEVNET_KEYS.relayer).address;
  const statusBefore = new Map<string, number>();
  if (views.length === 0) failures.push('no executed message with an inclusion proof to tamper with');
  for (const v of views) {
    const chain = devnet.chain(v.dst);
    const pc = clientsFor(chain.chainId, chain.rpcUrl, DEVNET_KEYS.relayer).publicClient;
    statusBefore.set(
      v.id,
      Number(
        await pc.readContract({
          address: chain.handler,
          abi: interopHandlerAbi,
          functionName: 'messageStatus',
          args: [v.id],
        }),
      ),
    );
  }
  const simulateExec = async (handlerChain: bigint, m: InteropMessage, p: InclusionProof) => {
    const chain = devnet.chain(handlerChain);
    const pc = clientsFor(chain.chainId, chain.rpcUrl, DEVNET_KEYS.relayer).publicClient;
    l2.attempts++;
    const r = await revertOf(() =>
      pc.simulateContract({
        account: relayer,
        address: chain.handler,
        abi: interopHandlerAbi,
        functionName: 'executeMessage',
        args: [m, p] as never,
      }),
    );
    if (r.reverted) l2.reverted++;
    else failures.push(`L2 executeMessage accepted a tampered proof`);
    bump(l2.errors, r.error);
  };
  for (let i = 0; views.length > 0 && i < n + 8; i++) {
    const v = views[i % views.length]!;
    const m: InteropMessage = { ...v.message };
    const p: InclusionProof = {
      ...v.proof,
      batchPath: [...v.proof.batchPath],
      chainPath: [...v.proof.chainPath],
      sharedPath: [...v.proof.sharedPath],
    };
    const other = devnet.chains.find((c) => c.chainId !== v.dst)!.chainId;
    let on = v.dst;
    const kase = i < 8 ? i : rng.int(1, 7);
    switch (kase) {
      case 0: // replay of the executed message with its real proof
        break;
      case 1:
        m.amount = m.amount + 1n;
        break;
      case 2:
        m.recipient = privateKeyToAccount(OUTSIDER_KEY).address;
        break;
      case 3:
        if (p.batchPath.length > 0) p.batchPath[rng.int(0, p.batchPath.length - 1)] = rng.hex(32);
        else m.nonce = m.nonce + 1n;
        break;
      case 4:
        if (p.chainPath.length > 0) p.chainPath[rng.int(0, p.chainPath.length - 1)] = rng.bigint(1n, 10n ** 15n);
        else p.batchNumber = p.batchNumber + 1n;
        break;
      case 5:
        p.epoch = p.epoch + BigInt(rng.int(1_000, 100_000));
        break;
      case 6:
        on = other; // the wrong destination
        break;
      case 7:
        p.leafIndex = p.leafIndex + rng.int(1, 7);
        m.nonce = m.nonce + BigInt(rng.int(1_000, 10_000)); // a message nobody sent, with a borrowed proof
        break;
    }
    // Tampered paths and epochs on a fresh id (nonce bumped), so the proof check answers, not the replay guard.
    if ([3, 4, 5].includes(kase)) m.nonce = m.nonce + 1_000_000n;
    await simulateExec(on, m, p);
  }
  if (views[0]) {
    const v = views[0];
    const chain = devnet.chain(v.dst);
    const { walletClient, publicClient } = clientsFor(chain.chainId, chain.rpcUrl, OUTSIDER_KEY);
    const hash = await walletClient.writeContract({
      address: chain.handler,
      abi: interopHandlerAbi,
      functionName: 'executeMessage',
      args: [{ ...v.message, amount: v.message.amount + 1n }, v.proof] as never,
      gas: 2_000_000n,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    l2.realTx = { status: receipt.status, error: 'see simulation' };
    if (receipt.status !== 'reverted') failures.push('a forged executeMessage transaction was not reverted');
  }
  let stateUnchanged = l1.stateUnchanged;
  for (const v of views) {
    const chain = devnet.chain(v.dst);
    const pc = clientsFor(chain.chainId, chain.rpcUrl, DEVNET_KEYS.relayer).publicClient;
    const s = Number(
      await pc.readContract({
        address: chain.handler,
        abi: interopHandlerAbi,
        functionName: 'messageStatus',
        args: [v.id],
      }),
    );
    if (s !== statusBefore.get(v.id)) stateUnchanged = false;
  }
  if (!stateUnchanged) failures.push('forged proofs changed the L1 state or a handler status');
  return { l1, l2, stateUnchanged, ok: failures.length === 0, failures };
}

// ---------------------------------------------------------------------------------------------------------------
// Security

export type SecurityResult = {
  adminWithoutToken: Array<{ endpoint: string; noToken: number; wrongToken: number; ok: boolean }>;
  roles: Array<{ call: string; error: string; ok: boolean }>;
  ok: boolean;
  failures: string[];
};

/**
 * Admin endpoints refuse without the token (and with a wrong one); the contracts' roles hold: an outsider cannot
 * register/pause chains or submit roots on L1, cannot import roots, set policies or grant roles on an L2 handler,
 * cannot set fees, pause routes or withdraw fees on an L2 center, and a chain's operator cannot import roots into the
 * other chain's handler.
 */
export async function securityChecks(devnet: Devnet): Promise<SecurityResult> {
  const failures: string[] = [];
  const [a, b] = devnet.chains as [Devnet['chains'][0], Devnet['chains'][0]];
  const admin: Array<{ endpoint: string; method: 'GET' | 'POST'; url: string; body?: unknown }> = [
    { endpoint: 'hub POST /chains/:id/approve', method: 'POST', url: `${devnet.hubUrl}/chains/${a.chainId}/approve` },
    { endpoint: 'hub POST /chains/:id/pause', method: 'POST', url: `${devnet.hubUrl}/chains/${a.chainId}/pause` },
    { endpoint: 'hub POST /chains/:id/resume', method: 'POST', url: `${devnet.hubUrl}/chains/${a.chainId}/resume` },
    {
      endpoint: 'bridge POST /fee-policies',
      method: 'POST',
      url: `${devnet.bridgeUrl}/fee-policies`,
      body: { burnBps: 10_000, stakingBps: 0, treasuryBps: 0 },
    },
    {
      endpoint: 'bridge POST /messages/:id/retry',
      method: 'POST',
      url: `${devnet.bridgeUrl}/messages/${keccak256('0x01')}/retry`,
    },
    { endpoint: 'bridge GET /accounting/summary', method: 'GET', url: `${devnet.bridgeUrl}/accounting/summary` },
    { endpoint: 'bridge GET /accounting/entries', method: 'GET', url: `${devnet.bridgeUrl}/accounting/entries` },
    { endpoint: 'bridge GET /accounting/reconcile', method: 'GET', url: `${devnet.bridgeUrl}/accounting/reconcile` },
  ];
  const adminWithoutToken: SecurityResult['adminWithoutToken'] = [];
  for (const e of admin) {
    const none = await httpJson(e.method, e.url, e.body);
    const wrong = await httpJson(e.method, e.url, e.body, `${devnet.adminToken}x`);
    const ok = (none.status === 401 || none.status === 403) && (wrong.status === 401 || wrong.status === 403);
    if (!ok) failures.push(`${e.endpoint}: ${none.status} without token, ${wrong.status} with a wrong one`);
    adminWithoutToken.push({ endpoint: e.endpoint, noToken: none.status, wrongToken: wrong.status, ok });
  }

  const outsider = privateKeyToAccount(OUTSIDER_KEY).address;
  const roles: SecurityResult['roles'] = [];
  const expectRevert = async (
    what: string,
    rpcChain: { chainId: number | bigint; rpcUrl: string },
    account: Address,
    address: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
  ) => {
    const pc = clientsFor(rpcChain.chainId, rpcChain.rpcUrl, OUTSIDER_KEY).publicClient;
    const r = await revertOf(() => pc.simulateContract({ account, address, abi, functionName, args } as never));
    const ok = r.reverted;
    if (!ok) failures.push(`${what} did not revert`);
    roles.push({ call: what, error: r.error, ok });
  };
  const l1 = { chainId: devnet.l1.chainId, rpcUrl: devnet.l1.rpcUrl };
  const real = await lastSubmitRoot(
    clientsFor(devnet.l1.chainId, devnet.l1.rpcUrl, DEVNET_KEYS.deployer).publicClient,
    devnet.l1.hub,
  );
  await expectRevert('L1 registerChain by an outsider', l1, outsider, devnet.l1.hub, interopHubAbi, 'registerChain', [
    777n,
    outsider,
  ]);
  await expectRevert('L1 pauseChain by an outsider', l1, outsider, devnet.l1.hub, interopHubAbi, 'pauseChain', [
    a.chainId,
  ]);
  await expectRevert('L1 setOperator by an outsider', l1, outsider, devnet.l1.hub, interopHubAbi, 'setOperator', [
    a.chainId,
    outsider,
  ]);
  await expectRevert(
    'L1 setOperator by a chain operator',
    l1,
    a.operator,
    devnet.l1.hub,
    interopHubAbi,
    'setOperator',
    [b.chainId, a.operator],
  );
  if (real) {
    // The last settled submission as the next epoch, sent by a chain operator (no SUBMITTER_ROLE).
    const [epoch, shapeId, , newRoot, dataCommitment, groups, proof] = real.args;
    await expectRevert(
      'L1 submitRoot by a chain operator',
      l1,
      a.operator,
      devnet.l1.hub,
      interopHubAbi,
      'submitRoot',
      [epoch + 1n, shapeId, newRoot, newRoot, dataCommitment, groups, proof],
    );
  } else {
    failures.push('no settled submitRoot on L1 for the role check');
  }
  for (const c of [a, b]) {
    const other = c === a ? b : a;
    const ch = { chainId: c.chainId, rpcUrl: c.rpcUrl };
    await expectRevert(
      `L2 ${c.chainId} importSharedRoot by an outsider`,
      ch,
      outsider,
      c.handler,
      interopHandlerAbi,
      'importSharedRoot',
      [999_999n, keccak256('0x02')],
    );
    await expectRevert(
      `L2 ${c.chainId} importSharedRoot by chain ${other.chainId}'s operator`,
      ch,
      other.operator,
      c.handler,
      interopHandlerAbi,
      'importSharedRoot',
      [999_999n, keccak256('0x02')],
    );
    await expectRevert(
      `L2 ${c.chainId} handler.setSourceAllowed by an outsider`,
      ch,
      outsider,
      c.handler,
      interopHandlerAbi,
      'setSourceAllowed',
      [other.chainId, false],
    );
    await expectRevert(
      `L2 ${c.chainId} handler.grantRole by the operator`,
      ch,
      c.operator,
      c.handler,
      interopHandlerAbi,
      'grantRole',
      [keccak256(toHex('OPERATOR_ROLE')), outsider],
    );
    await expectRevert(
      `L2 ${c.chainId} center.setFeeParams by an outsider`,
      ch,
      outsider,
      c.center,
      interopCenterAbi,
      'setFeeParams',
      [other.chainId, { ...DEVNET_FEE_PARAMS, baseFee: 0n }],
    );
    await expectRevert(
      `L2 ${c.chainId} center.pauseRoute by an outsider`,
      ch,
      outsider,
      c.center,
      interopCenterAbi,
      'pauseRoute',
      [other.chainId],
    );
    await expectRevert(
      `L2 ${c.chainId} center.withdrawFees by an outsider`,
      ch,
      outsider,
      c.center,
      interopCenterAbi,
      'withdrawFees',
      [outsider, 1n],
    );
    await expectRevert(
      `L2 ${c.chainId} center.withdrawFees by the relayer`,
      ch,
      privateKeyToAccount(DEVNET_KEYS.relayer).address,
      c.center,
      interopCenterAbi,
      'withdrawFees',
      [outsider, 1n],
    );
  }
  return { adminWithoutToken, roles, ok: failures.length === 0, failures };
}
