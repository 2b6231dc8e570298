// `custom-scheduler run`: load the settings, start, and stop cleanly on SIGINT/SIGTERM
// (or exit 1 when the leader-election Lease is lost).
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startScheduler } from './scheduler.js';

export async function runCommand(argv: readonly string[]): Promise<number> {
  const loaded = loadConfig({ args: argv, env: process.env });
  if (!loaded.ok) {
    process.stderr.write(`custom-scheduler: ${loaded.error}\n`);
    return 2;
  }
  if (loaded.value.kind === 'help') {
    process.stdout.write(`${loaded.value.text}\n`);
    return 0;
  }
  const { config } = loaded.value;
  const log = createLogger({ level: config.logLevel, format: config.logFormat, isTTY: process.stdout.isTTY === true });
  let scheduler;
  try {
    scheduler = await startScheduler({ config, logger: log });
  } catch (err) {
    log.error('cannot start', { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }
  // A signal stops the scheduler cleanly (exit 0). A lost lease ends it too, with exit 1
  // like kube-scheduler: the Deployment restarts the pod, which campaigns afresh.
  const end = await Promise.race([
    new Promise<{ readonly signal: NodeJS.Signals }>((resolve) => {
      process.once('SIGINT', () => resolve({ signal: 'SIGINT' }));
      process.once('SIGTERM', () => resolve({ signal: 'SIGTERM' }));
    }),
    scheduler.leaseLost.then((reason) => ({ leaseLost: reason })),
  ]);
  log.info('stopping', end);
  await scheduler.stop();
  // Flush the last lines; never hang on a stuck stream.
  await log.flush();
  return 'leaseLost' in end ? 1 : 0;
}
