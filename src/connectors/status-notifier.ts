// Tells people that a game server went offline or came back: by e-mail (SMTP) and/or by a
// webhook (a JSON POST), each when configured. Unconfigured, events are only recorded.
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

export interface StatusNotifierOptions {
  mailer?: Mailer;
  emailTo?: string;
  webhookUrl?: string;
  timeoutMs: number;
}

export class StatusNotifier {
  private readonly http: AxiosInstance = createHttpClient();

  constructor(private readonly options: StatusNotifierOptions) {}

  /** Delivers the changes; resolves with what was done ("recorded", "mailed, webhook"), throws on a failed delivery. */
  async deliver(changes: StatusChange[]): Promise<string> {
    if (!changes.length) return 'nothing to deliver';
    const done: string[] = [];
    const { mailer, emailTo, webhookUrl, timeoutMs } = this.options;
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
      let status: number;
      try {
        const payload = changes.map(({ serverId, serverName, at, online, message }) => ({ serverId, serverName, at, online, message }));
        const res = await this.http.post(
          webhookUrl,
          { event: 'game-server.status-changed', changes: payload },
          {
            timeout: timeoutMs,
            signal: AbortSignal.timeout(timeoutMs),
            headers: { 'Content-Type': 'application/json' },
          },
        );
        status = res.status;
      } catch (err) {
        throw new ConnectorError(`the webhook <${webhookUrl}> could not be called: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (status < 200 || status > 299) throw new ConnectorError(`the webhook <${webhookUrl}> answered HTTP ${status}`);
      done.push(`webhook ${status}`);
    }
    return done.length ? done.join(', ') : 'recorded';
  }
}
