#!/usr/bin/env node
// The procflow command: serve, migrate, users add <name> --group <g>…
import { loadConfig } from './config';
import { UserDirectory } from './app/user-directory';
import { ScaledClock } from './engine/clock';
import { main } from './main';
import { areaMigrations } from './areas';
import { migrateLatest, openDatabase } from './store/database';
import { Store } from './store/store';

const USAGE = `usage: procflow <command>
  serve                              start the service (same as npm start)
  migrate                            apply database migrations and exit
  users add <name> [--group <g>]...  create a user and print its token once
  users token <name> [--rotate]      print a new token for the user once (--rotate: revoke its others)
configuration comes from the environment (PROCFLOW_*; see docs/operations.md)`;

async function run(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'serve') {
    await main();
    return -1;
  }
  if (cmd === 'migrate') {
    const config = loadConfig();
    const db = openDatabase(config.databaseUrl);
    const applied = await migrateLatest(db, areaMigrations());
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
    await db.close();
    return 0;
  }
  if (cmd === 'users' && sub === 'add') {
    const name = rest[0];
    if (!name || name.startsWith('--')) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const groups: string[] = [];
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] === '--group' && rest[i + 1]) groups.push(rest[++i] as string);
    }
    const config = loadConfig();
    const db = openDatabase(config.databaseUrl);
    await migrateLatest(db, areaMigrations());
    const user = await new UserDirectory(new Store(db), new ScaledClock()).create(name, groups, 'cli');
    process.stdout.write(`user ${user.name} (${user.groups.join(', ') || 'no groups'})\ntoken: ${user.token}\n`);
    await db.close();
    return 0;
  }
  if (cmd === 'users' && sub === 'token') {
    const name = rest[0];
    if (!name || name.startsWith('--')) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const config = loadConfig();
    const db = openDatabase(config.databaseUrl);
    await migrateLatest(db, areaMigrations());
    const directory = new UserDirectory(new Store(db), new ScaledClock());
    const user = await directory.findByName(name);
    const issued = await directory.issueToken(user.id, 'cli', rest.includes('--rotate'));
    process.stdout.write(
      `user ${user.name}: new token (id ${issued.id})${rest.includes('--rotate') ? '; its other tokens are revoked' : ''}\ntoken: ${issued.token}\n`,
    );
    await db.close();
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return cmd === undefined || cmd === '--help' ? 0 : 2;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
