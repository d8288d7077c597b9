import { interopHubDomain, recoverChainRegistrationSigner } from '@interop/protocol';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { getAddress, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem';

import type { HubNetwork } from '../config/hubNetwork';
import type { HubConfig } from '../config/hubConfig';
import {
  ChainDuplicateError,
  ChainStateError,
  ChainUnknownError,
  L1TransactionError,
  SignatureInvalidError,
  SlotSpaceFullError,
} from '../errors/hubErrors';
import { L1HubRepository, type L1Chain } from '../l1/l1Hub.repository';
import type { RegisterChainDto } from './chains.dto';
import { ChainsRepository, type ChainRecord, type ChainsStore } from './chains.repository';

/** The L1 registry calls the service needs (implemented by L1HubRepository). */
export type L1Registry = Pick<
  L1HubRepository,
  'getChain' | 'sendRegisterChain' | 'sendPauseChain' | 'sendResumeChain' | 'waitForReceipt' | 'registeredSlot'
>;

/** Settings of the registry. */
export type ChainsSettings = { l1ChainId: bigint; hubAddress: Address; slotCapacity: number };

/**
 * The chain registry: operators register (pending), an admin approves (slot + L1 `registerChain`), pauses and
 * resumes (mirrored on L1). L1 is the authority: approval records its intent first and, after a crash, reconciles
 * with L1 (a chain L1 already has becomes active without a second transaction).
 */
@Injectable()
export class ChainsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ChainsService');
  /** Approvals, pauses and resumes run one at a time: slots are assigned in order and L1 nonces do not race. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(ChainsRepository) private readonly store: ChainsStore,
    @Inject(L1HubRepository) private readonly l1: L1Registry,
    @Inject('CHAINS_SETTINGS') private readonly settings: ChainsSettings,
  ) {}

  /** Finishes approvals a previous run left half-done (retried by the next approve call if L1 is down now). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.reconcile();
    } catch (e) {
      this.logger.warn(`could not reconcile pending approvals with L1: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async register(dto: RegisterChainDto): Promise<ChainRecord> {
    const operator = getAddress(dto.operator);
    const domain = interopHubDomain(this.settings.l1ChainId, this.settings.hubAddress);
    let recovered: Address;
    try {
      recovered = await recoverChainRegistrationSigner(
        domain,
        { chainId: dto.chainId, name: dto.name, operator },
        dto.signature as Hex,
      );
    } catch (e) {
      throw new SignatureInvalidError(operator, null, e instanceof Error ? e.message : String(e));
    }
    if (recovered !== operator) throw new SignatureInvalidError(operator, recovered);
    const created = await this.store.createPending({
      chainId: dto.chainId,
      name: dto.name,
      operator: operator.toLowerCase(),
      signature: dto.signature,
    });
    const chain = await this.store.find(dto.chainId);
    if (!created || !chain) throw new ChainDuplicateError(dto.chainId, chain?.status ?? 'unknown');
    return chain;
  }

  list(): Promise<ChainRecord[]> {
    return this.store.list();
  }

  async get(chainId: bigint): Promise<ChainRecord> {
    const chain = await this.store.find(chainId);
    if (!chain) throw new ChainUnknownError(chainId);
    return chain;
  }

  /** Assigns the next slot and registers the chain on L1; resolves with the active chain. */
  approve(chainId: bigint): Promise<ChainRecord> {
    return this.serial(async () => {
      const chain = await this.get(chainId);
      if (chain.status !== 'pending' && chain.status !== 'approving') {
        throw new ChainStateError('CHAIN_NOT_PENDING', chainId, chain.status);
      }
      if (chain.status === 'pending') {
        const slot = await this.store.nextSlot();
        if (slot >= this.settings.slotCapacity) throw new SlotSpaceFullError(this.settings.slotCapacity);
        await this.store.markApproving(chainId, slot); // the intent, before anything goes to L1
      }
      await this.finishApproval(chainId);
      return this.get(chainId);
    });
  }

  pause(chainId: bigint): Promise<ChainRecord> {
    return this.serial(async () => {
      const chain = await this.get(chainId);
      if (chain.status !== 'active') throw new ChainStateError('CHAIN_NOT_ACTIVE', chainId, chain.status);
      if (!(await this.l1.getChain(chainId)).paused) {
        await this.confirm('pauseChain', chainId, await this.l1.sendPauseChain(chainId));
      }
      await this.store.setStatus(chainId, 'paused');
      return this.get(chainId);
    });
  }

  resume(chainId: bigint): Promise<ChainRecord> {
    return this.serial(async () => {
      const chain = await this.get(chainId);
      if (chain.status !== 'paused') throw new ChainStateError('CHAIN_NOT_PAUSED', chainId, chain.status);
      if ((await this.l1.getChain(chainId)).paused) {
        await this.confirm('resumeChain', chainId, await this.l1.sendResumeChain(chainId));
      }
      await this.store.setStatus(chainId, 'active');
      return this.get(chainId);
    });
  }

  /** Completes every approval that recorded its intent but did not finish (crash between DB and L1). */
  async reconcile(): Promise<void> {
    await this.serial(async () => {
      for (const chain of await this.store.listApproving()) {
        this.logger.log(`resuming the approval of chain ${chain.chainId}`);
        await this.finishApproval(chain.chainId);
      }
    });
  }

  /** L1 first: if it has the chain already (an earlier attempt got through), only the DB is updated. */
  private async finishApproval(chainId: bigint): Promise<void> {
    const chain = await this.get(chainId);
    let onL1: L1Chain = await this.l1.getChain(chainId);
    let txHash = chain.l1TxHash;
    if (!onL1.registered) {
      const hash = await this.l1.sendRegisterChain(chainId, getAddress(chain.operator));
      await this.store.setL1TxHash(chainId, hash);
      txHash = hash;
      await this.confirm('registerChain', chainId, hash);
      onL1 = await this.l1.getChain(chainId);
    }
    if (!onL1.registered) throw new L1TransactionError('registerChain', { chainId, reason: 'not registered on L1' });
    if (onL1.operator.toLowerCase() !== chain.operator) {
      throw new L1TransactionError('registerChain', { chainId, reason: `L1 has operator ${onL1.operator}` });
    }
    // L1 assigned the slot (its chainCount); it is the one every proof uses.
    await this.store.markActive(chainId, onL1.slot, txHash);
  }

  private async confirm(what: string, chainId: bigint, hash: Hash): Promise<TransactionReceipt> {
    const receipt = await this.l1.waitForReceipt(hash);
    if (receipt.status !== 'success') throw new L1TransactionError(what, { chainId, txHash: hash });
    return receipt;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** The registry settings from the config. */
export function chainsSettings(config: HubConfig, network: Pick<HubNetwork, 'sharedDepth'>): ChainsSettings {
  return {
    l1ChainId: config.L1_CHAIN_ID,
    hubAddress: config.L1_HUB_ADDRESS,
    slotCapacity: 2 ** network.sharedDepth,
  };
}

/** Token of the settings provider. */
export const CHAINS_SETTINGS = 'CHAINS_SETTINGS';
