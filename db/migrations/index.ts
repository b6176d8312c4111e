import { Migration20261203000000_initial } from './Migration20261203000000_initial';
import { Migration20261203120000_major_hazards } from './Migration20261203120000_major_hazards';
import { Migration20261203150000_inspections } from './Migration20261203150000_inspections';

/** Every migration, in order; listed explicitly so compiled and source runs agree. */
export const migrationsList = [
  { name: 'Migration20261203000000_initial', class: Migration20261203000000_initial },
  { name: 'Migration20261203120000_major_hazards', class: Migration20261203120000_major_hazards },
  { name: 'Migration20261203150000_inspections', class: Migration20261203150000_inspections },
];
