import {
  kafkaHealthCheck,
  postgresHealthCheck,
  rpcHealthCheck,
  type HealthCheck,
  type PrismaService,
} from '@interop/infra';

import type { BridgeConfig } from '../config/bridgeConfig';

/** The bridge depends on Postgres, Kafka, the L1 node and every L2 node it relays between. */
export function bridgeHealthChecks(prisma: PrismaService, config: BridgeConfig): HealthCheck[] {
  return [
    postgresHealthCheck(prisma),
    kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: 'bridge-health' }),
    rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID }),
    ...config.CHAINS_JSON.map((c) =>
      rpcHealthCheck({ name: `rpc-l2-${c.chainId}`, url: c.rpcUrl, expectedChainId: c.chainId }),
    ),
  ];
}
