// A simulated CRM: `GET /api/data` answers an array of customers as the real one does.
import { DataFeedSimulator } from './data-feed-simulator';

export interface CrmCustomer {
  firstName: string;
  lastName: string;
  fidelityPoint: number;
  payment: string;
  account: string;
}

export const DEMO_CUSTOMERS: CrmCustomer[] = [
  { firstName: 'Camille', lastName: 'Durand', fidelityPoint: 120, payment: 'carte', account: 'ACC-1001' },
  { firstName: 'Hugo', lastName: 'Martin', fidelityPoint: 45, payment: 'virement', account: 'ACC-1002' },
  { firstName: 'Léa', lastName: 'Bernard', fidelityPoint: 300, payment: 'carte', account: 'ACC-1003' },
  { firstName: 'Nathan', lastName: 'Petit', fidelityPoint: 0, payment: 'paypal', account: 'ACC-1004' },
];

export class CrmSimulator extends DataFeedSimulator<CrmCustomer> {
  static start(customers: CrmCustomer[] = DEMO_CUSTOMERS): Promise<CrmSimulator> {
    return DataFeedSimulator.listen(
      (http) =>
        new CrmSimulator(
          http,
          customers.map((x) => ({ ...x })),
          (items) => items,
        ),
    );
  }

  get customers(): CrmCustomer[] {
    return this.items;
  }

  set customers(value: CrmCustomer[]) {
    this.items = value;
  }
}
