// Inclusive gateways that join: as Camunda 7 runs them (InclusiveGatewayActivityBehavior), a join
// fires once a token has arrived on as many flows as lead into it, or once no other token of its
// scope can still reach it. bpmn-elements 17 gives an inclusive gateway no join at all: every
// arriving token runs it (Activity._onInbound), so a join fired on the first branch to arrive.

const INCLUSIVE_GATEWAY = 'bpmn:InclusiveGateway';
const kActivated = Symbol.for('activated');

interface QueuedMessage {
  fields: { routingKey: string };
  content: { id?: string; targetId?: string; discardSequence?: string[]; flow?: { targetId?: string } } & Record<string, unknown>;
  ack(): void;
}
interface Queue {
  messages: QueuedMessage[];
  assertConsumer(fn: (routingKey: string, message: QueuedMessage) => void, options: Record<string, unknown>): unknown;
}
interface Broker {
  getQueue(name: string): Queue | undefined;
  subscribeTmp(exchange: string, pattern: string, fn: () => void, options: Record<string, unknown>): unknown;
  cancel(consumerTag: string): void;
}
interface ScopeActivity {
  id: string;
  status?: string;
  attachedTo?: unknown;
  triggeredByEvent?: boolean;
  broker: Broker;
  inbound: Array<{ sourceId: string }>;
  parent?: { id: string };
}
interface JoinActivity extends ScopeActivity {
  type: string;
  [kActivated]?: boolean;
  context: { owner?: { broker?: Broker }; getActivities(scopeId: string): ScopeActivity[] };
  _consumeInbound(): void;
  run(content: Record<string, unknown>): void;
  _runDiscard(content: Record<string, unknown>): void;
}

/** Statuses of an activity that carries no token: it is passing on a dead path (a discard). */
const NO_TOKEN = new Set(['discard', 'discarded']);

/**
 * bpmn-engine `extensions` entry: an inclusive gateway with several incoming flows joins. The
 * arriving flows (taken or discarded) are held in its inbound queue, unacknowledged, as
 * bpmn-elements holds a parallel join's, so a stopped and recovered engine holds them again. It
 * fires when as many tokens as incoming flows have arrived, or when no other token of its scope
 * (an activity that runs or waits there, a token queued in front of one) lies on a path to it:
 * with the tokens that arrived, or, when only discarded flows arrived, as a discard (the dead
 * path goes on). A waiting join looks again whenever an activity of its scope leaves, so a token
 * that ends elsewhere lets it fire.
 */
export function inclusiveJoins(element: unknown): undefined {
  const gateway = element as JoinActivity;
  if (gateway.type !== INCLUSIVE_GATEWAY || (gateway.inbound?.length ?? 0) < 2) return undefined;
  const pending = new Set<QueuedMessage>();
  const consumerTag = '_run-on-inbound';
  const watchTag = `_procflow-inclusive-join-${gateway.id}`;
  let reachers: Set<string> | undefined;
  let watching = false;

  /** The activities of the scope from which a path of sequence flows leads to the gateway. */
  const activitiesReaching = (siblings: Map<string, ScopeActivity>): Set<string> => {
    if (reachers) return reachers;
    const found = new Set<string>();
    const queue = [gateway.id];
    while (queue.length) {
      const at = siblings.get(queue.shift() as string);
      for (const flow of at?.inbound ?? []) {
        if (found.has(flow.sourceId)) continue;
        found.add(flow.sourceId);
        queue.push(flow.sourceId);
      }
    }
    return (reachers = found);
  };

  /** Whether a token of the scope other than those at the gateway can still arrive there. */
  const tokenOnItsWay = (): boolean => {
    const scopeId = gateway.parent?.id;
    if (!scopeId) return false;
    const siblings = new Map(gateway.context.getActivities(scopeId).map((a) => [a.id, a]));
    const reaching = activitiesReaching(siblings);
    for (const activity of siblings.values()) {
      if (activity.id === gateway.id) continue;
      // A boundary event or an event sub-process is a subscription, not a token (as in Camunda).
      if (activity.attachedTo || activity.triggeredByEvent) continue;
      const queued = activity.broker.getQueue('inbound-q')?.messages ?? [];
      const holdsToken = (activity.status !== undefined && !NO_TOKEN.has(activity.status)) || queued.some((m) => m.fields.routingKey === 'flow.take');
      if (holdsToken && reaching.has(activity.id)) return true;
    }
    return false;
  };

  const fire = (): void => {
    const arrived = [...pending];
    const taken = arrived.some((m) => m.fields.routingKey === 'flow.take');
    pending.clear();
    gateway.context.owner?.broker?.cancel(watchTag);
    watching = false;
    const inbound = arrived.map((m) => ({ ...m.content }));
    for (const m of arrived) m.ack();
    gateway.broker.cancel(consumerTag);
    if (taken) return gateway.run({ inbound });
    const discardSequence = [...new Set(arrived.flatMap((m) => m.content.discardSequence ?? []))];
    gateway._runDiscard({ inbound, discardSequence });
  };

  const evaluate = (): void => {
    if (!pending.size || gateway.status) return;
    const arrivedTokens = [...pending].filter((m) => m.fields.routingKey === 'flow.take').length;
    if (arrivedTokens >= gateway.inbound.length || !tokenOnItsWay()) return fire();
    // Waits: looks again when a token of its scope leaves an activity.
    const scope = gateway.context.owner?.broker;
    if (!scope || watching) return;
    watching = true;
    scope.subscribeTmp('event', 'activity.leave', evaluate, { noAck: true, consumerTag: watchTag });
  };

  const onInbound = (_routingKey: string, message: QueuedMessage): void => {
    pending.add(message);
    evaluate();
  };

  gateway._consumeInbound = function consumeInbound(this: JoinActivity): void {
    if (!this[kActivated] || this.status) return;
    // A fresh consumer: what an earlier one held is given back to the queue and delivered again.
    this.broker.cancel(consumerTag);
    pending.clear();
    this.broker.getQueue('inbound-q')?.assertConsumer(onInbound, { consumerTag, prefetch: 1000 });
  };
  return undefined;
}
