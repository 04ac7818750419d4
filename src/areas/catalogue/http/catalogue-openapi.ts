// The catalogue and CRM area's routes in the OpenAPI description.
import { named, tagged, type OpenApiPaths } from '../../../http/openapi';
import * as s from '../../../http/schemas';
import * as m from './catalogue-schemas';

named('Product', m.productSchema);
named('Customer', m.customerSchema);
named('SyncRun', m.syncRunSchema);

export const cataloguePaths: OpenApiPaths = tagged('Catalogue', {
  '/api/products': {
    get: {
      id: 'listProducts',
      summary: 'The local copy of the catalogue (group sales), ?q= searches',
      query: m.searchQuery,
      ok: [200, s.listOf(m.productSchema)],
    },
    delete: { id: 'clearProducts', summary: 'Empty the local product copy', ok: [204, null] },
  },
  '/api/products/sync': { post: { id: 'syncProducts', summary: 'Sync products now (starts catalogueSync)', ok: [202, s.startedSchema], errors: [404] } },
  '/api/customers': {
    get: {
      id: 'listCustomers',
      summary: 'The local copy of the CRM (group sales), ?q= searches',
      query: m.searchQuery,
      ok: [200, s.listOf(m.customerSchema)],
    },
    delete: { id: 'clearCustomers', summary: 'Empty the local customer copy', ok: [204, null] },
  },
  '/api/customers/sync': { post: { id: 'syncCustomers', summary: 'Sync customers now (starts crmSync)', ok: [202, s.startedSchema], errors: [404] } },
  '/api/sync-runs': {
    get: {
      id: 'listSyncRuns',
      summary: 'What each catalogue or CRM sync did, newest first',
      query: m.syncRunQuery,
      ok: [200, s.listOf(m.syncRunSchema)],
    },
  },
});
