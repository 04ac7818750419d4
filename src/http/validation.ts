// Request validation at the edge with zod; failures become 400 VALIDATION_FAILED with pointers.
import type { z } from 'zod';
import { AppError } from '../errors/app-error';

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({ pointer: `/${i.path.map(String).join('/')}`, message: i.message }));
  throw new AppError('VALIDATION_FAILED', `the request ${where} is not valid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, { errors });
}
