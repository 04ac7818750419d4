// The catalogue and CRM area's routes in the OpenAPI description.
import type { OpenApiPaths } from '../../../http/openapi';
import * as s from '../../../http/schemas';
import * as m from './catalogue-schemas';

export const cataloguePaths: OpenApiPaths = {
  '/api/products': {
    get: { summary: 'The local copy of the catalogue (group sales), ?q= searches', query: m.searchQuery, ok: [200, s.listOf(m.productSchema)] },
    delete: { summary: 'Empty the local product copy', ok: [204, null] },
  },
  '/api/products/sync': { post: { summary: 'Sync products now (starts catalogueSync)', ok: [202, s.startedSchema], errors: [404] } },
  '/api/customers': {
    get: { summary: 'The local copy of the CRM (group sales), ?q= searches', query: m.searchQuery, ok: [200, s.listOf(m.customerSchema)] },
    delete: { summary: 'Empty the local customer copy', ok: [204, null] },
  },
  '/api/customers/sync': { post: { summary: 'Sync customers now (starts crmSync)', ok: [202, s.startedSchema], errors: [404] } },
  '/api/sync-runs': { get: { summary: 'What each catalogue or CRM sync did, newest first', query: m.syncRunQuery, ok: [200, s.listOf(m.syncRunSchema)] } },
};
