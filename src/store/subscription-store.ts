// Message and signal subscriptions: who waits for which name.
import type { Knex } from 'knex';
import type { SubscriptionRecord } from './types';

type Row = Record<string, unknown>;

function toSubscription(r: Row): SubscriptionRecord {
  return {
    processInstanceId: String(r.process_instance_id),
    kind: r.kind as SubscriptionRecord['kind'],
    name: String(r.name),
    elementRef: String(r.element_ref),
    activityId: String(r.activity_id),
    businessKey: (r.business_key as string | null) ?? null,
  };
}

export class SubscriptionStore {
  constructor(private readonly knex: Knex) {}

  async find(kind: 'message' | 'signal', name: string, filter: { processInstanceId?: string; businessKey?: string } = {}): Promise<SubscriptionRecord[]> {
    const q = this.knex('message_subscriptions').where({ kind, name });
    if (filter.processInstanceId) void q.andWhere('process_instance_id', filter.processInstanceId);
    if (filter.businessKey) void q.andWhere('business_key', filter.businessKey);
    const rows = (await q.orderBy('id')) as Row[];
    return rows.map(toSubscription);
  }
}
