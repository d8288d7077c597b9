import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The page's files: name -> content type. Nothing else is served. */
export const OPERATOR_ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * The folder of the page's static files: `public/` next to this file when it runs from sources (tsx, jest), or the
 * sources' `apps/bridge/src/operator/public` when it runs from `dist/` (nest build copies no assets).
 */
export function operatorAssetsDir(start: string = __dirname): string {
  const local = path.join(start, 'public');
  if (existsSync(path.join(local, 'index.html'))) return local;
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'apps', 'bridge', 'src', 'operator', 'public');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return local;
    dir = parent;
  }
}

/** Reads one asset (cached after the first read). */
export class OperatorAssets {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly dir: string = operatorAssetsDir()) {}

  read(name: string): { body: Buffer; contentType: string } | undefined {
    const contentType = OPERATOR_ASSETS[name];
    if (!contentType) return undefined;
    let body = this.cache.get(name);
    if (!body) {
      body = readFileSync(path.join(this.dir, name));
      this.cache.set(name, body);
    }
    return { body, contentType };
  }
}
