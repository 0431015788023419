// An HTTP client that reports what travelled: fetch() decompresses bodies and hides their size,
// so tests that count transferred bytes or check Content-Encoding use node:http directly.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as sent, still compressed. */
  body: Buffer;
  /** Status line and header bytes, as a browser's "transferred" figure counts them too. */
  headerBytes: number;
  /** The body decoded (brotli or gzip undone), as UTF-8 text. */
  text(): string;
}

export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers: Record<string, string> = {};
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          headers[res.rawHeaders[i]!.toLowerCase()] = res.rawHeaders[i + 1]!;
          headerBytes += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
        }
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers, body, headerBytes, text: () => decode(body, headers['content-encoding']) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function decode(body: Buffer, coding: string | undefined): string {
  if (coding === 'br') return brotliDecompressSync(body).toString('utf8');
  if (coding === 'gzip') return gunzipSync(body).toString('utf8');
  return body.toString('utf8');
}
