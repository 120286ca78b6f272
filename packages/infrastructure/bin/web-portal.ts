import { InfrastructureInputError } from '../src/errors';
import { buildWebPortalApp } from '../src/web-portal-app';

try {
  buildWebPortalApp().app.synth();
} catch (error) {
  if (!(error instanceof InfrastructureInputError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
