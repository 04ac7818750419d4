// The catalogue and CRM area (docs/catalogue-crm.md): products and customers pulled on schedules
// by processes/catalogue-sync.bpmn and crm-sync.bpmn — its migration, stores, clients, the sync
// handlers, the use cases, /api/products, /api/customers, /api/sync-runs, its schedules and its
// simulators.
import { CatalogueClient } from '../../connectors/catalogue-client';
import { CrmClient } from '../../connectors/crm-client';
import type { AreaModule, RunningArea } from '../area';
import { registerCatalogueHandlers } from './catalogue-handlers';
import { CATALOGUE_SYNC_PROCESS, CatalogueService, CRM_SYNC_PROCESS } from './catalogue-service';
import { CatalogueSimulators } from './catalogue-simulators';
import { CustomerStore } from './customer-store';
import { cataloguePaths } from './http/catalogue-openapi';
import { catalogueRoutes } from './http/catalogue-routes';
import * as catalogueMigration from './migrations/20261123000006_catalogue_and_crm';
import { ProductStore } from './product-store';
import { SyncRunStore } from './sync-run-store';

export interface CatalogueArea extends RunningArea {
  catalogue: CatalogueService;
}

export const catalogueArea: AreaModule<CatalogueArea> = {
  name: 'catalogue',
  migrations: { '20261123000006_catalogue_and_crm': catalogueMigration },
  schedules: (config) => [
    { name: 'catalogue-sync', processKey: CATALOGUE_SYNC_PROCESS, recurrence: config.catalogueSyncCycle },
    { name: 'crm-sync', processKey: CRM_SYNC_PROCESS, recurrence: config.crmSyncCycle },
  ],
  create({ config, db, starts, services, clock, logger }) {
    const log = logger.child({ area: 'catalogue' });
    // Where the outside systems are; the simulators replace the unconfigured ones when they start.
    const endpoints = { catalogue: config.catalogueUrl, crm: config.crmUrl };
    const stores = { products: new ProductStore(db.knex), customers: new CustomerStore(db.knex), syncRuns: new SyncRunStore(db.knex) };
    const catalogue = new CatalogueService(
      stores,
      starts,
      clock,
      new CatalogueClient(() => endpoints.catalogue, config.syncTimeoutMs),
      new CrmClient(() => endpoints.crm, config.syncTimeoutMs),
      log,
    );
    registerCatalogueHandlers(services, catalogue);
    let simulators: CatalogueSimulators | undefined;
    return {
      name: 'catalogue',
      catalogue,
      http: { api: (ctx) => catalogueRoutes(ctx, catalogue), openapi: cataloguePaths },
      async startSimulators() {
        if (simulators) return;
        simulators = await CatalogueSimulators.start();
        const replaced: string[] = [];
        if (!config.catalogueUrl) {
          endpoints.catalogue = simulators.catalogue.url;
          replaced.push(`catalogue ${simulators.catalogue.url}`);
        }
        if (!config.crmUrl) {
          endpoints.crm = simulators.crm.url;
          replaced.push(`CRM ${simulators.crm.url}`);
        }
        // A first sync at once, so that a newcomer sees data before the first schedule fires.
        const first = await Promise.allSettled([catalogue.startSync('products', null), catalogue.startSync('customers', null)]);
        for (const r of first) if (r.status === 'rejected') log.warn(`first sync against the simulators did not start: ${String(r.reason)}`);
        log.info(
          `built-in simulators started (${replaced.join('; ') || 'none used: both systems are configured'}). ` +
            'Set PROCFLOW_CATALOGUE_URL and PROCFLOW_CRM_URL (or PROCFLOW_SIMULATORS=off) to use real systems.',
        );
      },
      async close() {
        await simulators?.close();
        simulators = undefined;
      },
    };
  },
};
