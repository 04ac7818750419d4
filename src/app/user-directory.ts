// Users and their tokens: creating users (the token is shown once), the admin bootstrap (a token
// from the environment replaces the previous one), listing, issuing and revoking tokens, and
// authenticating a bearer token. A deleted user's name is never given to a new user.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Clock } from '../engine/clock';
import type { Store } from '../store/store';
import type { UserRecord } from '../store/types';
import { hashToken, type TokenRecord, type TokenSource } from '../store/user-store';

export type { TokenRecord };

/** How many token → user answers a node keeps in memory (the least recently used go first). */
export const TOKEN_CACHE_SIZE = 10_000;

/**
 * Token → user answers, valid only under the token epoch they were looked up in. Every request
 * reads the epoch (one primary-key read of a one-row table, cheaper than the token join) and the
 * cache empties as soon as it differs, so a token revoked on any node fails on the next request.
 */
class TokenCache {
  private epoch: number | undefined;
  private readonly entries = new Map<string, { user: UserRecord; epoch: number }>();

  get(hash: string, epoch: number): UserRecord | undefined {
    if (epoch !== this.epoch) {
      this.entries.clear();
      this.epoch = epoch;
      return undefined;
    }
    const hit = this.entries.get(hash);
    if (!hit || hit.epoch !== epoch) return undefined;
    // Most recently used last.
    this.entries.delete(hash);
    this.entries.set(hash, hit);
    return hit.user;
  }

  set(hash: string, epoch: number, user: UserRecord): void {
    // An answer looked up under an epoch that is no longer the newest one read is not kept.
    if (epoch !== this.epoch) return;
    this.entries.set(hash, { user, epoch });
    while (this.entries.size > TOKEN_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
    this.epoch = undefined;
  }
}

export function newToken(): string {
  return `pf_${crypto.randomBytes(24).toString('base64url')}`;
}

export class UserDirectory {
  private readonly cache = new TokenCache();

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

  /** Who a token is: from memory when the token epoch has not changed since it was looked up. */
  async authenticate(token: string): Promise<UserRecord | undefined> {
    const hash = hashToken(token);
    const epoch = await this.store.users.tokenEpoch();
    const cached = this.cache.get(hash, epoch);
    if (cached) return cached;
    const user = await this.store.users.findByToken(token);
    // Unknown tokens are not remembered: anyone can send any number of them.
    if (user) this.cache.set(hash, epoch, user);
    return user;
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
    const deleted = await this.store.users.delete(id, this.clock.now().toISOString());
    this.cache.clear();
    if (!deleted) throw new AppError('USER_NOT_FOUND', `user <${id}> does not exist`);
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
    if (revokeOthers) {
      const others = (await this.store.users.tokens(id)).filter((t) => t.id !== tokenId).map((t) => t.id);
      await this.store.users.revokeTokens(id, others);
      this.cache.clear();
    }
    return { id: tokenId, token };
  }

  async revokeToken(id: string, tokenId: string): Promise<void> {
    await this.get(id);
    const revoked = await this.store.users.revokeToken(id, tokenId);
    this.cache.clear();
    if (!revoked) throw new AppError('NOT_FOUND', `user <${id}> has no token <${tokenId}>`);
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
      this.cache.clear();
      return;
    }
    const token = configuredToken ?? newToken();
    await this.store.users.create('admin', ['admin'], token, now, configuredToken ? 'env' : 'generated');
    if (!configuredToken) logger.warn(`created user <admin>; its token, shown this once: ${token}`);
  }
}
