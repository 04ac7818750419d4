// A simulated product catalogue: `GET /api/data` answers `{"produits": [...]}` as the real one does.
import { DataFeedSimulator } from './data-feed-simulator';

export interface CatalogueProduct {
  id: number | string;
  codeProduit: string;
  descriptionProduit: string;
  familleProduit: string;
  packaging: string;
  prix: number;
  quantiteMin: number;
}

export const DEMO_PRODUCTS: CatalogueProduct[] = [
  {
    id: 1,
    codeProduit: 'CAF-001',
    descriptionProduit: 'Café arabica en grains',
    familleProduit: 'Boissons',
    packaging: 'Sac 1 kg',
    prix: 18.9,
    quantiteMin: 1,
  },
  { id: 2, codeProduit: 'CAF-002', descriptionProduit: 'Café moulu robusta', familleProduit: 'Boissons', packaging: 'Paquet 250 g', prix: 4.5, quantiteMin: 4 },
  { id: 3, codeProduit: 'THE-010', descriptionProduit: 'Thé vert sencha', familleProduit: 'Boissons', packaging: 'Boîte 100 g', prix: 7.2, quantiteMin: 2 },
  {
    id: 4,
    codeProduit: 'BIS-100',
    descriptionProduit: 'Biscuits au beurre',
    familleProduit: 'Épicerie',
    packaging: 'Carton 24 paquets',
    prix: 36,
    quantiteMin: 1,
  },
  { id: 5, codeProduit: 'SUC-020', descriptionProduit: 'Sucre en morceaux', familleProduit: 'Épicerie', packaging: 'Boîte 1 kg', prix: 2.3, quantiteMin: 10 },
];

export class CatalogueSimulator extends DataFeedSimulator<CatalogueProduct> {
  static start(products: CatalogueProduct[] = DEMO_PRODUCTS): Promise<CatalogueSimulator> {
    return DataFeedSimulator.listen(
      (http) =>
        new CatalogueSimulator(
          http,
          products.map((x) => ({ ...x })),
          (items) => ({ produits: items }),
        ),
    );
  }

  get products(): CatalogueProduct[] {
    return this.items;
  }

  set products(value: CatalogueProduct[]) {
    this.items = value;
  }
}
