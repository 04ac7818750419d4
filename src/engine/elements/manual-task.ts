// Manual tasks: Camunda 7 passes through them (there is nothing for the engine to wait for), while
// bpmn-elements maps bpmn:ManualTask to its SignalTask, a wait state. The behaviour is swapped for
// one that completes at once, as bpmn-elements' own Task (bpmn:Task, which already passes through)
// does. Bound through bpmn-engine's `extensions` option: ActivityExecution builds the behaviour from
// `activity.Behaviour` when it executes, after the extensions have run.
import type { ExtendedElement } from '../runner/engine-api';

export const MANUAL_TASK = 'bpmn:ManualTask';

interface Message {
  content: Record<string, unknown> & { isRootScope?: boolean };
}
interface Broker {
  publish(exchange: string, routingKey: string, content: unknown): void;
}
interface LoopBehaviour {
  execute(message: Message): void;
}
interface BehaviourActivity extends ExtendedElement {
  Behaviour: unknown;
  broker: Broker;
  behaviour: ExtendedElement['behaviour'] & { loopCharacteristics?: { Behaviour: new (a: unknown, l: unknown) => LoopBehaviour } };
}

function PassThroughBehaviour(this: { broker: Broker; loop?: LoopBehaviour }, activity: BehaviourActivity) {
  const loop = activity.behaviour.loopCharacteristics;
  this.broker = activity.broker;
  this.loop = loop && new loop.Behaviour(activity, loop);
}
PassThroughBehaviour.prototype.execute = function execute(this: { broker: Broker; loop?: LoopBehaviour }, message: Message) {
  if (this.loop && message.content.isRootScope) return this.loop.execute(message);
  this.broker.publish('execution', 'execute.completed', structuredClone(message.content));
};

/** bpmn-engine `extensions` entry: manual tasks complete as soon as they start. */
export function passThroughManualTasks(element: ExtendedElement): undefined {
  if (element.type === MANUAL_TASK) (element as BehaviourActivity).Behaviour = PassThroughBehaviour;
  return undefined;
}
