// Game servers, their samples (raw, then rolled up per hour) and their status-change events.
import type { Knex } from 'knex';
import { dialectOf } from '../../store/dialect';
import { toBool, toIso } from '../../store/row-codec';
import type { Page, PageQuery } from '../../store/types';
import {
  chunks,
  detailColumns,
  hourOf,
  intOrNull,
  sampledColumns,
  sampledOf,
  serverRow,
  toEvent,
  toServer,
  type Row,
  type GameServerRecord,
  type NewGameServer,
  type Observation,
  type SampleRecord,
  type StatusEventRecord,
  type UptimeWindow,
} from './game-server-rows';

export type { GameServerProvider, GameServerRecord, NewGameServer, Observation, SampleRecord, StatusEventRecord, UptimeWindow } from './game-server-rows';

export class GameServerStore {
  private readonly postgres: boolean;

  constructor(private readonly knex: Knex) {
    this.postgres = dialectOf(knex) === 'postgres';
  }

  /** Inserts a server; null when one with the same host, port and provider exists. */
  async insert(server: NewGameServer): Promise<GameServerRecord | null> {
    const inserted = (await this.knex('game_servers').insert(serverRow(server)).onConflict(['host', 'port', 'provider']).ignore().returning('id')) as unknown[];
    if (!inserted.length) return null;
    return (await this.get(server.id)) ?? null;
  }

  async get(id: string): Promise<GameServerRecord | undefined> {
    const row = (await this.knex('game_servers').where({ id }).first()) as Row | undefined;
    return row ? toServer(row) : undefined;
  }

