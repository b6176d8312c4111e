import { Migration20261203000000_initial } from './Migration20261203000000_initial';

/** Every migration, in order; listed explicitly so compiled and source runs agree. */
export const migrationsList = [
  { name: 'Migration20261203000000_initial', class: Migration20261203000000_initial },
];
