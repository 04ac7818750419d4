// Products from the catalogue and customers from the CRM: the syncs that the catalogue-sync and
// crm-sync processes run, and the operations of the HTTP routes (list, search, empty, sync now).
import crypto from 'node:crypto';
import type { Logger } from 'winston';
import type { CatalogueSource } from '../../connectors/catalogue-client';
import type { CustomerSource } from '../../connectors/crm-client';
import type { Clock } from '../../engine/clock';
import { requireCapability, requireProductList, type Actor } from '../../app/access';
import type { ProcessStarts } from '../../app/process-starts';
import type { ServiceCall } from '../../engine/service-registry';
import type { CustomerRecord, CustomerStore } from './customer-store';
import type { ProductRecord, ProductStore } from './product-store';
import type { SyncCounts, SyncKind, SyncRunRecord, SyncRunStore } from './sync-run-store';
import type { Page, PageQuery } from '../../store/types';

export const CATALOGUE_SYNC_PROCESS = 'catalogueSync';
export const CRM_SYNC_PROCESS = 'crmSync';

export interface SyncResult extends SyncCounts {
  syncRunId: string;
}

export class CatalogueService {
  constructor(
    private readonly store: { products: ProductStore; customers: CustomerStore; syncRuns: SyncRunStore },
    private readonly starts: ProcessStarts,
    private readonly clock: Clock,
    private readonly catalogue: CatalogueSource,
    private readonly crm: CustomerSource,
    private readonly logger: Logger,
  ) {}

  listProducts(actor: Actor, filter: { q?: string }, page: PageQuery): Promise<Page<ProductRecord>> {
    requireProductList(actor);
    return this.store.products.list(filter, page);
  }

  listCustomers(actor: Actor, filter: { q?: string }, page: PageQuery): Promise<Page<CustomerRecord>> {
    requireCapability(actor, 'catalogue');
    return this.store.customers.list(filter, page);
  }

  async clearProducts(actor: Actor): Promise<number> {
    requireCapability(actor, 'catalogue');
    const n = await this.store.products.clear();
    this.logger.info(`local product copy emptied (${n} rows)`);
    return n;
  }

  async clearCustomers(actor: Actor): Promise<number> {
    requireCapability(actor, 'catalogue');
    const n = await this.store.customers.clear();
    this.logger.info(`local customer copy emptied (${n} rows)`);
    return n;
  }

  syncRuns(actor: Actor, filter: { kind?: SyncKind }, page: PageQuery): Promise<Page<SyncRunRecord>> {
    requireCapability(actor, 'catalogue');
    return this.store.syncRuns.list(filter, page);
  }

  /** Starts the sync process now; it has run (or stopped at an incident) when this resolves. */
  async startSync(kind: SyncKind, actor: Actor | null): Promise<string> {
    if (actor) requireCapability(actor, 'catalogue');
    const instance = await this.starts.startLatest(kind === 'products' ? CATALOGUE_SYNC_PROCESS : CRM_SYNC_PROCESS, { variables: { trigger: 'api' } }, actor);
    return instance.id;
  }

  // ----- what the sync processes' service tasks do -----

  syncProducts(call: ServiceCall): Promise<SyncResult> {
    return this.sync('products', call, async (run) => {
      const { url, products } = await this.catalogue.fetchProducts();
      run.sourceUrl = url;
      return (finishedAt) => this.store.products.sync(products, { ...run, finishedAt });
    });
  }

  syncCustomers(call: ServiceCall): Promise<SyncResult> {
    return this.sync('customers', call, async (run) => {
      const { url, customers } = await this.crm.fetchCustomers();
      run.sourceUrl = url;
      return (finishedAt) => this.store.customers.sync(customers, { ...run, finishedAt });
    });
  }

  /**
   * Fetch (validated whole), then upsert in one transaction with the run's record; a failure
   * changes no row, is recorded as a failed run and is thrown on (an incident).
   */
  private async sync(kind: SyncKind, call: ServiceCall, fetch: (run: RunDraft) => Promise<(finishedAt: string) => Promise<SyncCounts>>): Promise<SyncResult> {
    // Services run at least once across a recover: a run that already committed is not redone.
    const done = await this.store.syncRuns.findSucceeded(call.processInstanceId, call.executionId);
    if (done) return { syncRunId: done.id, fetched: done.fetched, added: done.added, changed: done.changed, unchanged: done.unchanged };
    const run: RunDraft = {
      id: crypto.randomUUID(),
      kind,
      processInstanceId: call.processInstanceId,
      executionId: call.executionId,
      sourceUrl: null,
      startedAt: this.clock.now().toISOString(),
    };
    try {
      const write = await fetch(run);
      const counts = await write(this.clock.now().toISOString());
      this.logger.info(`${kind} synced`, { ...counts, source: run.sourceUrl });
      return { syncRunId: run.id, ...counts };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`${kind} sync failed: ${message}`);
      await this.store.syncRuns
        .recordFailure({ ...run, status: 'failed', finishedAt: this.clock.now().toISOString(), fetched: 0, added: 0, changed: 0, unchanged: 0, error: message })
        .catch((recordErr: unknown) => this.logger.error('could not record the failed sync run', { error: String(recordErr) }));
      throw err;
    }
  }
}

interface RunDraft {
  id: string;
  kind: SyncKind;
  processInstanceId: string;
  executionId: string;
  sourceUrl: string | null;
  startedAt: string;
}
