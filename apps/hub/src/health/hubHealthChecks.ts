import {
  kafkaHealthCheck,
  postgresHealthCheck,
  rpcHealthCheck,
  type HealthCheck,
  type PrismaService,
} from '@interop/infra';

import type { HubConfig } from '../config/hubConfig';

/** The hub depends on Postgres, Kafka and the L1 node. */
export function hubHealthChecks(prisma: PrismaService, config: HubConfig): HealthCheck[] {
  return [
    postgresHealthCheck(prisma),
    kafkaHealthCheck({ brokers: config.KAFKA_BROKERS, clientId: 'hub-health' }),
    rpcHealthCheck({ name: 'rpc-l1', url: config.L1_RPC_URL, expectedChainId: config.L1_CHAIN_ID }),
  ];
}
