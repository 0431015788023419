// A stand-in for Resend's API that the server's real Resend SDK can send to during the bench:
// it answers POST /emails as Resend does and only counts, so a long run holds no mail in memory.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResendSink {
  url: string;
  /** Mails accepted so far. */
  received(): number;
  close(): Promise<void>;
}

export function startResendSink(): Promise<ResendSink> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const ok = req.method === 'POST' && req.url?.split('?')[0] === '/emails';
      if (ok) received++;
      res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(ok ? { id: randomUUID() } : { statusCode: 404, name: 'not_found', message: 'No such route' }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received: () => received,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
