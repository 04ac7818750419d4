// Configuration from the environment, as documented in API.md (and docs/operations.md).
import { z } from 'zod';

const schema = z.object({
  PROCFLOW_HOST: z.string().default('127.0.0.1'),
  PROCFLOW_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PROCFLOW_DATABASE_URL: z.string().default('sqlite:./data/procflow.db'),
  PROCFLOW_ADMIN_TOKEN: z.string().min(8).optional(),
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
  PROCFLOW_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  PROCFLOW_EVENT_BUDGET_MS: z.coerce.number().int().positive().default(2000),
  PROCFLOW_EVENT_BUDGET_ACTIVITIES: z.coerce.number().int().positive().default(800),
  PROCFLOW_ENGINE_CACHE_SIZE: z.coerce.number().int().min(0).default(500),
  PROCFLOW_SERVICE_RETRIES: z.coerce.number().int().min(0).default(3),
  PROCFLOW_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  PROCFLOW_JOB_POLL_MS: z.coerce.number().int().positive().default(200),
  PROCFLOW_JOB_LEASE_MS: z.coerce.number().int().positive().default(30000),
  PROCFLOW_LEGACY_ROUTES_OPEN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  adminToken?: string;
  processesDir: string;
  clockSpeed: number;
  logLevel: string;
  catalogueUrl?: string;
  crmUrl?: string;
  mcsrvstatUrl: string;
  smtpUrl?: string;
  smtpFrom: string;
  defaultUnitPrice: number;
  maxBodyBytes: number;
  eventBudgetMs: number;
  eventBudgetActivities: number;
  engineCacheSize: number;
  legacyRoutesOpen: boolean;
  serviceRetries: number;
  retryBackoffMs: number;
  jobPollMs: number;
  jobLeaseMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    host: e.PROCFLOW_HOST,
    port: e.PROCFLOW_PORT,
    databaseUrl: e.PROCFLOW_DATABASE_URL,
    ...(e.PROCFLOW_ADMIN_TOKEN ? { adminToken: e.PROCFLOW_ADMIN_TOKEN } : {}),
    processesDir: e.PROCFLOW_PROCESSES_DIR,
    clockSpeed: e.PROCFLOW_CLOCK_SPEED,
    logLevel: e.PROCFLOW_LOG_LEVEL,
    ...(e.PROCFLOW_CATALOGUE_URL ? { catalogueUrl: e.PROCFLOW_CATALOGUE_URL } : {}),
    ...(e.PROCFLOW_CRM_URL ? { crmUrl: e.PROCFLOW_CRM_URL } : {}),
    mcsrvstatUrl: e.PROCFLOW_MCSRVSTAT_URL,
    ...(e.PROCFLOW_SMTP_URL ? { smtpUrl: e.PROCFLOW_SMTP_URL } : {}),
    smtpFrom: e.PROCFLOW_SMTP_FROM,
    defaultUnitPrice: e.PROCFLOW_DEFAULT_UNIT_PRICE,
    maxBodyBytes: e.PROCFLOW_MAX_BODY_BYTES,
    eventBudgetMs: e.PROCFLOW_EVENT_BUDGET_MS,
    eventBudgetActivities: e.PROCFLOW_EVENT_BUDGET_ACTIVITIES,
    engineCacheSize: e.PROCFLOW_ENGINE_CACHE_SIZE,
    legacyRoutesOpen: e.PROCFLOW_LEGACY_ROUTES_OPEN,
    serviceRetries: e.PROCFLOW_SERVICE_RETRIES,
    retryBackoffMs: e.PROCFLOW_RETRY_BACKOFF_MS,
    jobPollMs: e.PROCFLOW_JOB_POLL_MS,
    jobLeaseMs: e.PROCFLOW_JOB_LEASE_MS,
  };
}
