export { hazardCase } from './hazard-case';
export { thirdPartyAssessment } from './third-party-assessment';
export { inspectionCycle } from './inspection-cycle';
