// Configuration from the environment, as documented in API.md (and docs/operations.md).
import { z } from 'zod';
import { parseDuration } from './engine/iso-duration';

/** A positive ISO 8601 duration (PT30M, P2D, P1W), as BPMN timers take it. */
const isoDuration = z
  .string()
  .trim()
  .refine((v) => (parseDuration(v) ?? 0) > 0, { message: 'expected a positive ISO 8601 duration such as PT30M, P2D or P1W' });

const schema = z.object({
  PROCFLOW_HOST: z.string().default('127.0.0.1'),
  PROCFLOW_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PROCFLOW_DATABASE_URL: z.string().default('sqlite:./data/procflow.db'),
  PROCFLOW_ADMIN_TOKEN: z.string().min(8).optional(),
  /** A read-only bearer token for GET /metrics (Prometheus's bearer_token); users of group admin or metrics may use theirs. */
  PROCFLOW_METRICS_TOKEN: z.string().min(16).optional(),
  PROCFLOW_PROCESSES_DIR: z.string().default('./processes'),
  PROCFLOW_CLOCK_SPEED: z.coerce.number().positive().default(1),
  PROCFLOW_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  PROCFLOW_CATALOGUE_URL: z.string().url().optional(),
  PROCFLOW_CRM_URL: z.string().url().optional(),
  PROCFLOW_MCSRVSTAT_URL: z.string().url().default('https://api.mcsrvstat.us'),
  PROCFLOW_SMTP_URL: z.string().optional(),
  PROCFLOW_SMTP_FROM: z.string().min(3).default('procflow <procflow@localhost>'),
  // Orders (docs/orders.md): the unit price of an item the product catalogue does not price.
  PROCFLOW_DEFAULT_UNIT_PRICE: z.coerce.number().nonnegative().default(10),
  // Orders: a sent quote the client has not answered gets a reminder, then expires.
  PROCFLOW_QUOTE_REMINDER_AFTER: isoDuration.default('P2D'),
  PROCFLOW_QUOTE_EXPIRES_AFTER: isoDuration.default('P7D'),
  // Game-server monitoring and catalogue/CRM sync (docs/game-servers.md, docs/catalogue-crm.md).
  PROCFLOW_GAME_POLL_CYCLE: z.string().min(1).default('R/PT1M'),
  PROCFLOW_GAME_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  PROCFLOW_GAME_POLL_TIMEOUT_MS: z.coerce.number().int().min(50).max(20000).default(3000),
  PROCFLOW_GAME_SAMPLES_RAW_HOURS: z.coerce.number().positive().default(48),
  PROCFLOW_GAME_NOTIFY_EMAIL: z.string().email().optional(),
  PROCFLOW_GAME_NOTIFY_WEBHOOK: z.string().url().optional(),
  PROCFLOW_CATALOGUE_SYNC_CYCLE: z.string().min(1).default('R/P1D'),
  PROCFLOW_CRM_SYNC_CYCLE: z.string().min(1).default('R/PT1H'),
  PROCFLOW_SYNC_TIMEOUT_MS: z.coerce.number().int().min(50).max(25000).default(10000),
  PROCFLOW_SIMULATORS: z.enum(['auto', 'on', 'off']).default('auto'),
  PROCFLOW_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  PROCFLOW_MAX_JSON_DEPTH: z.coerce.number().int().min(2).max(1000).default(64),
  PROCFLOW_EVENT_BUDGET_MS: z.coerce.number().int().positive().default(2000),
  PROCFLOW_EVENT_BUDGET_ACTIVITIES: z.coerce.number().int().positive().default(800),
  PROCFLOW_ENGINE_CACHE_SIZE: z.coerce.number().int().min(0).default(200),
  PROCFLOW_SQLITE_CHECKPOINT_MS: z.coerce.number().int().min(0).default(500),
  PROCFLOW_SERVICE_RETRIES: z.coerce.number().int().min(0).default(3),
  PROCFLOW_SERVICE_TIMEOUT_MS: z.coerce.number().int().positive().default(30000),
  PROCFLOW_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  PROCFLOW_JOB_POLL_MS: z.coerce.number().int().positive().default(200),
  PROCFLOW_JOB_LEASE_MS: z.coerce.number().int().positive().default(30000),
  /** On SIGTERM, how long requests in flight may take to answer before their connections are closed. */
  /** Days to keep ended instances of a process without camunda:historyTimeToLive (unset: keep them). */
  PROCFLOW_HISTORY_TTL_DAYS: z.coerce.number().int().min(0).optional(),
  /** Real milliseconds between two history-retention rounds of a node. */
  PROCFLOW_RETENTION_INTERVAL_MS: z.coerce.number().int().min(10).default(60000),
  PROCFLOW_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  PROCFLOW_UNHANDLED_BPMN_ERROR: z.enum(['end', 'fail']).default('end'),
  PROCFLOW_LEGACY_ROUTES_OPEN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // Game-server status-change webhook (docs/game-servers.md): its body, and the backoff of its retries.
  PROCFLOW_GAME_NOTIFY_WEBHOOK_FORMAT: z.enum(['discord', 'json']).optional(),
  PROCFLOW_GAME_NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  PROCFLOW_GAME_NOTIFY_RETRY_MS: z.coerce.number().int().min(0).max(60000).default(1000),
});

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  adminToken?: string;
  metricsToken?: string;
  processesDir: string;
  clockSpeed: number;
  logLevel: string;
  catalogueUrl?: string;
  crmUrl?: string;
  mcsrvstatUrl: string;
  smtpUrl?: string;
  smtpFrom: string;
  defaultUnitPrice: number;
  /** ISO 8601 durations from the quote being sent: the client's reminder, then the quote's expiry. */
  quoteReminderAfter: string;
  quoteExpiresAfter: string;
  gamePollCycle: string;
  gamePollConcurrency: number;
  gamePollTimeoutMs: number;
  gameSamplesRawHours: number;
  gameNotifyEmail?: string;
  gameNotifyWebhook?: string;
  catalogueSyncCycle: string;
  crmSyncCycle: string;
  syncTimeoutMs: number;
  /** Start the built-in simulators of the outside systems (auto: when none of them is configured). */
  simulators: boolean;
  maxBodyBytes: number;
  /** How deep objects and arrays of a JSON body may nest (docs/operations.md, "Limits"). */
  maxJsonDepth: number;
  eventBudgetMs: number;
  eventBudgetActivities: number;
  engineCacheSize: number;
  /** SQLite: how often a worker thread checkpoints the write-ahead log (0: SQLite checkpoints inside commits, as it does by default). */
  sqliteCheckpointMs: number;
  legacyRoutesOpen: boolean;
  serviceRetries: number;
  serviceTimeoutMs: number;
  retryBackoffMs: number;
  /** A BPMN error nothing catches: end the execution that threw it (Camunda 7's default), or refuse the event (docs/operations.md). */
  unhandledBpmnError: 'end' | 'fail';
  jobPollMs: number;
  jobLeaseMs: number;
  /** Real milliseconds a stop waits for requests in flight to answer (docs/operations.md, "Stopping and faults"). */
  shutdownGraceMs: number;
  historyTtlDays?: number;
  retentionIntervalMs: number;
  /** Unset: discord for a discord.com URL, else json. */
  gameNotifyWebhookFormat?: 'discord' | 'json';
  gameNotifyAttempts: number;
  gameNotifyRetryMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if ((parseDuration(e.PROCFLOW_QUOTE_REMINDER_AFTER) as number) >= (parseDuration(e.PROCFLOW_QUOTE_EXPIRES_AFTER) as number)) {
    throw new Error(
      `invalid configuration:\n  PROCFLOW_QUOTE_REMINDER_AFTER: expected a duration shorter than PROCFLOW_QUOTE_EXPIRES_AFTER (${e.PROCFLOW_QUOTE_EXPIRES_AFTER}), found ${e.PROCFLOW_QUOTE_REMINDER_AFTER}: the reminder would never be sent`,
    );
  }
  return {
    host: e.PROCFLOW_HOST,
    port: e.PROCFLOW_PORT,
    databaseUrl: e.PROCFLOW_DATABASE_URL,
    ...(e.PROCFLOW_ADMIN_TOKEN ? { adminToken: e.PROCFLOW_ADMIN_TOKEN } : {}),
    ...(e.PROCFLOW_METRICS_TOKEN ? { metricsToken: e.PROCFLOW_METRICS_TOKEN } : {}),
    processesDir: e.PROCFLOW_PROCESSES_DIR,
    clockSpeed: e.PROCFLOW_CLOCK_SPEED,
    logLevel: e.PROCFLOW_LOG_LEVEL,
    ...(e.PROCFLOW_CATALOGUE_URL ? { catalogueUrl: e.PROCFLOW_CATALOGUE_URL } : {}),
    ...(e.PROCFLOW_CRM_URL ? { crmUrl: e.PROCFLOW_CRM_URL } : {}),
    mcsrvstatUrl: e.PROCFLOW_MCSRVSTAT_URL,
    ...(e.PROCFLOW_SMTP_URL ? { smtpUrl: e.PROCFLOW_SMTP_URL } : {}),
    smtpFrom: e.PROCFLOW_SMTP_FROM,
    defaultUnitPrice: e.PROCFLOW_DEFAULT_UNIT_PRICE,
    quoteReminderAfter: e.PROCFLOW_QUOTE_REMINDER_AFTER,
    quoteExpiresAfter: e.PROCFLOW_QUOTE_EXPIRES_AFTER,
    gamePollCycle: e.PROCFLOW_GAME_POLL_CYCLE,
    gamePollConcurrency: e.PROCFLOW_GAME_POLL_CONCURRENCY,
    gamePollTimeoutMs: e.PROCFLOW_GAME_POLL_TIMEOUT_MS,
    gameSamplesRawHours: e.PROCFLOW_GAME_SAMPLES_RAW_HOURS,
    ...(e.PROCFLOW_GAME_NOTIFY_EMAIL ? { gameNotifyEmail: e.PROCFLOW_GAME_NOTIFY_EMAIL } : {}),
    ...(e.PROCFLOW_GAME_NOTIFY_WEBHOOK ? { gameNotifyWebhook: e.PROCFLOW_GAME_NOTIFY_WEBHOOK } : {}),
    catalogueSyncCycle: e.PROCFLOW_CATALOGUE_SYNC_CYCLE,
    crmSyncCycle: e.PROCFLOW_CRM_SYNC_CYCLE,
    syncTimeoutMs: e.PROCFLOW_SYNC_TIMEOUT_MS,
    simulators:
      e.PROCFLOW_SIMULATORS === 'on' ||
      (e.PROCFLOW_SIMULATORS === 'auto' && !env.PROCFLOW_CATALOGUE_URL && !env.PROCFLOW_CRM_URL && !env.PROCFLOW_MCSRVSTAT_URL),
    maxBodyBytes: e.PROCFLOW_MAX_BODY_BYTES,
    maxJsonDepth: e.PROCFLOW_MAX_JSON_DEPTH,
    eventBudgetMs: e.PROCFLOW_EVENT_BUDGET_MS,
    eventBudgetActivities: e.PROCFLOW_EVENT_BUDGET_ACTIVITIES,
    engineCacheSize: e.PROCFLOW_ENGINE_CACHE_SIZE,
    sqliteCheckpointMs: e.PROCFLOW_SQLITE_CHECKPOINT_MS,
    legacyRoutesOpen: e.PROCFLOW_LEGACY_ROUTES_OPEN,
    serviceRetries: e.PROCFLOW_SERVICE_RETRIES,
    serviceTimeoutMs: e.PROCFLOW_SERVICE_TIMEOUT_MS,
    retryBackoffMs: e.PROCFLOW_RETRY_BACKOFF_MS,
    unhandledBpmnError: e.PROCFLOW_UNHANDLED_BPMN_ERROR,
    jobPollMs: e.PROCFLOW_JOB_POLL_MS,
    jobLeaseMs: e.PROCFLOW_JOB_LEASE_MS,
    shutdownGraceMs: e.PROCFLOW_SHUTDOWN_GRACE_MS,
    ...(e.PROCFLOW_HISTORY_TTL_DAYS !== undefined ? { historyTtlDays: e.PROCFLOW_HISTORY_TTL_DAYS } : {}),
    retentionIntervalMs: e.PROCFLOW_RETENTION_INTERVAL_MS,
    ...(e.PROCFLOW_GAME_NOTIFY_WEBHOOK_FORMAT ? { gameNotifyWebhookFormat: e.PROCFLOW_GAME_NOTIFY_WEBHOOK_FORMAT } : {}),
    gameNotifyAttempts: e.PROCFLOW_GAME_NOTIFY_ATTEMPTS,
    gameNotifyRetryMs: e.PROCFLOW_GAME_NOTIFY_RETRY_MS,
  };
}
