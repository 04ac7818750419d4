// Tells people that a game server went offline or came back: by e-mail (SMTP) and/or by a
// webhook, each when configured. Unconfigured, events are only recorded. The webhook speaks
// Discord's execute-webhook body (content + embeds) to a Discord URL, or when told to, and a
// generic JSON body otherwise; a 429 or 5xx is retried, a bounded number of times, with backoff
// (Retry-After honoured).
import type { AxiosInstance } from 'axios';
import { ConnectorError, createHttpClient } from './http-json';
import type { Mailer } from './mailer';

export interface StatusChange {
  serverId: string;
  serverName: string;
  at: string;
  online: boolean;
  message: string;
}

export type WebhookFormat = 'discord' | 'json';

export interface StatusNotifierOptions {
  mailer?: Mailer;
  emailTo?: string;
  webhookUrl?: string;
  /** Default: discord for a discord.com / discordapp.com URL, else json. */
  webhookFormat?: WebhookFormat;
  /** Per request. */
  timeoutMs: number;
  /** Requests per batch at most (first try and retries). Default 4. */
  webhookAttempts?: number;
  /** First backoff; doubles each retry. Default 1000 ms. */
  retryBaseMs?: number;
  /** A Retry-After longer than this is cut to it. Default 5 s. */
  maxRetryWaitMs?: number;
  /** No retry starts later than this after the first try (the notify task has 30 s). Default 20 s. */
  budgetMs?: number;
  /** How to wait (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

/** Discord's limits: 10 embeds per message, 2000 characters of content, 25 fields, 4096 of description. */
const DISCORD_EMBEDS_PER_MESSAGE = 10;
const GREEN = 0x2ecc71;
const RED = 0xe74c3c;

export function webhookFormatFor(url: string, setting?: WebhookFormat): WebhookFormat {
  if (setting) return setting;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'json';
  }
  return /(^|\.)(discord|discordapp)\.com$/.test(host) ? 'discord' : 'json';
}

/** The bodies a batch of changes is posted as: one generic JSON body, or Discord messages of at most 10 embeds. */
export function webhookBodies(changes: StatusChange[], format: WebhookFormat): unknown[] {
  const payload = changes.map(({ serverId, serverName, at, online, message }) => ({ serverId, serverName, at, online, message }));
  if (format === 'json') return [{ event: 'game-server.status-changed', changes: payload }];
  const bodies: unknown[] = [];
  for (let i = 0; i < changes.length; i += DISCORD_EMBEDS_PER_MESSAGE) {
    const part = changes.slice(i, i + DISCORD_EMBEDS_PER_MESSAGE);
    const offline = part.filter((c) => !c.online).length;
    const content =
      part.length === 1
        ? (part[0] as StatusChange).message
        : `${part.length} game servers changed status (${offline} offline, ${part.length - offline} back online)`;
    bodies.push({
      content: content.slice(0, 2000),
      embeds: part.map((c) => ({
        title: `${c.online ? '🟢' : '🔴'} ${c.serverName}`.slice(0, 256),
        description: c.message.slice(0, 4096),
        color: c.online ? GREEN : RED,
        timestamp: c.at,
        fields: [
          { name: 'Status', value: c.online ? 'online' : 'offline', inline: true },
          { name: 'Server id', value: c.serverId.slice(0, 1024), inline: true },
        ],
      })),
      allowed_mentions: { parse: [] },
    });
  }
  return bodies;
}

/** Retry-After in seconds (or an HTTP date), or Discord's `retry_after` (seconds) in the body; ms or undefined. */
export function retryAfterMs(header: unknown, body: unknown, now = Date.now()): number | undefined {
  if (typeof header === 'string' && header.trim()) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { retry_after?: unknown } | null;
    if (parsed && typeof parsed.retry_after === 'number' && parsed.retry_after >= 0) return Math.ceil(parsed.retry_after * 1000);
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class StatusNotifier {
  private readonly http: AxiosInstance = createHttpClient();

  constructor(private readonly options: StatusNotifierOptions) {}

  /** Delivers the changes; resolves with what was done ("recorded", "mailed, webhook"), throws on a failed delivery. */
  async deliver(changes: StatusChange[]): Promise<string> {
    if (!changes.length) return 'nothing to deliver';
    const done: string[] = [];
    const { mailer, emailTo, webhookUrl } = this.options;
    if (mailer && emailTo) {
      const subject =
        changes.length === 1
          ? (changes[0] as StatusChange).message
          : `${changes.length} game servers changed status (${changes.filter((c) => !c.online).length} offline)`;
      const text = changes.map((c) => `${c.at}  ${c.online ? 'ONLINE ' : 'OFFLINE'}  ${c.message}`).join('\n');
      try {
        await mailer.send({ to: emailTo, subject, text: `${text}\n\n— procflow game-server monitor\n` });
      } catch (err) {
        throw new ConnectorError(`could not mail the status changes to <${emailTo}>: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      done.push(`mailed to ${emailTo}`);
    }
    if (webhookUrl) {
      const format = webhookFormatFor(webhookUrl, this.options.webhookFormat);
      const outcomes: string[] = [];
      for (const body of webhookBodies(changes, format)) outcomes.push(await this.post(webhookUrl, body));
      const distinct = [...new Set(outcomes)];
      done.push(`${format === 'discord' ? 'discord webhook' : 'webhook'} ${distinct.join(', ')}`);
    }
    return done.length ? done.join(', ') : 'recorded';
  }

  /** One body, retried on 429/5xx/no answer; resolves with "204" or "204 after 2 attempts". */
  private async post(url: string, body: unknown): Promise<string> {
    const attempts = Math.max(1, this.options.webhookAttempts ?? 4);
    const base = this.options.retryBaseMs ?? 1000;
    const maxWait = this.options.maxRetryWaitMs ?? 5000;
    const budget = this.options.budgetMs ?? 20_000;
    const started = Date.now();
    const sleep = this.options.sleep ?? realSleep;
    const { timeoutMs } = this.options;
    let last = '';
    let made = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      made = attempt;
      let status: number | undefined;
      let wait: number | undefined;
      try {
        const res = await this.http.post(url, body, {
          timeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
          headers: { 'Content-Type': 'application/json' },
        });
        status = res.status;
        if (status >= 200 && status <= 299) return attempt === 1 ? String(status) : `${status} after ${attempt} attempts`;
        last = `answered HTTP ${status}`;
        if (status !== 429 && status < 500) break; // the request itself is wrong: sending it again changes nothing
        wait = retryAfterMs((res.headers as Record<string, unknown>)['retry-after'], res.data);
      } catch (err) {
        last = `could not be called: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (attempt === attempts) break;
      const pause = Math.min(maxWait, wait ?? base * 2 ** (attempt - 1));
      if (Date.now() - started + pause + timeoutMs > budget) break;
      await sleep(pause);
    }
    throw new ConnectorError(`the webhook <${url}> ${last}${made > 1 ? ` (after ${made} attempts)` : ''}`);
  }
}
