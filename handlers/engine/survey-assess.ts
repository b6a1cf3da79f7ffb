/**
 * Step Functions engine, the survey's summary (the AssessSurvey state, run by the engineSummarise
 * function): the run's guard over every batch's count. It returns the plan with its `guard`
 * decided and its `work` items approved, or none when the run is refused.
 */
import { logger } from '../aws/runtime';
import { SchedulerError } from '../formats/scheduler-error';
import type { Plan } from './plan';
import { groupedResults } from './report';
import { assessSurvey, type SurveyReport } from './survey-report';

export interface AssessSurveyInput {
  phase: 'survey';
  plan: Plan;
  /** The Map's results, one per child: its group's surveys and caught failures, or null / {Error, Cause}. */
  results: unknown[];
  /** The Map's items: the plan's batches cut into groups, in the order of `results`. */
  items?: Array<Array<{ batch: number }>>;
}

/** The state was reached with a plan that needs no survey (or was assessed already). */
export class GuardNotPendingError extends SchedulerError {
  constructor(readonly verdict: string) {
    super(
      'GuardNotPendingError',
      `AssessSurvey needs the plan's guard in verdict "pending" (a start or stop that acts); it is "${verdict}"`,
    );
  }
}

export function assessSurveyState(event: AssessSurveyInput): Plan {
  const { guard } = event.plan;
  if (guard.verdict !== 'pending') throw new GuardNotPendingError(guard.verdict);
  const { verdict, ...inputs } = guard;
  const decided = assessSurvey(inputs, groupedResults<SurveyReport>(event.results, event.items));
  const fields = { guard: decided.guard, workItems: decided.work.length };
  if (decided.guard.verdict === 'refused')
    logger.warn('run refused by the blast-radius guard', fields);
  else logger.info('run accepted by the blast-radius guard', fields);
  return { ...event.plan, ...decided };
}
