// Access by group for the business areas: admin, or one of the groups named.
import type { Response } from 'express';
import { AppError } from '../errors/app-error';
import { isAdmin } from '../engine/process-runtime';
import { currentUser, type AuthedUser } from './auth';

export function requireGroup(res: Response, ...groups: string[]): AuthedUser {
  const user = currentUser(res);
  if (isAdmin(user) || groups.some((g) => user.groups.includes(g))) return user;
  throw new AppError('FORBIDDEN', `user <${user.name}> is in none of the groups <${['admin', ...groups].join('>, <')}>`);
}
