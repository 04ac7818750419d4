// Users, their groups and their bearer tokens (stored as SHA-256 hashes, never in clear).
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { parseJson, toIso } from './row-codec';
import type { UserRecord } from './types';

type Row = Record<string, unknown>;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function toUser(r: Row): UserRecord {
  return { id: String(r.id), name: String(r.name), groups: parseJson<string[]>(r.groups, []) };
}

export type TokenSource = 'env' | 'generated' | 'api' | 'cli';

export interface TokenRecord {
  id: string;
  userId: string;
  source: TokenSource | null;
  createdAt: string;
}

function toToken(r: Row): TokenRecord {
  return { id: String(r.id), userId: String(r.user_id), source: (r.source as TokenSource | null) ?? null, createdAt: toIso(r.created_at) as string };
}

/** Raises the token epoch, in the transaction that takes a token away (see migration 20261220000041). */
async function bumpTokenEpoch(trx: Knex.Transaction): Promise<void> {
  await trx('token_epoch').where({ id: 1 }).increment('epoch', 1);
}

export class UserStore {
  constructor(private readonly knex: Knex) {}

  /**
   * The token epoch: it changes whenever a token stops being valid. One primary-key read of a
   * one-row table, made on every authenticated request so that cached tokens are never stale.
   */
  async tokenEpoch(): Promise<number> {
    const row: Row | undefined = await this.knex('token_epoch').where({ id: 1 }).first('epoch');
    return Number(row?.epoch ?? 0);
  }

  async create(name: string, groups: string[], token: string, now: string, source: TokenSource): Promise<UserRecord> {
    const user: UserRecord = { id: crypto.randomUUID(), name, groups };
    await this.knex.transaction(async (trx) => {
      await trx('users').insert({ id: user.id, name, groups: JSON.stringify(groups), created_at: now });
      await trx('tokens').insert({ token_hash: hashToken(token), id: crypto.randomUUID(), user_id: user.id, source, created_at: now });
    });
    return user;
  }

  /** A current user by name (a deleted one is not found). */
  async findByName(name: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('users').where({ name }).whereNull('deleted_at').first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  /** Whether the name was ever used, by a current or a deleted user: names are never reused. */
  async nameTaken(name: string): Promise<'current' | 'deleted' | false> {
    const row: Row | undefined = await this.knex('users').where({ name }).first('deleted_at');
    if (!row) return false;
    return row.deleted_at ? 'deleted' : 'current';
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('users').where({ id }).whereNull('deleted_at').first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async findByToken(token: string): Promise<UserRecord | undefined> {
    const row = (await this.knex('tokens as t')
      .join('users as u', 'u.id', 't.user_id')
      .select('u.id', 'u.name', 'u.groups')
      .where('t.token_hash', hashToken(token))
      .whereNull('u.deleted_at')
      .first()) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  /** Adds a token to an existing user (idempotent for the same token); returns its id. */
  async addToken(userId: string, token: string, now: string, source: TokenSource): Promise<string> {
    const hash = hashToken(token);
    await this.knex('tokens').insert({ token_hash: hash, id: crypto.randomUUID(), user_id: userId, source, created_at: now }).onConflict('token_hash').ignore();
    const row: Row | undefined = await this.knex('tokens').where({ token_hash: hash }).first('id');
    return String(row?.id);
  }

  async tokens(userId: string): Promise<TokenRecord[]> {
    const rows = (await this.knex('tokens').where({ user_id: userId }).orderBy('created_at')) as Row[];
    return rows.map(toToken);
  }

  async revokeToken(userId: string, tokenId: string): Promise<boolean> {
    return this.revokeTokens(userId, [tokenId]).then((n) => n > 0);
  }

  /** Revokes the given tokens of a user in one transaction; returns how many there were. */
  async revokeTokens(userId: string, tokenIds: string[]): Promise<number> {
    if (!tokenIds.length) return 0;
    return this.knex.transaction(async (trx) => {
      const n = await trx('tokens').where({ user_id: userId }).whereIn('id', tokenIds).delete();
      if (n > 0) await bumpTokenEpoch(trx);
      return n;
    });
  }

  /**
   * Makes `token` the user's only token from the environment: every other token of the user
   * that did not come from the API or the CLI is revoked.
   */
  async replaceEnvToken(userId: string, token: string, now: string): Promise<void> {
    const hash = hashToken(token);
    await this.knex.transaction(async (trx) => {
      const n = await trx('tokens')
        .where({ user_id: userId })
        .whereNot('token_hash', hash)
        .andWhere((w) => void w.whereNull('source').orWhereIn('source', ['env', 'generated']))
        .delete();
      if (n > 0) await bumpTokenEpoch(trx);
      await trx('tokens')
        .insert({ token_hash: hash, id: crypto.randomUUID(), user_id: userId, source: 'env', created_at: now })
        .onConflict('token_hash')
        .ignore();
    });
  }

  async list(): Promise<UserRecord[]> {
    const rows = (await this.knex('users').whereNull('deleted_at').orderBy('name')) as Row[];
    return rows.map(toUser);
  }

  /** Deletes a user: its tokens go at once; the row stays, marked deleted, so its name is never reused. */
  async delete(id: string, now: string): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      await trx('tokens').where({ user_id: id }).delete();
      const deleted = (await trx('users').where({ id }).whereNull('deleted_at').update({ deleted_at: now })) > 0;
      if (deleted) await bumpTokenEpoch(trx);
      return deleted;
    });
  }
}
