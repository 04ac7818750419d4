// Catalogue and CRM records → the API's shapes (src/contract).
import type { Customer, Product, SyncRun } from '../../../contract';
import type { AllHold, SentAsIs } from '../../../contract/checks';
import type { CustomerRecord } from '../customer-store';
import type { ProductRecord } from '../product-store';
import type { SyncRunRecord } from '../sync-run-store';

export function syncRunView(r: SyncRunRecord): SyncRun {
  return {
    id: r.id,
    kind: r.kind,
    processInstanceId: r.processInstanceId,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    fetched: r.fetched,
    added: r.added,
    changed: r.changed,
    unchanged: r.unchanged,
    error: r.error,
    sourceUrl: r.sourceUrl,
  };
}

/** The product and customer routes send the store's records unchanged. */
export type SentAsTheyAre = AllHold<[SentAsIs<ProductRecord, Product>, SentAsIs<CustomerRecord, Customer>]>;
