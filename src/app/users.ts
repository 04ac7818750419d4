// Users (admin): list, create (the token is shown once), delete; and who a bearer token is.
import crypto from 'node:crypto';
import type { UserRecord } from '../store/types';
import { mayReadMetrics, requireCapability, requireSelfOr, type Actor, type AuthedActor } from './access';
import type { TokenRecord, UserDirectory } from './user-directory';

export class Users {
  constructor(
    private readonly directory: UserDirectory,
    /** The read-only token for /metrics from the configuration, if any. */
    private readonly metricsToken?: string,
  ) {}

  /** Whether a bearer token may read /metrics: the configured metrics token, or a user of group admin or metrics. */
  async metricsAccess(token: string): Promise<'allowed' | 'unknown' | 'forbidden'> {
    if (this.metricsToken && token.length === this.metricsToken.length && crypto.timingSafeEqual(Buffer.from(token), Buffer.from(this.metricsToken))) {
      return 'allowed';
    }
    const user = await this.directory.authenticate(token);
    if (!user) return 'unknown';
    return mayReadMetrics(user) ? 'allowed' : 'forbidden';
  }

  authenticate(token: string): Promise<UserRecord | undefined> {
    return this.directory.authenticate(token);
  }

  list(actor: Actor): Promise<UserRecord[]> {
    requireCapability(actor, 'users');
    return this.directory.list();
  }

  create(actor: Actor, name: string, groups: string[]): Promise<UserRecord & { token: string }> {
    requireCapability(actor, 'users');
    return this.directory.create(name, groups);
  }

  delete(actor: Actor, id: string): Promise<void> {
    requireCapability(actor, 'users');
    return this.directory.delete(id);
  }

  /** A user's tokens (never the tokens themselves): admins, or the user for its own. */
  tokens(actor: AuthedActor, id: string): Promise<TokenRecord[]> {
    requireSelfOr(actor, id);
    return this.directory.tokens(id);
  }

  /** A new token, shown this once; `rotate` revokes every other token of the user. */
  issueToken(actor: AuthedActor, id: string, rotate: boolean): Promise<{ id: string; token: string }> {
    requireSelfOr(actor, id);
    return this.directory.issueToken(id, 'api', rotate);
  }

  revokeToken(actor: AuthedActor, id: string, tokenId: string): Promise<void> {
    requireSelfOr(actor, id);
    return this.directory.revokeToken(id, tokenId);
  }
}
