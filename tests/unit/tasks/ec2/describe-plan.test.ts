import { chunk, describeCalls } from '../../../../handlers/tasks/ec2/describe-plan';
import { FilterLimitError } from '../../../../handlers/tasks/ec2/errors';
import { CONTROL_TAG } from '../../../helpers/config';
import { instanceIds } from '../../../helpers/instances';

const names = (count: number) => Array.from({ length: count }, (_, i) => `web-${i}`);

describe('Function: chunk', () => {
  it.each([0, -4, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses size %p, which would never advance or never end',
    (size) => {
      // Act
      const split = () => chunk(['a', 'b'], size);

      // Assess
      expect(split).toThrow(RangeError);
    },
  );

  it('splits into consecutive slices of the size, the last one shorter', () => {
    // Act
    const slices = chunk([1, 2, 3, 4, 5], 2);

    // Assess
    expect(slices).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('Function: describeCalls', () => {
  it('throws FilterLimitError when no instance ID fits beside the other filters', () => {
    // Prepare: 196 values + 4 states leave no room for an ID
    const selector = {
      instanceIds: instanceIds(1),
      tags: { Name: names(196) },
      controlTag: CONTROL_TAG,
    };

    // Act
    const plan = () => describeCalls(selector);

    // Assess
    expect(plan).toThrow(FilterLimitError);
  });

  it('spreads IDs over calls of exactly the room left, every call at most 200 values', () => {
    // Prepare: 190 + 4 values leave 6 IDs per call
    const selector = {
      instanceIds: instanceIds(20),
      tags: { Name: names(190) },
      controlTag: CONTROL_TAG,
    };

    // Act
    const calls = describeCalls(selector);

    // Assess
    const sizes = calls.map((filters) => filters.flatMap((f) => f.Values ?? []).length);
    expect(sizes).toEqual([200, 200, 200, 196]);
  });

  it('makes no call when the request names the control key without its value', () => {
    // Act
    const calls = describeCalls({
      tags: { [CONTROL_TAG.key]: ['false'] },
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(calls).toEqual([]);
  });
});
