// Every page of the app: its path, its title, its entry in the navigation and who sees it there.
import type { PageContext } from './context';
import { catalogueSyncPage } from './pages/catalogue-page';
import { cockpitPage } from './pages/cockpit-page';
import { definitionPage, definitionsPage } from './pages/definitions-page';
import { gameServersPage } from './pages/game-servers-page';
import { instancePage } from './pages/instance-page';
import { instancesPage } from './pages/instances-page';
import { orderPage, ordersPage } from './pages/orders-page';
import { schedulerPage } from './pages/scheduler-page';
import { tasksPage } from './pages/tasks-page';

export interface Route {
  path: string;
  title: string;
  /** Label in the navigation; pages without one are reached by links. */
  nav?: string;
  /** Shown in the navigation only to these groups (everyone when absent). */
  groups?: string[];
  page(ctx: PageContext): Promise<void>;
}

export const routes: Route[] = [
  { path: '/tasks', title: 'Tasks', nav: 'Tasks', page: tasksPage },
  { path: '/cockpit', title: 'Cockpit', nav: 'Cockpit', groups: ['admin'], page: cockpitPage },
  { path: '/definitions', title: 'Definitions', nav: 'Definitions', groups: ['admin'], page: definitionsPage },
  { path: '/definitions/:key', title: 'Definition', page: definitionPage },
  { path: '/instances', title: 'Instances', nav: 'Instances', page: instancesPage },
  { path: '/instances/:id', title: 'Instance', page: instancePage },
  { path: '/orders', title: 'Orders', nav: 'Orders', groups: ['admin', 'supplier', 'client'], page: ordersPage },
  { path: '/orders/:id', title: 'Order', page: orderPage },
  { path: '/game-servers', title: 'Game servers', nav: 'Game servers', groups: ['admin', 'ops'], page: gameServersPage },
  { path: '/products', title: 'Products', nav: 'Products', groups: ['admin', 'sales'], page: (ctx) => catalogueSyncPage(ctx, 'products') },
  { path: '/customers', title: 'Customers', nav: 'Customers', groups: ['admin', 'sales'], page: (ctx) => catalogueSyncPage(ctx, 'customers') },
  { path: '/scheduler', title: 'Scheduler', nav: 'Scheduler', groups: ['admin'], page: schedulerPage },
];
