// Idempotency keys (`Idempotency-Key` on start, complete, external-task completion and messages):
// the first answer is stored in the transaction of the event it caused, so a client that retries
// after a lost answer gets that same answer again and nothing runs twice. Keys are per user (by
// name: names are never reused) — also when the retry
// races the first attempt (the second insert of the key fails its whole event, which then answers
// what the first stored).
import crypto from 'node:crypto';
import { AppError } from '../errors/app-error';
import type { AnswerWrite, InstanceRecord } from '../store/types';
import type { Actor } from './access';
import type { AppContext } from './context';

/** Shapes the use case's answer from what its event committed. */
export type AnswerShape<T> = (answer: { instance: InstanceRecord; openIncidents: number }) => T;

/** Hands a use case the writes that store its answer under the key (none without a key). */
export type RecordAnswer<T> = (shape: AnswerShape<T>) => AnswerWrite[];

const KEY = /^[\x21-\x7e]{1,255}$/;

export class Idempotency {
  constructor(private readonly ctx: AppContext) {}

  /** Runs `work` once per caller and key; a repeat with the same request answers the stored result. */
  async once<T>(actor: Actor, key: string | undefined, operation: string, request: unknown, work: (record: RecordAnswer<T>) => Promise<T>): Promise<T> {
    if (key === undefined) return work(() => []);
    if (!KEY.test(key)) {
      throw new AppError('VALIDATION_FAILED', `expected Idempotency-Key to be 1 to 255 visible ASCII characters, found <${key.slice(0, 40)}>`, {
        errors: [{ pointer: '/headers/idempotency-key', message: 'invalid key' }],
      });
    }
    const requestHash = crypto
      .createHash('sha256')
      .update(JSON.stringify(request ?? null))
      .digest('hex');
    const stored = await this.replay<T>(actor, key, operation, requestHash);
    if (stored) return stored.result;
    const now = this.ctx.clock.now().toISOString();
    try {
      return await work((shape) => [this.ctx.store.idempotency.record(actor.name, key, { operation, requestHash }, shape, now)]);
    } catch (err) {
      // The same request may have won a race: its answer stands.
      const raced = await this.replay<T>(actor, key, operation, requestHash);
      if (raced) return raced.result;
      throw err;
    }
  }

  private async replay<T>(actor: Actor, key: string, operation: string, requestHash: string): Promise<{ result: T } | undefined> {
    const found = await this.ctx.store.idempotency.find(actor.name, key);
    if (!found) return undefined;
    if (found.operation !== operation || found.requestHash !== requestHash) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key <${key}> was used for another request (${found.operation}); use a new key for a new request`,
      );
    }
    return { result: found.result as T };
  }
}
