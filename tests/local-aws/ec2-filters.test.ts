import { escapeFilterValue } from '../../handlers/tasks/ec2/limits';
import { compileFilters } from '../../scripts/local-aws/ec2-filters';
import type { InstanceView } from '../../scripts/local-aws/instances';

function taggedName(value: string): InstanceView {
  return { tags: [{ key: 'Name', value }] } as unknown as InstanceView;
}

const matches = (filterValue: string, tagValue: string) =>
  compileFilters([{ name: 'tag:Name', values: [filterValue] }])(taggedName(tagValue));

describe('Function: compileFilters (wildcards and escapes)', () => {
  it.each([
    ['web-*', 'web-1', true],
    ['web-?', 'web-12', false],
    ['web-\\*', 'web-*', true],
    ['web-\\*', 'web-1', false],
    ['a\\?c', 'abc', false],
    ['a\\\\b', 'a\\b', true],
    ['(x)+[y]', '(x)+[y]', true],
  ])('matches %s against %s: %s', (filterValue, tagValue, expected) => {
    // Act
    const matched = matches(filterValue, tagValue);

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches an escaped value exactly and only itself, as the function sends it', () => {
    // Prepare
    const literal = 'w*b?\\x';
    const escaped = escapeFilterValue(literal);

    // Act
    const results = [literal, 'wXXbY\\x', 'w*b?x'].map((tag) => matches(escaped, tag));

    // Assess
    expect(results).toEqual([true, false, false]);
  });
});
