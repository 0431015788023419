// A local stand-in for Resend's API, for `npm run dev:worker` without RESEND_API_KEY: it takes
// what the real SDK sends (POST /emails), answers as Resend does, and shows the mail at / (newest
// first, each with its links) and /emails.json. Development only: it keeps mail in memory.
import { createServer, type Server } from 'node:http';

interface StoredMail {
  id: string;
  receivedAt: string;
  from?: string;
  to?: string | string[];
  subject?: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
}

const escape = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

export function startResendStandIn(port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const mails: StoredMail[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === '/emails') {
        let mail: StoredMail;
        try {
          mail = { ...JSON.parse(body), id: `local-${mails.length + 1}`, receivedAt: new Date().toISOString() };
        } catch {
          res.writeHead(422, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ statusCode: 422, name: 'validation_error', message: 'The body is not JSON.' }));
        }
        mails.unshift(mail);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ id: mail.id }));
      }
      if (req.method === 'GET' && path === '/emails.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify(mails));
      }
      if (req.method === 'GET' && path === '/') {
        const items = mails
          .map((mail) => {
            const text = escape(mail.text ?? '').replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
            return `<article><h2>${escape(mail.subject ?? '')}</h2><p>To ${escape([mail.to ?? ''].flat().join(', '))}, ${escape(mail.receivedAt)}</p><pre>${text}</pre></article>`;
          })
          .join('');
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Mail sent to the Resend stand-in</title><h1>Mail sent to the Resend stand-in</h1>${items || '<p>No mail yet.</p>'}</html>`);
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 404, name: 'not_found', message: `No route ${req.method} ${path}` }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${(server.address() as { port: number }).port}` }));
  });
}
