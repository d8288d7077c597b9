import {
  consumersHealthCheck,
  kafkaHealthCheck,
  postgresHealthCheck,
  rpcHealthCheck,
  type ConsumerRegistry,
  type HealthCheck,
  type PrismaService,
} from '@interop/infra';

import type { BridgeConfig } from '../config/bridgeConfig';

/** The bridge depends on Postgres, Kafka (the broker and its intake consumer), the L1 node and every L2 node. */
export function bridgeHealthChecks(
  prisma: PrismaService,
  config: BridgeConfig,
  consumers: ConsumerRegistry,
): HealthCheck[] {
  return [
    postgresHealthCheck(prisma),
    kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: 'bridge-health' }),
    consumersHealthCheck(consumers),
    rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID }),
    ...config.CHAINS_JSON.map((c) =>
      rpcHealthCheck({ name: `rpc-l2-${c.chainId}`, url: c.rpcUrl, expectedChainId: c.chainId }),
    ),
  ];
}
