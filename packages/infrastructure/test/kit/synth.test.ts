import { cdkSynthArguments } from '../../src/kit/synth';

describe('cdkSynthArguments', () => {
  it('synthesizes quietly, offline, with every context pair in order, into the output directory', () => {
    expect(cdkSynthArguments({ environment: 'dev', account: '000000000000' }, 'cdk.out/dev')).toEqual([
      'synth',
      '--quiet',
      '--no-notices',
      '--no-version-reporting',
      '-c',
      'environment=dev',
      '-c',
      'account=000000000000',
      '-o',
      'cdk.out/dev',
    ]);
  });
});
