/**
 * Global setup of the slow set: packages each stage its suites read once, two at a time (the CI
 * machine has two cores), before any suite starts, so no two suites package the same stage.
 */
import { packaged, slowSetPackagings } from './helpers/packaged';
import { runAll } from './helpers/run-all';

export default async function packageSlowSetStages(): Promise<void> {
  await runAll(slowSetPackagings(), 2, async (request) => {
    try {
      await packaged(request);
    } catch (error) {
      // A path choice the stage cannot make: npm run conform reports it when it packages again.
      if (!request.mayRefuse) throw error;
    }
  });
}
