/**
 * docker-compose.yml read the way `docker compose` reads it (YAML merge keys, anchors), for the compose e2e test
 * (compose.e2e-spec.ts): the services, their commands, environments, ports, volumes and dependencies, the order
 * compose starts them in, and the rewriting of container names, ports and paths to local processes.
 */
import { readFileSync } from 'node:fs';

import { load, YAML11_SCHEMA } from 'js-yaml';

export type DependsOn = Record<
  string,
  { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully' }
>;

export type ComposeService = {
  name: string;
  image?: string;
  build?: unknown;
  entrypoint: string[];
  command: string[];
  environment: Record<string, string>;
  /** `host:container` mappings (container ports). */
  ports: Array<{ host: number; container: number }>;
  /** Named volumes: volume name -> mount path in the container. */
  volumes: Array<{ volume: string; path: string; readOnly: boolean }>;
  dependsOn: DependsOn;
  healthcheck?: string[];
};

export type ComposeFile = { services: Map<string, ComposeService>; volumes: string[] };

const asArgs = (v: unknown, what: string): string[] => {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return ['sh', '-c', v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new Error(`${what}: must be a list of strings`);
};

/** Parses docker-compose.yml (compose's list forms of `environment` and `depends_on` are accepted too). */
export function loadCompose(file: string): ComposeFile {
  const doc = load(readFileSync(file, 'utf8'), { schema: YAML11_SCHEMA }) as {
    services?: Record<string, Record<string, unknown>>;
    volumes?: Record<string, unknown>;
  };
  if (!doc?.services) throw new Error(`${file}: no services`);
  const services = new Map<string, ComposeService>();
  for (const [name, s] of Object.entries(doc.services)) {
    const envRaw = s.environment ?? {};
    const environment: Record<string, string> = {};
    if (Array.isArray(envRaw)) {
      for (const line of envRaw as string[]) {
        const i = line.indexOf('=');
        if (i > 0) environment[line.slice(0, i)] = line.slice(i + 1);
      }
    } else {
      for (const [k, v] of Object.entries(envRaw as Record<string, unknown>)) {
        if (v === null || v === undefined) continue;
        // compose takes strings, numbers and booleans (rawEnvironmentValues lets the test insist on strings).
        environment[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    const depsRaw = s.depends_on ?? {};
    const dependsOn: DependsOn = Array.isArray(depsRaw)
      ? Object.fromEntries((depsRaw as string[]).map((d) => [d, { condition: 'service_started' as const }]))
      : (depsRaw as DependsOn);
    const ports = ((s.ports ?? []) as string[]).map((p) => {
      const [host, container] = String(p).split(':').map(Number);
      return { host: host!, container: container ?? host! };
    });
    const volumes = ((s.volumes ?? []) as string[]).map((v) => {
      const [volume, path, mode] = String(v).split(':');
      return { volume: volume!, path: path!, readOnly: mode === 'ro' };
    });
    const hc = (s.healthcheck as { test?: unknown } | undefined)?.test;
    const service: ComposeService = {
      name,
      entrypoint: asArgs(s.entrypoint, `${name}.entrypoint`),
      command: asArgs(s.command, `${name}.command`),
      environment,
      ports,
      volumes,
      dependsOn,
    };
    if (typeof s.image === 'string') service.image = s.image;
    if (s.build !== undefined) service.build = s.build;
    if (Array.isArray(hc)) service.healthcheck = hc as string[];
    services.set(name, service);
  }
  return { services, volumes: Object.keys(doc.volumes ?? {}) };
}

/** The raw `environment` values of every service as written (to check they are strings, not YAML numbers). */
export function rawEnvironmentValues(file: string): Array<{ service: string; key: string; value: unknown }> {
  const doc = load(readFileSync(file, 'utf8'), { schema: YAML11_SCHEMA }) as {
    services: Record<string, { environment?: Record<string, unknown> }>;
  };
  return Object.entries(doc.services).flatMap(([service, s]) =>
    Object.entries(s.environment ?? {}).map(([key, value]) => ({ service, key, value })),
  );
}

/** The service's process: entrypoint then command (a `CMD`-form healthcheck drops its `CMD`). */
export function processArgs(s: ComposeService): string[] {
  return [...s.entrypoint, ...s.command];
}

export function healthcheckArgs(s: ComposeService): string[] | undefined {
  if (!s.healthcheck) return undefined;
  const [kind, ...rest] = s.healthcheck;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['sh', '-c', rest.join(' ')];
  throw new Error(`${s.name}.healthcheck: ${kind} is not CMD or CMD-SHELL`);
}

/**
 * Rewrites a value of a container's world into this machine's: `service:port` -> `127.0.0.1:localPort` (every name
 * the compose network resolves), whole URLs given in `urls` (e.g. the Postgres URL with its credentials) and path
 * prefixes (`/deploy` -> a temp dir, `/app/` -> the repository).
 */
export type Rewrites = {
  /** `service:containerPort` -> `host:port` */
  addresses: Map<string, string>;
  /** regex source -> replacement, applied first */
  patterns: Array<[RegExp, string]>;
  /** container path prefix -> local path */
  paths: Array<[string, string]>;
};

export function rewrite(value: string, r: Rewrites): string {
  let v = value;
  for (const [re, to] of r.patterns) v = v.replace(re, to);
  for (const [from, to] of r.addresses) {
    v = v.replace(new RegExp(`(?<![\\w.-])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\d])`, 'g'), to);
  }
  for (const [from, to] of r.paths) {
    if (v === from || v.startsWith(`${from}/`)) v = to + v.slice(from.length);
  }
  return v;
}

/** Compose's start order: a service after everything it depends on; throws on a cycle or an unknown service. */
export function startOrder(compose: ComposeFile): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, from?: string) => {
    const s = compose.services.get(name);
    if (!s) throw new Error(`${from ?? '?'} depends on ${name}, which is not a service`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`depends_on cycle through ${name}`);
    state.set(name, 'visiting');
    for (const d of Object.keys(s.dependsOn)) visit(d, name);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of compose.services.keys()) visit(name);
  return order;
}

/**
 * Whether `.dockerignore` (Docker's syntax: patterns from the context root, `*` within a segment, `**` across
 * segments, `!` re-includes) leaves `path` out of the build context.
 */
export function dockerIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const re = pattern
        .split('**')
        .map((part) =>
          part
            .split('*')
            .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('.*');
      return { negate, re: new RegExp(`^${re}$`) };
    });
  const segments = path.split('/');
  let ignored = false;
  for (const rule of rules) {
    // A pattern matches the path itself or any of its parent folders (an ignored folder takes its contents).
    for (let i = 1; i <= segments.length; i++) {
      if (rule.re.test(segments.slice(0, i).join('/'))) {
        ignored = !rule.negate;
        break;
      }
    }
  }
  return ignored;
}
