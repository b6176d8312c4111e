import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/hazard';
import type { Policy } from '../domain/policy';
import type { Tier } from '../domain/risk';

/** The contract between the API and the worker for enterprises' inspection cycles. */
export function inspectionCycleWorkflowId(enterpriseId: string): string {
  return `inspection-cycle/${enterpriseId}`;
}

export interface InspectionCycleInput {
  enterpriseId: string;
  departmentId: string;
  tier: Tier;
  lastInspectionAt: number | null;
  paused: boolean;
  /** Where fixed-length test periods are counted from; calendar periods ignore it. */
  anchor: number;
  /** 1 for the first run, one more after each continue-as-new. */
  cycle: number;
  /** An override in force, carried across continue-as-new. */
  override?: { until: number; fallback: Tier } | null;
  policy: Policy;
}

export interface CycleState {
  enterpriseId: string;
  tier: Tier;
  paused: boolean;
  lastInspectionAt: number | null;
  window: { start: number; end: number } | null;
  rung: number | null;
  cycle: number;
}

/** A new tier; an override's `until` and `fallback` say when and to what it lapses. */
export interface TierChange {
  tier: Tier;
  reason: string;
  actor: Actor;
  until?: number;
  fallback?: Tier;
}

export const changeTierUpdate = defineUpdate<CycleState, [TierChange]>('changeTier');
export const inspectionRecordedUpdate = defineUpdate<
  CycleState,
  [{ inspectionId: string; inspectedAt: number; actor: Actor }]
>('inspectionRecorded');
export const setPausedUpdate = defineUpdate<
  CycleState,
  [{ paused: boolean; reason: string; actor: Actor }]
>('setPaused');
export const cycleStateQuery = defineQuery<CycleState>('cycleState');
