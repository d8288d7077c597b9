import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root: the nearest ancestor of this file holding `circuits/shapes`. Lets the prover find the
 * build outputs whether it runs from sources (tsx, jest) or from a compiled `dist/`.
 */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'circuits', 'instances'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
