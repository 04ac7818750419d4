// The one list of business areas. The composition root creates them in this order (orders prices
// quotes from the catalogue's products); migrations, routes, OpenAPI paths, schedules and
// simulators are all taken from this list.
import type { Config } from '../config';
import type { Migrations } from '../store/database';
import type { AreaDeps } from './area';
import { catalogueArea, type CatalogueArea } from './catalogue';
import { gameServersArea, type GameServersArea } from './game-servers';
import { ordersArea, type OrdersArea } from './orders';

export const AREA_MODULES = [ordersArea, gameServersArea, catalogueArea] as const;

export interface Areas {
  orders: OrdersArea;
  gameServers: GameServersArea;
  catalogue: CatalogueArea;
  list: Array<OrdersArea | GameServersArea | CatalogueArea>;
}

export function areaMigrations(): Migrations {
  return Object.assign({}, ...AREA_MODULES.map((a) => a.migrations)) as Migrations;
}

/** The definition keys whose ended instances the areas keep. */
export function retainedDefinitions(): Set<string> {
  return new Set(AREA_MODULES.flatMap((a) => a.retains ?? []));
}

/** Every area's recurring process starts, with the cycles the configuration gives. */
export function defaultSchedules(config: Config) {
  return AREA_MODULES.flatMap((a) => a.schedules(config));
}

export function createAreas(deps: AreaDeps): Areas {
  const orders = ordersArea.create(deps);
  const gameServers = gameServersArea.create(deps);
  const catalogue = catalogueArea.create(deps);
  return { orders, gameServers, catalogue, list: [orders, gameServers, catalogue] };
}
