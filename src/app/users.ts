// Users (admin): list, create (the token is shown once), delete; and who a bearer token is.
import type { UserRecord } from '../store/types';
import { requireCapability, type Actor } from './access';
import type { UserDirectory } from './user-directory';

export class Users {
  constructor(private readonly directory: UserDirectory) {}

  authenticate(token: string): Promise<UserRecord | undefined> {
    return this.directory.authenticate(token);
  }

  list(actor: Actor): Promise<UserRecord[]> {
    requireCapability(actor, 'users');
    return this.directory.list();
  }

  create(actor: Actor, name: string, groups: string[]): Promise<UserRecord & { token: string }> {
    requireCapability(actor, 'users');
    return this.directory.create(name, groups);
  }

  delete(actor: Actor, id: string): Promise<void> {
    requireCapability(actor, 'users');
    return this.directory.delete(id);
  }
}
