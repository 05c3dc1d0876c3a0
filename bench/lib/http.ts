import { request } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP request on a new connection from `localAddress` (a loopback address of its own: the API sees it as the
 * client's source IP, so per-client rate limits count each simulated citizen apart, as they would on AWS).
 */
export const send = (
  url: string,
  options: { method: string; body?: string; headers?: Record<string, string>; localAddress?: string },
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method,
        agent: false,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: {
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
