// bpmn-engine's loggers, made once per scope. Its default `Logger` makes three `debug` loggers for
// every element of every engine it builds (scope = the element's type), and each new `debug`
// logger asks whether stderr is a terminal: on the service's hot path that was about 1 % of its
// CPU (a start builds an engine and its elements). The loggers are the same ones, so `DEBUG=bpmn*`
// prints what it always did; they are only no longer made again for each element.
import { Engine } from 'bpmn-engine';

type EngineLogger = { debug: (...args: unknown[]) => void; error: (...args: unknown[]) => void; warn: (...args: unknown[]) => void };
type LoggerFactory = (scope: string) => EngineLogger;

const defaultFactory = (new Engine({ name: 'logger' }) as unknown as { options: { Logger: LoggerFactory } }).options.Logger;
const byScope = new Map<string, EngineLogger>();

/** The `Logger` option for `new Engine`: bpmn-engine's own loggers, one per scope for the process's life. */
export function sharedEngineLogger(scope: string): EngineLogger {
  let logger = byScope.get(scope);
  if (!logger) byScope.set(scope, (logger = defaultFactory(scope)));
  return logger;
}
