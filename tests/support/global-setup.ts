import type { TestProject } from 'vitest/node';
import { startLocalStores } from '../../tools/local-stage/stores.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const stores = await startLocalStores();
  project.provide('dynamoEndpoint', stores.dynamoEndpoint);
  project.provide('s3Endpoint', stores.s3Endpoint);
  return () => stores.close();
}
