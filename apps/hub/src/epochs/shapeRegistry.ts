import { Logger } from '@nestjs/common';

import type { L1HubRepository, L1Shape } from '../l1/l1Hub.repository';

/** An epoch shape the hub can prove (its circuit is built here): circuits/shapes/<name>.json joined with its L1 id. */
export type HubShape = { name: string; shapeId: number; k: number; groupSize: number; groups: number };

/** Which shapes the aggregator may use now. */
export interface EpochShapes {
  /** The hub's shapes that are active on L1 right now (cached for a few seconds), smallest K first. */
  usable(): Promise<HubShape[]>;
  /** A hub shape by its L1 id, active or not (an epoch names the shape it was proved with). */
  byId(shapeId: number): HubShape | undefined;
  /** Forget the cached L1 view (after L1 refused a shape). */
  invalidate(): void;
}

/**
 * The aggregator's shapes: the circuits configured for this hub (EPOCH_SHAPES) intersected with the shapes active
 * on L1 (`activeShapeIds`), so an admin adds or retires a shape on L1 and the hub follows without a restart
 * (SPEC "Epoch shape"). The L1 view is cached for `ttlMs`.
 */
export class ShapeRegistry implements EpochShapes {
  private readonly logger = new Logger('ShapeRegistry');
  private cached: { at: number; shapes: HubShape[] } | undefined;
  private lastLogged = '';

  constructor(
    private readonly local: readonly HubShape[],
    private readonly l1: Pick<L1HubRepository, 'activeShapes'>,
    private readonly ttlMs = 5_000,
  ) {}

  async usable(): Promise<HubShape[]> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.shapes;
    const active: L1Shape[] = await this.l1.activeShapes();
    const ids = new Set(active.map((s) => s.shapeId));
    const shapes = this.local.filter((s) => ids.has(s.shapeId)).sort((a, b) => a.k - b.k || a.groups - b.groups);
    const summary = shapes.map((s) => s.name).join(',');
    if (summary !== this.lastLogged) {
      const inactive = this.local.filter((s) => !ids.has(s.shapeId)).map((s) => s.name);
      this.logger.log(
        `epoch shapes in use: ${summary || 'none'}` +
          (inactive.length ? ` (not active on L1: ${inactive.join(',')})` : ''),
      );
      this.lastLogged = summary;
    }
    this.cached = { at: Date.now(), shapes };
    return shapes;
  }

  byId(shapeId: number): HubShape | undefined {
    return this.local.find((s) => s.shapeId === shapeId);
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
