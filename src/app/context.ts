// What every use case is handed by the composition root: the store, the engine's event runner
// and definition registry, the service clock and the logger.
import type { Logger } from 'winston';
import type { Clock } from '../engine/clock';
import type { DefinitionRegistry } from '../engine/definition-registry';
import type { EventRunner } from '../engine/event-runner';
import type { Store } from '../store/store';

export interface AppContext {
  store: Store;
  events: EventRunner;
  registry: DefinitionRegistry;
  clock: Clock;
  logger: Logger;
}
