import { runProducerApp } from '../src/app';

runProducerApp().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
