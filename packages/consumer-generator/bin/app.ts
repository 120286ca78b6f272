import { runConsumerApp } from '../src/app';

runConsumerApp().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
