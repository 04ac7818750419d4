// Game servers: register, list with their latest status, remove, read samples, poll now, and the
// sweep that the monitor process's service task runs.
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import { requireCapability, type Actor } from '../../app/access';
import type { ProcessStarts } from '../../app/process-starts';
import type { Clock } from '../../engine/clock';
import { AppError } from '../../errors/app-error';
import type { Page, PageQuery } from '../../store/types';
import type { GameServerProvider, GameServerRecord, GameServerStore, NewGameServer, SampleRecord, StatusEventRecord, UptimeWindow } from './game-server-store';
import type { StatusNotifier } from '../../connectors/status-notifier';
import { pollSweep, type Providers } from './poll-sweep';

export const GAME_MONITOR_PROCESS = 'gameServerMonitor';

/** The engine gives a service handler 30 s; the sweep stops starting servers well before that. */
export const SWEEP_DEADLINE_MS = 20000;

export interface NewServerInput {
  name?: string;
  game: string;
  host: string;
  /** The game port. */
  port?: number;
  /** The query port, when it is not the one the game's rules give. */
  queryPort?: number;
  provider?: GameServerProvider;
}

/** A server as the API shows it: its query port worked out, and on its own page its uptime. */
export type GameServerDetail = GameServerRecord & { queryPort: number; uptime?: Uptime };

export interface Uptime {
  until: string;
  h24: UptimeWindow;
  d7: UptimeWindow;
  d30: UptimeWindow;
}

const HOUR_MS = 3600 * 1000;

export interface GameServerSettings {
  concurrency: number;
  timeoutMs: number;
  rawRetentionHours: number;
  deadlineMs?: number;
}

export interface SweepSummary {
  polled: number;
  online: number;
  offline: number;
  statusChanges: number;
  /** Asking every server. */
  queryMs: number;
  /** Storing the samples, statuses and events (one transaction). */
  storeMs: number;
  durationMs: number;
}

export class GameServerService {
  constructor(
    private readonly store: GameServerStore,
    private readonly starts: ProcessStarts,
    private readonly clock: Clock,
    private readonly providers: Providers,
    private readonly notifier: StatusNotifier,
    private readonly settings: GameServerSettings,
    private readonly logger: Logger,
  ) {}

  async add(actor: Actor, input: NewServerInput): Promise<GameServerDetail> {
    requireCapability(actor, 'game-servers');
    const provider = input.provider ?? 'query';
    const game = input.game.trim().toLowerCase();
    const connector = this.providers[provider];
    if (!connector.supports(game)) {
      const hint =
        provider === 'mcsrvstat'
          ? 'the mcsrvstat provider knows only "minecraft" (Java) and "minecraftbe" (Bedrock)'
          : game.startsWith('protocol-')
            ? `gamedig has no protocol <${game.slice('protocol-'.length)}>`
            : 'use "minecraft", "minecraftbe", a gamedig game id (valheim, counterstrike2, …) or protocol-<name>';
      throw new AppError('VALIDATION_FAILED', `provider <${provider}> cannot ask about game <${input.game}>: ${hint}`, {
        errors: [{ pointer: '/game', message: `game <${input.game}> is not one provider ${provider} knows` }],
      });
    }
    const ports = connector.ports(game, {
      ...(input.port !== undefined ? { port: input.port } : {}),
      ...(input.queryPort !== undefined ? { queryPort: input.queryPort } : {}),
    });
    if (!ports) {
      throw new AppError('VALIDATION_FAILED', `game <${game}> has no usual port: give its port or queryPort`, {
        errors: [{ pointer: '/port', message: 'required for this game' }],
      });
    }
    const { port, queryPort } = ports;
    const host = input.host.trim();
    const server: NewGameServer = {
      id: crypto.randomUUID(),
      name: input.name?.trim() || `${host}:${port}`,
      game,
      host,
      port,
      queryPort,
      provider,
      demo: false,
      createdAt: this.clock.now().toISOString(),
    };
    const created = await this.store.insert(server);
    if (!created) throw new AppError('GAME_SERVER_EXISTS', `a game server at <${host}:${port}> with provider <${provider}> is already registered`);
    return this.detail(created);
  }

  /** The query port of a server: as registered, or (registered before query ports were kept) by the game's rules. */
  private detail(r: GameServerRecord): GameServerDetail {
    const queryPort = r.queryPort ?? this.providers[r.provider].ports(r.game, { port: r.port })?.queryPort ?? r.port;
    return { ...r, queryPort };
  }

  async list(actor: Actor, page: PageQuery): Promise<Page<GameServerDetail>> {
    requireCapability(actor, 'game-servers');
    const found = await this.store.list(page);
    return { items: found.items.map((r) => this.detail(r)), total: found.total };
  }

