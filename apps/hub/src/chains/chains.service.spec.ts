import { Logger } from '@nestjs/common';
import { interopHubDomain, signChainRegistration } from '@interop/protocol';
import type { Address, Hash, Hex, TransactionReceipt } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import type { L1Chain } from '../l1/l1Hub.repository';
import type { ChainRecord, ChainsStore } from './chains.repository';
import { ChainsService, type L1Registry } from './chains.service';

/** A 0x string as viem's Hex (template literals type as plain string). */
function hex(s: string): Hex {
  return s as Hex;
}

const HUB: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const OTHER: Hex = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const OPERATOR = privateKeyToAccount(KEY).address;

class FakeStore implements ChainsStore {
  rows = new Map<bigint, ChainRecord>();
  find(chainId: bigint) {
    return Promise.resolve(this.rows.get(chainId));
  }
  list() {
    return Promise.resolve([...this.rows.values()]);
  }
  createPending(c: { chainId: bigint; name: string; operator: string; signature: string }) {
    if (this.rows.has(c.chainId)) return Promise.resolve(false);
    this.rows.set(c.chainId, {
      chainId: c.chainId,
      name: c.name,
      operator: c.operator,
      slot: null,
      status: 'pending',
      l1TxHash: null,
      registrationSignature: c.signature,
      registeredAt: new Date(),
      approvedAt: null,
    });
    return Promise.resolve(true);
  }
  nextSlot() {
    const slots = [...this.rows.values()].map((r) => r.slot ?? -1);
    return Promise.resolve(Math.max(-1, ...slots) + 1);
  }
  markApproving(chainId: bigint, slot: number) {
    Object.assign(this.rows.get(chainId)!, { status: 'approving', slot, approvedAt: new Date() });
    return Promise.resolve();
  }
  setL1TxHash(chainId: bigint, hash: string) {
    this.rows.get(chainId)!.l1TxHash = hash;
    return Promise.resolve();
  }
  markActive(chainId: bigint, slot: number, l1TxHash: string | null) {
    Object.assign(this.rows.get(chainId)!, { status: 'active', slot, l1TxHash });
    return Promise.resolve();
  }
  setStatus(chainId: bigint, status: ChainRecord['status']) {
    this.rows.get(chainId)!.status = status;
    return Promise.resolve();
  }
  listApproving() {
    return Promise.resolve([...this.rows.values()].filter((r) => r.status === 'approving'));
  }
}

/** An in-memory InteropHub registry: slots in registration order, like the contract. */
class FakeL1 implements L1Registry {
  chains = new Map<bigint, L1Chain>();
  sent: string[] = [];
  private pendingSlot: number | undefined;
  getChain(chainId: bigint) {
    return Promise.resolve(
      this.chains.get(chainId) ?? {
        registered: false,
        paused: false,
        operator: hex(`0x${'00'.repeat(20)}`),
        slot: 0,
        nextBatchNumber: 0n,
      },
    );
  }
  sendRegisterChain(chainId: bigint, operator: Address) {
    this.sent.push(`register ${chainId}`);
    this.pendingSlot = this.chains.size;
    this.chains.set(chainId, {
      registered: true,
      paused: false,
      operator,
      slot: this.pendingSlot,
      nextBatchNumber: 0n,
    });
    return Promise.resolve(hex(`0x${'11'.repeat(32)}`));
  }
  sendPauseChain(chainId: bigint) {
    this.sent.push(`pause ${chainId}`);
    this.chains.get(chainId)!.paused = true;
    return Promise.resolve(hex(`0x${'22'.repeat(32)}`));
  }
  sendResumeChain(chainId: bigint) {
    this.sent.push(`resume ${chainId}`);
    this.chains.get(chainId)!.paused = false;
    return Promise.resolve(hex(`0x${'33'.repeat(32)}`));
  }
  waitForReceipt(hash: Hash) {
    return Promise.resolve({ status: 'success', transactionHash: hash, logs: [] } as unknown as TransactionReceipt);
  }
  registeredSlot() {
    return this.pendingSlot;
  }
}

async function body(chainId: bigint, key: Hex = KEY, operator: Address = OPERATOR) {
  const signature = await signChainRegistration(key, interopHubDomain(900n, HUB), { chainId, name: 'alpha', operator });
  return { chainId, name: 'alpha', operator, signature };
}

// The services log each recovery step; the assertions cover them.
Logger.overrideLogger(false);

describe('ChainsService (fake store and L1)', () => {
  let store: FakeStore;
  let l1: FakeL1;
  let service: ChainsService;

  beforeEach(() => {
    store = new FakeStore();
    l1 = new FakeL1();
    service = new ChainsService(store, l1, { l1ChainId: 900n, hubAddress: HUB, slotCapacity: 2 });
  });

  it('registers a chain as pending, once', async () => {
    expect(await service.register(await body(901n))).toMatchObject({
      status: 'pending',
      operator: OPERATOR.toLowerCase(),
    });
    await expect(service.register(await body(901n))).rejects.toMatchObject({ code: 'CHAIN_DUPLICATE' });
  });

  it('refuses a registration not signed by the operator it names', async () => {
    await expect(service.register(await body(901n, OTHER))).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      httpStatus: 400,
    });
    expect(store.rows.size).toBe(0);
  });

  it('approval assigns slots in order, registers on L1 and activates; a full slot space is refused', async () => {
    for (const id of [901n, 902n, 903n]) await service.register(await body(id));
    expect(await service.approve(901n)).toMatchObject({
      status: 'active',
      slot: 0,
      l1TxHash: hex(`0x${'11'.repeat(32)}`),
    });
    expect(await service.approve(902n)).toMatchObject({ status: 'active', slot: 1 });
    await expect(service.approve(903n)).rejects.toMatchObject({ code: 'SLOT_SPACE_FULL' });
    await expect(service.approve(901n)).rejects.toMatchObject({ code: 'CHAIN_NOT_PENDING' });
    await expect(service.approve(999n)).rejects.toMatchObject({ code: 'CHAIN_UNKNOWN' });
    expect(l1.sent).toEqual(['register 901', 'register 902']);
  });

  it('after a crash between the L1 transaction and the DB update, reconcile activates without sending again', async () => {
    await service.register(await body(901n));
    await store.markApproving(901n, 0);
    await l1.sendRegisterChain(901n, OPERATOR); // got through before the crash
    await service.reconcile();
    expect(store.rows.get(901n)).toMatchObject({ status: 'active', slot: 0 });
    expect(l1.sent).toEqual(['register 901']);
  });

  it('reconcile sends the registration when the intent was recorded but nothing reached L1', async () => {
    await service.register(await body(901n));
    await store.markApproving(901n, 0);
    await service.reconcile();
    expect(store.rows.get(901n)!.status).toBe('active');
    expect(l1.sent).toEqual(['register 901']);
  });

  it('pause and resume mirror on L1, skipping the transaction when L1 already agrees', async () => {
    await service.register(await body(901n));
    await service.approve(901n);
    expect((await service.pause(901n)).status).toBe('paused');
    await expect(service.pause(901n)).rejects.toMatchObject({ code: 'CHAIN_NOT_ACTIVE' });
    expect((await service.resume(901n)).status).toBe('active');
    await expect(service.resume(901n)).rejects.toMatchObject({ code: 'CHAIN_NOT_PAUSED' });
    l1.chains.get(901n)!.paused = true; // paused on L1 by someone else
    await service.pause(901n);
    expect(l1.sent).toEqual(['register 901', 'pause 901', 'resume 901']);
  });
});
