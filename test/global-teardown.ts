import { cleanUpTestServers } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await cleanUpTestServers();
}
