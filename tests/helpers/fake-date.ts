/**
 * Fakes only `Date` (from `now`): timers, HTTP and the event loop run as usual, so the SDK in the
 * function and the local endpoint's world clock (real time plus an offset) move together when a
 * test advances time with `jest.setSystemTime`.
 */
export function fakeDateOnly(now: number): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
