import { ManualClock } from '../../scripts/local-aws';
import { TokenBucket } from '../../scripts/local-aws/token-bucket';

describe('TokenBucket', () => {
  it('starts full, refuses when empty and refills at its rate up to capacity', () => {
    // Prepare
    const clock = new ManualClock(0);
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 2 }, clock);

    // Act
    const firstFive = Array.from({ length: 5 }, () => bucket.tryTake());
    const sixth = bucket.tryTake();
    clock.advance(500);
    const afterHalfSecond = bucket.tryTake();
    clock.advance(60_000);

    // Assess
    expect(firstFive).toEqual([true, true, true, true, true]);
    expect(sixth).toBe(false);
    expect(afterHalfSecond).toBe(true);
    expect(bucket.available()).toBe(5);
  });

  it('takes several tokens only when all are there', () => {
    // Prepare
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 0 }, new ManualClock(0));

    // Act
    const tooMany = bucket.tryTake(4);
    const three = bucket.tryTake(3);

    // Assess
    expect([tooMany, three, bucket.available()]).toEqual([false, true, 0]);
  });
});
