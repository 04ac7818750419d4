// Users and their tokens: creating users (the token is shown once), the admin bootstrap, and
// authenticating a bearer token.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { AppError } from '../errors/app-error';
import type { Clock } from '../engine/clock';
import type { Store } from '../store/store';
import type { UserRecord } from '../store/types';

export function newToken(): string {
  return `pf_${crypto.randomBytes(24).toString('base64url')}`;
}

export class UserDirectory {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(name: string, groups: string[], token = newToken()): Promise<UserRecord & { token: string }> {
    if (await this.store.users.findByName(name)) throw new AppError('USER_EXISTS', `a user named <${name}> exists`);
    const user = await this.store.users.create(name, [...new Set(groups)], token, this.clock.now().toISOString());
    return { ...user, token };
  }

  authenticate(token: string): Promise<UserRecord | undefined> {
    return this.store.users.findByToken(token);
  }

  list(): Promise<UserRecord[]> {
    return this.store.users.list();
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.users.delete(id))) throw new AppError('USER_NOT_FOUND', `user <${id}> does not exist`);
  }

  /**
   * Makes sure an `admin` user exists: with the configured token if there is one, else with a
   * generated token that is logged once (only its hash is stored).
   */
  async ensureAdmin(configuredToken: string | undefined, logger: Logger): Promise<void> {
    const now = this.clock.now().toISOString();
    const admin = await this.store.users.findByName('admin');
    if (admin) {
      if (configuredToken) await this.store.users.addToken(admin.id, configuredToken, now);
      return;
    }
    const token = configuredToken ?? newToken();
    await this.store.users.create('admin', ['admin'], token, now);
    if (!configuredToken) logger.warn(`created user <admin>; its token, shown this once: ${token}`);
  }
}
