import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a request part with a zod schema and returns the parsed value; a ZodError reaches the global filter,
 * which answers 400 VALIDATION_FAILED with the issues.
 *
 * @example
 * register(@Body(new ZodPipe(registerChainSchema)) dto: RegisterChainDto) {}
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return this.schema.parse(value);
  }
}
