// Which errors mean "the database cannot be reached right now" (a dropped or refused connection,
// a server shutting down, a pool that could not hand out a connection, a locked or unreadable
// SQLite file) as opposed to a fault of the request: the HTTP edge answers these with 503.

/** Node's socket errors of a refused, reset or unreachable connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Postgres SQLSTATEs: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections. */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLite result codes (better-sqlite3 puts them in `code`, extended codes included). */
const SQLITE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL'];

const MESSAGES = [
  /connection terminated/i,
  /Knex: Timeout acquiring a connection/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /the database connection is not open/i,
  /Unable to acquire a connection/i,
];

function one(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SOCKET_CODES.has(code) || PG_CODES.has(code)) return true;
  // Class 08: connection exceptions (08000, 08003, 08006, 08001, 08004, ...).
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  if (SQLITE_PREFIXES.some((p) => code === p || code.startsWith(`${p}_`))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (MESSAGES.some((m) => m.test(message))) return true;
  // An AggregateError (pg tries every address of a host name) is unavailable when all of its parts are.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(one);
}

/** True when `err`, or an error it wraps (`cause`), says the database is unreachable or unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (one(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
