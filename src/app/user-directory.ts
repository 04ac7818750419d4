// Users and their tokens: creating users (the token is shown once), the admin bootstrap (a token
// from the environment replaces the previous one), listing, issuing and revoking tokens, and
// authenticating a bearer token. A deleted user's name is never given to a new user.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Clock } from '../engine/clock';
import type { Store } from '../store/store';
import type { UserRecord } from '../store/types';
import type { TokenRecord, TokenSource } from '../store/user-store';

export type { TokenRecord };

export function newToken(): string {
  return `pf_${crypto.randomBytes(24).toString('base64url')}`;
}

export class UserDirectory {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(name: string, groups: string[], source: TokenSource = 'api', token = newToken()): Promise<UserRecord & { token: string }> {
    const taken = await this.store.users.nameTaken(name);
    if (taken === 'current') throw new AppError('USER_EXISTS', `a user named <${name}> exists`);
    if (taken === 'deleted') {
      throw new AppError('USER_EXISTS', `a user named <${name}> existed and was deleted; names are not reused, so that nobody inherits its orders and tasks`);
    }
    const user = await this.store.users.create(name, [...new Set(groups)], token, this.clock.now().toISOString(), source);
    return { ...user, token };
  }

  authenticate(token: string): Promise<UserRecord | undefined> {
    return this.store.users.findByToken(token);
  }

  list(): Promise<UserRecord[]> {
    return this.store.users.list();
  }

  async get(id: string): Promise<UserRecord> {
    const user = await this.store.users.get(id);
    if (!user) throw new AppError('USER_NOT_FOUND', `user <${id}> does not exist`);
    return user;
  }

  async findByName(name: string): Promise<UserRecord> {
    const user = await this.store.users.findByName(name);
    if (!user) throw new AppError('USER_NOT_FOUND', `user <${name}> does not exist`);
    return user;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.users.delete(id, this.clock.now().toISOString()))) throw new AppError('USER_NOT_FOUND', `user <${id}> does not exist`);
  }

  async tokens(id: string): Promise<TokenRecord[]> {
    await this.get(id);
    return this.store.users.tokens(id);
  }

  /** A new token for the user (shown this once); with `revokeOthers`, its only one (a rotation). */
  async issueToken(id: string, source: TokenSource, revokeOthers = false): Promise<{ id: string; token: string }> {
    await this.get(id);
    const token = newToken();
    const tokenId = await this.store.users.addToken(id, token, this.clock.now().toISOString(), source);
    if (revokeOthers) for (const t of await this.store.users.tokens(id)) if (t.id !== tokenId) await this.store.users.revokeToken(id, t.id);
    return { id: tokenId, token };
  }

  async revokeToken(id: string, tokenId: string): Promise<void> {
    await this.get(id);
    if (!(await this.store.users.revokeToken(id, tokenId))) throw new AppError('NOT_FOUND', `user <${id}> has no token <${tokenId}>`);
  }

  /**
   * Makes sure an `admin` user exists: with the configured token if there is one (it replaces the
   * token the environment gave before, and the generated one), else with a generated token that
   * is logged once (only its hash is stored).
   */
  async ensureAdmin(configuredToken: string | undefined, logger: Logger): Promise<void> {
    const now = this.clock.now().toISOString();
    const admin = await this.store.users.findByName('admin');
    if (admin) {
      if (configuredToken) await this.store.users.replaceEnvToken(admin.id, configuredToken, now);
      return;
    }
    const token = configuredToken ?? newToken();
    await this.store.users.create('admin', ['admin'], token, now, configuredToken ? 'env' : 'generated');
    if (!configuredToken) logger.warn(`created user <admin>; its token, shown this once: ${token}`);
  }
}
