/**
 * One dependency the app needs (a database, a broker, an RPC node). `check` resolves (optionally with details
 * worth showing, e.g. the chain id) when the dependency answers and rejects with the reason otherwise.
 * `close` releases what the check holds open (connections) at shutdown.
 */
export type HealthCheck = {
  name: string;
  check: () => Promise<Record<string, unknown> | void>;
  close?: () => Promise<void>;
};

/** Injection token of the app's `HealthCheck[]`, provided by `HealthModule.forRootAsync`. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
