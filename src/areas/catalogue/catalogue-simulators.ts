// The built-in stand-ins for the catalogue and the CRM, for a first run with nothing configured.
import { CatalogueSimulator } from '../../connectors/simulators/catalogue-simulator';
import { CrmSimulator } from '../../connectors/simulators/crm-simulator';

export class CatalogueSimulators {
  private constructor(
    readonly catalogue: CatalogueSimulator,
    readonly crm: CrmSimulator,
  ) {}

  static async start(): Promise<CatalogueSimulators> {
    return new CatalogueSimulators(await CatalogueSimulator.start(), await CrmSimulator.start());
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.catalogue.close(), this.crm.close()]);
  }
}
