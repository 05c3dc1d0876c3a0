import { request } from 'node:http';

/** The JSON body of a response, loosely typed: tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const json = async (response: Response): Promise<any> => response.json();

/** GET (or the given init) and parse the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const fetchJson = async (url: string, init?: RequestInit): Promise<any> => (await fetch(url, init)).json();

/** A whole answer read as text. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * An HTTP request sent from a given local address (a loopback address counts as its own client: public POSTs are
 * rate-limited per address), the whole answer read; without `ip`, from the default address.
 */
export const sendFrom = (
  ip: string | undefined,
  url: string,
  init: { method: string; body?: string | Buffer; headers?: Record<string, string> },
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: init.method,
        localAddress: ip,
        headers: {
          ...init.headers,
          ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
