import { runInfrastructureApp } from '../src/app';

runInfrastructureApp();
