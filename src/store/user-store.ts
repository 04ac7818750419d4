// Users, their groups and their bearer tokens (stored as SHA-256 hashes, never in clear).
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { parseJson } from './row-codec';
import type { UserRecord } from './types';

type Row = Record<string, unknown>;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function toUser(r: Row): UserRecord {
  return { id: String(r.id), name: String(r.name), groups: parseJson<string[]>(r.groups, []) };
}

export class UserStore {
  constructor(private readonly knex: Knex) {}

  async create(name: string, groups: string[], token: string, now: string): Promise<UserRecord> {
    const user: UserRecord = { id: crypto.randomUUID(), name, groups };
    await this.knex.transaction(async (trx) => {
      await trx('users').insert({ id: user.id, name, groups: JSON.stringify(groups), created_at: now });
      await trx('tokens').insert({ token_hash: hashToken(token), user_id: user.id, created_at: now });
    });
    return user;
  }

  async findByName(name: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('users').where({ name }).first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('users').where({ id }).first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async findByToken(token: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('tokens as t')
      .join('users as u', 'u.id', 't.user_id')
      .select('u.id', 'u.name', 'u.groups')
      .where('t.token_hash', hashToken(token))
      .first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  /** Adds a token to an existing user (idempotent for the same token). */
  async addToken(userId: string, token: string, now: string): Promise<void> {
    await this.knex('tokens')
      .insert({ token_hash: hashToken(token), user_id: userId, created_at: now })
      .onConflict('token_hash')
      .ignore();
  }

  async list(): Promise<UserRecord[]> {
    const rows = (await this.knex('users').orderBy('name')) as Row[];
    return rows.map(toUser);
  }

  async delete(id: string): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      await trx('tokens').where({ user_id: id }).delete();
      return (await trx('users').where({ id }).delete()) > 0;
    });
  }
}
