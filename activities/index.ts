import type { Orm } from '../db/orm';
import { notifyAssessor, recordAssessment } from './assessment';
import {
  announceInspectionDue,
  recordEnterpriseEvent,
  sendInspectionEscalation,
} from './inspection';
import { Mailer } from './mailer';
import { recordTransition } from './record-transition';
import { sendEscalation } from './send-escalation';
import type { HazardActivities } from './types';

export interface ActivityDeps {
  orm: Orm;
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
}

/** Builds the activities from their dependencies; each call works in its own EntityManager. */
export function createActivities(deps: ActivityDeps): HazardActivities {
  const em = () => deps.orm.em.fork();
  return {
    recordTransition: (record) => recordTransition(em(), record),
    sendEscalation: (request) => sendEscalation(em(), deps, request),
    recordAssessment: (record) => recordAssessment(em(), record),
    notifyAssessor: (request) => notifyAssessor(em(), deps, request),
    recordEnterpriseEvent: (record) => recordEnterpriseEvent(em(), record),
    announceInspectionDue: (due) => announceInspectionDue(em(), deps, due),
    sendInspectionEscalation: (request) => sendInspectionEscalation(em(), deps, request),
  };
}
