// The service tasks of processes/catalogue-sync.bpmn and processes/crm-sync.bpmn. A failed fetch
// or an answer of the wrong shape throws a plain Error: the instance stays at the task with an
// incident, and nothing was written.
import type { ServiceRegistry } from '../../engine/service-registry';
import type { CatalogueService } from './catalogue-service';

export const CATALOGUE_TOPICS = {
  syncProducts: 'catalogue.sync-products',
  syncCustomers: 'crm.sync-customers',
} as const;

export function registerCatalogueHandlers(services: ServiceRegistry, catalogue: CatalogueService): void {
  services.register(CATALOGUE_TOPICS.syncProducts, async (call) => ({ ...(await catalogue.syncProducts(call)) }));
  services.register(CATALOGUE_TOPICS.syncCustomers, async (call) => ({ ...(await catalogue.syncCustomers(call)) }));
}
