export { hazardCase } from './hazard-case';