  /** A server with its uptime over the last 24 hours, 7 days and 30 days (service time). */
  async get(actor: Actor, id: string): Promise<GameServerDetail> {
    requireCapability(actor, 'game-servers');
    const server = this.detail(await this.find(id));
    return { ...server, uptime: await this.uptimeOf(id) };
  }

  private async uptimeOf(id: string): Promise<Uptime> {
    const now = this.clock.now().getTime();
    const until = new Date(now).toISOString();
    const at = (hours: number) => new Date(now - hours * HOUR_MS).toISOString();
    const w = await this.store.uptime(id, { h24: at(24), d7: at(24 * 7), d30: at(24 * 30) }, until);
    return { until, h24: w.h24 as UptimeWindow, d7: w.d7 as UptimeWindow, d30: w.d30 as UptimeWindow };
  }

  private async find(id: string): Promise<GameServerRecord> {
    const server = await this.store.get(id);
    if (!server) throw new AppError('GAME_SERVER_NOT_FOUND', `game server <${id}> does not exist`);
    return server;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requireCapability(actor, 'game-servers');
    if (!(await this.store.delete(id))) throw new AppError('GAME_SERVER_NOT_FOUND', `game server <${id}> does not exist`);
  }

  async samples(actor: Actor, id: string, range: { since?: string; until?: string; order: 'asc' | 'desc' }, page: PageQuery): Promise<Page<SampleRecord>> {
    requireCapability(actor, 'game-servers');
    await this.find(id);
    const now = this.clock.now();
    const until = range.until ?? now.toISOString();
    const since = range.since ?? new Date(new Date(until).getTime() - 24 * 3600 * 1000).toISOString();
    if (since > until) {
      throw new AppError('VALIDATION_FAILED', `since <${since}> is after until <${until}>`, {
        errors: [{ pointer: '/since', message: 'must not be after until' }],
      });
    }
    return this.store.samples(id, { since, until, order: range.order }, page);
  }

  events(actor: Actor, filter: { serverId?: string }, page: PageQuery): Promise<Page<StatusEventRecord>> {
    requireCapability(actor, 'game-servers');
    return this.store.events(filter, page);
  }

  /** Starts the monitor process now (null: the service itself); it has polled every server when this resolves. */
  async pollNow(actor: Actor | null): Promise<string> {
    if (actor) requireCapability(actor, 'game-servers');
    const instance = await this.starts.startLatest(GAME_MONITOR_PROCESS, { variables: { trigger: 'api' } }, actor);
    return instance.id;
  }

  // ----- what the monitor process's service tasks do -----

  /** Polls every server and stores the samples; the status changes become events. */
  async sweep(processInstanceId: string | null): Promise<SweepSummary> {
    const t0 = Date.now();
    const servers = (await this.store.all()).map((r) => this.detail(r));
    const observations = await pollSweep(servers, this.providers, {
      concurrency: this.settings.concurrency,
      timeoutMs: this.settings.timeoutMs,
      deadlineMs: this.settings.deadlineMs ?? SWEEP_DEADLINE_MS,
      retryDelayMs: 100,
      now: () => this.clock.now(),
    });
    const t1 = Date.now();
    const events = await this.store.recordSweep(observations, processInstanceId);
    const t2 = Date.now();
    const online = observations.filter((o) => o.online).length;
    const summary = {
      polled: observations.length,
      online,
      offline: observations.length - online,
      statusChanges: events.length,
      queryMs: t1 - t0,
      storeMs: t2 - t1,
      durationMs: t2 - t0,
    };
    this.logger.debug('game servers polled', summary);
    return summary;
  }

  /** Delivers the status changes a poll found (e-mail, webhook, or just recorded). */
  async notify(processInstanceId: string | null): Promise<{ notified: number; delivery: string }> {
    const events = await this.store.undeliveredEvents(processInstanceId);
    if (!events.length) return { notified: 0, delivery: 'nothing to deliver' };
    const delivery = await this.notifier.deliver(events);
    await this.store.markDelivered(
      events.map((e) => e.id),
      delivery,
      this.clock.now().toISOString(),
    );
    for (const e of events) this.logger.info(e.message, { server: e.serverId, delivery });
    return { notified: events.length, delivery };
  }

  /** Rolls raw samples older than the retention into hourly rows. */
  async rollUp(): Promise<{ rolledUp: number }> {
    const before = new Date(this.clock.now().getTime() - this.settings.rawRetentionHours * 3600 * 1000).toISOString();
    return { rolledUp: await this.store.rollUp(before) };
  }

  /** Registers (or moves) the simulators' demo servers. */
  async registerDemoServers(servers: Array<{ name: string; game: string; host: string; port: number; provider: GameServerProvider }>): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.store.upsertDemo(servers.map((s) => ({ ...s, queryPort: s.port, id: crypto.randomUUID(), demo: true, createdAt: now })));
  }
}
