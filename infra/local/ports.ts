import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the OS picks it for a throwaway listener, which is then closed.
 * Another process could take it before the caller binds it; for a local runtime and tests that race is acceptable.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: the listener has no TCP address'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
