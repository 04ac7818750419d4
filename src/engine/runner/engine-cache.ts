// The engines kept in memory between events of one node, by instance id, with the version they
// were committed at, and the per-instance lock that serializes events inside this node (other
// nodes are held off by the version check of the commit).
import type { InstanceRunner } from '../instance-runner';
import { LruCache } from '../lru-cache';

interface Cached {
  runner: InstanceRunner;
  version: number;
}

export class EngineCache {
  private readonly cache: LruCache<string, Cached>;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(size: number) {
    this.cache = new LruCache(size, (_id, cached) => void cached.runner.dispose());
  }

  /** The cached engine of an instance, if any (it stays cached). */
  peek(instanceId: string): Cached | undefined {
    return this.cache.get(instanceId);
  }

  /** Takes the engine out of the cache without disposing it: the event that runs it owns it now. */
  take(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  /** Keeps the engine of a committed event for the next event of its instance. */
  keep(instanceId: string, runner: InstanceRunner, version: number): void {
    this.cache.set(instanceId, { runner, version });
  }

  /** Drops and disposes the cached engine of an instance (its state in the database moved on). */
  evict(instanceId: string): void {
    const cached = this.cache.delete(instanceId);
    if (cached) void cached.runner.dispose();
  }

  /** Runs `fn` after every earlier event of the instance on this node has finished. */
  async withLock<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(instanceId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(fn);
    this.locks.set(instanceId, current);
    try {
      return await current;
    } finally {
      if (this.locks.get(instanceId) === current) this.locks.delete(instanceId);
    }
  }

  /** Waits for the running events, then drops every cached engine (graceful shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.locks.values()]);
    const runners = this.cache.values();
    this.cache.clear();
    await Promise.allSettled(runners.map((c) => c.runner.dispose()));
  }
}
