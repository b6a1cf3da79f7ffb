/**
 * Snooze values written to hold a stop off longer than MAX_SNOOZE_DAYS: offsets at the edge of the
 * format or beyond it, the `24:00` end of a day, fractions of a second past the cap, leap seconds,
 * other digits and lower-case zones. Whatever the text, an honoured snooze ends at most
 * MAX_SNOOZE_DAYS after now, and a value the reader cannot pin to one instant is not honoured.
 */
import { MAX_SNOOZE_DAYS, readSnooze } from '../../../handlers/core/resource-rules';

const NOW = Date.parse('2026-12-07T00:00:00Z');
const CAP_MS = MAX_SNOOZE_DAYS * 86_400_000;

const HOSTILE = [
  '2027-01-06T23:00:00+23:59',
  '2027-01-06T00:00:00-23:59',
  '2027-01-06T00:00:00-99:99',
  '2027-01-06T00:00:00+24:00',
  '2027-01-05T24:00:00Z',
  '2027-01-05T24:00:00-23:59',
  '2027-01-06T00:00:00.001Z',
  '2027-01-06T00:00:00.999-00:00',
  '2027-01-05T23:59:60Z',
  '2027-01-05T23:59:59.9999Z',
  '2027-01-05t23:00:00z',
  '2027-01-05T23:00:00+0100',
  '+02027-01-05T23:00:00Z',
  '2027-01-05T23:00:00Z ',
  ' 2027-01-05T23:00:00Z',
  '2027-01-05T23:00:00Z\n2099-01-01T00:00:00Z',
  '２０２７-01-05T23:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-12-07T00:00:00Z',
];

describe('Function: readSnooze, hostile values', () => {
  it.each(HOSTILE)('never holds a stop off past the cap: %j', (value) => {
    // Act
    const reading = readSnooze(value, NOW);

    // Assess
    if (reading.status === 'active') {
      const until = Date.parse(reading.until);
      expect(until).toBeGreaterThan(NOW);
      expect(until - NOW).toBeLessThanOrEqual(CAP_MS);
    } else {
      expect(['expired', 'unparsable', 'too-distant']).toContain(reading.status);
    }
  });

  it('reads an offset at the edge of a day as the instant it names, not as a later one', () => {
    // Act: 23:00 at +23:59 is 23:01 the day before in UTC.
    const reading = readSnooze('2027-01-06T23:00:00+23:59', NOW);

    // Assess
    expect(reading).toEqual({ status: 'active', until: '2027-01-05T23:01:00.000Z' });
  });
});
