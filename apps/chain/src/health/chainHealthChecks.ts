import {
  kafkaHealthCheck,
  postgresHealthCheck,
  rpcHealthCheck,
  type HealthCheck,
  type PrismaService,
} from '@interop/infra';

import type { ChainConfig } from '../config/chainConfig';
import type { ChainMetrics } from '../metrics/chainMetrics';

/**
 * A chain app depends on Postgres, Kafka, its own L2 node and the L1 node; the `pipeline` check reports the last
 * block seen, the last batch sealed and the lag (head - last sealed block), and is down after a deep reorg.
 */
export function chainHealthChecks(prisma: PrismaService, config: ChainConfig, metrics: ChainMetrics): HealthCheck[] {
  return [
    postgresHealthCheck(prisma),
    kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: `chain-${config.CHAIN_ID}-health` }),
    rpcHealthCheck({ name: `rpc-l2-${config.CHAIN_ID}`, url: config.L2_RPC_URL, expectedChainId: config.CHAIN_ID }),
    rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID }),
    {
      name: 'pipeline',
      check: () => {
        const s = metrics.state;
        if (s.fatal) return Promise.reject(new Error(s.fatal));
        const str = (v: bigint | null) => (v === null ? null : v.toString());
        return Promise.resolve({
          head: str(s.head),
          lastBlockSeen: str(s.lastBlockSeen),
          lastSealedBatch: str(s.lastSealedBatch),
          lastSealedBlock: str(s.lastSealedBlock),
          lagBlocks: str(metrics.lag()),
          lastImportedEpoch: str(s.lastImportedEpoch),
          lastError: s.lastError,
        });
      },
    },
  ];
}
