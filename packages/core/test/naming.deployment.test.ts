import { ValidationError } from '../src/errors';
import { deploymentPipelineName, deploymentProjectName, parseManifestKey } from '../src/naming';
import { DeploymentComponent } from '../src/vocabulary';

describe('deployment pipeline names', () => {
  it('names the pipeline and its build project after the environment', () => {
    expect(deploymentPipelineName('dev')).toBe('dev-components-deployment-pipeline');
    expect(deploymentProjectName('dev')).toBe('dev-components-deployment');
  });

  it('stays within the CodePipeline limit of 100 characters for the longest environment name', () => {
    const longest = `a${'b'.repeat(19)}`;
    expect(deploymentPipelineName(longest).length).toBeLessThanOrEqual(100);
    expect(deploymentProjectName(longest).length).toBeLessThanOrEqual(255);
  });

  it('refuses an invalid environment name', () => {
    expect(() => deploymentPipelineName('Dev')).toThrow(ValidationError);
    expect(() => deploymentProjectName('1dev')).toThrow(ValidationError);
  });
});

describe('DeploymentComponent', () => {
  it('names each manifest kind parseManifestKey returns', () => {
    expect(parseManifestKey('parcel_registered/1/deploy.json')?.kind).toBe(DeploymentComponent.PRODUCER);
    expect(parseManifestKey('parcel_registered/1/abcdefghij12/deploy.json')?.kind).toBe(
      DeploymentComponent.CONSUMER,
    );
  });
});
