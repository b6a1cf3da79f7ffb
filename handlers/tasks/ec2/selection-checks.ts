/**
 * Checks a parsed selection against what its DescribeInstances calls will carry, counting the
 * filters the function adds itself (the control tag, the instance states, an ID chunk), so that
 * an accepted request never meets FilterLimitExceeded at run time and can never match nothing
 * by construction without saying so.
 */
import type { Problem } from '../../formats/problems';
import { countFilterValues, type DescribeSelector, sharedFilters } from './describe-plan';
import { MAX_FILTER_VALUES_PER_CALL } from './limits';
import { countTagValues } from './tag-selector';

export function selectionProblems(selector: DescribeSelector): Problem[] {
  const problems: Problem[] = [];
  const { key, value } = selector.controlTag;
  const named = selector.tags?.[key];
  if (!selector.instanceIds && named !== undefined && !named.includes(value)) {
    problems.push({
      field: `tags.${key}`,
      message: `without instanceIds the control tag ${key}=${value} is always part of a tag selection, so this can match nothing; list "${value}" or drop the key`,
    });
  }
  const idValues = selector.instanceIds ? 1 : 0;
  const total = countFilterValues(sharedFilters(selector)) + idValues;
  if (selector.tags && total > MAX_FILTER_VALUES_PER_CALL) {
    const requested = countTagValues(selector.tags);
    const allowed = requested - (total - MAX_FILTER_VALUES_PER_CALL);
    problems.push({
      field: 'tags',
      message: `names ${requested} tag values; with the values this function adds (the control tag, the 4 selectable instance states${idValues ? ', at least one instance ID' : ''}) one DescribeInstances call would carry ${total}, more than the ${MAX_FILTER_VALUES_PER_CALL} EC2 accepts; name at most ${allowed} tag values`,
    });
  }
  return problems;
}