  async list(page: PageQuery): Promise<Page<GameServerRecord>> {
    const [countRow] = await this.knex('game_servers').count<Row[]>({ n: '*' });
    const rows = (await this.knex('game_servers')
      .select('*')
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset)) as Row[];
    return { items: rows.map(toServer), total: Number(countRow?.n ?? 0) };
  }

  /** Every server, for a poll sweep. */
  async all(): Promise<GameServerRecord[]> {
    const rows = (await this.knex('game_servers').select('*').orderBy('id')) as Row[];
    return rows.map(toServer);
  }

  /** Deletes a server; its samples, roll-ups and events go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      // Explicit deletes as well: a cascade is only as good as the foreign-key pragma.
      await trx('game_server_samples').where({ server_id: id }).delete();
      await trx('game_server_rollups').where({ server_id: id }).delete();
      await trx('game_server_events').where({ server_id: id }).delete();
      return (await trx('game_servers').where({ id }).delete()) > 0;
    });
  }

  /** The demo servers of the simulators: moved to the simulators' current ports, or added. */
  async upsertDemo(servers: NewGameServer[]): Promise<void> {
    await this.knex.transaction(async (trx) => {
      for (const s of servers) {
        const existing = (await trx('game_servers').where({ demo: true, name: s.name }).first()) as Row | undefined;
        if (existing) {
          await trx('game_servers')
            .where({ id: existing.id })
            .update({ host: s.host, port: s.port, query_port: s.queryPort ?? null, provider: s.provider, game: s.game });
        } else {
          await trx('game_servers').insert({ ...serverRow(s), demo: true });
        }
      }
    });
  }

  /**
   * Stores one sweep in one transaction: a sample per server, the latest status on each server
   * row, and an event for every server whose online state flipped. Returns the events.
   */
  async recordSweep(observations: Observation[], processInstanceId: string | null): Promise<StatusEventRecord[]> {
    if (!observations.length) return [];
    return this.knex.transaction(async (trx) => {
      const previous = new Map<string, Row>();
      for (const part of chunks(observations.map((o) => o.serverId).sort())) {
        // Two sweeps at once (schedule and "poll now") must not both report the same flip: on
        // Postgres the rows are locked, in id order; SQLite runs one write transaction at a time.
        const q = trx('game_servers').select('id', 'name', 'online', 'status_changed_at').whereIn('id', part).orderBy('id');
        const rows = (await (this.postgres ? q.forUpdate() : q)) as Row[];
        for (const r of rows) previous.set(String(r.id), r);
      }
      // A server deleted while the sweep ran is skipped.
      const present = observations.filter((o) => previous.has(o.serverId));
      for (const part of chunks(present)) {
        await trx('game_server_samples').insert(part.map((o) => ({ server_id: o.serverId, checked_at: o.checkedAt, ...sampledColumns(o) })));
      }
      const events: Array<Record<string, unknown>> = [];
      for (const o of present) {
        const before = previous.get(o.serverId) as Row;
        const wasOnline = before.online === null || before.online === undefined ? null : toBool(before.online);
        const flipped = wasOnline !== null && wasOnline !== o.online;
        await trx('game_servers')
          .where({ id: o.serverId })
          .update({
            checked_at: o.checkedAt,
            ...sampledColumns(o),
            motd: o.motd,
            version: o.version,
            source_checked_at: o.sourceCheckedAt,
            ...detailColumns(o),
            status_changed_at: flipped || wasOnline === null ? o.checkedAt : before.status_changed_at,
          });
        if (flipped) {
          const name = String(before.name);
          events.push({
            server_id: o.serverId,
            server_name: name,
            at: o.checkedAt,
            online: o.online,
            message: o.online ? `game server <${name}> is back online` : `game server <${name}> went offline${o.error ? `: ${o.error}` : ''}`,
            process_instance_id: processInstanceId,
          });
        }
      }
      if (!events.length) return [];
      const ids: number[] = [];
      for (const e of events) {
        const [row] = await trx('game_server_events').insert(e).returning<Array<Row | number>>('id');
        ids.push(typeof row === 'object' && row !== null ? Number(row.id) : Number(row));
      }
      const rows = (await trx('game_server_events').whereIn('id', ids).orderBy('id')) as Row[];
      return rows.map(toEvent);
    });
  }

  /**
   * Samples of one server between two times: the raw ones, and hourly roll-ups for older ones.
   * Raw samples are always newer than every roll-up, so paging walks one list then the other.
   */
  async samples(serverId: string, range: { since: string; until: string; order: 'asc' | 'desc' }, page: PageQuery): Promise<Page<SampleRecord>> {
    const raw = () =>
      this.knex('game_server_samples').where('server_id', serverId).where('checked_at', '>=', range.since).where('checked_at', '<=', range.until);
    const rolled = () =>
      this.knex('game_server_rollups').where('server_id', serverId).where('hour', '>=', hourOf(range.since)).where('hour', '<=', range.until);
    const [rawCount] = await raw().count<Row[]>({ n: '*' });
    const [rollCount] = await rolled().count<Row[]>({ n: '*' });
    const nRaw = Number(rawCount?.n ?? 0);
    const nRolled = Number(rollCount?.n ?? 0);
    const fetchRaw = async (offset: number, limit: number): Promise<SampleRecord[]> => {
      if (limit <= 0) return [];
      const rows = (await raw().orderBy('checked_at', range.order).orderBy('id', range.order).limit(limit).offset(offset)) as Row[];
      return rows.map((r) => ({ checkedAt: toIso(r.checked_at) as string, ...sampledOf(r) }));
    };
    const fetchRolled = async (offset: number, limit: number): Promise<SampleRecord[]> => {
      if (limit <= 0) return [];
      const rows = (await rolled().orderBy('hour', range.order).limit(limit).offset(offset)) as Row[];
      return rows.map((r) => {
        const samples = Number(r.samples);
        const onlineSamples = Number(r.online_samples);
        const playersSamples = Number(r.players_samples);
        const latencySamples = Number(r.latency_samples);
        return {
          checkedAt: toIso(r.hour) as string,
          online: onlineSamples * 2 >= samples,
          playersOnline: playersSamples ? Math.round(Number(r.players_sum) / playersSamples) : null,
          playersMax: null,
          latencyMs: latencySamples ? Math.round(Number(r.latency_sum) / latencySamples) : null,
          error: null,
          rollup: { samples, onlineSamples, playersPeak: intOrNull(r.players_peak) },
        };
      });
    };
    let items: SampleRecord[];
    if (range.order === 'desc') {
      const first = await fetchRaw(page.offset, Math.min(page.limit, nRaw - page.offset));
      items = [...first, ...(await fetchRolled(Math.max(0, page.offset - nRaw), page.limit - first.length))];
    } else {
      const first = await fetchRolled(page.offset, Math.min(page.limit, nRolled - page.offset));
      items = [...first, ...(await fetchRaw(Math.max(0, page.offset - nRolled), page.limit - first.length))];
    }
    return { items, total: nRaw + nRolled };
  }

  /**
   * Rolls raw samples older than `before` (rounded down to the hour) into hourly rows and
   * deletes them, in batches, each in one transaction. Returns how many raw samples went.
   */
  async rollUp(before: string, batch = 5000): Promise<number> {
    const cutoff = hourOf(before);
    let total = 0;
    for (;;) {
      const done = await this.knex.transaction(async (trx) => {
        const rows = (await trx('game_server_samples')
          .select('id', 'server_id', 'checked_at', 'online', 'players_online', 'latency_ms')
          .where('checked_at', '<', cutoff)
          .orderBy('id')
          .limit(batch)) as Row[];
        if (!rows.length) return 0;
        const groups = new Map<
          string,
          { serverId: string; hour: string; s: number; on: number; ps: number; pn: number; pk: number | null; ls: number; ln: number }
        >();
        for (const r of rows) {
          const serverId = String(r.server_id);
          const hour = hourOf(toIso(r.checked_at) as string);
          const key = `${serverId}|${hour}`;
          let g = groups.get(key);
          if (!g) {
            g = { serverId, hour, s: 0, on: 0, ps: 0, pn: 0, pk: null, ls: 0, ln: 0 };
            groups.set(key, g);
          }
          g.s++;
          if (toBool(r.online)) g.on++;
          const players = intOrNull(r.players_online);
          if (players !== null) {
            g.ps += players;
            g.pn++;
            g.pk = Math.max(g.pk ?? 0, players);
          }
          const latency = intOrNull(r.latency_ms);
          if (latency !== null) {
            g.ls += latency;
            g.ln++;
          }
        }
        for (const g of groups.values()) {
          const existing = (await trx('game_server_rollups').where({ server_id: g.serverId, hour: g.hour }).first()) as Row | undefined;
          if (existing) {
            const peak = existing.players_peak === null ? g.pk : g.pk === null ? Number(existing.players_peak) : Math.max(Number(existing.players_peak), g.pk);
            await trx('game_server_rollups')
              .where({ server_id: g.serverId, hour: g.hour })
              .update({
                samples: Number(existing.samples) + g.s,
                online_samples: Number(existing.online_samples) + g.on,
                players_sum: Number(existing.players_sum) + g.ps,
                players_samples: Number(existing.players_samples) + g.pn,
                players_peak: peak,
                latency_sum: Number(existing.latency_sum) + g.ls,
                latency_samples: Number(existing.latency_samples) + g.ln,
              });
          } else {
            await trx('game_server_rollups').insert({
              server_id: g.serverId,
              hour: g.hour,
              samples: g.s,
              online_samples: g.on,
              players_sum: g.ps,
              players_samples: g.pn,
              players_peak: g.pk,
              latency_sum: g.ls,
              latency_samples: g.ln,
            });
          }
        }
        for (const part of chunks(
          rows.map((r) => Number(r.id)),
          500,
        ))
          await trx('game_server_samples').whereIn('id', part).delete();
        return rows.length;
      });
      total += done;
      if (done < batch) return total;
    }
  }

  /**
   * Uptime of one server since each of the given times, until `until`: online samples over all
   * samples, counting raw samples and the hourly roll-ups whose hour starts in the window.
   */
  async uptime(serverId: string, since: Record<string, string>, until: string): Promise<Record<string, UptimeWindow>> {
    const out: Record<string, UptimeWindow> = {};
    for (const [key, from] of Object.entries(since)) {
      const [raw] = await this.knex('game_server_samples')
        .where('server_id', serverId)
        .where('checked_at', '>=', from)
        .where('checked_at', '<=', until)
        .select<Row[]>(this.knex.raw('count(*) AS n'), this.knex.raw('sum(CASE WHEN online THEN 1 ELSE 0 END) AS up'));
      const [rolled] = await this.knex('game_server_rollups')
        .where('server_id', serverId)
        .where('hour', '>=', from)
        .where('hour', '<=', until)
        .select<Row[]>(this.knex.raw('coalesce(sum(samples), 0) AS n'), this.knex.raw('coalesce(sum(online_samples), 0) AS up'));
      const samples = Number(raw?.n ?? 0) + Number(rolled?.n ?? 0);
      const onlineSamples = Number(raw?.up ?? 0) + Number(rolled?.up ?? 0);
      out[key] = { percent: samples ? Math.round((onlineSamples / samples) * 10000) / 100 : null, samples, onlineSamples };
    }
    return out;
  }

  async rawSampleCount(): Promise<number> {
    const [row] = await this.knex('game_server_samples').count<Row[]>({ n: '*' });
    return Number(row?.n ?? 0);
  }

  /** Status-change events the notify step has not handled yet (of one poll instance, if given). */
  async undeliveredEvents(processInstanceId: string | null, limit = 500): Promise<StatusEventRecord[]> {
    const q = this.knex('game_server_events').whereNull('delivered_at');
    if (processInstanceId) void q.where('process_instance_id', processInstanceId);
    const rows = (await q.orderBy('id').limit(limit)) as Row[];
    return rows.map(toEvent);
  }

  async markDelivered(ids: number[], delivery: string, at: string): Promise<void> {
    for (const part of chunks(ids, 500))
      await this.knex('game_server_events')
        .whereIn('id', part)
        .update({ delivery: delivery.slice(0, 255), delivered_at: at });
  }

  async events(filter: { serverId?: string }, page: PageQuery): Promise<Page<StatusEventRecord>> {
    const where = (q: Knex.QueryBuilder) => (filter.serverId ? q.where('server_id', filter.serverId) : q);
    const [countRow] = (await where(this.knex('game_server_events').count({ n: '*' }))) as Row[];
    const rows = (await where(this.knex('game_server_events').select('*')).orderBy('id', 'desc').limit(page.limit).offset(page.offset)) as Row[];
    return { items: rows.map(toEvent), total: Number(countRow?.n ?? 0) };
  }
}
