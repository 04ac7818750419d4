// Bearer-token authentication and the admin check.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { Actor } from '../engine/process-runtime';
import { isAdmin } from '../engine/process-runtime';
import type { UserDirectory } from '../domain/user-directory';

export interface AuthedUser extends Actor {
  id: string;
}

export function currentUser(res: Response): AuthedUser {
  const user = res.locals.user as AuthedUser | undefined;
  if (!user) throw new AppError('UNAUTHENTICATED', 'a valid bearer token is required');
  return user;
}

export function authenticate(users: UserDirectory): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <token>'));
    users
      .authenticate(match[1] as string)
      .then((user) => {
        if (!user) return next(new AppError('UNAUTHENTICATED', 'the bearer token is not known'));
        res.locals.user = { id: user.id, name: user.name, groups: user.groups } satisfies AuthedUser;
        next();
      })
      .catch(next);
  };
}

export function requireAdmin(res: Response): AuthedUser {
  const user = currentUser(res);
  if (!isAdmin(user)) throw new AppError('FORBIDDEN', `user <${user.name}> is not in group <admin>`);
  return user;
}

/** Wraps an async route so that its errors reach the problem+json handler. */
export function route(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
}
